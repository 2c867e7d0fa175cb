"""Two tabs typing into one capture file, driven message by message in the order of the race.

The browser test ``test_two_tabs_typing_into_one_interview_keep_every_word`` failed once under
load: tab B's ping took in tab A's saved words, then B's own keystrokes (sent before B saw A's
words) arrived as the whole field and were saved over A's words. These tests replay that order
on the kernel side without any timing luck: each form's widgets receive exactly the messages
their browser would send, in the order that lost words.

In JupyterLab (4.4 and later, with ipykernel 7) every widget message goes to one kernel subshell,
a thread apart from the cells, in the order the browser sent it: B's ping and B's edit are handled
one after the other, so the order replayed here is the order the kernel sees. The browser itself
shows a value the kernel puts into a box even while the box's own edit is on its way (ipywidgets
filters only echoes), so B's edit was typed on the text before A's words.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers.analysis.plan import build
from helpers.forms.common import AutosaveDocument
from helpers.forms.interview import InterviewForm, open_form
from helpers.forms.journey import open_form as open_journey
from helpers.forms.plan import PlanForm
from helpers.forms.save_status import SaveStatus
from tests.conftest import FIXTURES

MARK = r"\[other editor, \d\d:\d\d:\d\d\]: "


def ping(status: SaveStatus) -> None:
    """The browser's periodic ping (every two seconds): the form takes in what another tab saved."""
    status.send = lambda content, buffers=None: None  # type: ignore[method-assign]
    status._on_msg(status, {"type": "ping", "t": 1, "fields": {}, "restore": []}, [])


def seen(box: Any) -> int:
    """The revision of the text the browser shows in ``box`` now (0 before the forms learned revisions)."""
    return int(getattr(box, "cg_rev", 0))


def typed(box: Any, text: str, rev: int, seq: int = 1) -> None:
    """The browser's update message for ``box``: the whole text, typed on the value of revision ``rev``."""
    box.set_state({"value": text, "cg_edit_base": [rev, seq]})


def answer_of(path: Path, qid: str) -> str:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return str(next(e for e in data["answers"] if e["question"] == qid)["answer"])


def two_interview_tabs(engagement: Path) -> tuple[InterviewForm, InterviewForm, str]:
    a = open_form(engagement, "Dana Whitfield")
    assert isinstance(a, InterviewForm)
    qid = a.rows[0].question_id
    a.row(qid).answer.value = "From tab A."  # the file exists, both tabs start from this text
    b = open_form(engagement, "Dana Whitfield")
    assert isinstance(b, InterviewForm) and b.row(qid).answer.value == "From tab A."
    return a, b, qid


def test_a_stale_edit_arriving_after_the_ping_keeps_the_other_tab_s_words(engagement: Path) -> None:
    a, b, qid = two_interview_tabs(engagement)
    box_b = b.row(qid).answer
    shown_in_b = seen(box_b)  # what B's browser shows when B's consultant starts typing

    a.row(qid).answer.value = "From tab A. Marketing says X."  # A's keystrokes reach A's kernel, saved
    ping(b.status)  # B's ping arrives before B's keystrokes: B's kernel takes in A's words
    assert box_b.value == "From tab A. Marketing says X."
    typed(box_b, "From tab A. Sales says Y.", shown_in_b)  # B's edit, made on "From tab A."

    text = answer_of(b.path, qid)
    assert "Marketing says X." in text, f"tab A's words were lost: {text!r}"
    assert "Sales says Y." in text
    assert re.search(MARK, text), "both tabs added words at the same place: a conflict, both kept"
    assert box_b.value == text, "tab B shows what is on disk"
    assert "another tab or editor changed what you changed" in b.status.value
    ping(a.status)
    assert a.row(qid).answer.value == text
    assert "another tab or editor changed what you changed" in a.status.value, "the conflict shows in both forms"


def test_a_stale_edit_of_other_words_merges_without_a_conflict(engagement: Path) -> None:
    a, b, qid = two_interview_tabs(engagement)
    box_b = b.row(qid).answer
    a.row(qid).answer.value = "From tab A."
    shown_in_b = seen(box_b)
    a.row(qid).answer.value = "Marketing says X. From tab A."  # A writes before the text
    ping(b.status)
    typed(box_b, "From tab A. Sales says Y.", shown_in_b)  # B writes after it
    assert answer_of(b.path, qid) == "Marketing says X. From tab A. Sales says Y."
    assert box_b.value == "Marketing says X. From tab A. Sales says Y."
    assert "changed what you changed" not in b.status.value


def test_keystrokes_sent_before_and_after_the_merge_each_count_once(engagement: Path) -> None:
    a, b, qid = two_interview_tabs(engagement)
    box_b = b.row(qid).answer
    shown_in_b = seen(box_b)
    a.row(qid).answer.value = "Marketing says X. From tab A."
    ping(b.status)
    # B's browser sent three keystrokes before it heard of A's words (its view ignored the push)
    typed(box_b, "From tab A. S", shown_in_b, 1)
    typed(box_b, "From tab A. Sa", shown_in_b, 2)
    typed(box_b, "From tab A. Sal", shown_in_b, 3)
    assert answer_of(b.path, qid) == "Marketing says X. From tab A. Sal"
    typed(box_b, "Marketing says X. From tab A. Sales", seen(box_b), 4)  # now on the merged text
    assert answer_of(b.path, qid) == "Marketing says X. From tab A. Sales"


def test_an_edit_on_the_text_the_browser_was_shown_replaces_it(engagement: Path) -> None:
    """Deleting words one saw is an edit, not a loss: nothing is merged back."""
    a, b, qid = two_interview_tabs(engagement)
    box_b = b.row(qid).answer
    a.row(qid).answer.value = "From tab A. Marketing says X."
    ping(b.status)
    typed(box_b, "Sales says Y.", seen(box_b))
    assert answer_of(b.path, qid) == "Sales says Y."


def test_the_journey_grid_keeps_a_cell_typed_while_the_ping_took_in_the_other_tab(engagement: Path) -> None:
    a, b = open_journey(engagement), open_journey(engagement)
    kpi_a, kpi_b = a.cells[(0, "kpi")], b.cells[(0, "kpi")]
    kpi_a.value = "Leads per week"  # the file exists now
    ping(b.status)
    kpi_b = b.cells[(0, "kpi")]
    shown_in_b = seen(kpi_b)
    a.cells[(0, "kpi")].value = "Leads per week; demos booked"
    ping(b.status)  # B takes in A's cell (the grid may be built again)
    typed(kpi_b, "Leads per week; reply time", shown_in_b)
    b.typing.flush()
    saved = yaml.safe_load((engagement / "journey.yaml").read_text(encoding="utf-8"))
    text = str(saved["journeys"][0]["stages"][0]["kpi"])
    assert "demos booked" in text and "reply time" in text, text


def test_journey_typing_waiting_for_its_pause_is_written_before_the_ping_takes_the_other_tab_in(
        engagement: Path) -> None:
    a, b = open_journey(engagement), open_journey(engagement)
    a.cells[(0, "kpi")].value = "Leads per week"  # the file exists now
    ping(b.status)

    async def in_the_kernel() -> None:  # the kernel's event loop: typing waits for its 300 ms pause
        b.cells[(0, "kpi")].value = "Leads per week; reply time"
        assert b.typing.busy
        a.cells[(0, "kpi")].value = "Demos; Leads per week"
        a.typing.flush()  # A's words are on disk
        ping(b.status)  # B's ping comes while B's typing still waits for its pause
        await asyncio.sleep(0.5)

    # in a thread of its own: the test process may already run an event loop (Playwright's, from
    # the browser tests), and asyncio.run refuses to start inside one
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, in_the_kernel()).result()
    saved = yaml.safe_load((engagement / "journey.yaml").read_text(encoding="utf-8"))
    assert saved["journeys"][0]["stages"][0]["kpi"] == "Demos; Leads per week; reply time"


def plan_tab(folder: Path) -> PlanForm:
    results = json.loads((FIXTURES / "plan" / "results" / "weak_handoff.json").read_text(encoding="utf-8"))
    results["plan"] = build(results, None)
    return PlanForm(AutosaveDocument.open(folder / "plan.yaml", {}), results, preview=False)


def test_the_plan_keeps_an_action_typed_while_the_ping_took_in_the_other_tab(tmp_path: Path) -> None:
    a = plan_tab(tmp_path)
    pid = "sla_speed_to_lead"
    a.rows[pid]["action"].value = "Call within a day."
    a.typing.flush()
    b = plan_tab(tmp_path)
    box_b = b.rows[pid]["action"]
    shown_in_b = seen(box_b)
    a.rows[pid]["action"].value = "Call within a day. Log every call."
    a.typing.flush()
    ping(b.status)  # B takes in A's action (the rows may be built again)
    typed(box_b, "Book a demo. Call within a day.", shown_in_b)
    b.typing.flush()
    plays = yaml.safe_load((tmp_path / "plan.yaml").read_text(encoding="utf-8"))["plays"]
    text = str(next(p for p in plays if p["id"] == pid)["action"])
    assert text == "Book a demo. Call within a day. Log every call.", text


def test_a_same_size_change_in_the_same_clock_tick_is_still_seen(tmp_path: Path) -> None:
    """A file rewritten with the same size and modification time is compared by content, not trusted."""
    path = tmp_path / "plan.yaml"
    doc = AutosaveDocument.open(path, {})
    doc.set(["owner_note"], "aaaa")
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("aaaa", "bbbb"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # a coarse clock: same tick
    doc.set(["suggest"], False)
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == {"owner_note": "bbbb", "suggest": False}


@pytest.mark.parametrize("base, mine, theirs, merged", [
    ("a b c", "a B c", "a b C", "a B C"),
    ("a b c", "x a b c", "a b c y", "x a b c y"),
    ("a b c", "a b c", "a b X", "a b X"),
    ("a b c", "a X c", "a X c", "a X c"),
    ("a b c", "a X c", "a Y c", None),
    ("a", "a m", "a t", None),
    ("a b c", "a c", "a b c d", "a c d"),
])
def test_merge_text_combines_edits_of_different_words(base: str, mine: str, theirs: str, merged: str | None) -> None:
    from helpers.forms.merge import merge_text

    assert merge_text(base, mine, theirs) == merged


def test_keystrokes_still_on_their_way_during_a_conflict_keep_the_text_once(engagement: Path) -> None:
    """Review 6 #1: every keystroke typed on the old text used to add another marked copy, half-typed words included."""
    a, b, qid = two_interview_tabs(engagement)
    box_b = b.row(qid).answer
    shown_in_b = seen(box_b)
    a.row(qid).answer.value = "From tab A. Marketing says X."
    ping(b.status)
    for seq, text in enumerate(["From tab A. S", "From tab A. Sa", "From tab A. Sal", "From tab A. Sales"], 1):
        typed(box_b, text, shown_in_b, seq)  # sent before B's browser heard of the merge
    text = answer_of(b.path, qid)
    assert re.fullmatch(r"From tab A\. Sales\n\n" + MARK + r"From tab A\. Marketing says X\.", text), text
    assert box_b.value == text


def test_keystrokes_reaching_a_replaced_box_during_a_conflict_keep_the_text_once() -> None:
    """The same burst, arriving at a box the form built again: handed on and merged once."""
    from helpers.forms.text_fields import TrackedTextarea

    old, new = TrackedTextarea(value="Demos"), TrackedTextarea(value="Demos; calls")
    old.replaced_by(new)
    for seq, text in enumerate(["Demos; t", "Demos; tr", "Demos; trials"], 1):
        typed(old, text, old.cg_rev, seq)
    assert re.fullmatch(r"Demos; trials\n\n" + MARK + r"Demos; calls", new.value), new.value


def test_a_late_edit_of_a_removed_journey_stage_never_lands_in_the_next_stage(engagement: Path) -> None:
    """Review 6 #6: the old cell wrote by position, over the stage that moved into its place."""
    form = open_journey(engagement)
    form.cells[(0, "kpi")].value = "Stage 0 KPI"
    form.cells[(1, "kpi")].value = "Stage 1 KPI"
    form.typing.flush()
    old = form.cells[(0, "kpi")]
    fid = next(f for f, box in form.status.fields.items() if box is old)
    form.stage_action(0, "remove")
    typed(old, "Stage 0 KPI, typed late", old.cg_rev, 9)  # on its way when the stage was removed
    form.typing.flush()
    stages = yaml.safe_load((engagement / "journey.yaml").read_text(encoding="utf-8"))["journeys"][0]["stages"]
    assert stages[0]["kpi"] == "Stage 1 KPI", stages[0]
    assert all("typed late" not in str(s.get("kpi")) for s in stages)
    answers: list[dict[str, Any]] = []
    form.status.send = lambda content, buffers=None: answers.append(content)  # type: ignore[method-assign]
    form.status._on_msg(form.status, {"type": "ping", "t": 1, "fields": {fid: "Stage 0 KPI, typed late"},
                                      "restore": []}, [])
    assert answers[0]["missing"] == [fid], "the browser is told to offer the late text for copying"


def test_words_another_tab_adds_during_a_burst_of_conflicting_keystrokes_are_kept_and_the_text_once(
        engagement: Path) -> None:
    a, b, qid = two_interview_tabs(engagement)
    box_b = b.row(qid).answer
    shown_in_b = seen(box_b)
    a.row(qid).answer.value = "From tab A. Marketing says X."
    ping(b.status)
    typed(box_b, "From tab A. S", shown_in_b, 1)
    typed(box_b, "From tab A. Sa", shown_in_b, 2)
    ping(a.status)  # A takes in B's merge and adds to its own words
    a.row(qid).answer.value = a.row(qid).answer.value + " Leads go cold."
    ping(b.status)
    typed(box_b, "From tab A. Sal", shown_in_b, 3)
    typed(box_b, "From tab A. Sales", shown_in_b, 4)
    text = answer_of(b.path, qid)
    assert re.fullmatch(r"From tab A\. Sales\n\n" + MARK + r"From tab A\. Marketing says X\. Leads go cold\.", text), text


def test_a_choice_on_its_way_when_the_grid_is_built_again_still_lands_in_its_stage(engagement: Path) -> None:
    """Only cells whose stage left its place are closed: an owner chosen while another tab's text came in is kept."""
    a, b = open_journey(engagement), open_journey(engagement)
    a.cells[(0, "kpi")].value = "Leads per week"
    ping(b.status)
    owner_b = b.cells[(1, "owner")]
    a.cells[(0, "kpi")].value = "Leads per week; demos booked"
    ping(b.status)  # B takes in A's cell: the grid is built again
    owner_b.set_state({"index": [v for _label, v in owner_b.options].index("sales")})  # B's choice, on the grid before
    stages = yaml.safe_load((engagement / "journey.yaml").read_text(encoding="utf-8"))["journeys"][0]["stages"]
    assert stages[1]["owner"] == "sales" and stages[0]["kpi"] == "Leads per week; demos booked", stages[:2]


def test_a_late_choice_in_a_removed_journey_stage_never_lands_in_the_next_stage(engagement: Path) -> None:
    form = open_journey(engagement)
    form.cells[(0, "kpi")].value = "Stage 0 KPI"  # the file exists now
    form.typing.flush()
    owner = form.cells[(0, "owner")]
    next_owner = form.stages()[1]["owner"]
    form.stage_action(0, "remove")
    choice = next(v for _label, v in owner.options if v and v != next_owner)
    if owner.comm is not None:  # a closed box gets no message from the browser
        owner.set_state({"index": [v for _label, v in owner.options].index(choice)})
    stages = yaml.safe_load((engagement / "journey.yaml").read_text(encoding="utf-8"))["journeys"][0]["stages"]
    assert stages[0]["owner"] == next_owner, stages[0]
