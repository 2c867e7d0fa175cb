"""The journey handout section and its swimlane chart, from the results dict only."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from helpers.charts.journey import journey_map, journey_maps
from helpers.engagement.journey import read_journey
from helpers.analysis.journey import summarize
from helpers.report.journey import journey

FIXTURES = Path(__file__).parent / "fixtures"


def _results() -> dict:
    j, problems = read_journey(FIXTURES / "journey_custom")
    assert [p.field for p in problems] == ["handoff"]  # the unmarked owner change, a warning
    return {"journey": summarize(j)}


def test_section_shows_handoffs_pains_and_maps():
    section = journey(_results())
    assert section.title == "Customer journey and hand-offs" and section.anchor == "journey" and section.present
    figures = [p for p in section.parts if isinstance(p, Figure)]
    assert len(figures) == 2
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
    section = journey({"journey": None, "missing": [{"section": "journey", "message": "Map the journey first."}]})
    assert not section.present and "Map the journey first." in section.html()
    assert "journeys of new and existing customers" in journey({}).html()


def test_chart_is_a4_landscape_and_handles_absent_journeys():
    results = _results()
    fig = journey_map(results, "new")
    w, h = fig.get_size_inches()
    assert 10 <= w <= 11 and h <= 7.5
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "hand-off from Marketing" in texts and "Booth visits per fair" in texts and "no KPI" in texts
    existing = " ".join(t.get_text() for t in journey_map(results, "existing").axes[0].texts)
    assert "hand-off from Sales" in existing and "(not marked)" in existing
    assert len(journey_maps(results)) == 2
    empty = journey_map({"journey": None}, "new")
    assert "No customer journey" in empty.axes[0].texts[0].get_text()
