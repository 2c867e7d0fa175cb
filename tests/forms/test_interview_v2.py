"""The interview form with the version-2 SPIN bank: Implication questions that build on a stated
problem, and the new audiences (customer success, technical buyer, the customer guide)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from helpers.content.question_bank import QuestionBank
from helpers.forms.interview import InterviewForm, open_form
from tests.conftest import FIXTURES



@pytest.fixture
def form(engagement: Path, bank: QuestionBank) -> InterviewForm:
    opened = open_form(engagement, "Dana Whitfield", bank=bank)
    assert isinstance(opened, InterviewForm)
    opened.audience.value = "sales_leader"
    return opened


def _implication_count(form: InterviewForm) -> str:
    return next(t for t in form.tabs.titles if "Implication" in t).rsplit(" ", 1)[1]


def test_implication_waits_for_the_problem_it_builds_on(form: InterviewForm, bank: QuestionBank) -> None:
    follow = form.row("sl_i_02")
    assert bank.questions["sl_i_02"].builds_on == ("sl_p_05",)
    implications = [q for q in bank.for_audience("sales_leader") if q.spin == "implication"]
    # nothing raised yet: every Implication question is hidden and not counted
    assert follow.box.layout.display == "none" and _implication_count(form) == "0/0"
    form.row("sl_p_05").answer.value = "Reps are on the road; nobody picks the leads up."
    assert follow.box.layout.display == "none", "an answer not tagged pain raises no problem"
    form.row("sl_p_05").tags["pain"].value = True
    assert follow.box.layout.display is None and _implication_count(form) == "0/1"
    assert follow.label.value.startswith("<i>You mentioned: &ldquo;Reps are on the road; nobody picks the leads up.&rdquo;</i>")
    assert len(implications) >= 3
    # skipping the problem question takes the follow-up away again; the file keeps it unanswered
    form.row("sl_p_05").skip.click()
    assert follow.box.layout.display == "none" and _implication_count(form) == "0/0"
    entry = next(e for e in yaml.safe_load(form.path.read_text(encoding="utf-8"))["answers"]
                 if e["question"] == "sl_i_02")
    assert not entry.get("answer")


def test_an_answered_implication_stays_visible(form: InterviewForm) -> None:
    form.row("sl_p_05").answer.value = "Slow."
    form.row("sl_p_05").tags["pain"].value = True
    form.row("sl_i_02").answer.value = "It goes cold within a week."
    form.row("sl_p_05").tags["pain"].value = False
    assert form.row("sl_i_02").box.layout.display is None  # what was said is never hidden


def test_new_audiences_are_selectable_and_the_customer_guide_keeps_its_order(form: InterviewForm,
                                                                            bank: QuestionBank) -> None:
    options = [value for _, value in form.audience.options]
    assert {"customer_success", "technical_buyer", "customer"} <= set(options)
    form.audience.value = "customer"
    ids = [r.question_id for r in form.rows]
    guide = [q.id for q in bank.questions.values() if q.audience == "customer"]
    assert [i for i in ids if i.startswith("cu_")] == guide  # the journey's order, not re-sorted by SPIN type
    form.audience.value = "technical_buyer"
    assert any(r.question_id.startswith("tb_") for r in form.rows)


def test_a_person_not_on_the_stakeholder_list_is_asked_who_they_are_first(tmp_path) -> None:

    import yaml

    from helpers.forms.interview import open_form

    folder = tmp_path / "acme"
    folder.mkdir()
    shutil.copy(FIXTURES / "interviews/good" / "engagement.yaml", folder / "engagement.yaml")
    form = open_form(folder, "Ines Outsider")
    assert form.rows == [] and form.ask.box.layout.display is None and form.tabs.layout.display == "none"
    assert "Ines Outsider is not on the stakeholder list" in form.ask.text.value
    labels = [label for label, _ in form.ask.choice.options]
    assert any(label.startswith("Customer success") for label in labels)
    assert any(label.startswith("Technical buyer") for label in labels)
    assert not (folder / "interviews").exists(), "nothing is written before the answer"
    form.team.value = "marketing"  # the team alone does not pick the questions while the form asks
    assert form.rows == [] and form.ask.box.layout.display is None
    form.ask.choice.value = "technical_buyer"
    data = yaml.safe_load(form.path.read_text(encoding="utf-8"))
    assert data["audience"] == "technical_buyer" and data["team"] == "marketing", "the team chosen stays"
    assert {e["question"][:3] for e in data["answers"]} == {"tb_"}
    assert form.ask.box.layout.display == "none" and form.tabs.layout.display is None and form.rows
    again = open_form(folder, "Ines Outsider")  # resumed: the choice came from the file, nothing is asked
    assert again.ask.box.layout.display == "none" and again.audience.value == "technical_buyer"
