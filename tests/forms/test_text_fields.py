"""A text box knows which value the browser's edit was typed on (helpers/forms/text_fields.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from helpers.forms.text_fields import KEPT_REVISIONS, TrackedTextarea


def browser_edit(box: TrackedTextarea, text: str, rev: int) -> None:
    box.set_state({"value": text, "cg_edit_base": [rev, 1]})


def test_a_value_the_kernel_puts_in_is_numbered_and_sent_with_its_number() -> None:
    box = TrackedTextarea(value="Leads wait.")
    sent: list[dict[str, Any]] = []
    box._send = lambda msg, buffers=None: sent.append(msg)  # type: ignore[method-assign]
    before = box.cg_rev
    box.value = "Leads wait three days."
    assert box.cg_rev == before + 1
    assert [m["state"] for m in sent if m.get("method") == "update"] == [
        {"value": "Leads wait three days.", "cg_rev": before + 1}], "one message: the browser never sees one without the other"


def test_an_edit_on_the_value_shown_is_taken_as_typed() -> None:
    box = TrackedTextarea(value="Leads wait.")
    seen: list[str] = []
    box.observe(lambda ch: seen.append(ch["new"]), "value")
    browser_edit(box, "Leads wait a week.", box.cg_rev)
    assert box.value == "Leads wait a week." and seen == ["Leads wait a week."]


def test_an_edit_on_an_older_value_is_merged_and_the_echo_carries_the_merge() -> None:
    box = TrackedTextarea(value="Leads wait.")
    shown = box.cg_rev
    box.value = "Inbound leads wait."  # another tab's words, put in by the kernel
    sent: list[dict[str, Any]] = []
    box._send = lambda msg, buffers=None: sent.append(msg)  # type: ignore[method-assign]
    browser_edit(box, "Leads wait three days.", shown)
    assert box.value == "Inbound leads wait three days."
    echo = next(m["state"] for m in sent if m.get("method") == "echo_update")
    assert echo["value"] == "Inbound leads wait three days." and echo["cg_rev"] == box.cg_rev


def test_an_edit_whose_value_is_forgotten_keeps_both_texts() -> None:
    box = TrackedTextarea(value="a")
    for n in range(KEPT_REVISIONS + 2):
        box.value = f"kernel {n}"
    browser_edit(box, "typed long ago", 0)
    assert re.fullmatch(r"typed long ago\n\n\[other editor, \d\d:\d\d:\d\d\]: kernel \d+", box.value)


def test_an_edit_reaching_a_replaced_box_goes_to_the_box_that_replaced_it() -> None:
    old, new = TrackedTextarea(value="Demos"), TrackedTextarea(value="Demos; calls")
    old.replaced_by(new)
    written: list[str] = []
    old.observe(lambda ch: written.append("old"), "value")
    new.observe(lambda ch: written.append(ch["new"]), "value")
    browser_edit(old, "Trials; Demos", old.cg_rev)
    assert new.value == "Trials; Demos; calls" and written == ["Trials; Demos; calls"]
    assert old.value == "Demos", "the old box's form code never writes it"


def test_a_closed_successor_does_not_take_edits() -> None:
    old, new = TrackedTextarea(value="x"), TrackedTextarea(value="y")
    old.replaced_by(new)
    new.close()
    assert old.successor() is None


def test_an_edit_without_a_number_is_taken_as_typed_not_merged_with_an_earlier_number() -> None:
    """Review 6 #5: it borrowed the previous message's number; a deletion came back as a marked copy."""
    box = TrackedTextarea(value="Leads wait.")
    browser_edit(box, "Leads wait two days.", box.cg_rev)
    box.value = "Leads wait two days. Marketing says X."
    box.set_state({"value": "Leads wait. Marketing says X."})  # no stamp: no front end
    assert box.value == "Leads wait. Marketing says X."


@pytest.mark.parametrize("number", [7, -1])
def test_an_edit_with_a_number_the_kernel_never_issued_is_taken_as_typed(number: int) -> None:
    """Review 6 #7: it was taken as a forgotten value and the whole text kept twice."""
    box = TrackedTextarea(value="Leads wait.")
    browser_edit(box, "Leads wait two days.", number)
    assert box.value == "Leads wait two days."
    assert len(box._lines) <= KEPT_REVISIONS and number not in box._lines


def test_a_box_remembers_only_the_newest_values() -> None:
    box = TrackedTextarea(value="a")
    for n in range(3 * KEPT_REVISIONS):
        box.value = f"kernel {n}"
        browser_edit(box, f"typed {n}", max(0, box.cg_rev - 1))
    assert len(box._lines) <= KEPT_REVISIONS and len(box._stale) <= KEPT_REVISIONS


@pytest.mark.parametrize("other_tab, typed_here", [("Yes", "Yesterday only"), ("No", "None of them"),
                                                    ("demo", "demos")])
def test_the_other_tab_s_short_answer_is_not_swallowed_by_a_longer_word(other_tab: str, typed_here: str) -> None:
    """Review 6 #4: "Yes" counted as held by "Yesterday only" and disappeared without a marker."""
    box = TrackedTextarea(value="")
    shown = box.cg_rev
    box.value = other_tab  # the other tab's answer, put in at the ping
    browser_edit(box, typed_here, shown)
    assert re.search(rf"\b{other_tab}\b", box.value) and typed_here in box.value, box.value
