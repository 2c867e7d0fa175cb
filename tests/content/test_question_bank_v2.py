"""The SPIN question bank loader, versions 1 and 2 (helpers.content.question_bank).

The real version-1 bank and the version-2 draft (tests/fixtures/content/spin_questions_v2.yaml)
must both load cleanly; every new validation rule fires on a small broken bank with a message a
consultant can act on; and the reviewer's points of issue 14 (goals question re-tagged,
Implication questions that build on a stated problem, the new audiences, the climates) are checked
on the draft itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers.content.question_bank import QuestionBank, journey_stage_ids, load_questions, read_question_bank
from helpers.vocabulary import AUDIENCES, LEVELS, SPIN_TYPES, TEAMS, default_audience

V1 = Path(__file__).resolve().parent.parent / "fixtures" / "content" / "spin_questions_v1.yaml"  # the bank before v2
V2 = Path(__file__).resolve().parent.parent / "fixtures" / "content" / "spin_questions_v2.yaml"
NEW_AUDIENCES = ("customer_success", "technical_buyer", "customer")


@pytest.fixture(scope="module")
def v1() -> QuestionBank:
    bank, problems = read_question_bank(V1)
    assert problems == [] and bank is not None
    return bank


@pytest.fixture(scope="module")
def v2() -> QuestionBank:
    bank, problems = read_question_bank(V2)
    assert problems == [], [str(p) for p in problems]
    assert bank is not None
    return bank


# ------------------------------------------------------------------------------ the real files
def test_both_versions_load_without_a_single_problem(v1: QuestionBank, v2: QuestionBank) -> None:
    assert (v1.version, len(v1.questions), v1.retired, v1.climates) == (1, 72, {}, ())
    assert v2.version == 2 and len(v2.questions) > len(v1.questions)
    bundled = load_questions()  # the bundled bank is the reviewed v2 fixture
    assert bundled.version == 2 and sorted(bundled.questions) == sorted(v2.questions)


def test_the_v1_bank_reads_as_before(v1: QuestionBank) -> None:
    raw = yaml.safe_load(V1.read_text(encoding="utf-8"))["questions"]
    assert [q["id"] for q in raw] == list(v1.questions)
    for q in raw:
        got = v1.questions[q["id"]]
        assert (got.audience, got.spin, got.dimension, got.text) == (q["audience"], q["spin"], q["dimension"],
                                                                     q["text"].strip())
        assert (got.builds_on, got.climate, got.journey_stage, got.emotion, got.retired) == ((), False, None,
                                                                                              False, False)
    order = [SPIN_TYPES.index(q.spin) for q in v1.for_audience("salesperson")]
    assert order == sorted(order)


def test_the_new_audiences_are_shared_words(v2: QuestionBank) -> None:
    assert set(NEW_AUDIENCES) <= set(v2.audiences) <= set(AUDIENCES)
    for audience in v2.audiences:
        assert v2.for_audience(audience), audience


@pytest.mark.parametrize("team", TEAMS)
@pytest.mark.parametrize("level", (*LEVELS, None))
def test_every_team_and_level_still_maps_to_an_audience_of_both_banks(v1: QuestionBank, v2: QuestionBank,
                                                                      team: str, level: str | None) -> None:
    audience = default_audience(team, level)
    assert audience in v1.audiences and audience in v2.audiences
    assert v1.for_audience(audience) and v2.for_audience(audience)


def test_every_v1_question_id_still_reads_with_v2(v1: QuestionBank, v2: QuestionBank) -> None:
    """An interview recorded with v1 keeps its meaning: same id and question, or a retired entry."""
    for qid, old in v1.questions.items():
        new = v2.lookup(qid)
        assert new is not None, qid
        assert (new.audience, new.spin, new.dimension) == (old.audience, old.spin, old.dimension), qid
        if new.retired:
            assert new.text == old.text, qid
            assert v2.retired[qid].replaced_by in v2.questions


# ------------------------------------------------------------------------------ reviewer checks on v2
def test_no_implication_question_lacks_builds_on(v2: QuestionBank) -> None:
    implication = [q for q in v2.questions.values() if q.spin == "implication"]
    assert implication
    for q in implication:
        assert q.builds_on, q.id
        assert q.text.startswith("You mentioned"), q.id
        for target in q.builds_on:
            problem = v2.questions[target]
            assert (problem.spin, problem.audience) == ("problem", q.audience), (q.id, target)


def test_the_goals_question_is_not_tagged_implication(v1: QuestionBank, v2: QuestionBank) -> None:
    goals = [q for q in v2.questions.values() if "two or three" in q.text]
    assert {q.audience for q in goals} == set(v2.audiences) - {"customer"}
    assert all(q.spin != "implication" for q in goals), [q.id for q in goals if q.spin == "implication"]
    was = [q for q in v1.questions.values() if "two or three" in q.text]
    assert was and all(q.spin == "implication" for q in was)  # the v1 mistake this corrects
    assert all(v2.retired[q.id].replaced_by in {g.id for g in goals} for q in was)


def test_no_need_payoff_question_sells_a_remedy(v2: QuestionBank) -> None:
    remedies = ("sla", "dashboard", "bonus pool", "liaison", "join", "sit in", "named contact")
    for q in v2.questions.values():
        if q.spin == "need_payoff":
            assert not [r for r in remedies if r in q.text.lower()], q.id


def test_the_customer_guide_keeps_the_journey_order(v2: QuestionBank) -> None:
    stages = list(journey_stage_ids())
    guide = v2.for_audience("customer")
    staged = [stages.index(q.journey_stage) for q in guide if q.journey_stage]
    assert staged == sorted(staged) and len(staged) >= 5
    assert all(q.audience == "customer" for q in v2.questions.values() if q.journey_stage or q.emotion)
    assert sum(q.emotion for q in guide) >= 5


def test_the_three_climates_are_read_from_climate_questions(v2: QuestionBank) -> None:
    assert [c.id for c in v2.climates] == ["fatalists", "recovering_marketeers", "sales_driver"]
    for climate in v2.climates:
        assert climate.sounds_like and climate.signals and climate.implies
        assert all(v2.questions[qid].climate for qid in climate.revealed_by)
    assert v2.climate("sales_driver") is v2.climates[2] and v2.climate("nope") is None
    climate_audiences = {q.audience for q in v2.questions.values() if q.climate}
    assert climate_audiences == {"executive", "sales_leader", "marketing_leader"}


def test_each_new_staff_audience_has_every_spin_type_and_the_listening_questions(v2: QuestionBank) -> None:
    for audience in ("customer_success", "technical_buyer"):
        qs = v2.for_audience(audience)
        assert {q.spin for q in qs} == set(SPIN_TYPES), audience
        listening = " ".join(q.text.lower() for q in qs if q.listening)
        assert "frustrat" in listening and "two or three" in listening and "help" in listening, audience


# ------------------------------------------------------------------------------ validation rules
def mini() -> dict[str, Any]:
    """A small valid version-2 bank."""
    return {
        "version": 2,
        "audiences": {"sales_leader": "Sales leader", "customer": "Customer"},
        "questions": [
            {"id": "sl_s_01", "audience": "sales_leader", "spin": "situation", "dimension": "goals", "text": "Number?",
             "climate": True},
            {"id": "sl_p_01", "audience": "sales_leader", "spin": "problem", "dimension": "handoff", "text": "Leads?"},
            {"id": "sl_i_02", "audience": "sales_leader", "spin": "implication", "dimension": "handoff",
             "builds_on": ["sl_p_01"], "text": "You mentioned leads. Cost?"},
            {"id": "sl_n_04", "audience": "sales_leader", "spin": "need_payoff", "dimension": "handoff",
             "text": "Worth?"},
            {"id": "cu_s_01", "audience": "customer", "spin": "situation", "dimension": "customer",
             "journey_stage": "awareness", "emotion": True, "text": "How did you find us?"},
            {"id": "cu_p_01", "audience": "customer", "spin": "problem", "dimension": "customer",
             "text": "Hard to find out?"},
        ],
        "retired": [{"id": "sl_i_01", "audience": "sales_leader", "spin": "implication", "dimension": "goals",
                     "text": "Two or three goals?", "replaced_by": "sl_s_01", "reason": "re-tagged"}],
        "climates": [{"id": "fatalists", "label": "The Fatalists", "summary": "Accepted.", "sounds_like": ["Always."],
                      "signals": ["Nobody owns it."], "implies": "Show a win.", "revealed_by": ["sl_s_01"]}],
    }


def load(tmp_path: Path, data: dict[str, Any]) -> tuple[QuestionBank | None, list]:
    path = tmp_path / "spin_questions.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return read_question_bank(path)


def test_the_small_v2_bank_is_valid(tmp_path: Path) -> None:
    bank, problems = load(tmp_path, mini())
    assert problems == [] and bank is not None
    assert bank.questions["sl_i_02"].builds_on == ("sl_p_01",)
    assert bank.lookup("sl_i_01") is not None and bank.lookup("sl_i_01").retired  # type: ignore[union-attr]
    assert [q.id for q in bank.for_audience("customer")] == ["cu_s_01", "cu_p_01"]


def q(data: dict[str, Any], qid: str) -> dict[str, Any]:
    return next(x for x in data["questions"] if x["id"] == qid)


ERRORS = [
    ("sl_i_02 without builds_on", lambda d: q(d, "sl_i_02").pop("builds_on"),
     "implication question sl_i_02 does not say which problem it builds on", "add builds_on: [<problem question id"),
    ("builds_on an unknown id", lambda d: q(d, "sl_i_02").update(builds_on=["sl_p_09"]),
     "question sl_i_02 builds on 'sl_p_09', which is not in the bank", "name a problem question"),
    ("builds_on a situation question", lambda d: q(d, "sl_i_02").update(builds_on=["sl_s_01"]),
     "builds on sl_s_01, a situation question for sales_leader", "name a problem question for sales_leader"),
    ("builds_on another audience", lambda d: q(d, "sl_i_02").update(builds_on=["cu_p_01"]),
     "builds on cu_p_01, a problem question for customer", "name a problem question for sales_leader"),
    ("builds_on on a problem question", lambda d: q(d, "sl_p_01").update(builds_on=["sl_p_01"]),
     "question sl_p_01 is a problem question but has builds_on", "remove builds_on"),
    ("builds_on not a list", lambda d: q(d, "sl_i_02").update(builds_on=7),
     "builds_on must be a list of question ids", "builds_on: [sl_p_05]"),
    ("id that does not fit the spin", lambda d: q(d, "sl_s_01").update(spin="implication", builds_on=["sl_p_01"]),
     "the id does not fit a implication question for sales_leader", "use sl_i_<nn>"),
    ("unknown journey stage", lambda d: q(d, "cu_s_01").update(journey_stage="delight"),
     "journey_stage 'delight' is not a stage of the journey template", "use one of: awareness"),
    ("journey stage on staff", lambda d: q(d, "sl_s_01").update(journey_stage="awareness"),
     "journey_stage is only for the customer interview guide", "set audience: customer"),
    ("emotion on staff", lambda d: q(d, "sl_p_01").update(emotion=True),
     "emotion is only recorded in the customer interview guide", "set audience: customer"),
    ("climate not a flag", lambda d: q(d, "sl_s_01").update(climate="often"),
     "climate must be true or false, not 'often'", "write `climate: true`"),
    ("retired id reused", lambda d: d["retired"][0].update(id="sl_p_01"),
     "question id sl_p_01 is retired and must not be used again", "give the question a new id"),
    ("retired replaced_by unknown", lambda d: d["retired"][0].update(replaced_by="sl_s_09"),
     "replaced_by 'sl_s_09' is not a question of the bank", "name the question that now does its job"),
    ("retired without text", lambda d: d["retired"][0].pop("text"),
     "text is missing or unknown", "copy the v1 question's text"),
    ("revealed_by unknown", lambda d: d["climates"][0].update(revealed_by=["ex_s_99"]),
     "revealed_by names 'ex_s_99', which is not a question of the bank", "name questions marked `climate: true`"),
    ("revealed_by not a climate question", lambda d: d["climates"][0].update(revealed_by=["sl_p_01"]),
     "revealed_by names sl_p_01, which is not marked climate: true", "add `climate: true` to sl_p_01"),
    ("climate without implies", lambda d: d["climates"][0].pop("implies"),
     "climate 1 (fatalists): implies is missing", "write the implies as text"),
    ("climate without cues", lambda d: d["climates"][0].update(sounds_like=[]),
     "sounds_like must be a non-empty list of text", "write `sounds_like:`"),
    ("unknown version", lambda d: d.update(version=7), "version 7 is not one this workbook reads", "write version: 2"),
]


@pytest.mark.parametrize("name, change, message, hint", ERRORS, ids=[e[0] for e in ERRORS])
def test_each_rule_says_what_is_wrong_and_how_to_fix_it(tmp_path: Path, name: str, change: Any, message: str,
                                                        hint: str) -> None:
    data = mini()
    change(data)
    bank, problems = load(tmp_path, data)
    assert bank is None, name
    hits = [p for p in problems if message in p.message]
    assert hits, [str(p) for p in problems]
    assert hits[0].file == "spin_questions.yaml" and hits[0].is_error and hits[0].field
    assert hint in hits[0].hint, hits[0].hint


def test_a_v1_bank_needs_no_builds_on(tmp_path: Path) -> None:
    data = mini()
    del data["version"]
    q(data, "sl_i_02").pop("builds_on")
    bank, problems = load(tmp_path, data)
    assert problems == [] and bank is not None and bank.version == 1


def test_every_problem_is_reported_at_once_and_typos_only_warn(tmp_path: Path) -> None:
    data = mini()
    q(data, "sl_i_02").pop("builds_on")
    data["climates"][0]["revealed_by"] = ["sl_p_01"]
    q(data, "cu_s_01")["journey_stage"] = "delight"
    bank, problems = load(tmp_path, data)
    assert bank is None
    text = "\n".join(map(str, problems))
    for expected in ("does not say which problem", "not marked climate: true", "'delight' is not a stage"):
        assert expected in text
    typo = mini()
    typo["climate"] = []
    q(typo, "sl_s_01")["follow-up"] = "x"
    bank, problems = load(tmp_path, typo)
    assert bank is not None and all(not p.is_error for p in problems)
    shown = "\n".join(map(str, problems))
    assert "climate: unknown key 'climate' is ignored; check the spelling; keys are: version, audiences" in shown
    assert "question 1 (sl_s_01): unknown key 'follow-up' is ignored" in shown
