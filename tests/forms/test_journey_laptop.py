"""The journey editor on a laptop: Tab goes down a stage, a removed stage comes back, messages in the grid's words."""

from __future__ import annotations

from pathlib import Path

import yaml

from helpers.forms.journey import LANES, open_form
from helpers.forms.journey_messages import grid_messages


def _saved(folder: Path) -> dict:
    return yaml.safe_load((folder / "journey.yaml").read_text(encoding="utf-8"))


def test_the_grid_is_laid_out_stage_by_stage_so_tab_goes_down_a_stage(tmp_path: Path) -> None:
    form = open_form(tmp_path, live_preview=False)
    grid = form.grid.children[0]
    assert grid.layout.grid_auto_flow == "column" and grid.layout.overflow == "auto"
    order = list(grid.children)

    def place(si: int, key: str) -> int:
        widget = form.cells[(si, key)]
        return next(i for i, child in enumerate(order) if child is widget or widget in getattr(child, "children", ()))

    first = [place(0, key) for key, _, _ in LANES]
    assert first == sorted(first), "stage 1's fields come one after the other, in lane order"
    assert max(first) < place(1, "name"), "then stage 2 begins"
    assert all(not b.tabbable for b in form.stage_buttons.values()), "the move/remove buttons are clicked, not tabbed"
    assert "cg-lane-label" in order[1]._dom_classes and "cg-journey-grid" in grid._dom_classes


def test_a_removed_stage_comes_back_with_what_it_held(tmp_path: Path) -> None:
    form = open_form(tmp_path, live_preview=False)
    form.cells[(1, "kpi")].value = "Demo requests per month"
    form.cells[(1, "pain_points")].value = "Nobody calls back"
    before = _saved(tmp_path)["journeys"][0]["stages"]
    assert form.undo_button.layout.display == "none"
    form.stage_buttons[(1, "remove")].click()
    assert [s["id"] for s in _saved(tmp_path)["journeys"][0]["stages"]] == [before[0]["id"], *[s["id"] for s in before[2:]]]
    assert form.undo_button.layout.display is None
    assert form.undo_button.description == f"Undo remove \u201c{before[1]['name']}\u201d"
    form.undo_button.click()
    assert _saved(tmp_path)["journeys"][0]["stages"] == before, "back in its place, with its KPI and pain points"
    assert form.cells[(1, "kpi")].value == "Demo requests per month"
    assert form.undo_button.layout.display == "none"


def test_undo_is_offered_only_until_the_next_change_of_the_stages(tmp_path: Path) -> None:
    form = open_form(tmp_path, live_preview=False)
    form.stage_buttons[(0, "remove")].click()
    form.add_stage("Referral", "sales")
    assert form.removed is None and form.undo_button.layout.display == "none"
    form.undo_remove()  # nothing to undo any more: nothing changes
    names = [s["name"] for s in _saved(tmp_path)["journeys"][0]["stages"]]
    assert names[-1] == "Referral" and len(names) == 4


def test_messages_name_the_stage_as_typed_and_the_box_to_tick(tmp_path: Path) -> None:
    form = open_form(tmp_path, live_preview=False)
    form.add_stage()  # "New stage", owner shared, after a stage sales owns
    si = len(form.stages()) - 1
    note = form.notes[si].value
    assert "The owner changes here, from Sales to Shared" in note and "\u201cNew stage\u201d" in note
    assert "new_stage" not in note and "handoff: true" not in note
    assert "cg-attention" in form.cells[(si, "handoff")]._dom_classes


def test_messages_about_another_journey_go_to_the_top_in_its_label(tmp_path: Path) -> None:
    data = {"journeys": [{"id": "new", "label": "New customers", "stages": [{"id": "a", "name": "Awareness",
                                                                            "owner": "marketing"}]},
                         {"id": "existing", "label": "Existing customers",
                          "stages": [{"id": "b", "name": "Onboarding", "owner": "board"}]}]}
    found = grid_messages(data, 0)
    assert found.stages == {} and found.errors
    assert found.top == ["Existing customers, \u201cOnboarding\u201d: Unknown owner 'board'; choose the owner in "
                         "the Owner row of this column"]


def test_unset_emotion_shows_not_set_and_writes_nothing_invented(tmp_path: Path) -> None:
    form = open_form(tmp_path, live_preview=False)
    form.add_stage()
    emotion = form.cells[(4, "emotion")]
    assert emotion.label == "not set"
    emotion.value = 1
    assert _saved(tmp_path)["journeys"][0]["stages"][4]["emotion"] == 1
    emotion.value = ""  # back to "not set"
    assert _saved(tmp_path)["journeys"][0]["stages"][4]["emotion"] is None


def test_an_owner_missing_from_the_file_shows_a_prompt_not_an_empty_box(tmp_path: Path) -> None:
    (tmp_path / "journey.yaml").write_text("journeys:\n  - id: new\n    stages:\n      - {id: a, name: Awareness}\n",
                                           encoding="utf-8")
    form = open_form(tmp_path, live_preview=False)
    owner = form.cells[(0, "owner")]
    assert owner.label == "\u2014 choose the owner \u2014"
    assert "Owner: has no owner" in form.notes[0].value
    owner.value = "marketing"
    assert _saved(tmp_path)["journeys"][0]["stages"][0]["owner"] == "marketing" and form.notes[0].value == ""
