"""The plan engine's evidence rules: stage window, rejections, targets met today, owners, the client's own SLA.

One engagement written for these checks (the weak hand-off results fixture, moved to the
Undefined stage): slow response against a *proposed* 4-hour rule, a play rejected at the previous
wave, stakeholders with no RevOps or CMO title, and an Integrated-stage play whose trigger fires.
"""

from __future__ import annotations

import json

import pytest

from helpers.analysis.owners import owner
from helpers.analysis.plan import build, stage_window
from helpers.engagement.sla import Sla, SlaClock
from tests.conftest import FIXTURES

#: A family pump maker: a Marketing Manager, no CMO, no RevOps, no CIO.
PEOPLE = [
    {"name": "Ruth Hartwell", "role": "Managing Director", "team": "executive", "influence": "economic", "interviewed": True},
    {"name": "Dana Reyes", "role": "Marketing Manager", "team": "marketing", "influence": "user", "interviewed": True},
    {"name": "Tom Hale", "role": "Sales Director", "team": "sales", "influence": "user", "interviewed": True},
    {"name": "Priya Shah", "role": "Field Sales Engineer", "team": "sales", "influence": "user", "interviewed": False},
]
PROPOSED_RULE = Sla(status="proposed", response_hours=4.0, attempts=4, attempt_days=10.0,
                    clock=SlaClock(clock="business"))


@pytest.fixture
def undefined() -> dict:
    r = json.loads((FIXTURES / "plan" / "results" / "weak_handoff.json").read_text(encoding="utf-8"))
    r["stage"], r["index"] = "Undefined", 36.0
    r["dimensions"]["goals"]["index"] = 41.0       # fires "one revenue target both teams own" (Aligned-Integrated)
    return r


def _plan(results: dict, **kw) -> dict:
    return build(results, kw.pop("plan_file", None), people=PEOPLE, sla=PROPOSED_RULE, **kw)


def test_an_integrated_stage_play_never_reaches_an_undefined_client(undefined):
    out = _plan(undefined)
    ids = {p["id"] for p in out["plays"]}
    assert out["stages"] == ["Undefined", "Defined"]
    assert "goals_shared_target" not in ids and "aligned_revenue_owner" not in ids
    assert any(h["id"] == "goals_shared_target" and "stage" in h["why"] for h in out["not_shown"])
    undefined["stage"] = "Aligned"                 # the same trigger at a stage it fits: proposed
    assert "goals_shared_target" in {p["id"] for p in _plan(undefined)["plays"] + _plan(undefined)["not_shown"]}
    assert stage_window(None) == ["Undefined", "Defined"] and stage_window("Integrated") == ["Integrated"]


def test_the_action_uses_the_clients_own_rule_not_the_playbook_default(undefined):
    speed = next(p for p in _plan(undefined)["plays"] if p["id"] == "sla_speed_to_lead")
    assert "4 working hours" in speed["action"] and "4 attempts within 10 working days" in speed["action"]
    assert "five" not in speed["action"] and "two weeks" not in speed["action"] and "{" not in speed["action"]


def test_a_play_rejected_at_the_previous_wave_stays_out_unless_reopened(undefined):
    assert "sla_speed_to_lead" in {p["id"] for p in _plan(undefined)["plays"]}
    out = _plan(undefined, rejected_before={"sla_speed_to_lead"})
    assert "sla_speed_to_lead" not in {p["id"] for p in out["plays"]}
    assert "sla_speed_to_lead" not in {h["id"] for h in out["not_shown"]}
    assert [r["id"] for r in out["rejected"]] == ["sla_speed_to_lead"], "the rejection carries to the next wave"
    reopened = {"agreed": None, "max_per_horizon": 3, "suggest": True,
                "plays": [{"id": "sla_speed_to_lead", "status": "reopened"}]}
    again = _plan(undefined, rejected_before={"sla_speed_to_lead"}, plan_file=reopened)
    speed = next(p for p in again["plays"] if p["id"] == "sla_speed_to_lead")
    assert speed["status"] == "proposed" and again["rejected"] == []


def test_agreed_but_open_plays_carry_over_once_and_are_marked(undefined):
    out = _plan(undefined, carried_over={"undefined_rules_of_engagement", "journey_map_together"})
    carried = [p for p in out["plays"] if p.get("carried_over")]
    assert {p["id"] for p in carried} == {"undefined_rules_of_engagement", "journey_map_together"}
    assert all(p["status"] == "accepted" for p in carried)
    assert len({p["id"] for p in out["plays"]}) == len(out["plays"])
    assert not {p["id"] for p in carried} & {h["id"] for h in out["not_shown"]}


def test_a_play_whose_target_is_already_met_is_not_proposed(undefined):
    undefined["stage"] = "Aligned"
    undefined["dimensions"]["communication"]["index"] = 67.2   # liaison's target: communication at least 65
    out = _plan(undefined)
    assert "defined_liaison" not in {p["id"] for p in out["plays"]}
    assert any(h["id"] == "defined_liaison" and "already met" in h["why"] for h in out["not_shown"])


def test_owners_are_the_clients_people_or_the_role_in_plain_words(undefined):
    plays = _plan(undefined)["plays"]
    names = {p["name"] for p in PEOPLE}
    for play in plays:
        named = play["owner_name"]
        assert "Revenue operations" not in named and "CMO" not in named
        assert any(n in named for n in names) or named.startswith("the "), named
    by_role = {p["owner"]: p for p in plays}
    assert by_role["CSO"]["owner_name"] == "Tom Hale (Sales Director)"
    assert owner("CMO", PEOPLE)["name"] == "Dana Reyes (Marketing Manager)"
    assert owner("both", PEOPLE)["people"] == ["Dana Reyes", "Tom Hale"]
    assert owner("CEO", PEOPLE)["name"] == "Ruth Hartwell (Managing Director)"
    nobody = owner("RevOps", PEOPLE)
    assert nobody == {"name": "the person who keeps the CRM", "found": False, "people": []}
    # a head of IT is not made the owner of revenue-operations work: the consultant names someone
    it = owner("RevOps", [*PEOPLE, {"name": "Graham Pike", "role": "Head of IT", "team": "other"}])
    assert it["found"] is False and it["people"] == []


def test_housekeeping_goes_to_the_consultants_list_not_the_plan(undefined):
    undefined["discovery"]["uncovered_roles"] = ["technical"]
    undefined["funnel"] = None
    out = _plan(undefined)
    homework = {h["id"] for h in out["housekeeping"]}
    assert {"funnel_measure", "interview_uncovered_roles"} <= homework
    assert not homework & {p["id"] for p in out["plays"]}
    assert not any("interview" in p["title"].lower() for p in out["plays"])
