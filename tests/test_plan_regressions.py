"""Regression tests for the bugs found while checking issue 7 against a hand-written engagement."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from helpers.analysis.findings import key_findings
from helpers.analysis.plan import build
from helpers.analysis.triggers import signals
from helpers.analysis.waves import compare, verdict
from helpers.engagement.plan import read_plan
from helpers.forms.common import AutosaveDocument
from helpers.forms.plan import PlanForm
from helpers.content.playbook import load_playbook, parse_success, read_playbook
from helpers.report.plan import plan as plan_section
from helpers.report.progress import progress as progress_section

FIXTURES = Path(__file__).parent / "fixtures"
DOMAIN_SENTENCE = "made qualifying the lead nearly 7"


def weak() -> dict:
    return json.loads((FIXTURES / "plan_results" / "weak_handoff.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- success measures
def test_by_means_at_least_this_far_in_the_goals_direction():
    assert verdict("dimension.communication", "up", None, 59.2, 69.2, by=10) == "target met"
    assert verdict("dimension.communication", "up", None, 59.2, 63.3, by=10) == "improved"
    assert verdict("gap.goals", "down", None, 14.0, 3.0, by=10) == "target met"
    assert verdict("dimension.communication", "up", None, 59.2, 50.0, by=10) == "worsened"


def test_by_is_validated():
    success, problems = parse_success({"text": "up 10", "signal": "index", "goal": "up", "by": 10}, "p.yaml", "x")
    assert success["by"] == 10 and problems == []
    _, problems = parse_success({"text": "up", "signal": "index", "goal": "up", "by": -3}, "p.yaml", "x")
    assert "by -3 is not a positive number" in str(problems[0])
    _, problems = parse_success({"text": "up", "signal": "index", "by": 5}, "p.yaml", "x")
    assert "by needs a goal" in str(problems[0])


def test_every_measured_play_says_how_far_counts_as_success():
    """'Dimension up' was unmeasurable: each signal-backed measure now has a target or a by."""
    vague = [p.id for p in load_playbook().plays
             if p.success.get("signal") and p.success.get("target") is None and p.success.get("by") is None]
    assert vague == []


def test_playbook_evidence_is_in_our_own_words():
    book, problems = read_playbook()
    assert problems == [] and book is not None
    assert not [p.id for p in book.plays if DOMAIN_SENTENCE in " ".join(p.evidence.split())]


def test_progress_reports_by_as_target_met():
    previous = weak()
    previous["plan"] = build(previous, {"plays": [{"id": "defined_joint_cadence", "status": "done"}],
                                             "max_per_horizon": 3, "suggest": False})
    current = json.loads(json.dumps(previous))
    current["dimensions"]["communication"]["index"] = previous["dimensions"]["communication"]["index"] + 10.5
    prog = compare(current, previous, {"plays": [{"id": "defined_joint_cadence", "status": "done"}]})
    row = next(p for p in prog["plays"] if p["id"] == "defined_joint_cadence")
    assert (row["by"], row["verdict"]) == (10, "target met")


def test_uncovered_role_measure_has_a_count_baseline_and_a_target():
    results = weak()
    results["discovery"]["uncovered_roles"] = ["technical"]
    uncovered = signals(results)["discovery.uncovered_role"]
    cio = next(p for p in build(results, None)["plays"] if p["id"] == "tech_enlist_cio")
    assert "technical" in uncovered
    assert cio["success"]["baseline"] == float(len(uncovered)) and cio["success"]["target"] == 0
    assert verdict("discovery.uncovered_role", "down", 0, ["technical"], []) == "target met"


# --------------------------------------------------------------------------- handout wording
def test_plan_shows_todays_value_of_each_measure():
    results = weak()
    results["plan"] = build(results, None)
    html = plan_section(results).html()
    assert 'class="plan-today">Today: 38%<' in html


def test_progress_writes_hours_and_counts_like_the_plan():
    prog = {"previous": {"date": "2026-06-01"}, "index": {}, "stage": {}, "dimensions": [], "history": [],
            "plays": [{"id": "a", "title": "Speed", "status": "done", "done": True, "measure": "m",
                       "signal": "funnel.median_response_hours", "goal": "down", "before": 38.0, "after": 7.0,
                       "verdict": "improved"},
                      {"id": "b", "title": "CIO", "status": "done", "done": True, "measure": "n",
                       "signal": "discovery.uncovered_role", "goal": "down", "before": 1.0, "after": 0.0,
                       "verdict": "target met"}],
            "done": 2, "planned": 2, "improved": 2}
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", progress_section({"progress": prog}).html()))
    assert "38.0 hours 7.0 hours" in text
    assert " 1 0 Target met" in text and "1.0" not in text


def test_handed_to_sales_wording_in_findings():
    found = key_findings(weak())
    speed = next(f for f in found if f["signal"] == "funnel.within_sla_share")
    assert speed["text"].startswith("Only 38% of the 216 leads handed to sales were contacted within the 24-hour SLA")


# --------------------------------------------------------------------------- the editor
def _form(tmp_path: Path) -> PlanForm:
    results = weak()
    results["plan"] = build(results, None)
    return PlanForm(AutosaveDocument.open(tmp_path / "plan.yaml", {}), results, preview=False)


def test_rewording_a_proposed_play_shows_it_accepted(tmp_path):
    """plan.yaml reads a listed play as accepted; the form used to keep saying 'Proposed'."""
    form = _form(tmp_path)
    form.rows["lead_definition"]["action"].value = "One workshop, one written lead definition."
    assert form.rows["lead_definition"]["status"].value == "accepted"
    saved = yaml.safe_load((tmp_path / "plan.yaml").read_text(encoding="utf-8"))
    assert saved["plays"] == [{"id": "lead_definition", "action": "One workshop, one written lead definition.",
                               "status": "accepted"}]


def test_back_to_proposed_drops_the_edits_and_resets_the_row(tmp_path):
    form = _form(tmp_path)
    row = form.rows["sla_speed_to_lead"]
    row["owner"].value = "RevOps"
    row["horizon"].value = 60
    row["status"].value = "proposed"
    assert yaml.safe_load((tmp_path / "plan.yaml").read_text(encoding="utf-8"))["plays"] == []
    assert (row["owner"].value, row["horizon"].value) == ("CSO", 30)
    decisions, problems = read_plan(tmp_path)
    built = {p["id"]: p for p in build(form.results, decisions)["plays"]}
    assert problems == [] and built["sla_speed_to_lead"]["status"] == "proposed"
    assert built["sla_speed_to_lead"]["owner"] == "CSO"


def test_misspelt_play_id_gets_a_did_you_mean(tmp_path):
    (tmp_path / "plan.yaml").write_text("plays:\n  - id: sla_speed_too_lead\n", encoding="utf-8")
    decisions, problems = read_plan(tmp_path)
    assert len(problems) == 1 and "did you mean 'sla_speed_to_lead'?" in str(problems[0])
    assert decisions["plays"] == []


def test_most_plays_have_one_accountable_owner():
    """'Both' owns nothing in practice: at most half the plays may be shared."""
    plays = load_playbook().plays
    assert sum(p.owner == "both" for p in plays) <= len(plays) / 2
    assert {p.owner for p in plays} == {"CMO", "CSO", "both", "CIO", "RevOps"}


def test_data_collected_for_the_first_time_meets_its_target():
    """A journey map made since the last wave was 'measured for the first time', never 'met'."""
    assert verdict("journey", "up", 1, None, 1.0) == "target met"
    assert verdict("funnel.within_sla_share", "up", 0.8, None, 0.5) == "now measured"


def test_plan_intro_never_claims_a_smaller_cap_than_shown():
    results = weak()
    extra = [{"id": f"custom_{n}", "status": "accepted", "action": f"Do {n}.", "owner": "CMO", "horizon": 30}
             for n in range(4)]
    results["plan"] = build(results, {"plays": extra, "max_per_horizon": 3, "suggest": True})
    assert sum(p["horizon"] == 30 for p in results["plan"]["plays"]) == 4
    assert "At most 4 actions per 30-day block" in plan_section(results).html()


def test_progress_without_a_previous_plan_file_does_not_claim_nothing_was_done():
    previous = weak()
    previous["plan"] = build(previous, None)
    prog = compare(json.loads(json.dumps(previous)), previous, None)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", progress_section({"progress": prog}).html()))
    assert "0 were done" not in text
    assert f"which of its {prog['planned']} proposed actions were carried out is not recorded" in text
