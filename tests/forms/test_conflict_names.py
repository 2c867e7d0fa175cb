"""A field both editors changed is named as the form shows it (a question, a stage's lane, a play's title), never by id."""

from __future__ import annotations

import json
from pathlib import Path

from helpers.analysis.plan import build
from helpers.forms.common import AutosaveDocument
from helpers.forms.interview import InterviewForm, open_form
from helpers.forms.journey import open_form as open_journey
from helpers.forms.journey_messages import conflict_name
from helpers.forms.merge import Conflict
from helpers.forms.plan import PlanForm
from tests.conftest import FIXTURES


def test_two_interview_forms_name_the_question_both_changed(engagement: Path) -> None:
    folder = engagement
    a = open_form(folder, "Dana Whitfield")
    assert isinstance(a, InterviewForm)
    a.row("sl_p_02").answer.value = "Leads are weak."
    b = open_form(folder, "Dana Whitfield")
    assert isinstance(b, InterviewForm)
    a.row("sl_p_02").answer.value = "Leads are weak. Marketing says X."
    b.row("sl_p_02").answer.value = "Leads are weak. Sales says Y."  # neither heard of the other's change
    question = b.row("sl_p_02").text
    assert "changed what you changed: the answer to \u201c" + question[:40] in b.status.value
    assert "sl_p_02" not in b.status.value and "answers \u203a" not in b.status.value


def test_journey_fields_are_named_by_stage_name_and_lane(tmp_path: Path) -> None:
    form = open_journey(tmp_path, live_preview=False)
    data = form.doc.data
    stage = data["journeys"][0]["stages"][1]
    name = conflict_name(data, ("journeys", "new", "stages", stage["id"], "kpi"))
    assert name == f"New customers, \u201c{stage['name']}\u201d, KPI"
    assert conflict_name(data, ("journeys", "existing", "persona")).endswith("Persona")
    named = form.status.field_name
    assert named is not None and named(Conflict(("journeys", "new", "stages", stage["id"], "handoff"), 1, 2, "mine")) \
        == f"New customers, \u201c{stage['name']}\u201d, Hand-off into this stage"


def test_plan_fields_are_named_by_the_play_title(tmp_path: Path) -> None:
    results = json.loads((FIXTURES / "plan" / "results" / "weak_handoff.json").read_text(encoding="utf-8"))
    results["plan"] = build(results, None)
    form = PlanForm(AutosaveDocument.open(tmp_path / "plan.yaml", {}), results, preview=False)
    play = results["plan"]["plays"][0]
    named = form.status.field_name
    assert named is not None
    assert named(Conflict(("plays", play["id"], "action"), "a", "b", "both")) == f"\u201c{play['title']}\u201d, action"
