"""Every chart of the demo handouts keeps its text inside the picture.

A label drawn past the figure's edge is cut off in the handout ("vendor-quoted 10%-2"), and a
caption wider than the chart loses its first words; both were seen in print. Each chart of each
section is drawn and every piece of text in it must lie within the figure (1 px of tolerance).
"""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from helpers import report
from helpers.demo.generator import DEMO_ROOT

DEMOS = ["kessler-fluid-systems", "quillstack", "hartwell-orme"]
SECTIONS = ("summary", "scorecard", "voice", "journey", "funnel", "plan", "progress")


def drawn_texts(fig: Figure) -> list[Text]:
    """The figure's texts that are drawn: matplotlib's tick labels only for ticks inside the axis limits.

    A chart's axes hide their axis objects and draw the tick labels as plain texts (found as any
    other text); matplotlib's own ticks count only on an axis still drawn.
    """
    ticks = {id(t) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)
             for tick in axis.majorTicks + axis.minorTicks for t in (tick.label1, tick.label2)}
    out = [t for t in fig.findobj(Text) if id(t) not in ticks]
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if not axis.get_visible():
                continue
            low, high = sorted(axis.get_view_interval())
            span = (high - low) * 1e-9
            out += [label for tick in axis.get_major_ticks() if low - span <= tick.get_loc() <= high + span
                    for label in (tick.label1, tick.label2)]
    return out


@pytest.mark.parametrize("slug", DEMOS)
def test_no_chart_text_runs_off_the_picture(slug: str) -> None:
    results = report.client_view(report.load_results(str(DEMO_ROOT / slug), ""))
    figures = [part for name in SECTIONS for part in getattr(report, name)(results).parts if isinstance(part, Figure)]
    assert figures, "the demo handout has charts"
    outside = []
    for fig in figures:
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        box = fig.bbox
        for text in drawn_texts(fig):
            if not text.get_visible() or not text.get_text().strip():
                continue
            ext = text.get_window_extent(renderer)
            if ext.x0 < box.x0 - 1 or ext.x1 > box.x1 + 1 or ext.y0 < box.y0 - 1 or ext.y1 > box.y1 + 1:
                outside.append(f"{fig.get_label()!r}: {text.get_text()!r}")
    assert not outside, "text drawn outside its chart:\n" + "\n".join(outside)
