"""Follow-up waves: before and after, plays done, success measures, history across waves."""

from __future__ import annotations

import copy
import json

import pytest

from helpers.analysis.plan import build
from helpers.analysis.waves import compare, rejected_before, still_open, verdict
from helpers.engagement.plan import read_plan
from helpers.results import results_with
from tests.conftest import FIXTURES


def weak_handoff() -> dict:
    """Synthetic first-wave results: weak hand-off, slow lead response, CIO not interviewed."""
    return json.loads((FIXTURES / "plan" / "results" / "weak_handoff.json").read_text(encoding="utf-8"))


@pytest.fixture
def previous() -> dict:
    results = weak_handoff()
    decisions, _ = read_plan(FIXTURES / "plan" / "file_ok")
    results["plan"] = build(results, decisions)
    return results


def improved(previous: dict) -> dict:
    current = copy.deepcopy(previous)
    current["date"] = "2027-01-10"
    current["index"], current["stage"], current["gap"] = 58.4, "Defined", 2.0
    current["dimensions"]["handoff"]["index"] = 61.0
    current["dimensions"]["culture"]["index"] = 45.0
    current["teams"]["sales"]["index"] = 59.0
    current["funnel"]["response"]["share_within_sla"] = 0.72
    current["plan"] = None
    return current


def test_before_and_after(previous):
    decisions, _ = read_plan(FIXTURES / "plan" / "file_ok")
    out = compare(improved(previous), previous, decisions)
    assert {k: out["index"][k] for k in ("before", "after", "change")} == {"before": 51.3, "after": 58.4, "change": 7.1}
    # the fixture's results carry no spread per team: no interval, so no verdict either way
    assert out["index"]["interval"] is None and out["index"]["verdict"] == "too few to tell"
    assert out["stage"] == {"before": "Defined", "after": "Defined", "moved": "same"}
    dims = {d["id"]: d for d in out["dimensions"]}
    assert dims["handoff"] == {"id": "handoff", "label": "Shared definitions and hand-off SLA",
                               "before": 38.5, "after": 61.0, "change": 22.5,
                               "interval": None, "p_adjusted": None, "verdict": "too few to tell"}
    assert dims["culture"]["change"] == -4.0
    assert len(out["dimensions"]) == 8
    assert out["teams"]["sales"]["change"] == pytest.approx(4.6)
    assert out["previous"]["date"] == "2026-09-30" and out["current"]["date"] == "2027-01-10"


def test_plays_done_and_measures_moved(previous):
    decisions, _ = read_plan(FIXTURES / "plan" / "file_ok")
    out = compare(improved(previous), previous, decisions)
    plays = {p["id"]: p for p in out["plays"]}
    lead = plays["lead_definition"]
    assert lead["done"] is True and lead["status"] == "done"
    assert (lead["signal"], lead["before"], lead["after"], lead["verdict"]) == ("dimension.handoff", 38.5, 61.0, "target met")
    speed = plays["sla_speed_to_lead"]
    assert speed["done"] is False and speed["owner"] == "RevOps"
    # agreed, not done, measure moved: never credited as progress of the action
    assert (speed["before"], speed["after"], speed["change"], speed["verdict"]) == \
        (0.3796, 0.72, 0.3404, "measure moved, action not done")
    assert plays["custom_pricing_page"]["verdict"] == "not measured"
    assert "tech_enlist_cio" not in plays, "rejected plays are not followed up"
    assert out["done"] == 1 and out["planned"] == len(out["plays"])


def test_verdicts():
    assert verdict("dimension.goals", "up", None, 50, 49.8) == "unchanged"
    assert verdict("dimension.goals", "up", None, 50, 45) == "worsened"
    assert verdict("gap.goals", "down", 5, 14, 9) == "improved"
    assert verdict("gap.goals", "down", 5, 14, 4) == "target met"
    assert verdict("funnel", "up", None, None, 1.0) == "now measured"
    assert verdict(None, None, None, 1, 2) == "not measured"
    assert verdict("discovery.uncovered_role", "down", None, ["technical"], []) == "improved"


def test_history_across_three_waves(previous):
    decisions, _ = read_plan(FIXTURES / "plan" / "file_ok")
    second = improved(previous)
    second["progress"] = compare(second, previous, decisions)
    second["plan"] = build(second, None)   # a wave that is compared against has its plan
    third = copy.deepcopy(second)
    third["date"], third["index"], third["stage"] = "2027-04-12", 63.0, "Aligned"
    out = compare(third, second, None)
    assert [h["date"] for h in out["history"]] == ["2026-09-30", "2027-01-10", "2027-04-12"]
    assert [h["index"] for h in out["history"]] == [51.3, 58.4, 63.0]
    assert out["history"][0]["dimensions"]["handoff"] == 38.5
    assert out["stage"]["moved"] == "up"


def test_previous_without_survey_or_plan():
    goals = {"label": "G", "index": 50.0, "sales": None, "marketing": None, "gap": None, "significant": None}
    current = {**results_with(), "date": "2027-01-10", "index": 50.0, "stage": "Defined", "dimensions": {"goals": goals}}
    out = compare(current, {**results_with(), "date": "2026-10-01"}, None)
    assert out["index"] == {"before": None, "after": 50.0, "change": None, "interval": None, "p_adjusted": None,
                            "verdict": None}
    assert out["dimensions"] == [{"id": "goals", "label": "G", "before": None, "after": 50.0, "change": None,
                                  "interval": None, "p_adjusted": None, "verdict": None}]
    assert out["plays"] == [] and len(out["history"]) == 2
    json.dumps(out)


def test_by_means_at_least_this_far_in_the_goals_direction():
    assert verdict("dimension.communication", "up", None, 59.2, 69.2, by=10) == "target met"
    assert verdict("dimension.communication", "up", None, 59.2, 63.3, by=10) == "improved"
    assert verdict("gap.goals", "down", None, 14.0, 3.0, by=10) == "target met"
    assert verdict("dimension.communication", "up", None, 59.2, 50.0, by=10) == "worsened"


def test_data_collected_for_the_first_time_meets_its_target():
    """A journey map made since the last wave was 'measured for the first time', never 'met'."""
    assert verdict("journey", "up", 1, None, 1.0) == "target met"
    assert verdict("funnel.within_sla_share", "up", 0.8, None, 0.5) == "now measured"


def test_progress_reports_by_as_target_met():
    previous = weak_handoff()
    previous["plan"] = build(previous, {"plays": [{"id": "defined_joint_cadence", "status": "done"}],
                                             "max_per_horizon": 3, "suggest": False})
    current = json.loads(json.dumps(previous))
    current["dimensions"]["communication"]["index"] = previous["dimensions"]["communication"]["index"] + 10.5
    prog = compare(current, previous, {"plays": [{"id": "defined_joint_cadence", "status": "done"}]})
    row = next(p for p in prog["plays"] if p["id"] == "defined_joint_cadence")
    assert (row["by"], row["verdict"]) == (10, "target met")


def test_an_action_not_done_is_never_credited_and_stays_open(previous):
    decisions, _ = read_plan(FIXTURES / "plan" / "file_ok")
    now = improved(previous)
    now["funnel"]["response"]["share_within_sla"] = 0.9      # past the play's 80% target, yet not done
    out = compare(now, previous, decisions)
    speed = next(p for p in out["plays"] if p["id"] == "sla_speed_to_lead")
    assert speed["done"] is False and speed["verdict"] == "measure moved, action not done"
    assert "sla_speed_to_lead" in still_open(out)
    assert out["improved"] == sum(p["verdict"] in ("improved", "target met") for p in out["plays"])
    assert "tech_enlist_cio" in rejected_before(out), "the previous wave's rejection travels to this wave's plan"
