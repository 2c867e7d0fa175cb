"""The plan section: actions by 30-day block, each with its evidence, owner and measure of success."""

from __future__ import annotations

import json

import pytest

from helpers.analysis.findings import key_findings
from helpers.analysis.plan import build
from helpers.report.plan import plan as plan_section
from helpers.results import results_with
from tests.conftest import FIXTURES

XSS = "<script>alert(1)</script>"


@pytest.fixture
def results() -> dict:
    r = json.loads((FIXTURES / "plan" / "results" / "weak_handoff.json").read_text(encoding="utf-8"))
    r["plan"] = build(r, None)
    r["findings"] = key_findings(r)
    return r


def test_plan_section_by_horizon_with_evidence(results):
    html = plan_section(results).html()
    assert html.index("First 30 days") < html.index("Days 31 to 60") < html.index("Days 61 to 90")
    assert "Commit to a response time for every lead" in html
    assert "Leads contacted within the response rule: 38% (CRM export)" in html and "below 70%" not in html
    assert "At least 80% of leads contacted within the proposed rule" in html
    assert "the head of sales" in html and "Proposed for discussion" in html


def test_plan_shows_todays_value_of_each_measure(results):
    assert 'class="plan-today">Today: 38%<' in plan_section(results).html()


def test_plan_intro_never_claims_a_smaller_cap_than_shown(results):
    extra = [{"id": f"custom_{n}", "status": "accepted", "action": f"Do {n}.", "owner": "CMO", "horizon": 30}
             for n in range(4)]
    results["plan"] = build(results, {"plays": extra, "max_per_horizon": 3, "suggest": True})
    assert sum(p["horizon"] == 30 for p in results["plan"]["plays"]) == 4
    assert "At most 4 actions per 30-day block" in plan_section(results).html()


def test_plan_section_escapes_the_consultants_words_and_hides_notes(results):
    decisions = {"plays": [{"id": "custom_x", "status": "accepted", "title": XSS, "action": f"Do {XSS}",
                            "owner": "CMO", "horizon": 30, "notes": "INTERNAL-MARKER-42"}]}
    results["plan"] = build(results, decisions)
    html = plan_section(results).html()
    assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "INTERNAL-MARKER-42" not in html
    # no `agreed:` date in plan.yaml: the consultant's choice is a recommendation, not "agreed"
    assert "Your consultant&rsquo;s recommendation." in html and "(Recommended)" in html
    assert "Chosen with the client" not in html and "(Agreed)" not in html
    decisions["agreed"] = "2026-10-01"
    results["plan"] = build(results, decisions)
    html = plan_section(results).html()
    assert "Agreed on 1 October 2026." in html and "Chosen with the client." in html and "(Agreed)" in html


def test_plan_section_missing():
    section = plan_section(results_with())
    assert not section.present and "No plan yet" in section.html()


def test_an_owner_nobody_at_the_client_fits_is_to_be_named_and_the_consultant_is_told(tmp_path):
    """Stakeholders: a Marketing Manager and a VP Sales, nobody for the CRM. A play owned by
    RevOps says "to be named (...)" in the handout, never presents the role as a person, and the
    consultant's warnings ask for a name."""
    from helpers.engagement.load import load
    from helpers.report.plan import owner_text
    from helpers.results import compute

    folder = tmp_path / "brightwater"
    folder.mkdir()
    (folder / "engagement.yaml").write_text(
        "client: Brightwater\nconsultant: Priya Raman\ndate: 2026-10-05\nindustry: B2B software\n"
        "stakeholders:\n  - {name: Dana Reyes, role: Marketing Manager, team: marketing}\n"
        "  - {name: Tom Hale, role: VP Sales, team: sales}\n", encoding="utf-8")
    (folder / "plan.yaml").write_text(
        "plays:\n  - id: handoff_rejection_review\n    status: accepted\n", encoding="utf-8")
    engagement, problems = load(folder)
    assert engagement is not None, problems.errors
    results = compute(engagement)
    play = next(p for p in results["plan"]["plays"] if p["id"] == "handoff_rejection_review")
    assert play["owner_found"] is False
    assert owner_text(play) == "to be named (the person who keeps the CRM)"
    html = plan_section(results).html()
    assert "to be named (the person who keeps the CRM)" in html
    assert "Owner:</span> the person who keeps the CRM" not in html
    assert any(w.startswith("Name an owner for \u201cReview rejected leads together every month\u201d")
               for w in results["warnings"])
