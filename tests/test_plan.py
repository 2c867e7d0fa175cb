"""The plan engine: trigger language, signals, ranking and capping, explanations, plan.yaml."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from helpers.analysis.findings import key_findings
from helpers.analysis.plan import build
from helpers.analysis.waves import compare
from helpers.content.playbook import Play, Playbook, load_playbook, read_playbook
from helpers.analysis.triggers import evaluate, signals

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def weak() -> dict:
    """Synthetic results: weak hand-off, slow lead response, CIO (technical buyer) not interviewed."""
    return json.loads((FIXTURES / "plan_results" / "weak_handoff.json").read_text(encoding="utf-8"))


def fires(trigger: dict, results: dict) -> bool:
    return evaluate(trigger, signals(results))[0]


# --------------------------------------------------------------------------- trigger language
def test_numeric_tests(weak):
    assert fires({"signal": "dimension.handoff", "below": 50}, weak)          # 38.5
    assert not fires({"signal": "dimension.handoff", "above": 50}, weak)
    assert fires({"signal": "dimension.handoff", "at_most": 38.5}, weak)
    assert fires({"signal": "dimension.handoff", "at_least": 38.5}, weak)
    assert not fires({"signal": "dimension.handoff", "below": 38.5}, weak)


def test_abs_above_fires_on_gaps_either_way(weak):
    assert fires({"signal": "gap.goals", "abs_above": 10}, weak)              # +14
    assert fires({"signal": "gap.enablement", "abs_above": 10}, weak)         # -12
    assert not fires({"signal": "gap.communication", "abs_above": 10}, weak)  # -4


def test_equals_one_of_contains(weak):
    assert fires({"signal": "stage", "equals": "defined"}, weak)              # case-insensitive
    assert not fires({"signal": "stage", "equals": "Undefined"}, weak)
    assert fires({"signal": "stage", "one_of": ["Undefined", "Defined"]}, weak)
    assert fires({"signal": "discovery.uncovered_role", "contains": "technical"}, weak)
    assert not fires({"signal": "discovery.uncovered_role", "contains": "economic"}, weak)


def test_discovery_tag_and_funnel_signals(weak):
    assert fires({"signal": "discovery.tag.pain", "at_least": 3}, weak)      # 9 answers
    assert fires({"signal": "funnel.within_sla_share", "below": 0.5}, weak)  # 0.3796
    assert fires({"signal": "funnel.conversion.mql_sal", "below": 0.4}, weak)
    assert fires({"signal": "journey.handoff_pains", "at_least": 1}, weak)   # pain at the evaluation hand-off
    assert fires({"signal": "funnel.below_reference", "contains": "mql_sal"}, weak)


def test_absent_and_present():
    empty = {"index": None, "discovery": None, "funnel": None}
    assert fires({"signal": "funnel", "absent": True}, empty)
    assert fires({"signal": "survey", "absent": True}, empty)
    assert not fires({"signal": "funnel", "present": True}, empty)


def test_missing_section_never_fires_a_test():
    nothing = {"index": None, "stage": None, "dimensions": {}, "discovery": None, "journey": None, "funnel": None}
    for trigger in ({"signal": "dimension.handoff", "below": 101}, {"signal": "stage", "equals": "Undefined"},
                    {"signal": "funnel.within_sla_share", "below": 2}, {"signal": "discovery.tag.pain", "at_least": 0},
                    {"signal": "discovery.uncovered_role", "contains": "technical"}):
        assert not fires(trigger, nothing), trigger


def test_combinators_and_evidence(weak):
    fired, evidence = evaluate({"all": [{"signal": "stage", "equals": "Defined"},
                                        {"signal": "dimension.handoff", "below": 50}]}, signals(weak))
    assert fired and [e["signal"] for e in evidence] == ["stage", "dimension.handoff"]
    fired, evidence = evaluate({"any": [{"signal": "stage", "equals": "Aligned"},
                                        {"signal": "funnel.within_sla_share", "below": 0.5}]}, signals(weak))
    assert fired and evidence[0]["value"] == pytest.approx(0.3796) and evidence[0]["source"] == "funnel"
    assert not fires({"not": {"signal": "stage", "equals": "Defined"}}, weak)


def test_signals_tolerate_garbage():
    assert signals({"dimensions": {"goals": None, "handoff": {"index": "n/a"}}, "funnel": [], "discovery": "x"}) == {}
    assert signals(None) == {}


# --------------------------------------------------------------------------- playbook
def test_bundled_playbook_is_valid_and_rich():
    book = load_playbook()
    assert len(book.plays) >= 30
    assert {p.owner for p in book.plays} >= {"CMO", "CSO", "both", "CIO", "RevOps"}
    stages = {p.trigger.get("equals") for p in book.plays if p.trigger.get("signal") == "stage"}
    assert {"Undefined", "Defined", "Aligned", "Integrated"} <= stages
    assert all(p.success["text"] for p in book.plays)


def test_broken_playbook_lists_every_problem(tmp_path):
    (tmp_path / "playbook.yaml").write_text(
        "plays:\n"
        "  - {id: a, title: T, action: A, evidence: E, owner: CEO, horizon: 45, effort: 4, impact: 1,\n"
        "     trigger: {signal: index, lower: 3}, success: S}\n"
        "  - {id: a, title: T, action: A, evidence: E, owner: CMO, horizon: 30, effort: 1, impact: 1,\n"
        "     trigger: {signal: index, below: x}, success: S}\n", encoding="utf-8")
    book, problems = read_playbook(tmp_path / "playbook.yaml")
    text = "\n".join(map(str, problems))
    assert book is None
    for part in ("owner 'CEO' is not known", "horizon 45", "effort 4", "lower", "below needs a number"):
        assert part in text


# --------------------------------------------------------------------------- the plan
def test_issue_scenario_names_fitting_plays_with_numbers(weak):
    out = build(weak, None)
    ids = [p["id"] for p in out["plays"]]
    assert {"sla_speed_to_lead", "tech_enlist_cio", "lead_definition"} <= set(ids)
    speed = next(p for p in out["plays"] if p["id"] == "sla_speed_to_lead")
    assert "38% (funnel), below 70%" in speed["why"]
    assert speed["triggers"][0] == {"signal": "funnel.within_sla_share", "value": 0.3796, "source": "funnel",
                                    "text": speed["triggers"][0]["text"]}
    assert speed["success"]["baseline"] == pytest.approx(0.3796)
    cio = next(p for p in out["plays"] if p["id"] == "tech_enlist_cio")
    assert "technical" in cio["why"] and "(discovery)" in cio["why"]
    lead = next(p for p in out["plays"] if p["id"] == "lead_definition")
    assert "38.5 (survey), below 55.0" in lead["why"]


def test_cap_three_per_horizon_and_no_duplicate_groups(weak):
    out = build(weak, None)
    for h in (30, 60, 90):
        assert sum(p["horizon"] == h for p in out["plays"]) <= 3
    book = load_playbook()
    groups = [book.get(p["id"]).group for p in out["plays"] if book.get(p["id"]).group]
    assert len(groups) == len(set(groups))
    assert out["not_shown"], "more plays fired than fit: the rest are listed"
    assert len({p["id"] for p in out["plays"]}) == len(out["plays"])


def _play(pid: str, impact: int, effort: int, trigger: dict, horizon: int = 30, group: str = "") -> Play:
    return Play(pid, pid.title(), trigger, f"Do {pid}.", "both", horizon, effort, impact, "ev",
                {"text": "t", "signal": None, "goal": None, "target": None}, group)


def test_ranking_by_impact_effort_and_size_of_finding():
    results = {"index": 45.0, "stage": "Defined",
               "dimensions": {"handoff": {"label": "Hand-off", "index": 30.0}, "goals": {"label": "Goals", "index": 48.0}}}
    book = Playbook((
        _play("cheap_mild", 2, 1, {"signal": "dimension.goals", "below": 50}),
        _play("big_severe", 3, 2, {"signal": "dimension.handoff", "below": 50}),
        _play("weak_play", 1, 3, {"signal": "dimension.handoff", "below": 50}),
        _play("dup_of_big", 3, 2, {"signal": "dimension.handoff", "below": 50}, group="g"),
        _play("dup_of_big2", 3, 2, {"signal": "dimension.handoff", "below": 50}, group="g"),
    ))
    out = build(results, None, book)
    ids = [p["id"] for p in out["plays"]]
    assert ids[:3] == ["big_severe", "dup_of_big", "cheap_mild"]           # severe finding wins; group once
    assert "dup_of_big2" not in ids
    assert [p["id"] for p in out["plays"] if p["horizon"] == 60] == ["weak_play"]   # overflow moves later
    assert out["plays"][-1]["moved_from"] == 30


def test_no_data_gives_only_collection_plays():
    out = build({"index": None, "discovery": None, "journey": None, "funnel": None}, None)
    ids = {p["id"] for p in out["plays"]}
    assert ids <= {"survey_both_teams", "funnel_measure", "journey_map_together", "discovery_coffee_meetings"}
    assert ids


def test_consultant_edits_win(weak):
    decisions = {"max_per_horizon": 3, "suggest": True, "agreed": "2026-10-01", "plays": [
        {"id": "sla_speed_to_lead", "status": "accepted", "owner": "RevOps", "action": "Our own words.", "horizon": 60},
        {"id": "tech_enlist_cio", "status": "rejected"},
        {"id": "aligned_revenue_owner", "status": "accepted"},   # did not fire: kept anyway
        {"id": "custom_price", "status": "accepted", "action": "Publish a price range.", "owner": "CMO",
         "horizon": 90, "title": "Price range", "success": {"text": "Fewer lost first calls", "signal": None,
                                                             "goal": None, "target": None},
         "notes": "SECRET-NOTE"},
    ]}
    out = build(weak, decisions)
    by_id = {p["id"]: p for p in out["plays"]}
    speed = by_id["sla_speed_to_lead"]
    assert (speed["owner"], speed["action"], speed["horizon"], speed["origin"]) == ("RevOps", "Our own words.", 60, "consultant")
    assert "38%" in speed["why"], "the engine's evidence stays with the consultant's wording"
    assert "tech_enlist_cio" not in by_id and out["rejected"][0]["id"] == "tech_enlist_cio"
    assert by_id["aligned_revenue_owner"]["status"] == "accepted"
    assert by_id["custom_price"]["status"] == "added" and by_id["custom_price"]["title"] == "Price range"
    assert "SECRET-NOTE" not in json.dumps(out)
    assert out["consultant"] is True and out["agreed"] == "2026-10-01"


def test_suggest_false_keeps_only_the_consultants_plays(weak):
    out = build(weak, {"suggest": False, "max_per_horizon": 3,
                            "plays": [{"id": "lead_definition", "status": "done"}]})
    assert [(p["id"], p["status"]) for p in out["plays"]] == [("lead_definition", "done")]


def test_consultant_can_exceed_the_cap(weak):
    ids = ["sla_speed_to_lead", "lead_definition", "tech_enlist_cio", "undefined_restart"]
    out = build(weak, {"plays": [{"id": i, "status": "accepted", "horizon": 30} for i in ids]})
    assert [p["id"] for p in out["plays"] if p["horizon"] == 30].__len__() == 4


def test_build_does_not_change_its_inputs(weak):
    before = copy.deepcopy(weak)
    decisions = {"plays": [{"id": "lead_definition", "status": "accepted"}]}
    frozen = copy.deepcopy(decisions)
    build(weak, decisions)
    assert weak == before and decisions == frozen


def test_plan_is_json_serialisable(weak):
    json.dumps(build(weak, None))


# --------------------------------------------------------------------------- key findings
def test_key_findings_are_plain_words_with_numbers(weak):
    found = key_findings(weak)
    assert len(found) == 3
    assert {f["source"] for f in found} == {"funnel", "survey", "discovery"}
    assert found[0]["text"].startswith("Only 38% of the ") and "leads handed to sales were contacted within the 24-hour SLA" in found[0]["text"]
    assert all(set(f) >= {"text", "value", "source"} for f in found)


def test_key_findings_survey_only():
    results = {"index": 55.0, "gap": -7.5, "stage": "Defined",
               "dimensions": {"handoff": {"label": "Hand-off", "index": 41.0, "gap": 3.0},
                              "goals": {"label": "Goals", "index": 62.0, "gap": -16.0, "significant": True}}}
    found = key_findings(results)
    texts = " ".join(f["text"] for f in found)
    assert "The weakest area is “Hand-off”, scoring 41.0 out of 100." in texts
    assert "Marketing rate “Goals” 16.0 points higher than sales do" in texts
    assert len(found) == 2, "at most two findings from one source"


def test_key_findings_empty():
    assert key_findings({}) == []


def test_playbook_signal_typos_are_reported(tmp_path):
    play = ("  - {{id: {id}, title: T, action: A, evidence: E, owner: CMO, horizon: 30, effort: 1, impact: 1,\n"
            "     trigger: {trigger}, success: S}}\n")
    (tmp_path / "playbook.yaml").write_text("plays:\n" + "".join(play.format(id=i, trigger=t) for i, t in [
        ("a", "{signal: dimension.hand_off, below: 50}"),
        ("b", "{signal: indx, below: 50}"),
        ("c", "{any: [{signal: gap.widest, above: 10}, {signal: funnel.anything.at_all, below: 1}]}"),
        ("d", "{signal: team.sales, below: 50}"),
    ]), encoding="utf-8")
    book, problems = read_playbook(tmp_path / "playbook.yaml")
    text = "\n".join(map(str, problems))
    assert "'hand_off' is not a dimension" in text and "signal 'indx' is not known" in text
    assert len(problems) == 2


def test_key_findings_tolerate_partial_sections():
    results = {"funnel": {"biggest_leak": {"step": "mql_sal", "below_reference": True, "rate": 0.2, "low": None},
                          "response": {"share_within_sla": None}},
               "discovery": {"interviews": 0, "pain_dimensions": {"handoff": None}, "roles": "x"},
               "journey": {"evidence": None, "handoffs": "x"}}
    assert key_findings(results) == []
    build(results, None)


def test_engine_never_breaks_on_odd_results(weak):
    """Signals are read defensively: any key of any section may be missing or of the wrong type."""
    import random


    rnd = random.Random(7)
    odd = [None, "x", 3, -1.5, float("nan"), [], {}, ["a"], [{"a": 1}], True]

    def mutate(node):
        items = list(node.items()) if isinstance(node, dict) else list(enumerate(node)) if isinstance(node, list) else []
        for key, value in items:
            if rnd.random() < 0.15:
                node[key] = rnd.choice(odd)
            else:
                mutate(value)

    for _ in range(60):
        results = copy.deepcopy(weak)
        mutate(results)
        json.dumps(build(results, None))
        key_findings(results)
        compare(results, weak, None)
        compare(weak, results, None)
