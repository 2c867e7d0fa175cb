"""The autosaving document behind every capture form."""

from __future__ import annotations

import pytest
import yaml

from helpers.forms.common import AutosaveDocument


def test_every_change_is_on_disk_at_once_and_resumes(tmp_path) -> None:
    path = tmp_path / "interviews" / "ana.yaml"
    doc = AutosaveDocument.open(path, {"answers": [{"answer": ""}]})
    assert not path.exists(), "opening writes nothing"
    doc.set(["interviewee"], "Ana Ruiz")
    doc.set(["answers", 0, "answer"], "Leads go cold.")
    assert yaml.safe_load(path.read_text()) == {"answers": [{"answer": "Leads go cold."}], "interviewee": "Ana Ruiz"}
    again = AutosaveDocument.open(path, {"answers": []})  # a kernel restart: a new object on the same file
    assert again.get(["answers", 0, "answer"]) == "Leads go cold."


def test_setting_the_same_value_writes_nothing(tmp_path) -> None:
    doc = AutosaveDocument(tmp_path / "j.yaml", {"a": 1})
    doc.set(["a"], 1)
    assert doc.saves == 0 and not (tmp_path / "j.yaml").exists()
    doc.set(["b", "c"], 2)
    assert doc.saves == 1 and doc.data == {"a": 1, "b": {"c": 2}}


def test_a_path_through_a_value_is_a_bug_not_silence(tmp_path) -> None:
    doc = AutosaveDocument(tmp_path / "j.yaml", {"a": [1, 2]})
    with pytest.raises(TypeError):
        doc.set(["a", "x"], 3)
