"""Follow-up waves: before and after, plays done, success measures, history across waves."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from helpers.analysis.plan import build
from helpers.analysis.waves import compare, verdict
from helpers.engagement.plan import read_plan

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def previous() -> dict:
    results = json.loads((FIXTURES / "plan_results" / "weak_handoff.json").read_text(encoding="utf-8"))
    decisions, _ = read_plan(FIXTURES / "plan_file_ok")
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
    decisions, _ = read_plan(FIXTURES / "plan_file_ok")
    out = compare(improved(previous), previous, decisions)
    assert out["index"] == {"before": 51.3, "after": 58.4, "change": 7.1}
    assert out["stage"] == {"before": "Defined", "after": "Defined", "moved": "same"}
    dims = {d["id"]: d for d in out["dimensions"]}
    assert dims["handoff"] == {"id": "handoff", "label": "Shared definitions and hand-off SLA",
                               "before": 38.5, "after": 61.0, "change": 22.5}
    assert dims["culture"]["change"] == -4.0
    assert len(out["dimensions"]) == 8
    assert out["teams"]["sales"]["change"] == pytest.approx(4.6)
    assert out["previous"]["date"] == "2026-09-30" and out["current"]["date"] == "2027-01-10"


def test_plays_done_and_measures_moved(previous):
    decisions, _ = read_plan(FIXTURES / "plan_file_ok")
    out = compare(improved(previous), previous, decisions)
    plays = {p["id"]: p for p in out["plays"]}
    lead = plays["lead_definition"]
    assert lead["done"] is True and lead["status"] == "done"
    assert (lead["signal"], lead["before"], lead["after"], lead["verdict"]) == ("dimension.handoff", 38.5, 61.0, "target met")
    speed = plays["sla_speed_to_lead"]
    assert speed["done"] is False and speed["owner"] == "RevOps"
    assert (speed["before"], speed["after"], speed["change"], speed["verdict"]) == (0.3796, 0.72, 0.3404, "improved")
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
    decisions, _ = read_plan(FIXTURES / "plan_file_ok")
    second = improved(previous)
    second["progress"] = compare(second, previous, decisions)
    third = copy.deepcopy(second)
    third["date"], third["index"], third["stage"] = "2027-04-12", 63.0, "Aligned"
    out = compare(third, second, None)
    assert [h["date"] for h in out["history"]] == ["2026-09-30", "2027-01-10", "2027-04-12"]
    assert [h["index"] for h in out["history"]] == [51.3, 58.4, 63.0]
    assert out["history"][0]["dimensions"]["handoff"] == 38.5
    assert out["stage"]["moved"] == "up"


def test_previous_without_survey_or_plan():
    current = {"date": "2027-01-10", "index": 50.0, "stage": "Defined", "dimensions": {"goals": {"label": "G", "index": 50.0}}}
    out = compare(current, {"date": "2026-10-01", "index": None, "dimensions": {}}, None)
    assert out["index"] == {"before": None, "after": 50.0, "change": None}
    assert out["dimensions"] == [{"id": "goals", "label": "G", "before": None, "after": 50.0, "change": None}]
    assert out["plays"] == [] and len(out["history"]) == 2
    json.dumps(out)
