"""The journey map printed on A4: hand-off labels readable, colour reserved for owners."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex

from helpers.charts.style import PALETTE
from helpers.charts.journey import journey_map
from helpers.engagement.journey import read_journey
from helpers.analysis.journey import summarize

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def results() -> dict:
    journey, _ = read_journey(FIXTURES / "crm_hubspot_realistic")
    return {"journey": summarize(journey)}


def _labels(fig) -> list:
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    texts = [t for t in fig.axes[0].texts if t.get_text().startswith("\u21e2")]
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
    persona = next(t for t in fig.axes[0].texts if t.get_text().startswith("Persona:")).get_window_extent(renderer)
    assert boxes and all(box.y1 <= persona.y0 for box, _ in boxes)


def test_emotion_and_pain_points_do_not_borrow_owner_colours(results):
    fig = journey_map(results, "new")
    owner_colours = {PALETTE[o] for o in ("sales", "marketing", "shared", "customer_success")}
    points = [to_hex(c) for coll in fig.axes[0].collections for c in coll.get_facecolors()]
    assert points and not {p.upper() for p in points} & {c.upper() for c in owner_colours}
    pains = [t for t in fig.axes[0].texts if "Nobody calls back" in t.get_text()]
    assert pains and to_hex(pains[0].get_color()).upper() not in {c.upper() for c in owner_colours}
