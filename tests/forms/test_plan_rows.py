"""Plan rows on a laptop: titled by the play's title, the consultant's own plays editable and removable with undo."""

from __future__ import annotations

import json
from pathlib import Path

import ipywidgets as w
import yaml

from helpers.analysis.plan import build
from helpers.content.playbook import load_playbook
from helpers.forms.common import AutosaveDocument
from helpers.forms.plan import PlanForm
from tests.conftest import FIXTURES


def make_form(tmp_path: Path) -> PlanForm:
    results = json.loads((FIXTURES / "plan" / "results" / "weak_handoff.json").read_text(encoding="utf-8"))
    results["plan"] = build(results, None)
    return PlanForm(AutosaveDocument.open(tmp_path / "plan.yaml", {}), results, preview=False)


def saved(tmp_path: Path) -> dict:
    return yaml.safe_load((tmp_path / "plan.yaml").read_text(encoding="utf-8"))


def headings(form: PlanForm) -> str:
    """Every heading text of the plan rows (what the consultant reads above each play)."""
    return " ".join(part.value for box in form.list_box.children for part in box.children if isinstance(part, w.HTML))


def add(form: PlanForm, title: str, success: str = "") -> str:
    form.new_title.value, form.new_action.value, form.new_success.value = title, f"Do {title.lower()}.", success
    form.add_button.click()
    return next(pid for pid in form.rows if form.rows[pid].get("title") is not None
                and form.rows[pid]["title"].value == title)


def test_rows_are_titled_by_the_play_title_never_its_id(tmp_path: Path) -> None:
    book = load_playbook()
    listed = next(pid for pid in (p.id for p in book.plays) if pid not in {c["id"] for c in make_form(tmp_path).candidates()})
    (tmp_path / "plan.yaml").write_text(f"plays:\n  - id: {listed}\n    status: accepted\n", encoding="utf-8")
    form = make_form(tmp_path)
    text = headings(form)
    assert book.get(listed).title in text and f"<b>{listed}</b>" not in text
    for pid in form.rows:
        assert f"<b>{pid}</b>" not in text


def test_own_play_title_and_success_stay_editable(tmp_path: Path) -> None:
    form = make_form(tmp_path)
    pid = add(form, "Call-back rota", "Leads called the same day")
    form.rows[pid]["title"].value = "Same-day call-back rota"
    form.rows[pid]["success"].value = "Every lead called the same day"
    entry = saved(tmp_path)["plays"][0]
    assert (entry["title"], entry["success"]) == ("Same-day call-back rota", "Every lead called the same day")
    form.rows[pid]["title"].value = "  "  # a play needs a title: the file keeps the last one and the row says so
    assert saved(tmp_path)["plays"][0]["title"] == "Same-day call-back rota"
    assert "Give the play a title" in form.rows[pid]["note"].value
    again = make_form(tmp_path)
    assert again.rows[pid]["title"].value == "Same-day call-back rota"


def test_measured_own_play_keeps_its_signal_when_its_wording_changes(tmp_path: Path) -> None:
    form = make_form(tmp_path)
    form.new_signal.value = "funnel.median_response_hours"
    pid = add(form, "Call-back rota")
    form.rows[pid]["success"].value = "Leads answered within a working day"
    assert saved(tmp_path)["plays"][0]["success"] == {"text": "Leads answered within a working day",
                                                      "signal": "funnel.median_response_hours", "goal": "down"}


def test_removing_an_own_play_can_be_undone_until_the_next_play_is_added(tmp_path: Path) -> None:
    form = make_form(tmp_path)
    first = add(form, "Price range online")
    second = add(form, "Call-back rota", "Same day")
    before = saved(tmp_path)["plays"]
    assert form.undo_button.layout.display == "none"
    form.rows[first]["remove"].click()
    assert [e["id"] for e in saved(tmp_path)["plays"]] == [second] and first not in form.rows
    assert form.undo_button.layout.display is None
    assert form.undo_button.description == "Undo remove \u201cPrice range online\u201d"
    form.undo_button.click()
    assert saved(tmp_path)["plays"] == before and first in form.rows
    assert form.undo_button.layout.display == "none"
    form.rows[second]["remove"].click()
    add(form, "Joint pipeline review")
    assert form.removed is None and form.undo_button.layout.display == "none"
    assert second not in {e["id"] for e in saved(tmp_path)["plays"]}
