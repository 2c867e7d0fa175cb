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
