"""All issue-13 funnel measures in one call, on the hand-counted business_hours export.

The numbers are the ones counted by hand in test_speed_to_lead.py, test_conversion.py,
test_revenue.py and test_lead_sources.py; here they must come out of one call with the
engagement's own ``sla:`` as the reader reads it.
"""

from __future__ import annotations

from helpers.analysis.funnel_measures import measure_funnel
from helpers.engagement.funnel import read_funnel
from helpers.engagement.sla import read_sla
from tests.conftest import FIXTURES


def test_one_call_gives_the_hand_counted_numbers() -> None:
    frame, problems = read_funnel(FIXTURES / "funnel_hand" / "business_hours", None, {})
    assert frame is not None and not problems
    sla, sla_problems = read_sla({"status": "agreed", "response_hours": 4, "attempts": 3, "attempt_days": 5,
                                  "clock": "business", "working_hours": "08:00-18:00",
                                  "revenue_goal": 1_200_000, "period_months": 12})
    assert not [p for p in sla_problems if p.is_error]
    result = measure_funnel(frame, sla, "2026-03-09 10:00", currency="EUR",
                            source_mapping={"web": "marketing", "webinar": "marketing", "outbound": "sales",
                                            "partner": "partner"})
    speed = result["speed_to_lead"]
    assert speed is not None and speed["rule_status"] == "agreed"
    assert (speed["within_rule"]["count"], speed["within_rule"]["n"]) == (8, 13)
    assert [s["rate"]["count"] for s in result["conversion"]["steps"]] == [15, 7, 4, 2]
    assert result["reference"]["clearly_below"] == []
    assert result["deal"]["amount"] == 20000.0
    assert result["calculator"] is not None and result["calculator"]["customers_needed"] == 60
    assert result["at_stake"]["uncontacted"]["amount"] == 20000.0
    assert result["at_stake"]["goal_gap"]["currency"] == "EUR"
    assert result["sources"] is not None and [g["leads"] for g in result["sources"]["groups"]] == [17, 3, 2, 0, 2]


def test_without_a_goal_or_mapping_those_parts_are_absent() -> None:
    frame, _ = read_funnel(FIXTURES / "funnel_hand" / "date_only", None, {})
    assert frame is not None
    sla, _ = read_sla({"response_hours": 10, "clock": "business", "working_hours": "08:00-18:00"})
    result = measure_funnel(frame, sla)
    assert result["export_time"] == "2026-04-09T08:00:00"  # the latest date in the export: B14's hand-off
    assert result["calculator"] is None and result["sources"] is None
    assert result["at_stake"]["goal_gap"]["amount"] is None
    speed = result["speed_to_lead"]
    assert speed is not None and speed["rule_status"] == "proposed" and speed["unit"] == "days"
