"""Consultant checks before a handout goes out: numbers in quotes, owners still to name."""

from __future__ import annotations

from typing import Any

from helpers.analysis.checks import quoted_numbers, unnamed_owners


def _quote(text: str, team: str = "sales") -> dict[str, Any]:
    return {"text": text, "team": team}


FUNNEL: Any = {"period": {"start": "2026-03-02", "end": "2026-09-30"},
               "stages": [{"count": 700, "label": "Inquiry"}, {"count": 229, "label": "MQL"}]}


def test_a_quote_with_a_countable_number_is_set_beside_the_export() -> None:
    discovery: Any = {"quotes": {"sales": [_quote("After WEFTEC we loaded 412 badge scans into HubSpot.")],
                                 "marketing": [_quote("We send good leads.", "marketing")]},
                      "implications": [], "needs": [_quote("After WEFTEC we loaded 412 badge scans into HubSpot.")]}
    [warning] = quoted_numbers(discovery, FUNNEL)  # the same quote twice is checked once
    assert "\u201c412 badge scans\u201d" in warning
    assert "The export (2026-03-02 to 2026-09-30) has 700 Inquiry, 229 MQL." in warning


def test_a_quote_without_a_countable_number_needs_no_check() -> None:
    discovery: Any = {"quotes": {"sales": [_quote("We called them 3 times but it is 2026 and nobody answers.")]},
                      "implications": [], "needs": []}
    assert quoted_numbers(discovery, FUNNEL) == []


def test_only_plays_without_a_fitting_person_ask_for_an_owner() -> None:
    plan: Any = {"plays": [{"title": "Review rejected leads", "owner_name": "the person who keeps the CRM",
                            "owner_found": False},
                           {"title": "Weekly meeting", "owner_name": "Dana Reyes (Marketing Manager)", "owner_found": True}]}
    [warning] = unnamed_owners(plan)
    assert warning.startswith("Name an owner for \u201cReview rejected leads\u201d") and "Weekly meeting" not in warning


def test_an_activity_log_that_runs_past_the_funnel_export_is_pointed_out() -> None:
    import pandas as pd

    from helpers.analysis.checks import activities_after_export

    funnel: Any = {"export_time": {"at": "2026-09-30T17:00:00", "basis": "latest_date", "text": ""}}
    log = pd.DataFrame({"lead_id": ["1", "2", "3"],
                        "activity_at": pd.to_datetime(["2026-09-30 09:00", "2026-10-02 10:00", "2026-10-19 11:30"])})
    log.attrs["file"] = "activities.csv"
    [warning] = activities_after_export(log, funnel)
    assert warning.startswith("activities.csv: 2 activities are dated after 30 September 2026, the funnel export's "
                              "time (its latest date), the latest on 19 October 2026")
    assert "Export both files on the same day." in warning
    same_day = log.iloc[:1]
    assert activities_after_export(same_day, funnel) == []
    days = pd.DataFrame({"lead_id": ["1"], "activity_at": pd.to_datetime(["2026-09-30"])})  # a date without a time
    assert activities_after_export(days, funnel) == []
    assert activities_after_export(None, funnel) == []
