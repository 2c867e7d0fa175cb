"""Handout sections of the plan owner: executive summary, the plan, progress since the last wave."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from helpers.analysis.findings import key_findings
from helpers.analysis.plan import build
from helpers.analysis.waves import compare
from helpers.engagement.plan import read_plan
from helpers.charts.plan import before_after, wave_history
from helpers.report.plan import plan as plan_section
from helpers.report.progress import progress as progress_section
from helpers.report.summary import summary as summary_section

FIXTURES = Path(__file__).parent / "fixtures"
XSS = "<script>alert(1)</script>"


@pytest.fixture
def results() -> dict:
    r = json.loads((FIXTURES / "plan_results" / "weak_handoff.json").read_text(encoding="utf-8"))
    r["plan"] = build(r, None)
    r["findings"] = key_findings(r)
    return r


def test_summary_shows_stage_index_interval_and_findings(results):
    html = summary_section(results).html()
    assert '<h2 id="summary"' in html and "Executive summary" in html
    assert "Defined" in html and "<strong>51.3</strong>" in html and "47.9&ndash;54.6" in html
    assert "Only 38% of the " in html and "leads handed to sales were contacted within the 24-hour SLA" in html
    assert html.count("<li>") == 3


def test_summary_without_survey_uses_other_findings(results):
    for key in ("index", "interval", "stage"):
        results[key] = None
    results["dimensions"], results["teams"], results["levels"], results["gap"] = {}, {}, None, None
    results["findings"] = key_findings(results)
    html = summary_section(results).html()
    assert "No survey results yet" in html and "Only 38% of the 216 leads handed to sales" in html


def test_summary_missing():
    section = summary_section({"index": None, "findings": []})
    assert not section.present and "Survey both teams" in section.html()


def test_plan_section_by_horizon_with_evidence(results):
    html = plan_section(results).html()
    assert html.index("First 30 days") < html.index("Days 31 to 60") < html.index("Days 61 to 90")
    assert "Commit to a response time for every lead" in html
    assert "Leads contacted within the response SLA: 38% (funnel), below 70%" in html
    assert "At least 80% of leads contacted within the SLA" in html
    assert "Head of sales" in html and "Proposed for discussion" in html


def test_plan_section_escapes_the_consultants_words_and_hides_notes(results):
    decisions = {"plays": [{"id": "custom_x", "status": "accepted", "title": XSS, "action": f"Do {XSS}",
                            "owner": "CMO", "horizon": 30, "notes": "INTERNAL-MARKER-42"}]}
    results["plan"] = build(results, decisions)
    html = plan_section(results).html()
    assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "INTERNAL-MARKER-42" not in html and "Chosen with the client." in html


def test_plan_section_missing():
    section = plan_section({"plan": None})
    assert not section.present and "No plan yet" in section.html()


def _two_waves(results: dict) -> dict:
    decisions, _ = read_plan(FIXTURES / "plan_file_ok")
    results["plan"] = build(results, decisions)
    current = copy.deepcopy(results)
    current["date"], current["index"], current["stage"] = "2027-01-10", 61.0, "Aligned"
    current["dimensions"]["handoff"]["index"] = 60.0
    current["funnel"]["response"]["share_within_sla"] = 0.82
    current["progress"] = compare(current, results, decisions)
    return current


def test_progress_section(results):
    current = _two_waves(results)
    section = progress_section(current)
    html = section.html()
    assert "from <strong>51.3</strong> to <strong>61.0</strong> (+9.7 points)" in html
    assert "up from Defined to <strong>Aligned</strong>" in html
    assert "Shared definitions and hand-off SLA</td><td class=\"num\">38.5</td><td class=\"num\">60.0</td><td class=\"num\">+21.5" in html
    assert "Target met" in html and "38%" in html and "82%" in html
    assert sum(isinstance(p, Figure) for p in section.parts) == 1, "history chart only from three waves"


def test_progress_history_from_three_waves(results):
    second = _two_waves(results)
    third = copy.deepcopy(second)
    third["date"], third["index"] = "2027-04-10", 66.0
    third["progress"] = compare(third, second, None)
    section = progress_section(third)
    assert sum(isinstance(p, Figure) for p in section.parts) == 2
    assert isinstance(wave_history(third), Figure) and isinstance(before_after(third), Figure)


def test_progress_missing_uses_the_results_message():
    section = progress_section({"progress": None, "missing": [{"section": "progress", "message": "First wave."}]})
    assert not section.present and "First wave." in section.html()


def test_charts_without_data_are_messages():
    assert isinstance(before_after({}), Figure) and isinstance(wave_history({"progress": {"history": []}}), Figure)
