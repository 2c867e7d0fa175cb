"""The funnel handout section and charts, from the results dict only (numbers as hand-counted)."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from helpers.charts.funnel import funnel_chart, response_chart, source_chart, stage_time_chart
from helpers.analysis.funnel import metrics
from helpers.engagement.funnel import read_funnel
from helpers.report.funnel import funnel

FIXTURES = Path(__file__).parent / "fixtures"
SLA = {"response_hours": 24, "attempts": 5, "attempt_days": 14, "revenue_goal": 120000, "average_deal_size": 10000}


def _results(folder: str = "funnel_small", crm: str | None = None, sla: dict | None = None) -> dict:
    frame, _ = read_funnel(FIXTURES / folder, crm, {})
    return {"funnel": metrics(frame, SLA if sla is None else sla)}


def test_section_key_numbers_match_the_hand_count():
    section = funnel(_results())
    assert section.title == "Funnel and speed to lead" and section.anchor == "funnel"
    assert sum(isinstance(p, Figure) for p in section.parts) == 4
    html = "\n".join(p for p in section.parts if isinstance(p, str))
    assert "11 leads created between 5 January 2026 and 15 January 2026 (1 row left out" in html
    assert "sales accepted 38% of 8 marketing-qualified leads (reaching SAL), turned down 38%, and 2 are still waiting" in html
    assert "75% of the 8 leads handed to sales got a first response within the agreed 24 hours; 12% were never contacted" in html
    assert "loses most at <strong>MQL → SAL</strong>: 38% convert, below the 40%&ndash;60% range vendors quote" in html
    assert "vendor-quoted ranges" in html
    assert "<td>Marketing-qualified leads</td><td>48</td><td>4</td>" in html


def test_hubspot_section_has_no_sal_row_and_escapes_sources():
    results = _results("crm_hubspot", "hubspot", {"response_hours": 24})
    results["funnel"]["by_source"][0]["source"] = "<img src=x>"
    html = funnel(results).html()
    assert "Of the 2 not accepted, 50% got the agreed 5 contact attempts." in html
    assert "(reaching SQL)" in html and "&lt;img src=x&gt;" in html and "<img src=x>" not in html
    assert "What the revenue goal needs" not in html


def test_missing_funnel_says_what_to_collect():
    section = funnel({"funnel": None})
    assert not section.present and "funnel.csv" in section.html()


def test_charts_carry_the_numbers():
    results = _results()
    texts = " ".join(t.get_text() for t in funnel_chart(results).axes[0].texts)
    assert "biggest leak: 38% MQL → SAL  (reference 40%–60%)" in texts and "73% Inquiry → MQL" in texts
    legend = [t.get_text() for t in response_chart(results).axes[0].get_legend().get_texts()]
    # each band names its own hours: 4 + 2 = the 6 (75%) within the SLA that the title states
    assert legend == ["within 1 hour: 4 (50%)", "1 to 24 hours: 2 (25%)", "later than 24 hours: 1 (12%)",
                      "never contacted: 1 (12%)"]
    assert "75% within the 24-hour SLA" in response_chart(results).axes[0].get_title(loc="left")
    assert "web" in [t.get_text() for t in source_chart(results).axes[0].get_yticklabels()]
    assert "median 16.0 d" in " ".join(t.get_text() for t in stage_time_chart(results).axes[0].texts)
    for chart in (funnel_chart, response_chart, source_chart, stage_time_chart):
        assert isinstance(chart({"funnel": None}), Figure)
