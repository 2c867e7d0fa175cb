"""The journey map: what it shows per stage, printed on A4 with readable hand-off labels and owner colours."""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import Collection
from matplotlib.colors import to_hex

from helpers.charts.style import PALETTE
from helpers.charts.journey import journey_map, journey_maps
from helpers.engagement.journey import read_journey
from helpers.analysis.journey import summarize
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def results() -> dict:
    journey, _ = read_journey(FIXTURES / "crm/hubspot_realistic")
    return {"journey": summarize(journey)}


@pytest.fixture(scope="module")
def custom() -> dict:
    journey, _ = read_journey(FIXTURES / "journey" / "custom")
    return {"journey": summarize(journey)}


def _text_artists(fig) -> list:
    """The figure's texts in drawing order: the map and a message draw on the figure itself."""
    return list(fig.texts) + [t for ax in fig.axes for t in ax.texts]


def _texts(fig) -> list[str]:
    return [t.get_text() for t in _text_artists(fig)]


def test_map_shows_each_stage_with_owner_kpi_and_evidence(custom):
    fig = journey_map(custom, "new")
    w, h = fig.get_size_inches()
    assert 10 <= w <= 11 and h <= 7.5  # A4 landscape
    texts = _texts(fig)
    assert texts[:2] == ["New customers", "Persona: Plant manager at a mid-size food producer"]
    # stage headers, each followed by its owner
    assert texts[2:10] == ["Awareness", "Marketing", "Consideration", "Marketing", "Evaluation", "Sales",
                           "Purchase", "Sales"]
    kpi = texts.index("KPI")
    assert [" ".join(t.split()) for t in texts[kpi + 1:kpi + 5]] == [
        "Booth visits per fair", "MQLs per month", "no KPI", "Win rate"]
    evidence = texts.index("Evidence")
    assert texts[evidence + 1:evidence + 5] == ["Measured", "Anecdotal", "Anecdotal", "Assumed"]
    assert "\u21e2 hand-off from Marketing" in texts
    assert any("Nobody calls back" in t for t in texts)


def test_existing_customers_map_names_the_unmarked_handoffs(custom):
    texts = [" ".join(t.split()) for t in _texts(journey_map(custom, "existing"))]
    assert texts[0] == "Existing customers"
    assert "\u21e2 hand-off from Sales" in texts and "\u21e2 hand-off from Customer success (not marked)" in texts


def test_one_map_per_journey_and_a_message_without_one(custom):
    assert [f.get_label().split(":")[0] for f in journey_maps(custom)] == [
        "Customer journey map, New customers", "Customer journey map, Existing customers"]
    empty = journey_map({"journey": None}, "new")
    assert _texts(empty) == ["No customer journey mapped yet."]


def _labels(fig) -> list:
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    texts = [t for t in _text_artists(fig) if t.get_text().startswith("\u21e2")]
    return sorted(((t.get_window_extent(renderer), t.get_text()) for t in texts), key=lambda b: b[0].x0)


@pytest.mark.parametrize("width", [7.0, 10.5])
def test_handoff_labels_on_neighbouring_stages_do_not_overlap(results, width):
    # existing customers: hand-offs into Onboarding, Expansion and Advocacy; the last two are neighbours
    boxes = _labels(journey_map(results, "existing", width=width))
    assert [" ".join(text.split()) for _, text in boxes] == [
        "\u21e2 hand-off from Sales (not marked)", "\u21e2 hand-off from Customer success (not marked)",
        "\u21e2 hand-off from Sales (not marked)"]
    for (left, _), (right, _) in zip(boxes, boxes[1:]):
        assert left.x1 <= right.x0


def test_handoff_labels_stay_below_title_and_persona(results):
    fig = journey_map(results, "new", width=7.0)
    boxes = _labels(fig)
    renderer = fig.canvas.get_renderer()
    persona = next(t for t in _text_artists(fig) if t.get_text().startswith("Persona:")).get_window_extent(renderer)
    assert boxes and all(box.y1 <= persona.y0 for box, _ in boxes)


def test_emotion_and_pain_points_do_not_borrow_owner_colours(results):
    fig = journey_map(results, "new")
    owner_colours = {PALETTE[o] for o in ("sales", "marketing", "shared", "customer_success")}
    points = [to_hex(c) for coll in fig.artists if isinstance(coll, Collection) for c in coll.get_facecolors()]
    assert points and not {p.upper() for p in points} & {c.upper() for c in owner_colours}
    pains = [t for t in _text_artists(fig) if "Nobody calls back" in t.get_text()]
    assert pains and to_hex(pains[0].get_color()).upper() not in {c.upper() for c in owner_colours}
