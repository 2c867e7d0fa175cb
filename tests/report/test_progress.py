"""The progress section: what changed since the last wave, and which agreed actions were done."""

from __future__ import annotations

import copy
import json
import re

import pytest
from matplotlib.figure import Figure

from helpers.analysis.findings import key_findings
from helpers.analysis.plan import build
from helpers.analysis.waves import compare
from helpers.engagement.plan import read_plan
from helpers.report.progress import progress as progress_section
from helpers.results import results_with
from tests.conftest import FIXTURES


def weak_handoff() -> dict:
    """Results of the weak hand-off engagement (first wave), with the engine's plan and findings."""
    r = json.loads((FIXTURES / "plan" / "results" / "weak_handoff.json").read_text(encoding="utf-8"))
    r["plan"] = build(r, None)
    r["findings"] = key_findings(r)
    return r


@pytest.fixture
def results() -> dict:
    return weak_handoff()


def two_waves(results: dict) -> dict:
    """A second wave 102 days later: hand-off up from 38.5 to 60, 82% of leads within the SLA."""
    decisions, _ = read_plan(FIXTURES / "plan" / "file_ok")
    results["plan"] = build(results, decisions)
    current = copy.deepcopy(results)
    current["date"], current["index"], current["stage"] = "2027-01-10", 61.0, "Aligned"
    current["dimensions"]["handoff"]["index"] = 60.0
    current["funnel"]["response"]["share_within_sla"] = 0.82
    current["progress"] = compare(current, results, decisions)
    return current


def three_waves(results: dict) -> dict:
    """A third wave on top of :func:`two_waves`: the index reaches 66.0."""
    second = two_waves(results)
    third = copy.deepcopy(second)
    third["date"], third["index"] = "2027-04-10", 66.0
    third["progress"] = compare(third, second, None)
    return third


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_progress_section(results):
    current = two_waves(results)
    section = progress_section(current)
    html = section.html()
    # the fixture's results carry no spread per team: the change gets no verdict either way
    assert "from <strong>51.3</strong> to <strong>61.0</strong> (+9.7 points, too few to tell)" in html
    # a stage move the data cannot separate from noise is not claimed as a move
    assert "up from Defined" not in html and "falls in the Aligned band rather than Defined" in html
    assert "Shared definitions and hand-off SLA</td><td class=\"num\">38.5</td><td class=\"num\">60.0</td><td class=\"num\">+21.5</td><td>too few to tell</td>" in html
    assert "Target met" in html and "38%" in html and "82%" in html
    assert [p.get_label() for p in section.parts if isinstance(p, Figure)] == [
        "Each dimension before and after, previous wave against this one"], "history chart only from three waves"


def test_a_stage_move_larger_than_noise_is_named(results):
    current = two_waves(results)
    current["progress"]["index"].update(interval=[4.1, 15.3], p_adjusted=0.004, verdict="larger than noise")
    html = progress_section(current).html()
    assert "up from Defined to <strong>Aligned</strong>" in html and "band rather than" not in html


def test_progress_history_from_three_waves(results):
    section = progress_section(three_waves(results))
    assert [p.get_label() for p in section.parts if isinstance(p, Figure)] == [
        "Each dimension before and after, previous wave against this one",
        "Alignment index across the assessment waves"]


def test_progress_missing_uses_the_results_message():
    section = progress_section({"progress": None, "missing": [{"section": "progress", "message": "First wave."}]})
    assert not section.present and "First wave." in section.html()


def test_progress_writes_hours_and_counts_like_the_plan():
    unknown = {"before": None, "after": None, "change": None}
    wave = {"date": "2026-06-01", "index": None, "stage": None, "slug": "acme"}
    play = {"owner": "both", "horizon": 30, "status": "done", "done": True, "goal": "down", "target": None, "by": None}
    prog = {"previous": wave, "current": {**wave, "date": "2026-09-01"}, "index": unknown, "gap": unknown,
            "stage": {"before": None, "after": None, "moved": None}, "dimensions": [], "teams": {}, "history": [],
            "plays": [{**play, "id": "a", "title": "Speed", "measure": "m", "signal": "funnel.median_response_hours",
                       "before": 38.0, "after": 7.0, "change": -31.0, "verdict": "improved"},
                      {**play, "id": "b", "title": "CIO", "measure": "n", "signal": "discovery.uncovered_role",
                       "before": 1.0, "after": 0.0, "change": -1.0, "verdict": "target met"}],
            "done": 2, "planned": 2, "improved": 2}
    text = _text(progress_section({**results_with(), "progress": prog}).html())
    assert "38.0 hours 7.0 hours" in text
    assert " 1 0 Target met" in text and "1.0" not in text


def test_progress_without_a_previous_plan_file_does_not_claim_nothing_was_done():
    previous = weak_handoff()
    previous["plan"] = build(previous, None)
    prog = compare(json.loads(json.dumps(previous)), previous, None)
    text = _text(progress_section({"progress": prog}).html())
    assert "0 were done" not in text
    assert f"which of its {prog['planned']} proposed actions were carried out is not recorded" in text
