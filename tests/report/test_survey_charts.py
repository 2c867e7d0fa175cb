"""The survey charts show the numbers of the results: lines, bars, labels and legends.

Fixture: tests/fixtures/survey/hand, every respondent three times (6 sales, 9 marketing; 6 leaders,
9 staff), scored with min_group 3. The expected values are the ones tests/analysis/test_survey.py
checks against a hand count.
"""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers.analysis.survey import empty_scores, score
from helpers.charts.survey import distribution_chart, dot_plot, fitted_range, gap_chart, levels_chart
from helpers.content.instrument import INSTRUMENT_V1, load_instrument
from helpers.engagement.survey import read_survey
from tests.analysis.test_survey import tripled
from tests.conftest import FIXTURES

DIMENSION_LABELS = ["Shared goals and revenue accountability", "Shared definitions and hand-off SLA",
                    "Communication cadence", "Customer knowledge and feedback loop",
                    "Joint planning and campaign execution", "Content and enablement", "Technology and data",
                    "Leadership, culture and recognition"]


@pytest.fixture(scope="module")
def results() -> dict:
    instrument = load_instrument(INSTRUMENT_V1)  # expectations worked out on version 1, which stays readable
    frame, _ = read_survey(FIXTURES / "survey" / "hand", instrument)
    part, _ = score(tripled(frame), instrument, min_group=3)
    return dict(part)


def _bars(fig: Figure) -> list[Rectangle]:
    return [p for ax in fig.axes for p in ax.patches if isinstance(p, Rectangle)]


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in (fig.axes[0].texts if fig.axes else fig.texts)]  # a message: the figure's own text


def test_gap_chart_bars_and_labels_are_the_gaps(results):
    fig = gap_chart(results)
    ax = fig.axes[0]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows == ["Overall index", *DIMENSION_LABELS][::-1]  # read top down: overall first
    assert [round(float(b.get_width()), 1) for b in _bars(fig)] == [30.0, 30.0, 23.3, 23.3, 30.0, 23.3, 20.0, 20.0, 25.5]
    assert _texts(fig) == ["+30.0", "+30.0", "+23.3", "+23.3", "+30.0", "+23.3", "+20.0", "+20.0", "+25.5",
                           "sales sees it better \u2192", "\u2190 marketing sees it better"]
    assert ax.get_xlabel().startswith("Gap in points, sales score minus marketing score")
    # 6 v 9 answers (S1, S2, M1.. each three times): no gap passes the permutation test with Holm: all faded
    assert {b.get_alpha() for b in _bars(fig)} == {0.35}


def test_distribution_chart_stacks_the_share_of_each_answer(results):
    fig = distribution_chart(results, ids=["goals_1", "goals_3"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["goals_1  n=12", "goals_3 (R)  n=15"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
    # goals_1 answers 0/3/3/3/3 of 12; goals_3 answers 6/0/3/3/3 of 15 (bars go answer by answer)
    widths = [round(float(b.get_width()), 1) for b in _bars(fig)]
    assert widths[0::2] == [0.0, 25.0, 25.0, 25.0, 25.0] and widths[1::2] == [40.0, 0.0, 20.0, 20.0, 20.0]
    assert ax.get_xlabel() == "% of answers (left: disagree, right: agree; R = agreeing is bad)"


def test_levels_chart_shows_leaders_and_staff_with_their_counts(results):
    fig = levels_chart(results)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["All", "Sales", "Marketing"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Leaders", "Staff"]
    assert [round(float(b.get_height()), 1) for b in _bars(fig)] == [80.0, 100.0, 60.0, 63.6, 70.9, 60.0]
    assert _texts(fig) == ["80.0\nn=6", "100.0\nn=3", "60.0\nn=3", "63.6\nn=9", "70.9\nn=3", "60.0\nn=6"]
    assert ax.get_ylabel() == "Alignment index (20-100)"


@pytest.mark.parametrize("chart, message", [
    (dot_plot, "No survey answers to chart."),
    (gap_chart, "Only one team answered: sales and marketing cannot be compared."),
    (distribution_chart, "No answers to chart."),
    (levels_chart, "No level given: leaders and staff cannot be compared."),
])
def test_charts_without_data_say_so(chart, message):
    fig = chart(empty_scores())
    assert _texts(fig) == [message] and not _bars(fig) and not fig.axes and not fig.lines


def test_dot_plot_puts_each_team_at_its_score_and_keeps_the_legend_off_the_labels(results):
    fig = dot_plot(results)
    ax = fig.axes[0]
    # first dimension on top: the tick labels read bottom-up
    assert [" ".join(t.get_text().split()) for t in ax.get_yticklabels()][::-1] == DIMENSION_LABELS
    sales, marketing = ax.collections
    assert list(np.round(sales.get_offsets()[:, 0][::-1], 1)) == [80.0, 80.0, 83.3, 90.0, 83.3, 83.3, 90.0, 90.0]
    assert list(np.round(marketing.get_offsets()[:, 0], 1)) == [60.0] * 8
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Sales (n=6)", "Marketing (n=9)"]
    assert ax.get_legend()._loc == 4  # above the plot, at its right
    # scores 60-90: the axis fits them (50-100) instead of squeezing them into the full 20-100 scale,
    # and says so; only the stage bands in view are named
    assert ax.get_xlim() == (50.0, 100.0)
    assert ax.get_xlabel() == "Score on the 20\u2013100 index (shown from 50 to 100)"
    assert [t.get_text() for t in ax.texts] == ["Defined", "Aligned", "Integrated"]
    assert fig.get_label() == "Dot plot: sales and marketing score on each alignment dimension, against the stage bands"


def test_dot_plot_title_is_shown_when_given(results):
    assert dot_plot(results, title="Brightwater").axes[0].get_title(loc="left") == "Brightwater"


@pytest.mark.parametrize("scores, expected", [
    ([25.0, 45.0], (20.0, 60.0)),    # an Undefined client: 20-60, not 20-100
    ([58.0, 66.0], (40.0, 80.0)),    # widened to a 40-point window
    ([21.0, 99.0], (20.0, 100.0)),   # the whole scale when the scores need it
    ([95.0, 97.0], (60.0, 100.0)),   # never beyond 100
    ([], (20.0, 100.0)),
])
def test_fitted_range_keeps_every_score_in_view(scores, expected):
    low, high = fitted_range(scores)
    assert (low, high) == expected
    assert all(low <= s <= high for s in scores)
