"""Two editors of one capture file never erase each other's words; a failed write says NOT SAVED."""

from __future__ import annotations

import os
import re

import pytest
import yaml

from helpers.forms.common import AutosaveDocument, DocumentUnreadable
from helpers.forms.merge import merge


def interview() -> dict:
    return {"interviewee": "Ana Ruiz", "team": "sales",
            "answers": [{"question": "s1", "answer": None, "tags": []},
                        {"question": "p1", "answer": None, "tags": []}]}


def on_disk(path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_two_tabs_typing_different_answers_both_reach_the_file(tmp_path) -> None:
    path = tmp_path / "interviews" / "ana-ruiz.yaml"
    first = AutosaveDocument(path, interview())
    first.set(["team"], "marketing")  # the file now exists
    a, b = AutosaveDocument.open(path), AutosaveDocument.open(path)  # two tabs on the same interviewee
    a.set(["answers", 0, "answer"], "We use a shared CRM.")
    b.set(["answers", 1, "answer"], "Leads go cold within a week.")
    a.set(["answers", 0, "tags"], ["pain"])
    saved = on_disk(path)
    assert [e["answer"] for e in saved["answers"]] == ["We use a shared CRM.", "Leads go cold within a week."]
    assert saved["answers"][0]["tags"] == ["pain"]
    assert a.data == saved, "the tab that merged shows both answers"
    assert b.merged is not None and not b.merged.conflicts


def test_a_true_conflict_keeps_both_texts_and_is_reported(tmp_path) -> None:
    path = tmp_path / "ana.yaml"
    AutosaveDocument(path, interview()).save()
    a, b = AutosaveDocument.open(path), AutosaveDocument.open(path)
    a.set(["answers", 1, "answer"], "Marketing sends leads too late.")
    b.set(["answers", 1, "answer"], "Sales never calls back.")
    text = on_disk(path)["answers"][1]["answer"]
    assert re.fullmatch(r"Sales never calls back\.\n\n\[other editor, \d\d:\d\d:\d\d\]: "
                        r"Marketing sends leads too late\.", text)
    assert b.merged is not None and [c.where() for c in b.merged.conflicts] == ["answers \u203a p1 \u203a answer"]
    assert "changed what you changed: answers \u203a p1 \u203a answer" in b.status_html("interviews/ana.yaml")
    assert a.sync(), "the other tab takes the merged text in when it checks the file"
    assert a.get(["answers", 1, "answer"]) == text
    assert "changed what you changed: answers \u203a p1 \u203a answer" in a.status_html("interviews/ana.yaml"), \
        "the conflict shows in both forms"


def test_entries_added_and_removed_in_different_tabs_merge_by_identity(tmp_path) -> None:
    path = tmp_path / "journey.yaml"
    start = {"journeys": [{"id": "new", "stages": [{"id": "awareness", "kpi": None},
                                                    {"id": "purchase", "kpi": None}]}]}
    AutosaveDocument(path, start).save()
    a, b = AutosaveDocument.open(path), AutosaveDocument.open(path)
    a.update(lambda d: d["journeys"][0]["stages"].insert(1, {"id": "evaluation", "kpi": "Demos"}))
    b.set(["journeys", 0, "stages", 1, "kpi"], "Orders per month")
    stages = on_disk(path)["journeys"][0]["stages"]
    assert [(s["id"], s["kpi"]) for s in stages] == [("awareness", None), ("evaluation", "Demos"),
                                                     ("purchase", "Orders per month")]
    b.update(lambda d: d["journeys"][0]["stages"].pop(0))  # b removes awareness; a did not touch it
    a.set(["journeys", 0, "stages", 1, "kpi"], "Demos booked")
    assert [s["id"] for s in on_disk(path)["journeys"][0]["stages"]] == ["evaluation", "purchase"]


def test_a_text_editor_change_is_merged_not_overwritten(tmp_path) -> None:
    path = tmp_path / "plan.yaml"
    doc = AutosaveDocument.open(path, {})
    doc.set(["agreed"], "2026-11-02")
    path.write_text(path.read_text() + "max_per_horizon: 2\n", encoding="utf-8")  # typed in an editor
    doc.set(["suggest"], False)
    assert on_disk(path) == {"agreed": "2026-11-02", "max_per_horizon": 2, "suggest": False}


def test_merge_keeps_entries_objects_so_form_rows_stay_attached() -> None:
    base = {"answers": [{"question": "a", "answer": None}, {"question": "b", "answer": None}]}
    mine = {"answers": [{"question": "a", "answer": "x"}, {"question": "b", "answer": None}]}
    theirs = {"answers": [{"question": "a", "answer": None}, {"question": "b", "answer": "y"}]}
    entries = list(mine["answers"])
    merged, conflicts = merge(base, mine, theirs, "10:00:00")
    assert merged is mine and conflicts == []
    assert [e is f for e, f in zip(merged["answers"], entries)] == [True, True]
    assert [e["answer"] for e in merged["answers"]] == ["x", "y"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_says_not_saved_and_keeps_the_text(tmp_path) -> None:
    folder = tmp_path / "interviews"
    folder.mkdir()
    path = folder / "ana.yaml"
    doc = AutosaveDocument(path, interview())
    doc.save()
    folder.chmod(0o500)
    try:
        doc.set(["answers", 0, "answer"], "Typed while the folder is read-only.")
        assert doc.state == "error" and "read-only" in (doc.error or "")
        assert "NOT SAVED \u2014 the folder or file is read-only" in doc.status_html("interviews/ana.yaml")
        assert on_disk(path)["answers"][0]["answer"] is None
    finally:
        folder.chmod(0o700)
    doc.set(["answers", 0, "answer"], "Typed while the folder is read-only.")  # same text: retried anyway
    assert doc.state == "saved" and on_disk(path)["answers"][0]["answer"] == "Typed while the folder is read-only."


@pytest.mark.parametrize("code, reason", [(28, "the disk is full"),
                                          (30, "the folder or file is read-only (permission denied)"),
                                          (5, "disk error: Input/output error")])
def test_a_failed_write_says_not_saved_with_the_reason(tmp_path, monkeypatch, code, reason) -> None:
    import helpers.forms.common as common

    def fail(path, data):
        raise OSError(code, os.strerror(code))

    doc = AutosaveDocument(tmp_path / "j.yaml", {"a": 1})
    monkeypatch.setattr(common, "atomic_write_yaml", fail)
    doc.set(["a"], 2)
    assert doc.state == "error" and doc.error == reason and doc.dirty
    assert f"NOT SAVED \u2014 {reason}" in doc.status_html("j.yaml")
    assert not (tmp_path / "j.yaml").exists()
    monkeypatch.undo()
    doc.set(["a"], 2)  # the cause is gone: the next change writes everything kept
    assert doc.state == "saved" and on_disk(tmp_path / "j.yaml") == {"a": 2}


def test_duplicate_keys_are_refused_not_silently_collapsed(tmp_path) -> None:
    path = tmp_path / "ana.yaml"
    path.write_text("interviewee: Ana\ninterviewee: Bea\n", encoding="utf-8")
    with pytest.raises(DocumentUnreadable, match="interviewee"):
        AutosaveDocument.open(path)


def test_an_unreadable_file_written_by_someone_else_is_not_overwritten(tmp_path) -> None:
    path = tmp_path / "ana.yaml"
    doc = AutosaveDocument.open(path, {"a": 1})
    doc.set(["a"], 2)
    path.write_text("a: [unclosed\n", encoding="utf-8")
    doc.set(["a"], 3)
    assert doc.state == "error" and "cannot be read now" in (doc.error or "")
    assert path.read_text(encoding="utf-8") == "a: [unclosed\n"
