"""The funnel handout section, from the results dict only, on the hand-counted exports of tests/fixtures/funnel_hand.

Numbers as counted in tests/analysis/test_funnel.py (business_hours: 8 of 13 judged MQLs within
the agreed 4-business-hour rule, 95% Wilson interval 36%-82%; 2 too recent; 2 not contacted by the
export date; censored median 3.5 working hours; MQL -> SQL 7 of 12, interval 32%-81%; money at
stake 20,000 EUR; mean deal 20,000 EUR; 60 customers for 1,200,000 EUR).
"""

from __future__ import annotations

import re

import pytest
from matplotlib.figure import Figure

from helpers.analysis.funnel import metrics
from helpers.engagement.funnel import read_funnel
from helpers.engagement.sla import read_sla
from helpers.report.funnel import funnel
from helpers.results import results_with
from tests.conftest import FIXTURES

HAND = FIXTURES / "funnel_hand"
BUSINESS = {"status": "agreed", "response_hours": 4, "clock": "business", "working_hours": "08:00-18:00",
            "revenue_goal": 1_200_000, "period_months": 12}


def _html(folder: str, sla: dict, export: str | None = None, currency: str | None = "EUR",
          mapping: dict | None = None) -> tuple[str, list[str]]:
    frame, _ = read_funnel(HAND / folder, None, {})
    rule, _ = read_sla(sla)
    section = funnel(results_with(funnel=metrics(frame, rule, export, currency=currency, source_mapping=mapping)))
    labels = [p.get_label() for p in section.parts if isinstance(p, Figure)]
    return "\n".join(p for p in section.parts if isinstance(p, str)), labels


@pytest.fixture(scope="module")
def agreed() -> tuple[str, list[str]]:
    return _html("business_hours", BUSINESS, "2026-03-09 10:00",
                 mapping={"web": "marketing", "webinar": "marketing", "outbound": "sales", "partner": "partner"})


def test_speed_to_lead_follows_the_agreed_rule_on_its_clock(agreed: tuple[str, list[str]]) -> None:
    html, _ = agreed
    assert ("Against the agreed rule (a first response within 4 working hours, counted in working hours (08:00-18:00, "
            "Mon-Fri)): 62% (95% interval 36%\u201382%) of the 13 leads handed to sales that can be judged got a "
            "first response within it; 15% (2) were not contacted by the export date.") in html
    assert "2 more were too recent to judge" in html
    assert "The median wait for a first response was 3.5 working hours, counting leads not yet answered as still " \
           "waiting at the export date" in html and "Kaplan" not in html  # the method's name is in the appendix
    assert "31% were answered within one working hour" in html
    assert "never" not in html.lower()
    assert "measured as of the latest date" not in html  # the export time was given


def test_conversion_rates_have_intervals_cohorts_losses_and_no_false_accepted(agreed: tuple[str, list[str]]) -> None:
    html, _ = agreed
    assert "<td>MQL → SQL</td><td>58% (95% interval 32%\u201381%)</td>" in html
    assert re.search(r"7 of 12 leads that entered MQL by \d+ \w+ 2026", html)
    assert "the export has no sales-accepted stage, so this is the step to SQL" in html
    assert "accepted by sales" not in html and "Sales accepted" not in html
    assert "The step where the most leads stop is <strong>Inquiry → MQL</strong>: 9 of the 24 old enough to judge had not moved on by the export date" in html
    assert "No step's 95% interval lies wholly below a vendor-quoted range" in html
    assert "vendor-quoted (SiriusDecisions-style demand waterfall, secondary)" in html
    assert "biggest leak" not in html.lower()


def test_calculator_uses_the_mean_deal_currency_and_run_rate(agreed: tuple[str, list[str]]) -> None:
    html, _ = agreed
    assert "To win 1,200,000 EUR in new business over 12 months at the mean deal of 20,000 EUR" in html
    assert "takes 60 customers" in html
    assert "<th>Needed per month</th><th>Per month today</th>" in html
    assert "<td>Won</td><td>5.0</td><td>2.6</td><td>+2.4</td>" in html
    assert ("The goal needs 100,000 EUR a month; the export shows 52,117 EUR a month won today, a floor: leads created "
            "lately have not had time to close.") in html  # 3 won deals: too few to correct the floor
    assert "not a commitment anyone has made" in html and "commits to" not in html
    assert "Money at stake: 2 MQLs handed over 2 February to 8 March 2026 were not contacted by the export date" in html
    assert "<td>Marketing-sourced</td><td>17 (71%)</td>" in html


def test_a_proposed_rule_and_date_only_responses_are_said_so() -> None:
    html, labels = _html("date_only", {"response_hours": 24})
    assert "Against the proposed 24-hour rule (not yet agreed by both teams; counted in calendar hours)" in html
    assert "agreed rule" not in html
    assert "carry no time of day, so waits are measured in whole days" in html
    assert "No share answered within an hour can be given." in html
    assert "within one hour" not in html and "within an hour (" not in html
    assert "measured as of the latest date in the export (9 April 2026)" in html
    assert "were accepted by sales" in html  # this export has an SAL stage
    assert labels[0] == "Funnel: how many leads reached each stage, with the conversion between stages"


def test_charts_are_part_of_the_section(agreed: tuple[str, list[str]]) -> None:
    _, labels = agreed
    assert labels == ["Funnel: how many leads reached each stage, with the conversion between stages",
                      "Speed to first response: leads answered within the rule, later, or not contacted by the "
                      "export date",
                      "Time leads spend in each stage: median and 80th percentile, in days, with leads still open",
                      "Conversion by lead source"]


def test_sources_are_escaped_and_missing_funnel_says_what_to_collect() -> None:
    frame, _ = read_funnel(HAND / "business_hours", None, {})
    m = metrics(frame, None)
    m["by_source"][0]["source"] = "<img src=x>"
    html = funnel(results_with(funnel=m)).html()
    assert "<img src=x>" not in html and "&lt;img src=x&gt;" in html
    missing = funnel(results_with(funnel=None)).html()
    assert "funnel.csv" in missing


def test_results_measure_the_funnel_on_the_engagements_own_rule_and_currency(make_engagement) -> None:
    from helpers.engagement.load import load
    from helpers.results import compute, to_json

    yaml = ("client: Brightwater\nconsultant: A. Consultant\ndate: 2026-03-10\ncurrency: EUR\n"
            "lead_sources:\n  web: marketing\n  webinar: marketing\n  outbound: sales\n  partner: partner\n"
            "sla:\n  status: agreed\n  response_hours: 4\n  clock: business\n  working_hours: \"08:00-18:00\"\n"
            "  revenue_goal: 1200000\n")
    csv = (HAND / "business_hours" / "funnel.csv").read_text(encoding="utf-8")
    engagement, problems = load(make_engagement({"engagement.yaml": yaml, "funnel.csv": csv}))
    assert engagement is not None, problems
    f = compute(engagement)["funnel"]
    assert f is not None
    assert f["sla"]["status"] == "agreed" and f["sla"]["clock"] == "business"
    assert f["export_time"]["basis"] == "latest_date"
    assert f["export_time"]["text"].startswith("the latest date in the export (")
    assert f["currency"] == "EUR" and f["at_stake"]["currency"] == "EUR" and f["deal"]["amount"] == 20000.0
    assert f["at_stake"]["goal_gap"]["currency"] == "EUR" and f["at_stake"]["goal_gap"]["amount"] is not None
    assert f["sources"] is not None and f["sources"]["available"]
    assert f["speed_to_lead"] is not None and f["speed_to_lead"]["clock_description"] == \
        "working hours (08:00-18:00, Mon-Fri)"
    assert '"at_stake"' in to_json(compute(engagement))


def test_a_one_working_day_rule_is_named_so() -> None:
    html, _ = _html("business_hours", {"status": "agreed", "response_hours": 10, "clock": "business",
                                       "working_hours": "08:00-18:00"}, "2026-03-09 10:00")
    assert "Against the agreed rule (a first response within one working day (10 working hours), counted in " \
           "working hours (08:00-18:00, Mon-Fri))" in html


def test_the_calculator_sets_the_clients_own_kpi_target_beside_the_goals_need():
    """Quillstack's journey map says "MQLs per month (target 260)": the handout compares it with
    what the revenue goal needs and what the export shows, numbers taken from the results."""
    from helpers.demo.generator import DEMO_ROOT
    from helpers.engagement.load import load
    from helpers.report.funnel import funnel
    from helpers.results import client_view, compute

    engagement, _ = load(DEMO_ROOT / "quillstack")
    results = client_view(compute(engagement))
    mql = next(r for r in results["funnel"]["calculator"]["stages"] if r["stage"] == "mql")
    assert mql["client_target"]["per_month"] == 260.0
    html = funnel(results).html()
    assert "<th>Own target (journey map)</th>" in html
    verdict = "above" if 260 >= mql["needed_per_month"] else "below"
    assert (f"The journey map&rsquo;s own target for MQL (&ldquo;MQLs per month (target 260)&rdquo;, "
            f"Consideration and trial) is 260 a month: {verdict} the {mql['needed_per_month']:.0f}") in html
