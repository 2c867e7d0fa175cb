"""``results["funnel"]`` (:func:`helpers.analysis.funnel.metrics`) against the hand counts of tests/fixtures/funnel_hand.

The counts are worked out in the docstrings of test_speed_to_lead.py, test_conversion.py and
test_revenue.py. business_hours, read with an agreed rule of 4 business hours (08:00-18:00) and an
export time of Mon 9 Mar 2026 10:00: 15 MQLs, 2 too recent to judge, 13 judged, 8 within the rule,
4 within one business hour, 2 not contacted by the export date; Kaplan-Meier median wait 3.5
business hours; cohort steps 15/24, 7/12, 4/6, 2/3; MQL -> Won 3 of 6; mean deal 20,000 EUR; money
at stake 2 x 3/6 x 20,000 = 20,000 EUR; the goal gap 47,883.47 EUR a month.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from helpers.analysis.funnel import metrics
from helpers.engagement.funnel import read_funnel
from helpers.engagement.sla import read_sla
from tests.conftest import FIXTURES

HAND = FIXTURES / "funnel_hand"
MAPPING = {"web": "marketing", "webinar": "marketing", "outbound": "sales", "partner": "partner"}


@pytest.fixture(scope="module")
def business() -> dict:
    frame, problems = read_funnel(HAND / "business_hours", None, {})
    assert frame is not None and not problems
    sla, found = read_sla({"status": "agreed", "response_hours": 4, "clock": "business",
                           "working_hours": "08:00-18:00", "revenue_goal": 1_200_000, "period_months": 12})
    assert not [p for p in found if p.is_error]
    return metrics(frame, sla, "2026-03-09 10:00", currency="EUR", source_mapping=MAPPING)


def test_speed_to_lead_on_the_clients_business_clock(business: dict) -> None:
    r = business["response"]
    assert (r["leads"], r["too_recent"], r["n"], r["within_sla"], r["never_contacted"]) == (15, 2, 13, 8, 2)
    assert (r["share_within_sla"], r["share_within_hour"], r["share_never_contacted"]) == (0.6154, 0.3077, 0.1538)
    assert r["median_hours"] == 3.5  # censored median, not the responders' 2.25
    speed = business["speed_to_lead"]
    assert speed["clock"] == "business" and speed["rule_status"] == "agreed"
    assert business["sla"]["status"] == "agreed" and business["sla"]["clock_description"].startswith("working hours")


def test_steps_are_cohort_rates_and_the_handoff_is_named_after_the_stage_the_export_has(business: dict) -> None:
    assert [(s["step"], s["rate"]["count"], s["rate"]["n"]) for s in business["conversions"]] == [
        ("created_mql", 15, 24), ("mql_sql", 7, 12), ("sql_opportunity", 4, 6), ("opportunity_won", 2, 3)]
    assert business["rates"]["mql_sql"] == 0.5833 and business["rates"]["mql_won"] == 0.5
    handoff = business["handoff"]
    assert handoff is not None and handoff["accepted_stage"] == "sql" and handoff["accepted_is_sal"] is False
    # no rate's 95% interval lies below a vendor-quoted range: nothing is called a shortfall
    assert business["biggest_leak"] is None and all(b["status"] != "below" for b in business["benchmarks"])
    assert "mql_sql" not in {b["step"] for b in business["benchmarks"]}  # no source quotes MQL -> SQL
    lost = business["most_leads_lost"]
    assert lost is not None and (lost["step"], lost["lost"]) == ("created_mql", 9)


def test_at_stake_has_both_estimates_with_period_and_currency(business: dict) -> None:
    stake = business["at_stake"]
    assert (stake["uncontacted"]["amount"], stake["uncontacted"]["currency"]) == (20000.0, "EUR")
    assert stake["uncontacted"]["period"] == "2026-02-02 to 2026-03-08"
    assert stake["goal_gap"]["amount"] == pytest.approx(574601.64, abs=0.1)
    assert "about 47,900 EUR a month short of the goal" in (stake["goal_gap"]["explanation"] or "")
    assert "20" + "26-" not in stake["goal_gap"]["explanation"] + stake["uncontacted"]["explanation"]  # dates in words
    assert "MQLs handed over 2 February to 8 March 2026 were not contacted" in stake["uncontacted"]["explanation"]
    # the headline the executive summary reads: the uncontacted MQLs' expected bookings
    assert (stake["amount"], stake["currency"]) == (20000.0, "EUR")
    assert stake["text"] == stake["uncontacted"]["explanation"] and "not contacted by the export date" in stake["text"]
    assert business["deal"]["label"] == "mean deal" and business["deal"]["amount"] == 20000.0


def test_sources_are_split_by_who_sourced_them(business: dict) -> None:
    sources = business["sources"]
    assert sources is not None and [g["leads"] for g in sources["groups"]] == [17, 3, 2, 0, 2]


def test_export_time_defaults_to_the_latest_date_and_says_so() -> None:
    frame, _ = read_funnel(HAND / "date_only", None, {})
    assert frame is not None
    m = metrics(frame, {"response_hours": 10, "clock": "business", "working_hours": "08:00-18:00"})
    assert m["export_time"] == {"at": "2026-04-09T08:00:00", "basis": "latest_date",
                                "text": "the latest date in the export (9 April 2026)"}
    assert m["sla"]["status"] == "proposed"  # a mapping without status: never "agreed"
    r = m["response"]
    assert r is not None and r["median_hours"] is None and r["share_within_hour"] is None  # date-only: days
    assert m["speed_to_lead"] is not None and m["speed_to_lead"]["unit"] == "days"


def test_metrics_is_json_serialisable(business: dict) -> None:
    json.dumps(business, allow_nan=False)


def test_metrics_accepts_a_frame_without_optional_columns() -> None:
    frame = pd.DataFrame({"lead_id": ["a", "b"], "source": ["x", "y"],
                          "created_at": pd.to_datetime(["2026-01-01", "2026-01-02"]),
                          "mql_at": pd.to_datetime(["2026-01-01", None])})
    m = metrics(frame, None)
    assert list(m["rates"]) == ["created_mql"] and m["handoff"] is None and m["response"] is None
    assert m["at_stake"]["amount"] is None and m["at_stake"]["text"] is None
