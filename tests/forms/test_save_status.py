"""The save indicator's kernel side: text kept in the browser comes back into its field and is saved."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers.forms.common import AutosaveDocument
from helpers.forms.interview import InterviewForm, open_form
from helpers.forms.save_status import SaveStatus


def ping(status: SaveStatus, fields: dict[str, str], restore: list[str] | None = None) -> dict[str, Any]:
    """What the browser sends every two seconds; returns the kernel's answer."""
    answers: list[dict[str, Any]] = []
    status.send = lambda content, buffers=None: answers.append(content)  # type: ignore[method-assign]
    status._on_msg(status, {"type": "ping", "t": 1, "fields": fields, "restore": restore or []}, [])
    assert len(answers) == 1
    return answers[0]


def test_text_typed_while_the_kernel_was_away_is_written_when_the_form_is_back(engagement: Path) -> None:
    form = open_form(engagement, "Dana Whitfield")
    assert isinstance(form, InterviewForm)
    form.row("sl_p_02").answer.value = "Half the leads"  # saved before the kernel restarted
    again = open_form(engagement, "Dana Whitfield")  # the notebook run again in a new kernel
    assert isinstance(again, InterviewForm)
    kept = {"answer--sl_p_02": "Half the leads are students.", "answer--gone_question": "Where does this go?"}
    answer = ping(again.status, kept, restore=list(kept))
    saved = yaml.safe_load(again.path.read_text(encoding="utf-8"))
    assert next(e for e in saved["answers"] if e["question"] == "sl_p_02")["answer"] == "Half the leads are students."
    assert again.row("sl_p_02").answer.value == "Half the leads are students."
    assert answer["confirmed"] == {"answer--sl_p_02": "Half the leads are students."}
    assert answer["missing"] == ["answer--gone_question"], "text that fits no field is offered for copying"


def test_nothing_is_confirmed_that_is_not_in_the_file(engagement: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import helpers.forms.common as common

    form = open_form(engagement, "Dana Whitfield")
    assert isinstance(form, InterviewForm)
    form.row("sl_p_02").answer.value = "Saved"

    def full(path: Any, data: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(common, "atomic_write_yaml", full)
    form.row("sl_p_02").answer.value = "Not saved yet"
    assert "NOT SAVED \u2014 the disk is full" in form.status.value
    assert "NOT SAVED" in form.row("sl_p_02").saved.value
    assert ping(form.status, {"answer--sl_p_02": "Not saved yet"})["confirmed"] == {}
    monkeypatch.undo()
    form.row("sl_p_02").answer.value = "Not saved yet."
    assert ping(form.status, {"answer--sl_p_02": "Not saved yet."})["confirmed"] == {"answer--sl_p_02": "Not saved yet."}


def test_another_tab_s_answer_shows_in_this_form_at_the_next_ping(engagement: Path) -> None:
    form = open_form(engagement, "Dana Whitfield")
    assert isinstance(form, InterviewForm)
    form.row("sl_p_02").answer.value = "Mine"
    other = AutosaveDocument.open(form.path)
    index = next(i for i, e in enumerate(other.data["answers"]) if e["question"] != "sl_p_02")
    question = other.data["answers"][index]["question"]
    other.set(["answers", index, "answer"], "Typed in the other tab")
    ping(form.status, {})
    assert form.row(question).answer.value == "Typed in the other tab"
    assert form.row("sl_p_02").answer.value == "Mine"
    assert "merged in" in form.status.value


def test_text_kept_in_the_browser_does_not_swallow_a_shorter_answer_it_starts_with(engagement: Path) -> None:
    """Review 6 #4, restore path: "Yesterday only" kept in the browser replaced another tab's "Yes" without a trace."""
    form = open_form(engagement, "Dana Whitfield")
    assert isinstance(form, InterviewForm)
    form.row("sl_p_02").answer.value = "Yes"  # the other tab's answer, on disk
    again = open_form(engagement, "Dana Whitfield")  # this tab's notebook run again after a restart
    assert isinstance(again, InterviewForm)
    ping(again.status, {"answer--sl_p_02": "Yesterday only"}, restore=["answer--sl_p_02"])
    saved = yaml.safe_load(again.path.read_text(encoding="utf-8"))
    text = next(e for e in saved["answers"] if e["question"] == "sl_p_02")["answer"]
    assert re.fullmatch(r"Yes\n\n\[other editor, \d\d:\d\d:\d\d\]: Yesterday only", text), text


def test_text_kept_in_the_browser_that_continues_the_saved_answer_replaces_it(engagement: Path) -> None:
    form = open_form(engagement, "Dana Whitfield")
    assert isinstance(form, InterviewForm)
    form.row("sl_p_02").answer.value = "Half the leads"
    again = open_form(engagement, "Dana Whitfield")
    assert isinstance(again, InterviewForm)
    ping(again.status, {"answer--sl_p_02": "Half the leads are students."}, restore=["answer--sl_p_02"])
    assert again.row("sl_p_02").answer.value == "Half the leads are students."
