"""The scorecard handout section: index, stage, table by dimension, disagreement (charts: test_survey_charts)."""

from __future__ import annotations

import json

import pytest
from matplotlib.figure import Figure

from helpers.report.scorecard import scorecard
from helpers.analysis.survey import empty_scores, filter_survey, score
from helpers.content.instrument import INSTRUMENT_V1, load_instrument
from helpers.engagement.survey import read_survey
from tests.analysis.test_survey import tripled
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def instrument():
    return load_instrument(INSTRUMENT_V1)  # expectations worked out on version 1, which stays readable


@pytest.fixture(scope="module")
def survey(instrument):
    frame, _ = read_survey(FIXTURES / "survey/hand", instrument)
    return frame


@pytest.fixture(scope="module")
def results(survey, instrument):
    part, _ = score(tripled(survey), instrument, min_group=3)
    return dict(part, client="Hand Computed Ltd")


def test_section_shows_index_stage_table_and_disagreement(results):
    section = scorecard(results)
    assert section.title == "Alignment scorecard" and section.anchor == "scorecard" and section.present
    html = section.html()
    assert "72.7" in html and "Aligned" in html
    assert "<h3>Scores by dimension</h3>" in html
    # the customer row: score 75.0, sales 90.0, marketing 60.0, gap +30.0
    assert "<td>Customer knowledge and feedback loop</td><td>75.0</td><td>90.0</td><td>60.0</td><td>+30.0</td>" in html
    # 6 v 9 respondents: tested; the verdicts are the results' own, in plain words
    assert "<td>+30.0</td><td>within noise</td>" in html and "<td>too few to tell</td>" not in html
    assert "Leaders and staff" in html and "63.6" in html
    assert "Where the answers differ most" in html
    assert [p.get_label() for p in section.parts if isinstance(p, Figure)] == [
        "Dot plot: sales and marketing score on each alignment dimension, against the stage bands",
        "Perception gap per dimension: sales score minus marketing score",
        "Leaders against staff: alignment index overall and within each team"]
    assert html.count('<img class="chart" alt="') == 3  # each chart is in the page, described


def test_one_team_section_says_comparison_impossible(survey, instrument):
    part, _ = score(filter_survey(tripled(survey), team="marketing"), instrument, min_group=3)
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
    # 6 v 6: the smallest exact p is 2/924, small enough to pass Holm over 9 gaps (5 v 5 never can)
    rows = [high] * 5 + [np.where(rev, 2, 4)] + [low] * 5 + [np.where(rev, 4, 2)]
    frame = pd.DataFrame(rows, columns=ids).astype(float)
    frame.insert(0, "level", pd.Series(["staff"] * 12, dtype="str"))
    frame.insert(0, "team", pd.Series(["sales"] * 6 + ["marketing"] * 6, dtype="str"))
    frame.insert(0, "respondent", pd.Series([f"R{i}" for i in range(12)], dtype="str"))
    part, _ = score(frame, instrument)
    html = scorecard(part).html()
    assert "larger than noise" in html and "Gaps larger than noise: Shared goals" in html


def test_statement_text_is_escaped(results):
    tampered = json.loads(json.dumps(results))
    tampered["statements"][0]["text"] = "<script>alert(1)</script>"
    tampered["statements"][0]["gap"] = 4.0
    html = scorecard(tampered).html()
    assert "<script>" not in html and "&lt;script&gt;" in html

