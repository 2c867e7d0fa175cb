"""The journey editor driven through the widget API; the YAML on disk is read back."""

from __future__ import annotations

import re

import shutil
from pathlib import Path

import yaml

from helpers.forms.journey import open_form
from helpers.engagement.journey import read_journey
from tests.conftest import FIXTURES


def _saved(folder: Path) -> dict:
    return yaml.safe_load((folder / "journey.yaml").read_text(encoding="utf-8"))


def test_opening_does_not_write(tmp_path):
    form = open_form(tmp_path)
    assert not (tmp_path / "journey.yaml").exists()
    assert form.doc.saves == 0 and "first change" in form.status.value
    assert form.preview_figure is not None  # the template is previewed before anything is saved


def test_edits_autosave_and_read_back_valid(tmp_path):
    form = open_form(tmp_path, live_preview=False)
    form.cells[(2, "pain_points")].value = "Nobody calls back for days\n\n  Same questions twice  "
    assert _saved(tmp_path)["journeys"][0]["stages"][2]["pain_points"] == ["Nobody calls back for days",
                                                                           "Same questions twice"]
    form.cells[(1, "owner")].value = "shared"
    form.cells[(1, "emotion")].value = -2
    form.cells[(1, "evidence")].value = "measured"
    form.cells[(1, "kpi")].value = "  MQLs accepted per week "
    form.cells[(3, "handoff")].value = True
    form.persona.value = "Operations lead"
    stage = _saved(tmp_path)["journeys"][0]["stages"][1]
    assert (stage["owner"], stage["emotion"], stage["evidence"], stage["kpi"]) == ("shared", -2, "measured",
                                                                                   "MQLs accepted per week")
    assert _saved(tmp_path)["journeys"][0]["persona"] == "Operations lead"
    journey, problems = read_journey(tmp_path)
    assert journey.journeys[0].stages[3].handoff is True
    # marketing -> shared at stage 2 is an owner change nobody marked: flagged in the file and in the form
    assert [(p.severity, p.field, p.row) for p in problems] == [("warning", "handoff", 29)]
    assert re.search(r"saved \d\d:\d\d:\d\d</span> to <code>journey.yaml</code>", form.status.value)
    # ... said in the grid, in the consultant's words, in the column of the stage and at its hand-off box
    note = form.notes[1].value
    assert "The owner changes here, from Marketing to Shared: tick “hand-off” in this column" in note
    assert "“Consideration”" in note and "handoff: true" not in note and "&#x27;consideration&#x27;" not in note
    assert "cg-attention" in form.cells[(1, "handoff")]._dom_classes and form.notes[1].layout.display is None
    assert form.notes[0].layout.display == "none" and "cg-attention" not in form.cells[(3, "handoff")]._dom_classes
    form.cells[(1, "handoff")].value = True  # ticked: the message goes
    assert form.notes[1].value == "" and "cg-attention" not in form.cells[(1, "handoff")]._dom_classes


def test_same_value_is_not_rewritten(tmp_path):
    form = open_form(tmp_path, live_preview=False)
    form.cells[(0, "kpi")].value = "Visits"
    saves = form.doc.saves
    form.cells[(0, "kpi")].value = "Visits "
    assert form.doc.saves == saves


def test_add_move_remove_stages_on_the_existing_journey(tmp_path):
    form = open_form(tmp_path, live_preview=False)
    form.journey_picker.value = 1
    assert [k for k in form.cells if k[1] == "name"] == [(i, "name") for i in range(4)]
    form.add_stage("Renewal", "sales")
    form.add_stage("Renewal", "sales")
    ids = [s["id"] for s in _saved(tmp_path)["journeys"][1]["stages"]]
    assert ids == ["onboarding", "adoption", "expansion", "advocacy", "renewal", "renewal_2"]
    form.stage_buttons[(4, "left")].click()
    form.stage_buttons[(0, "left")].click()  # already first: nothing happens
    form.stage_buttons[(5, "remove")].click()
    ids = [s["id"] for s in _saved(tmp_path)["journeys"][1]["stages"]]
    assert ids == ["onboarding", "adoption", "expansion", "renewal", "advocacy"]
    form.cells[(3, "name")].value = "Renewal talk"
    assert _saved(tmp_path)["journeys"][1]["stages"][3]["name"] == "Renewal talk"
    assert [s["id"] for s in _saved(tmp_path)["journeys"][0]["stages"]][0] == "awareness"


def test_resumes_an_existing_file_and_shows_problems(tmp_path):
    shutil.copy(FIXTURES / "journey/custom" / "journey.yaml", tmp_path / "journey.yaml")
    before = (tmp_path / "journey.yaml").read_bytes()
    form = open_form(tmp_path)
    assert form.cells[(2, "pain_points")].value == "Nobody calls back for three days\nAsked the same questions twice"
    assert form.persona.value == "Plant manager at a mid-size food producer"
    assert (tmp_path / "journey.yaml").read_bytes() == before
    form.cells[(0, "name")].value = ""   # a blank name falls back to the stage id
    assert _saved(tmp_path)["journeys"][0]["stages"][0]["name"] == "awareness"
    form.doc.update(lambda d: d["journeys"][0]["stages"][0].update(owner="board"))
    assert form.notes[0].value.count("Owner: unknown owner &#x27;board&#x27;; choose the owner in the Owner row") == 1
    assert "cg-attention" in form.cells[(0, "owner")]._dom_classes and form.preview_figure is None


def test_funnel_preview_lists_problems_and_never_writes():
    from helpers.forms.journey import funnel_preview

    folder = FIXTURES / "funnel/small"
    before = sorted((p.name, p.stat().st_mtime_ns) for p in folder.iterdir())
    section = funnel_preview(folder)
    assert "Problems in the funnel data" in section.parts[0] and "funnel.csv:13: mql_at" in section.parts[0]
    assert "11 leads created" in section.parts[1]
    assert sorted((p.name, p.stat().st_mtime_ns) for p in folder.iterdir()) == before


def test_owner_typed_as_a_team_name_shows_in_the_dropdown(tmp_path):
    (tmp_path / "journey.yaml").write_text(
        "journeys:\n  - id: new\n    stages:\n      - {id: a, owner: Marketing team}\n      - {id: b, owner: CS}\n",
        encoding="utf-8")
    before = (tmp_path / "journey.yaml").read_bytes()
    form = open_form(tmp_path)
    assert [form.cells[(i, "owner")].value for i in (0, 1)] == ["marketing", "customer_success"]
    assert (tmp_path / "journey.yaml").read_bytes() == before  # opening the form writes nothing
