"""The plan editor: due dates and measurable plays of the consultant's own (widget API)."""

from __future__ import annotations

import json

from helpers.analysis.plan import build
from helpers.analysis.waves import compare
from helpers.engagement.plan import read_plan
from tests.test_plan_form import make_form, saved  # one way to build the form under test


def test_due_date_is_written_only_when_it_is_a_date(tmp_path):
    form = make_form(tmp_path)
    due = form.rows["lead_definition"]["due"]
    due.value = "2026-1"                                  # half typed: nothing written yet
    assert not (tmp_path / "plan.yaml").exists() and "YYYY-MM-DD" in form.message.value
    due.value = "2026-10-31"
    assert saved(tmp_path)["plays"] == [{"id": "lead_definition", "due": "2026-10-31", "status": "accepted"}]
    assert form.rows["lead_definition"]["status"].value == "accepted" and form.message.value == ""
    decisions, problems = read_plan(tmp_path)
    built = next(p for p in build(form.results, decisions)["plays"] if p["id"] == "lead_definition")
    assert problems == [] and built["due"] == "2026-10-31"


def test_agreed_date_waits_for_a_whole_date(tmp_path):
    form = make_form(tmp_path)
    form.agreed.value = "30 June"
    assert not (tmp_path / "plan.yaml").exists()
    form.agreed.value = "2026-06-30"
    assert saved(tmp_path) == {"agreed": "2026-06-30"}


def test_own_play_can_be_measured_at_the_next_wave(tmp_path):
    form = make_form(tmp_path)
    assert ("words only", None) == form.new_signal.options[0]
    assert "funnel.median_response_hours" in dict(form.new_signal.options).values()
    form.new_title.value = "Call-back rota"
    form.new_action.value = "Two sellers on a daily rota call every new lead the same day."
    form.new_owner.value = "CSO"
    form.new_signal.value = "funnel.median_response_hours"
    form.add_button.click()
    entry = saved(tmp_path)["plays"][0]
    assert entry["success"] == {"text": "Median time to first response down",
                                "signal": "funnel.median_response_hours", "goal": "down"}
    assert form.new_signal.value is None
    decisions, problems = read_plan(tmp_path)
    assert problems == []
    previous = dict(form.results, plan=build(form.results, decisions))
    current = json.loads(json.dumps(form.results))
    current["funnel"]["response"]["median_hours"] = 6.0
    row = next(p for p in compare(current, previous, decisions)["plays"] if p["id"] == entry["id"])
    assert (row["before"], row["after"], row["verdict"]) == (31.5, 6.0, "improved")
