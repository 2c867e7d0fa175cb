"""The trigger language of the playbook: signals read from the results, tests, combinators, evidence."""

from __future__ import annotations

import json

import pytest

from helpers.analysis.triggers import evaluate, signals
from helpers.results import results_with
from tests.conftest import FIXTURES


@pytest.fixture
def weak() -> dict:
    """Synthetic results: weak hand-off, slow lead response, CIO (technical buyer) not interviewed."""
    return json.loads((FIXTURES / "plan" / "results" / "weak_handoff.json").read_text(encoding="utf-8"))


def fires(trigger: dict, results: dict) -> bool:
    return evaluate(trigger, signals(results))[0]


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
    empty = results_with()
    assert fires({"signal": "funnel", "absent": True}, empty)
    assert fires({"signal": "survey", "absent": True}, empty)
    assert not fires({"signal": "funnel", "present": True}, empty)


def test_missing_section_never_fires_a_test():
    nothing = results_with()
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


def test_no_data_no_signal():
    """Results with nothing collected (every section None, the survey empty) give no signal at all."""
    assert signals(results_with()) == {}
