"""The scorecard handout section, the survey charts and the scorecard notebook's shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from helpers.charts.survey import distribution_chart, gap_chart, levels_chart, radar
from helpers.report.scorecard import scorecard
from helpers.analysis.survey import empty_scores, filter_survey, score
from helpers.content.instrument import load_instrument
from helpers.engagement.survey import read_survey

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def instrument():
    return load_instrument()


@pytest.fixture(scope="module")
def survey(instrument):
    frame, _ = read_survey(FIXTURES / "survey_hand", instrument)
    return frame


@pytest.fixture(scope="module")
def results(survey, instrument):
    part, _ = score(survey, instrument)
    return dict(part, client="Hand Computed Ltd")


def test_section_shows_index_stage_table_and_disagreement(results):
    section = scorecard(results)
    assert section.title == "Alignment scorecard" and section.anchor == "scorecard" and section.present
    html = section.html()
    assert "72.7" in html and "Aligned" in html
    assert "<h3>Scores by dimension</h3>" in html
    # the customer row: score 75.0, sales 90.0, marketing 60.0, gap +30.0
    assert "<td>Customer knowledge and feedback loop</td><td>75.0</td><td>90.0</td><td>60.0</td><td>+30.0</td>" in html
    assert "too few respondents to tell" in html  # sales has 2 respondents
    assert "Leaders and staff" in html and "63.6" in html
    assert "Where the answers differ most" in html
    assert sum(isinstance(p, Figure) for p in section.parts) == 3  # radar, gap, levels


def test_one_team_section_says_comparison_impossible(survey, instrument):
    part, _ = score(filter_survey(survey, team="marketing"), instrument)
    html = scorecard(part).html()
    assert "comparison between sales and marketing is" in html and "impossible" in html
    assert "Gap (sales" not in html


def test_no_survey_is_one_line_saying_what_to_collect():
    section = scorecard(empty_scores())
    assert not section.present
    assert "No survey yet" in section.html()


def test_flagged_gaps_are_named(instrument):
    import numpy as np
    import pandas as pd

    ids = instrument.ids
    rev = np.array([s.reverse for s in instrument.statements])
    high = np.where(rev, 1, 5)
    low = np.where(rev, 5, 1)
    rows = [high] * 4 + [np.where(rev, 2, 4)] + [low] * 4 + [np.where(rev, 4, 2)]
    frame = pd.DataFrame(rows, columns=ids).astype(float)
    frame.insert(0, "level", pd.Series(["staff"] * 10, dtype="str"))
    frame.insert(0, "team", pd.Series(["sales"] * 5 + ["marketing"] * 5, dtype="str"))
    frame.insert(0, "respondent", pd.Series([f"R{i}" for i in range(10)], dtype="str"))
    part, _ = score(frame, instrument)
    html = scorecard(part).html()
    assert "larger than noise" in html and "Gaps larger than noise: Shared goals" in html


def test_statement_text_is_escaped(results):
    tampered = json.loads(json.dumps(results))
    tampered["statements"][0]["text"] = "<script>alert(1)</script>"
    tampered["statements"][0]["gap"] = 4.0
    html = scorecard(tampered).html()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_charts_return_figures(results):
    fig = radar(results)
    assert isinstance(fig, Figure)
    assert len(fig.axes[0].lines) == 2  # sales and marketing
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["Sales (n=2)", "Marketing (n=3)"]
    gap = gap_chart(results)
    assert len(gap.axes[0].patches) == 9  # overall + 8 dimensions
    dist = distribution_chart(results, ids=["goals_1", "goals_3"])
    assert len(dist.axes[0].patches) == 10  # 2 statements x 5 answers
    assert len(levels_chart(results).axes[0].patches) == 6  # leaders/staff x all, sales, marketing


def test_charts_without_data_say_so():
    empty = empty_scores()
    for chart in (radar, gap_chart, distribution_chart, levels_chart):
        fig = chart(empty)
        assert isinstance(fig, Figure) and fig.axes[0].texts


def test_notebook_is_parameterised_and_committed_without_outputs():
    nb = json.loads((ROOT / "notebooks" / "03_alignment_scorecard.ipynb").read_text())
    first = nb["cells"][0]
    assert "parameters" in first["metadata"]["tags"]
    source = "".join(first["source"])
    assert source.startswith('engagement: str = "../templates/demo/')
    default = source.split('"')[1]
    assert (ROOT / "notebooks" / default).is_dir()
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
