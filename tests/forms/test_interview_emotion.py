"""The interview form's emotion field for customer interviews (the customer guide of the v2 bank)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from helpers.content.question_bank import QuestionBank
from helpers.engagement.interviews import journey_stage_of, read_interview
from helpers.forms.interview import InterviewForm, open_form



@pytest.fixture
def folder(engagement: Path) -> Path:
    """The shared interview engagement folder (``tests/forms/conftest.py``)."""
    return engagement


def _customer_form(folder: Path, bank: QuestionBank) -> InterviewForm:
    form = open_form(folder, "Ana Customer", bank=bank)
    assert isinstance(form, InterviewForm)
    form.audience.value = "customer"
    return form


def _entry(form: InterviewForm, qid: str) -> dict:
    return next(e for e in yaml.safe_load(form.path.read_text(encoding="utf-8"))["answers"] if e["question"] == qid)


def test_a_customer_answer_records_the_emotion_in_the_file(folder: Path, bank: QuestionBank) -> None:
    form = _customer_form(folder, bank)
    row = form.row("cu_s_04")  # "After you signed, how were you introduced ...": the onboarding stage
    assert row.emotion is not None and row.emotion.box in row.box.children
    assert [label for label, _ in row.emotion.emotion.options] == [
        "not recorded", "\u22122 very unhappy", "\u22121 unhappy", "0 neutral", "+1 pleased", "+2 delighted"]
    assert row.emotion.stage.layout.display == "none"  # the question names its own stage
    row.answer.value = "Nobody on the onboarding team knew what we had bought."
    row.emotion.emotion.value = -2
    assert _entry(form, "cu_s_04")["emotion"] == -2
    interview, problems = read_interview(form.path, f"interviews/{form.path.name}", bank)
    assert problems == [] and interview is not None
    answer = next(a for a in interview.answers if a.question == "cu_s_04")
    assert (answer.emotion, journey_stage_of(answer, bank)) == (-2, "onboarding")


def test_a_question_without_a_stage_asks_for_one(folder: Path, bank: QuestionBank) -> None:
    form = _customer_form(folder, bank)
    row = form.row("cu_p_03")  # "Which moment felt worst, and why?"
    assert row.emotion is not None and row.emotion.stage.layout.display is None
    row.answer.value = "Explaining our entities all over again."
    row.emotion.emotion.value = -1
    row.emotion.stage.value = "onboarding"
    assert (_entry(form, "cu_p_03")["emotion"], _entry(form, "cu_p_03")["stage"]) == (-1, "onboarding")
    # back to "not recorded": the file says so, and the reader takes it as no emotion
    row.emotion.emotion.value = None
    assert _entry(form, "cu_p_03")["emotion"] is None
    interview, problems = read_interview(form.path, f"interviews/{form.path.name}", bank)
    assert interview is not None and problems == []
    assert next(a for a in interview.answers if a.question == "cu_p_03").emotion is None


def test_reopening_the_form_shows_the_recorded_emotion(folder: Path, bank: QuestionBank) -> None:
    form = _customer_form(folder, bank)
    form.row("cu_s_01").answer.value = "A webinar on month-end close."
    form.row("cu_s_01").emotion.emotion.value = 1
    again = open_form(folder, "Ana Customer", bank=bank)
    assert isinstance(again, InterviewForm)
    assert again.row("cu_s_01").emotion.emotion.value == 1
    before = form.path.read_bytes()
    again.row("cu_s_05").emotion.show()  # showing the file's values writes nothing
    assert form.path.read_bytes() == before


def test_staff_interviews_have_no_emotion_field(folder: Path, bank: QuestionBank) -> None:
    form = open_form(folder, "Dana Whitfield", bank=bank)
    assert isinstance(form, InterviewForm)
    form.audience.value = "sales_leader"
    assert form.rows and all(row.emotion is None for row in form.rows)
    assert all(len(row.box.children) == 3 for row in form.rows)
