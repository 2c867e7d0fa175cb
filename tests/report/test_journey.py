"""The journey handout section, from the results dict only (its chart: test_journey_chart)."""

from __future__ import annotations

from matplotlib.figure import Figure

from helpers.engagement.journey import read_journey
from helpers.analysis.journey import summarize
from helpers.report.journey import journey
from helpers.results import results_with
from tests.conftest import FIXTURES


def _results() -> dict:
    j, problems = read_journey(FIXTURES / "journey/custom")
    assert [p.field for p in problems] == ["handoff"]  # the unmarked owner change, a warning
    return {"journey": summarize(j)}


def test_section_shows_handoffs_pains_and_maps():
    section = journey(_results())
    assert section.title == "Customer journey and hand-offs" and section.anchor == "journey" and section.present
    assert [p.get_label() for p in section.parts if isinstance(p, Figure)] == [
        "Customer journey map, New customers: stages, owners, hand-offs, emotion, pain points and KPIs",
        "Customer journey map, Existing customers: stages, owners, hand-offs, emotion, pain points and KPIs"]
    html = "\n".join(p for p in section.parts if isinstance(p, str))
    assert "8 stages and 4 hand-offs, 1 of them not marked" in html
    assert "Consideration (Marketing)</td><td>Evaluation (Sales)" in html
    assert "Nobody calls back for three days; Asked the same questions twice" in html
    assert "customers feel worst at <strong>Evaluation</strong>" in html
    assert "2 stages measured, 3 anecdotal, 3 assumed" in html
    assert "Stages nobody measures yet: New customers: Evaluation, Existing customers: Adoption." in html


def test_client_text_is_escaped():
    results = _results()
    results["journey"]["pain_points"][1]["text"] = "<script>alert(1)</script>"
    results["journey"]["journeys"][0]["stages"][1]["pain_points"] = ["<b>bold</b>"]
    html = journey(results).html()
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;bold" in html


def test_missing_journey_says_what_to_collect():
    section = journey({**results_with(), "missing": [{"section": "journey", "message": "Map the journey first."}]})
    assert not section.present and "Map the journey first." in section.html()
    assert "journeys of new and existing customers" in journey(results_with()).html()

