"""The plan editor, driven through the widget API like a consultant would."""

from __future__ import annotations

import re

import json
from pathlib import Path

import yaml

from helpers.analysis.plan import build
from helpers.analysis.waves import compare
from helpers.engagement.plan import read_plan
from helpers.forms.common import AutosaveDocument
from helpers.forms.plan import PlanForm
from tests.conftest import FIXTURES


def make_form(tmp_path: Path) -> PlanForm:
    results = json.loads((FIXTURES / "plan" / "results" / "weak_handoff.json").read_text(encoding="utf-8"))
    results["plan"] = build(results, None)
    return PlanForm(AutosaveDocument.open(tmp_path / "plan.yaml", {}), results, preview=False)


def saved(tmp_path: Path) -> dict:
    return yaml.safe_load((tmp_path / "plan.yaml").read_text(encoding="utf-8"))


def test_opening_the_form_writes_nothing(tmp_path):
    form = make_form(tmp_path)
    assert "sla_speed_to_lead" in form.rows and "goals_shared_target" in form.rows   # shown and further plays
    assert not (tmp_path / "plan.yaml").exists()
    assert "first change creates plan.yaml" in form.status.value


def test_status_owner_action_are_saved_at_once(tmp_path):
    form = make_form(tmp_path)
    form.rows["sla_speed_to_lead"]["status"].value = "accepted"
    assert saved(tmp_path)["plays"] == [{"id": "sla_speed_to_lead", "status": "accepted"}]
    form.rows["sla_speed_to_lead"]["owner"].value = "RevOps"
    form.rows["sla_speed_to_lead"]["action"].value = "Call within one working day."
    form.rows["defined_liaison"]["status"].value = "rejected"
    data = saved(tmp_path)
    assert data["plays"][0] == {"id": "sla_speed_to_lead", "status": "accepted", "owner": "RevOps",
                                "action": "Call within one working day."}
    assert data["plays"][1] == {"id": "defined_liaison", "status": "rejected"}
    decisions, problems = read_plan(tmp_path)
    assert problems == []
    built = build(form.results, decisions)
    speed = next(p for p in built["plays"] if p["id"] == "sla_speed_to_lead")
    assert speed["owner"] == "RevOps" and speed["action"] == "Call within one working day."
    assert re.search(r"saved \d\d:\d\d:\d\d</span> to <code>plan.yaml</code>", form.status.value)


def test_back_to_the_playbook_value_removes_the_decision(tmp_path):
    form = make_form(tmp_path)
    form.rows["lead_definition"]["owner"].value = "CSO"
    form.rows["lead_definition"]["owner"].value = "both"      # the playbook's owner
    assert saved(tmp_path)["plays"] == []
    form.rows["lead_definition"]["status"].value = "done"
    form.rows["lead_definition"]["status"].value = "proposed"
    assert saved(tmp_path)["plays"] == []


def test_add_own_play(tmp_path):
    form = make_form(tmp_path)
    form.add_button.click()
    assert "title and an action" in form.message.value and not (tmp_path / "plan.yaml").exists()
    form.new_title.value = "Publish a price range"
    form.new_action.value = "Marketing puts a price range on the website."
    form.new_owner.value = "CMO"
    form.new_horizon.value = 60
    form.new_success.value = "Fewer first calls lost on price"
    form.add_button.click()
    entry = saved(tmp_path)["plays"][0]
    assert entry == {"id": "custom_publish_a_price_range", "status": "accepted", "title": "Publish a price range",
                     "action": "Marketing puts a price range on the website.", "owner": "CMO", "horizon": 60,
                     "success": "Fewer first calls lost on price"}
    assert form.new_title.value == "" and "custom_publish_a_price_range" in form.rows
    form.rows["custom_publish_a_price_range"]["status"].value = "done"
    assert saved(tmp_path)["plays"][0]["status"] == "done"
    decisions, problems = read_plan(tmp_path)
    assert problems == [] and build(form.results, decisions)["plays"]


def test_top_level_settings(tmp_path):
    form = make_form(tmp_path)
    form.agreed.value = "2026-10-01"
    form.cap.value = 2
    form.suggest.value = False
    assert saved(tmp_path) == {"agreed": "2026-10-01", "max_per_horizon": 2, "suggest": False}
    form.cap.value = 3
    assert "max_per_horizon" not in saved(tmp_path)


def test_resumes_an_existing_plan(tmp_path):
    (tmp_path / "plan.yaml").write_text((FIXTURES / "plan" / "file_ok" / "plan.yaml").read_text(encoding="utf-8"),
                                        encoding="utf-8")
    form = make_form(tmp_path)
    assert form.rows["lead_definition"]["status"].value == "done"
    assert form.rows["custom_pricing_page"]["owner"].value == "CMO"
    assert form.cap.value == 2
    assert "Editing plan.yaml" in form.status.value


def test_preview_redraws_after_a_change(tmp_path):
    results = json.loads((FIXTURES / "plan" / "results" / "weak_handoff.json").read_text(encoding="utf-8"))
    results["plan"] = build(results, None)
    form = PlanForm(AutosaveDocument.open(tmp_path / "plan.yaml", {}), results, preview=True)
    form.rows["lead_definition"]["status"].value = "accepted"
    assert "(Recommended)" in form.preview.value and "The plan" in form.preview.value  # no agreed date yet


def test_hand_edited_values_out_of_range_do_not_break_the_form(tmp_path):
    (tmp_path / "plan.yaml").write_text("max_per_horizon: 12\nplays:\n  - {id: lead_definition, status: finished, "
                                        "owner: Sales, horizon: 45}\n", encoding="utf-8")
    form = make_form(tmp_path)
    row = form.rows["lead_definition"]
    assert (row["status"].value, row["owner"].value, row["horizon"].value, form.cap.value) == ("proposed", "both", 30, 3)
    assert not form.doc.saves


def test_rewording_a_proposed_play_shows_it_accepted(tmp_path):
    """plan.yaml reads a listed play as accepted; the form used to keep saying 'Proposed'."""
    form = make_form(tmp_path)
    form.rows["lead_definition"]["action"].value = "One workshop, one written lead definition."
    assert form.rows["lead_definition"]["status"].value == "accepted"
    saved = yaml.safe_load((tmp_path / "plan.yaml").read_text(encoding="utf-8"))
    assert saved["plays"] == [{"id": "lead_definition", "action": "One workshop, one written lead definition.",
                               "status": "accepted"}]


def test_back_to_proposed_drops_the_edits_and_resets_the_row(tmp_path):
    form = make_form(tmp_path)
    row = form.rows["sla_speed_to_lead"]
    row["owner"].value = "RevOps"
    row["horizon"].value = 60
    row["status"].value = "proposed"
    assert yaml.safe_load((tmp_path / "plan.yaml").read_text(encoding="utf-8"))["plays"] == []
    assert (row["owner"].value, row["horizon"].value) == ("CSO", 30)
    decisions, problems = read_plan(tmp_path)
    built = {p["id"]: p for p in build(form.results, decisions)["plays"]}
    assert problems == [] and built["sla_speed_to_lead"]["status"] == "proposed"
    assert built["sla_speed_to_lead"]["owner"] == "CSO"


def test_due_date_is_written_only_when_it_is_a_date(tmp_path):
    form = make_form(tmp_path)
    due = form.rows["lead_definition"]["due"]
    due.value = "2026-1"                                  # half typed: nothing written yet
    assert not (tmp_path / "plan.yaml").exists() and "YYYY-MM-DD" in form.rows["lead_definition"]["note"].value
    due.value = "2026-10-31"
    assert saved(tmp_path)["plays"] == [{"id": "lead_definition", "due": "2026-10-31", "status": "accepted"}]
    assert form.rows["lead_definition"]["status"].value == "accepted" and form.rows["lead_definition"]["note"].value == ""
    decisions, problems = read_plan(tmp_path)
    built = next(p for p in build(form.results, decisions)["plays"] if p["id"] == "lead_definition")
    assert problems == [] and built["due"] == "2026-10-31"


def test_agreed_date_waits_for_a_whole_date(tmp_path):
    form = make_form(tmp_path)
    form.agreed.value = "30 June"
    assert not (tmp_path / "plan.yaml").exists() and "write it as YYYY-MM-DD" in form.agreed_note.value
    form.agreed.value = "2026-06-30"
    assert saved(tmp_path) == {"agreed": "2026-06-30"}


def test_own_play_can_be_measured_at_the_next_wave(tmp_path):
    form = make_form(tmp_path)
    assert form.new_signal.label == "words only (no number to check)"  # a visible choice, never an empty box
    assert "funnel.median_response_hours" in dict(form.new_signal.options).values()
    form.new_title.value = "Call-back rota"
    form.new_action.value = "Two sellers on a daily rota call every new lead the same day."
    form.new_owner.value = "CSO"
    form.new_signal.value = "funnel.median_response_hours"
    form.add_button.click()
    entry = saved(tmp_path)["plays"][0]
    assert entry["success"] == {"text": "Median time to first response down",
                                "signal": "funnel.median_response_hours", "goal": "down"}
    assert form.new_signal.label == "words only (no number to check)"
    decisions, problems = read_plan(tmp_path)
    assert problems == []
    previous = dict(form.results, plan=build(form.results, decisions))
    current = json.loads(json.dumps(form.results))
    current["funnel"]["response"]["median_hours"] = 6.0
    row = next(p for p in compare(current, previous, decisions)["plays"] if p["id"] == entry["id"])
    # agreed but not marked done: the measure moved, the action is not credited
    assert (row["before"], row["after"], row["verdict"]) == (31.5, 6.0, "measure moved, action not done")


def test_the_form_shows_the_playbook_wording_and_the_preview_on_the_engagements_own_clock(tmp_path):
    """Hartwell's SLA counts working hours: the form showed `{sla_hours}` in a play's wording and its preview
    said "within 1 hour" beside a why line in working hours."""
    import shutil

    from helpers.demo.generator import DEMO_ROOT
    from helpers.forms.plan import open_form

    folder = tmp_path / "hartwell-orme"
    for name in ("hartwell-orme", "hartwell-orme-2026-08"):  # the engagement and its previous wave
        shutil.copytree(DEMO_ROOT / name, tmp_path / name)
    form = open_form(folder)
    assert isinstance(form, PlanForm)
    action = form.default("sla_speed_to_lead", "action")
    assert "{" not in action and "working hours" in action and "working days" in action
    assert "{" not in form.default("sla_first_hour", "action") and "within 1 working hour" in form.default("sla_first_hour", "action")
    preview = form.preview.value
    assert "At least 40% of leads answered within 1 working hour" in preview and "{" not in re.sub(r"<[^>]+>", "", preview)
    assert "Those figures count calendar time" in preview
    # actions carried over from the first wave keep the due dates agreed then, as in the handout
    assert "Agreed at the last assessment; due 30 November 2026." in preview
    # the wording as shown, saved back unchanged, is no decision at all
    form.set_field("sla_first_hour", "action", form.default("sla_first_hour", "action"))
    assert not (folder / "plan.yaml").exists() or not any(
        e.get("action") for e in saved(folder).get("plays") or [] if e.get("id") == "sla_first_hour")


def test_the_forms_wording_comes_from_the_same_engagement_yaml_as_its_results(tmp_path):
    """The SLA form on the same page rewrites engagement.yaml: a plan form opened afterwards from the page's
    results still shows and compares the wording those results were built with (no stale number saved)."""
    import shutil

    from helpers.demo.generator import DEMO_ROOT
    from helpers.forms.plan_page import PlanPage

    for name in ("hartwell-orme", "hartwell-orme-2026-08"):
        shutil.copytree(DEMO_ROOT / name, tmp_path / name)
    folder = tmp_path / "hartwell-orme"
    page = PlanPage(folder)
    meta = folder / "engagement.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("response_hours: 10 ", "response_hours: 2 "), encoding="utf-8")
    form = page.form(preview=False)
    assert isinstance(form, PlanForm)
    assert "within 10 working hours" in form.default("sla_speed_to_lead", "action")
    assert "within 2 working hours" not in form.default("sla_speed_to_lead", "action")
