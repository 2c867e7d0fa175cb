"""The interview form, driven through the widget API as a consultant would (helpers.forms.interview)."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import ipywidgets as w
import pytest
import yaml

from helpers.engagement.interviews import read_interview, read_interviews
from helpers.analysis.discovery import synthesize
from helpers.forms.interview import InterviewForm, open_form, preview
from helpers.report.voice import voice
from tests.conftest import FIXTURES


@pytest.fixture(autouse=True)
def v1_bank(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests pin the version-1 bank's question set (tab counts, ids); the form's code is the same
    for both versions, and what version 2 adds (follow-ups, new audiences) is in test_interview_v2.py."""
    from helpers.content.question_bank import read_question_bank
    import helpers.forms.interview as form_module

    bank, problems = read_question_bank(FIXTURES / "content" / "spin_questions_v1.yaml")
    assert bank is not None and problems == []
    monkeypatch.setattr(form_module, "load_questions", lambda *_: bank)


def on_disk(form: InterviewForm) -> dict:
    return yaml.safe_load(form.path.read_text(encoding="utf-8"))


def test_new_form_writes_nothing_until_a_change(engagement: Path) -> None:
    form = open_form(engagement, "Dana Whitfield")
    assert isinstance(form, InterviewForm)
    assert not (engagement / "interviews").exists()
    # details prefilled from the stakeholder list; agenda from the bank for a sales leader
    assert (form.team.value, form.role.value, form.level.value, form.influence.value, form.audience.value) == (
        "sales", "VP Sales", "leader", "economic", "sales_leader")
    assert [r.question_id for r in form.rows][:2] == ["sl_s_01", "sl_s_02"]
    assert form.tabs.titles == ("1. Situation 0/4", "2. Problem 0/4", "3. Implication 0/4", "4. Need-payoff 0/3")
    assert "created at the first change" in form.status.value


def test_every_change_is_written_at_once(engagement: Path) -> None:
    form = open_form(engagement, "Dana Whitfield")
    row = form.row("sl_p_02")
    row.answer.value = "Half the leads are students."
    path = engagement / "interviews" / "dana-whitfield.yaml"
    assert form.path == path and on_disk(form)["answers"][5]["answer"] == "Half the leads are students."
    row.tags["pain"].value = True
    row.tags["quote"].value = True
    row.share.value = True
    form.notes.value = "Guarded about the CMO."
    form.date.value = date(2026, 9, 14)
    form.influence.value = "coach"
    data = on_disk(form)
    entry = next(e for e in data["answers"] if e["question"] == "sl_p_02")
    assert entry == {"question": "sl_p_02", "text": None, "answer": "Half the leads are students.",
                     "tags": ["pain", "quote"], "share": True}
    assert data["internal_notes"] == "Guarded about the CMO."
    assert data["date"] == date(2026, 9, 14) and data["influence"] == "coach"
    assert re.search(r"saved \d\d:\d\d:\d\d</span> to <code>interviews/dana-whitfield.yaml</code>", form.status.value)
    interview, problems = read_interview(path, "interviews/dana-whitfield.yaml")
    assert problems == [] and interview.answers[5].share is True
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temp files left


def test_restart_resumes_from_the_file(engagement: Path) -> None:
    form = open_form(engagement, "Dana Whitfield")
    form.row("sl_i_02").answer.value = "We lost the Norfolk deal."
    form.row("sl_i_02").tags["implication"].value = True
    form.row("sl_s_01").skip.click()
    form.notes.value = "call back"
    del form  # the kernel restarts, the tab closes
    again = open_form(engagement, "Dana Whitfield")
    assert again.path.name == "dana-whitfield.yaml"
    assert again.row("sl_i_02").answer.value == "We lost the Norfolk deal."
    assert again.row("sl_i_02").tags["implication"].value is True
    assert again.row("sl_s_01").skip.description == "Restore" and again.row("sl_s_01").answer.disabled
    assert again.notes.value == "call back"
    assert "Resumed from" in again.status.value
    before = again.path.read_bytes()
    again.load()  # showing it again writes nothing
    assert again.path.read_bytes() == before


def test_skip_reorder_and_add_questions(engagement: Path) -> None:
    form = open_form(engagement, "Dana Whitfield")
    order = lambda: [e["question"] for e in on_disk(form)["answers"]]
    form.row("sl_p_03").up.click()
    assert order()[4:8] == ["sl_p_01", "sl_p_03", "sl_p_02", "sl_p_04"]
    form.row("sl_p_01").up.click()  # already first of its tab: nothing moves
    assert order()[4:8] == ["sl_p_01", "sl_p_03", "sl_p_02", "sl_p_04"]
    form.row("sl_p_04").down.click()
    assert order()[4:8] == ["sl_p_01", "sl_p_03", "sl_p_02", "sl_p_04"]
    form.row("sl_s_04").down.click()  # moves within Situation only
    assert order()[3] == "sl_s_04"
    form.row("sl_n_03").skip.click()
    assert on_disk(form)["answers"][-1]["skipped"] is True
    form.row("sl_n_03").skip.click()
    assert "skipped" not in on_disk(form)["answers"][-1]
    form.adder.new_question.value = "Who in marketing do you trust?"
    form.adder.new_spin.value = "implication"
    form.adder.new_dimension.value = "culture"
    form.adder.add_button.click()
    own = on_disk(form)["answers"][-1]
    assert own == {"question": "custom_1", "text": "Who in marketing do you trust?", "answer": None, "tags": [],
                   "share": False, "spin": "implication", "dimension": "culture"}
    assert form.adder.new_question.value == "" and form.row("custom_1").spin == "implication"
    assert form.tabs.titles[2] == "3. Implication 0/5" and form.tabs.selected_index == 2
    form.row("custom_1").answer.value = "The events coordinator."
    form.adder.bank_choice.value = "ex_n_04"
    form.adder.add_bank_button.click()
    assert order()[-1] == "ex_n_04" and "ex_n_04" not in [v for _, v in form.adder.bank_choice.options]
    form.adder.add_button.click()  # nothing typed: a message, no new question
    assert order().count("custom_2") == 0 and "Type your question first" in form.status.value
    _, problems = read_interview(form.path, "interviews/x.yaml")
    assert problems == []


def test_audience_switch_keeps_what_was_said(engagement: Path) -> None:
    form = open_form(engagement, "Somebody New")
    form.ask.choice.value = "salesperson"  # not on the stakeholder list: who they are is asked first
    assert form.audience.value == "salesperson"
    form.level.value = "leader"  # nothing typed yet: the agenda follows team and level
    assert form.audience.value == "sales_leader" and form.rows[0].question_id == "sl_s_01"
    form.row("sl_p_02").answer.value = "Poor leads."
    form.audience.value = "marketer"
    ids = [e["question"] for e in on_disk(form)["answers"]]
    assert "sl_p_02" in ids and "sl_p_01" not in ids and "mk_p_01" in ids
    assert on_disk(form)["audience"] == "marketer"
    form.team.value = "marketing"  # something typed: the agenda is left alone
    assert form.audience.value == "marketer"


def test_two_interviews_with_the_same_name_never_overwrite(engagement: Path) -> None:
    first = open_form(engagement, "Chris Lee")
    first.ask.choice.value = "salesperson"
    first.row("sp_p_01").answer.value = "first person"
    a = open_form(engagement, "Chris Lee", new=True)
    b = open_form(engagement, "Chris Lee", new=True)  # both were offered chris-lee-2 before either wrote
    a.role.value = "SDR"
    b.role.value = "Content lead"
    assert (first.path.name, a.path.name, b.path.name) == ("chris-lee.yaml", "chris-lee-2.yaml", "chris-lee-3.yaml")
    assert on_disk(a)["role"] == "SDR" and on_disk(b)["role"] == "Content lead"
    assert on_disk(first)["answers"][3]["answer"] == "first person"
    again = open_form(engagement, "Chris Lee")
    assert again.path.name == "chris-lee.yaml" and '"chris-lee-2"' in again.status.value
    assert open_form(engagement, "chris-lee-3").role.value == "Content lead"


def test_start_separate_interview_button(engagement: Path) -> None:
    form = open_form(engagement, "Dana Whitfield")
    form.row("sl_p_02").answer.value = "kept"
    form.separate_button.click()
    assert form.path.name == "dana-whitfield-2.yaml" and not form.path.exists()
    assert form.rows == [] and form.ask.box.layout.display is None  # someone else: who they are is asked
    form.ask.choice.value = "salesperson"
    assert [r.answer.value for r in form.rows] == [""] * len(form.rows)
    form.row("sp_p_02").answer.value = "someone else"
    assert yaml.safe_load((engagement / "interviews" / "dana-whitfield.yaml").read_text())["answers"][5]["answer"] == "kept"
    assert on_disk(form)["answers"][4]["answer"] == "someone else"


def test_broken_file_is_reported_not_overwritten(engagement: Path) -> None:
    (engagement / "interviews").mkdir()
    bad = engagement / "interviews" / "pat.yaml"
    bad.write_text("interviewee: Pat\nteam: finance\n", encoding="utf-8")
    shown = open_form(engagement, "Pat")
    assert isinstance(shown, w.HTML)
    assert "interviews/pat.yaml:2: team: unknown team &#x27;finance&#x27;" in shown.value
    assert bad.read_text(encoding="utf-8") == "interviewee: Pat\nteam: finance\n"


def test_read_only_view_without_a_browser(engagement: Path) -> None:
    shutil.copytree(FIXTURES / "interviews/good" / "interviews", engagement / "interviews")
    before = {p.name: p.read_bytes() for p in (engagement / "interviews").iterdir()}
    form = open_form(engagement, "Dana Whitfield")
    bundle = form._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    html = bundle["text/html"]
    assert "Half the leads marketing sends us are students" in html
    assert "Internal notes:</i> kept in the interview file" in html and "NOTE-MARKER-4412" not in html
    assert {p.name: p.read_bytes() for p in (engagement / "interviews").iterdir()} == before


def test_shared_quote_reaches_the_handout_unshared_words_do_not(engagement: Path) -> None:
    form = open_form(engagement, "Dana Whitfield")
    shared = form.row("sl_p_02")
    shared.answer.value = "SHARED-QUOTE-5521 our reps ignore the queue"
    shared.tags["quote"].value = True
    shared.share.value = True
    form.row("sl_p_01").answer.value = "UNSHARED-ANSWER-9083 they never call"
    form.row("sl_p_01").tags["pain"].value = True
    form.notes.value = "INTERNAL-NOTE-3317"
    interviews, problems = read_interviews(engagement)
    assert problems == []
    # one interviewee: the shared words could be traced to her, so they wait until she has seen them
    assert "SHARED-QUOTE-5521" not in voice({"discovery": synthesize(interviews, [])}).html()
    form.checked.value = True
    assert on_disk(form)["quotes_checked"] is True
    interviews, problems = read_interviews(engagement)
    results = {"discovery": synthesize(interviews, [])}
    html = voice(results).html()
    assert "SHARED-QUOTE-5521" in html
    assert "UNSHARED-ANSWER-9083" not in html and "INTERNAL-NOTE-3317" not in html
    assert "UNSHARED" not in json.dumps(results) and "INTERNAL-NOTE" not in json.dumps(results)
    assert "SHARED-QUOTE-5521" in preview(engagement).html()


def test_quotes_name_the_function_until_the_person_agrees_to_their_title(engagement: Path) -> None:
    form = open_form(engagement, "Dana Whitfield")
    form.team.value, form.role.value, form.level.value = "sales", "VP Sales", "leader"
    row = form.row("sl_p_02")
    row.answer.value, row.share.value = "TITLE-TEST-771 the queue is a graveyard", True
    form.checked.value = True  # she has seen the quote as printed

    def footer() -> str:
        interviews, problems = read_interviews(engagement)
        assert problems == []
        return voice({"discovery": synthesize(interviews, [])}).html()  # type: ignore[typeddict-item]

    assert "Someone in sales" in footer() and "VP Sales" not in footer()  # one sales leader: the team only
    form.named.value = True
    assert on_disk(form)["named_by_title"] is True
    assert "VP Sales" in footer()


def test_preview_lists_problems(engagement: Path) -> None:
    (engagement / "interviews").mkdir()
    (engagement / "interviews" / "x.yaml").write_text("team: sales\n", encoding="utf-8")
    shown = preview(engagement)
    assert isinstance(shown, w.HTML) and "the interviewee&#x27;s name is missing" in shown.value


def test_a_row_keeps_writing_to_its_own_question_after_moves(engagement: Path) -> None:
    form = open_form(engagement, "Dana Whitfield")
    held = form.row("sl_p_03")
    held.up.click()  # the rows are rebuilt; the held row still edits sl_p_03
    held.answer.value = "content nobody opens"
    entry = next(e for e in on_disk(form)["answers"] if e["question"] == "sl_p_03")
    assert entry["answer"] == "content nobody opens"
    assert [e["answer"] for e in on_disk(form)["answers"]].count("content nobody opens") == 1


def test_renamed_interviewee_is_found_by_the_new_name(engagement: Path) -> None:
    form = open_form(engagement, "Dana Whitfield")
    form.name.value = "Dana Whitfield-Smith"
    assert form.path.name == "dana-whitfield.yaml"
    assert open_form(engagement, "Dana Whitfield-Smith").path.name == "dana-whitfield.yaml"


def test_wrong_parameters_give_a_message_and_write_nothing(tmp_path: Path) -> None:
    shown = open_form(tmp_path / "no-such-folder", "Dana")
    assert isinstance(shown, w.HTML) and "No engagement folder" in shown.value
    assert not (tmp_path / "no-such-folder").exists()
    (tmp_path / "engagement.yaml").write_text("client: Acme\n", encoding="utf-8")
    shown = open_form(tmp_path, "  ")
    assert isinstance(shown, w.HTML) and "Set <code>interviewee</code>" in shown.value


def test_hand_edited_file_opens(engagement: Path) -> None:
    (engagement / "interviews").mkdir()
    (engagement / "interviews" / "kim.yaml").write_text(
        "interviewee: Kim\nteam: marketing\ndate: '2026-09-30'\nanswers:\n"
        "  - question: mk_p_01\n    answer: yes\n  - question: old_1\n    text: An old question\n    answer: fine\n",
        encoding="utf-8")
    form = open_form(engagement, "Kim")
    assert isinstance(form, InterviewForm) and form.path.name == "kim.yaml"
    assert form.row("mk_p_01").answer.value == "Yes" and form.date.value == date(2026, 9, 30)
    assert form.tabs.titles[-1] == "Unsorted 1/1" and form.audience.value == "marketer"
    form.row("old_1").answer.value = "fine, really"
    assert on_disk(form)["answers"][1]["answer"] == "fine, really"


# ---------------------------------------------------------------- regressions from the live-interview QA pass
def test_move_and_add_reuse_the_rows_already_shown(engagement: Path) -> None:
    """A move or an added question rearranges the tabs; it no longer rebuilds every widget (~1 s in a browser)."""
    form = open_form(engagement, "Dana Whitfield")
    shown = {r.question_id: r for r in form.rows}
    answer_box = form.row("sl_p_02").answer
    form.row("sl_p_03").up.click()
    assert all(form.row(q) is row for q, row in shown.items())
    assert form.row("sl_p_02").answer is answer_box
    problem_tab = form.tabs.children[1]
    assert [b for b in problem_tab.children] == [form.row(q).box for q in ("sl_p_01", "sl_p_03", "sl_p_02", "sl_p_04")]
    assert [e["question"] for e in on_disk(form)["answers"]][4:8] == ["sl_p_01", "sl_p_03", "sl_p_02", "sl_p_04"]
    form.adder.new_question.value = "Who do you call when a lead goes cold?"
    form.adder.add_button.click()
    assert all(form.row(q) is row for q, row in shown.items())


def test_skip_shows_at_once_and_leaves_the_progress_count(engagement: Path) -> None:
    form = open_form(engagement, "Dana Whitfield")
    row = form.row("sl_p_04")
    row.answer.value = "Nobody owns it."
    assert form.tabs.titles[1] == "2. Problem 1/4"
    row.skip.click()
    assert row.skip.description == "Restore" and row.answer.disabled and row.label.value.startswith("<s>")
    assert form.row("sl_p_04") is row
    assert form.tabs.titles[1] == "2. Problem 0/3"  # skipped: neither asked nor answered
    entry = next(e for e in on_disk(form)["answers"] if e["question"] == "sl_p_04")
    assert entry["skipped"] is True and entry["answer"] == "Nobody owns it."  # what was typed is kept
    row.skip.click()
    assert row.skip.description == "Skip" and not row.answer.disabled and form.tabs.titles[1] == "2. Problem 1/4"


def test_tabs_are_numbered_in_spin_order_with_answered_counts(engagement: Path) -> None:
    form = open_form(engagement, "Dana Whitfield")
    assert [t.split(" ")[:2] for t in form.tabs.titles] == [["1.", "Situation"], ["2.", "Problem"],
                                                          ["3.", "Implication"], ["4.", "Need-payoff"]]
    form.row("sl_i_01").answer.value = "We missed Q2."
    assert form.tabs.titles[2] == "3. Implication 1/4"
    form.row("sl_i_01").answer.value = ""
    assert form.tabs.titles[2] == "3. Implication 0/4"


def test_switched_on_tags_are_coloured_and_each_row_shows_its_save(engagement: Path) -> None:
    form = open_form(engagement, "Dana Whitfield")
    row = form.row("sl_p_02")
    assert row.saved.value == "" and row.tags["pain"].button_style == ""
    row.answer.value = "Students."
    assert re.search(r"saved \d\d:\d\d:\d\d", row.saved.value)
    row.tags["pain"].value = True
    assert row.tags["pain"].button_style == "info" and row.tags["quote"].button_style == ""
    assert next(e for e in on_disk(form)["answers"] if e["question"] == "sl_p_02")["tags"] == ["pain"]
    again = open_form(engagement, "Dana Whitfield")  # resumed: the colour comes back from the file
    assert again.row("sl_p_02").tags["pain"].button_style == "info"
    assert again.row("sl_p_02").saved.value == ""  # nothing saved by this view yet


def test_own_question_goes_to_the_open_tab_without_a_forced_topic(engagement: Path) -> None:
    form = open_form(engagement, "Dana Whitfield")
    form.tabs.selected_index = 3  # listening to need-payoff answers
    assert form.adder.new_spin.value == "need_payoff" and form.adder.new_dimension.label == "topic (optional)"
    form.adder.new_question.value = "If you could change one thing about the Monday meeting, what would it be?"
    form.adder.add_button.click()
    row = form.row("custom_1")
    assert row.spin == "need_payoff" and form.tabs.selected_index == 3
    own = on_disk(form)["answers"][-1]
    assert own == {"question": "custom_1", "text": "If you could change one thing about the Monday meeting, "
                   "what would it be?", "answer": None, "tags": [], "share": False, "spin": "need_payoff"}
    row.answer.value = "Same numbers on the screen for both of us."
    row.tags["need"].value = True
    row.share.value = True
    form.checked.value = True
    interviews, problems = read_interviews(engagement)
    assert not [p for p in problems if p.is_error]
    html = voice({"discovery": synthesize(interviews, [])}).html()
    assert "Same numbers on the screen for both of us." in html
    assert "Someone in sales</footer>" in html  # one interviewee: the team, never the title
    assert "VP Sales" not in html
    assert "&middot; Other</footer>" not in html  # an own question without a topic gets no made-up label


def test_form_module_is_split_below_the_size_limit() -> None:
    root = Path(__file__).resolve().parents[2] / "helpers" / "forms"
    for name in ("interview.py", "interview_widgets.py"):
        assert len((root / name).read_text(encoding="utf-8").splitlines()) < 400, name
