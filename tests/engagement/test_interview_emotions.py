"""A customer interview's emotions: per answer on the journey map's scale, and the stage each is about."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.content.question_bank import QuestionBank, read_question_bank
from helpers.engagement.interviews import journey_stage_of, read_interview
from tests.conftest import FIXTURES

V2_BANK = FIXTURES / "content" / "spin_questions_v2.yaml"
HEAD = "interviewee: Ana Customer\nteam: other\naudience: customer\nanswers:\n"


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    loaded, problems = read_question_bank(V2_BANK)
    assert problems == [] and loaded is not None
    return loaded


def _read(tmp_path: Path, bank: QuestionBank, answers: str):
    path = tmp_path / "interviews" / "ana-customer.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEAD + answers, encoding="utf-8")
    return read_interview(path, "interviews/ana-customer.yaml", bank)


def test_each_emotion_belongs_to_the_stage_its_question_or_its_answer_names(tmp_path: Path, bank: QuestionBank) -> None:
    interview, problems = _read(tmp_path, bank,
                                "  - question: cu_s_04\n    answer: Nobody knew our setup.\n    emotion: -2\n"
                                "  - question: cu_p_03\n    answer: Repeating everything to onboarding.\n"
                                "    emotion: -1\n    stage: onboarding\n"
                                "  - question: cu_s_06\n    answer: The demo with our own invoices.\n"
                                "    emotion: 2\n    stage: evaluation\n")
    assert problems == [] and interview is not None
    assert [(a.emotion, journey_stage_of(a, bank)) for a in interview.answers] == [
        (-2, "onboarding"),   # cu_s_04 asks about onboarding
        (-1, "onboarding"),   # "which moment felt worst?" names no stage: the consultant recorded it
        (2, "evaluation")]


@pytest.mark.parametrize("value", ["Onboarding", "12", "[onboarding]", "'first weeks'"])
def test_a_stage_that_is_not_an_id_is_an_error_on_its_line(tmp_path: Path, bank: QuestionBank, value: str) -> None:
    interview, problems = _read(tmp_path, bank, f"  - question: cu_s_06\n    answer: The demo.\n    emotion: 2\n"
                                                f"    stage: {value}\n")
    assert interview is None
    shown = [str(p) for p in problems if p.is_error]
    assert len(shown) == 1
    assert shown[0].startswith("interviews/ana-customer.yaml:8: answers[1].stage: stage must be the id of a journey stage")
    assert "stage: onboarding" in shown[0] and "awareness" in shown[0]  # the fix names the template's stages


def test_a_stage_the_template_does_not_have_is_a_warning(tmp_path: Path, bank: QuestionBank) -> None:
    interview, problems = _read(tmp_path, bank, "  - question: cu_s_06\n    answer: The site visit.\n    emotion: 1\n"
                                                "    stage: site_visit\n")
    assert interview is not None and interview.answers[0].stage == "site_visit"
    assert [p.severity for p in problems] == ["warning"]
    assert "stage 'site_visit' is not a stage of the journey template" in problems[0].message


def test_an_emotion_with_no_stage_says_it_cannot_be_placed(tmp_path: Path, bank: QuestionBank) -> None:
    interview, problems = _read(tmp_path, bank, "  - question: cu_p_03\n    answer: Waiting for the contract.\n"
                                                "    emotion: -2\n")
    assert interview is not None and interview.answers[0].emotion == -2
    assert len(problems) == 1 and problems[0].severity == "warning"
    assert "names no journey stage" in problems[0].message and "add `stage:`" in problems[0].hint
    assert problems[0].row == 7


def test_an_emotion_word_is_an_error_with_the_scale_and_the_fix(tmp_path: Path, bank: QuestionBank) -> None:
    interview, problems = _read(tmp_path, bank, "  - question: cu_s_04\n    answer: Fine.\n    emotion: frustrated\n")
    assert interview is None
    assert [str(p) for p in problems] == [
        "interviews/ana-customer.yaml:7: answers[1].emotion: emotion must be a whole number from -2 (very unhappy) "
        "to +2 (delighted), not 'frustrated'; write e.g. `emotion: -1`, or leave it out"]
