"""plan.yaml: reading, validation messages, and the consultant's plan in the built plan."""

from __future__ import annotations

from helpers.analysis.plan import build
from helpers.engagement.plan import read_plan
from tests.conftest import FIXTURES


def test_no_plan_file_is_not_a_problem(tmp_path):
    assert read_plan(tmp_path) == (None, [])


def test_valid_plan_file_is_normalised():
    data, problems = read_plan(FIXTURES / "plan" / "file_ok")
    assert problems == []
    assert data["agreed"] == "2026-09-30" and data["max_per_horizon"] == 2 and data["suggest"] is True
    entries = {e["id"]: e for e in data["plays"]}
    assert entries["lead_definition"]["status"] == "done"
    assert entries["sla_speed_to_lead"]["due"] == "2026-10-31"
    assert entries["custom_pricing_page"]["status"] == "accepted"
    assert entries["custom_pricing_page"]["success"]["text"] == "Fewer first calls lost on price"


def test_broken_plan_file_reports_every_problem_with_a_fix():
    data, problems = read_plan(FIXTURES / "plan" / "file_broken")
    text = "\n".join(map(str, problems))
    expected = [
        "plan.yaml: max_per_horizon: 10 is not a whole number from 1 to 6",
        "plan.yaml: plays[lead_definition].status: status 'finished' is not known; use accepted, rejected, done or reopened",
        "plays[sla_speed_to_lead].owner: owner 'Sales' is not known",
        "plays[sla_speed_to_lead].horizon: horizon 45 is not 30, 60 or 90",
        "plays[sla_speed_to_lead].due: due 'next week' is not a date; write it as YYYY-MM-DD",
        "'my_own_idea' is not a playbook play, so it needs action, owner, horizon",
        "plays[4]: play 4 needs an id",
        "unknown key(s) colour ignored",
    ]
    for line in expected:
        assert line in text, line
    assert all(p.file == "plan.yaml" for p in problems)
    assert [e["id"] for e in data["plays"]] == ["lead_definition"]   # only the valid entry is kept


def test_bad_yaml_is_a_problem_with_line(tmp_path):
    (tmp_path / "plan.yaml").write_text("plays:\n  - id: a\n   status: done\n", encoding="utf-8")
    data, problems = read_plan(tmp_path)
    assert data is None and problems[0].row is not None


def test_plan_file_applied():
    import json
    results = json.loads((FIXTURES / "plan" / "results" / "weak_handoff.json").read_text(encoding="utf-8"))
    data, _ = read_plan(FIXTURES / "plan" / "file_ok")
    out = build(results, data)
    by_id = {p["id"]: p for p in out["plays"]}
    assert by_id["sla_speed_to_lead"]["owner"] == "RevOps" and by_id["sla_speed_to_lead"]["due"] == "2026-10-31"
    assert by_id["custom_pricing_page"]["status"] == "added"
    assert "tech_enlist_cio" not in by_id
    assert all(sum(p["horizon"] == h for p in out["plays"]) <= 2 or
               all(p["origin"] == "consultant" for p in out["plays"] if p["horizon"] == h) for h in (30, 60, 90))
    assert "CFO nervous" not in str(out)


def test_misspelt_play_id_gets_a_did_you_mean(tmp_path):
    (tmp_path / "plan.yaml").write_text("plays:\n  - id: sla_speed_too_lead\n", encoding="utf-8")
    decisions, problems = read_plan(tmp_path)
    assert len(problems) == 1 and "did you mean 'sla_speed_to_lead'?" in str(problems[0])
    assert decisions["plays"] == []
