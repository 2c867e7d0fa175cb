"""Charts place their axes once from their measured labels: nothing cut off, no room wasted, one drawing pass."""

from __future__ import annotations

import matplotlib.font_manager
import matplotlib.textpath
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from helpers import report
from helpers.charts.layout import fit_axes
from helpers.charts.metrics import text_width
from helpers.charts.style import new_figure, style_axes
from helpers.demo.generator import DEMO_ROOT
from helpers.report.section import figure_svg

SECTIONS = ("scorecard", "journey", "funnel", "progress")


def demo_charts(slug: str) -> list[Figure]:
    results = report.client_view(report.load_results(str(DEMO_ROOT / slug), ""))
    return [part for name in SECTIONS for part in getattr(report, name)(results).parts if isinstance(part, Figure)]


def drawn(fig: Figure) -> FigureCanvasAgg:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas


def test_drawing_the_demo_charts_runs_no_layout_engine_font_lookup_or_freetype_layout(monkeypatch) -> None:
    figures = demo_charts("quillstack")
    assert figures and all(fig.get_layout_engine() is None for fig in figures)
    figure_svg(figures[0])  # the first drawing resolves the fonts once for the process
    calls = {"findfont": 0, "freetype": 0}

    def counted(name, original):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return original(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(matplotlib.font_manager.FontManager, "findfont",
                        counted("findfont", matplotlib.font_manager.FontManager.findfont))
    monkeypatch.setattr(matplotlib.textpath.TextToPath, "get_text_width_height_descent",
                        counted("freetype", matplotlib.textpath.TextToPath.get_text_width_height_descent))
    svgs = [figure_svg(fig) for fig in figures]
    assert all("<text" in svg for svg in svgs)
    assert calls == {"findfont": 0, "freetype": 0}


@pytest.mark.parametrize("label", ["Won", "A lead source with a long name that a client typed"])
def test_the_plot_starts_just_right_of_its_longest_label(label: str) -> None:
    fig = new_figure(height=2.0)
    ax = fig.add_subplot()
    ax.barh([0, 1], [3, 5])
    style_axes(ax)
    ax.set_yticks([0, 1], ["SQL", label], fontsize=8)
    fit_axes(ax)
    renderer = drawn(fig).get_renderer()
    labels = [t.get_window_extent(renderer) for t in ax.get_yticklabels()]
    plot_left = ax.get_window_extent(renderer).x0
    assert min(box.x0 for box in labels) >= 0  # nothing cut off at the figure's edge
    assert max(box.x1 for box in labels) < plot_left  # nor covered by the plot
    room = plot_left / fig.dpi * 72  # points left of the plot
    # and no room wasted beyond the label (with room for hinting), its tick, pad and the edge
    assert room < 1.05 * text_width(label, 8) + 14


def test_a_legend_put_below_sits_under_the_tick_labels_inside_the_picture() -> None:
    fig = new_figure(height=1.9)
    ax = fig.add_subplot()
    for k, colour in enumerate(("green", "orange", "red")):
        ax.barh(0, 0.3, left=0.3 * k, color=colour, label=f"part {k}: {k * 10} leads")
    ax.set_xlim(0, 1)
    ax.set_yticks([])
    ax.set_title("A title of two lines\nabove the plot", fontsize=9, loc="left")
    legend = ax.legend(loc="upper center", ncol=2, fontsize=7.5, frameon=False)
    fit_axes(ax, below=legend)
    renderer = drawn(fig).get_renderer()
    ticks_bottom = min(t.get_window_extent(renderer).y0 for t in ax.get_xticklabels() if t.get_text())
    box = legend.get_window_extent(renderer)
    assert box.y1 <= ticks_bottom and box.y0 >= 0
    assert ax.title.get_window_extent(renderer).y1 <= fig.bbox.y1
