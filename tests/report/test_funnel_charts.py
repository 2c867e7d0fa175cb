"""Funnel charts, drawn from ``results["funnel"]`` only, on the hand-counted business_hours export.

Hand counts (tests/analysis/test_funnel.py): stages 24, 15, 7, 4, 3; cohort steps 15/24, 7/12,
4/6, 2/3 losing 9, 5, 2, 1; 13 judged MQLs, 8 within the agreed 4-business-hour rule, 3 later,
2 not contacted by the export date, 2 too recent; censored median wait 3.5 working hours.
"""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers.analysis.funnel import metrics
from helpers.charts.funnel import funnel_chart, response_chart, source_chart, stage_time_chart
from helpers.engagement.funnel import read_funnel
from helpers.engagement.sla import read_sla
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def results() -> dict:
    frame, _ = read_funnel(FIXTURES / "funnel_hand" / "business_hours", None, {})
    sla, _ = read_sla({"status": "agreed", "response_hours": 4, "clock": "business", "working_hours": "08:00-18:00"})
    return {"funnel": metrics(frame, sla, "2026-03-09 10:00")}


def _bars(fig: Figure) -> list[Rectangle]:
    return [p for ax in fig.axes for p in ax.patches if isinstance(p, Rectangle)]


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in (fig.axes[0].texts if fig.axes else fig.texts)]  # a message: the figure's own text


def _ticks(labels: list) -> list[str]:
    return [t.get_text() for t in labels]


def test_funnel_chart_shows_cohort_rates_with_intervals_and_losses(results):
    fig = funnel_chart(results)
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Funnel: leads per stage and conversion of each step"
    assert _ticks(ax.get_yticklabels()) == ["Won", "Opportunity", "SQL", "MQL", "Inquiry"]
    assert [int(b.get_width()) for b in _bars(fig)] == [24, 15, 7, 4, 3]
    assert _texts(fig) == ["24", "15", "7", "4", "3",
                           "\u25bc most leads lost: 62% (43%\u201379%) Inquiry \u2192 MQL\n9 lost "
                           "\u00b7 vendor-quoted 10%\u201325%",
                           "58% (32%\u201381%) MQL \u2192 SQL\n5 lost", "67% (30%\u201390%) SQL \u2192 Opportunity\n2 lost",
                           "67% (21%\u201394%) Opportunity \u2192 Won\n1 lost"]
    assert "vendor-quoted (SiriusDecisions-style demand waterfall, secondary)" in ax.get_xlabel()
    assert "biggest leak" not in " ".join(_texts(fig))


def test_response_chart_splits_the_judged_leads_on_the_rules_clock(results):
    fig = response_chart(results)
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == ("First response against the agreed rule: 62% within 4 working hours\n"
                                        "(13 leads judged; 2 too recent to judge; median wait 3.5 working hours, "
                                        "unanswered leads counted as waiting)")
    assert _ticks(ax.get_legend().get_texts()) == ["within 4 working hours: 8 (62%)",
                                                   "later than 4 working hours: 3 (23%)",
                                                   "not contacted by the export date: 2 (15%)"]
    assert [round(float(b.get_width()), 3) for b in _bars(fig)] == [0.615, 0.231, 0.154]


def test_source_chart_shows_leads_per_source(results):
    fig = source_chart(results)
    assert fig.axes[0].get_title(loc="left") == "Leads and conversion by source"
    assert sum(int(b.get_width()) for b in _bars(fig)) == 24


def test_stage_time_chart_in_days_with_leads_still_open(results):
    fig = stage_time_chart(results)
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Time in each stage" and ax.get_xlabel() == "days"
    assert [round(float(b.get_width()), 1) for b in _bars(fig)] == [0.0, 2.0, 7.0, 14.0]
    assert _texts(fig)[1] == "median 2.0 d \u00b7 80% within 4.0 d (n=7; 5 still open)"


@pytest.mark.parametrize("chart, message", [
    (funnel_chart, "No funnel data to chart."),
    (response_chart, "No first-response dates in the funnel data, or no lead old enough to judge."),
    (source_chart, "No lead sources in the funnel data."),
    (stage_time_chart, "No stage dates to measure time in stage."),
])
def test_charts_without_funnel_data_say_so(chart, message):
    fig = chart({"funnel": None})
    assert _texts(fig) == [message] and not _bars(fig)
