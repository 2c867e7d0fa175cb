"""Charts place their axes once from their measured labels: nothing cut off, no room wasted, one drawing pass."""

from __future__ import annotations

import re

import matplotlib
import matplotlib.axis
import matplotlib.font_manager
import matplotlib.textpath
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.markers import TICKDOWN, TICKLEFT
from matplotlib.text import Text

from helpers import report
from helpers.charts.layout import EDGE, AxisTexts, FigureArea, MeasuringRenderer, fit_axes, set_ticks
from helpers.charts.metrics import text_width
from helpers.charts.style import new_figure, set_title, style_axes
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


def _bar_chart(xlabel: str = "leads", ylabel: str = "") -> tuple[Figure, Axes]:
    fig = new_figure(height=2.4)
    ax = fig.add_subplot()
    style_axes(ax)
    ax.barh([0, 1, 2], [30, 50, 20])
    set_ticks(ax, "y", [0, 1, 2], ["Won", "SQL", "A lead source with a long name"])
    ax.set_xlim(0, 60)
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    set_title(ax, "Leads by source", fontsize=10, loc="left")
    fit_axes(ax)
    return fig, ax


def test_axis_labels_sit_labelpad_beyond_the_tick_labels_as_matplotlib_puts_them() -> None:
    fig, ax = _bar_chart(ylabel="source")
    renderer = MeasuringRenderer(fig.dpi)  # the measures the SVG is drawn with
    pad = ax.xaxis.labelpad * fig.dpi / 72
    lowest = min(t.get_window_extent(renderer).y0 for t in ax.get_xticklabels() if t.get_text())
    assert ax.xaxis.label.get_window_extent(renderer).y1 == pytest.approx(lowest - pad, abs=0.01)
    leftmost = min(t.get_window_extent(renderer).x0 for t in ax.get_yticklabels() if t.get_text())
    assert ax.yaxis.label.get_window_extent(renderer).x1 == pytest.approx(leftmost - pad, abs=0.01)
    # and the place holds at the SVG's resolution (points, not pixels)
    fig.set_dpi(72)
    renderer = MeasuringRenderer(72)
    lowest = min(t.get_window_extent(renderer).y0 for t in ax.get_xticklabels() if t.get_text())
    assert ax.xaxis.label.get_window_extent(renderer).y1 == pytest.approx(lowest - ax.xaxis.labelpad, abs=0.01)


def test_a_title_stands_on_the_top_edge_of_the_plot() -> None:
    fig, ax = _bar_chart()
    renderer = MeasuringRenderer(fig.dpi)
    title = next(t for t in ax.get_children() if isinstance(t, Text) and t.get_text() == "Leads by source")
    assert title.get_position()[1] == 1.0  # not moved at drawing
    assert title.get_window_extent(renderer).y0 >= ax.get_window_extent(renderer).y1


def test_each_axis_draws_all_its_tick_marks_and_grid_lines_as_one_line_each() -> None:
    fig, ax = _bar_chart()
    svg = figure_svg(fig)
    x_locs = [v for v in ax.xaxis.get_majorticklocs() if 0 <= v <= 60]
    # every tick still has its mark on screen: one marker drawn per tick, from the merged lines
    assert svg.count("<use ") == len(x_locs) + 3 == 7 + 3
    merged = [line for line in ax.lines if line.get_marker() in (TICKDOWN, TICKLEFT) or line.get_linestyle() == "-"]
    marks = {line.get_marker(): line for line in merged if line.get_marker() in (TICKDOWN, TICKLEFT)}
    assert list(marks[TICKDOWN].get_xdata()) == x_locs
    assert list(marks[TICKLEFT].get_ydata()) == [0, 1, 2]
    # grid lines on both axes (style_axes' default), each axis' lines as one broken line
    grids = [line for line in merged if line.get_linestyle() == "-"]
    assert len(grids) == 2 and all(line.get_clip_on() for line in grids)
    assert sum(np.isnan(line.get_xdata()).sum() for line in grids) == len(x_locs) + 3


def _texts(svg: str) -> list[str]:
    return sorted(re.findall(r"<text[^>]*>.*?</text>", svg, re.DOTALL))


@pytest.mark.parametrize("ylabel", ["", "source"])
def test_tick_labels_and_axis_labels_are_drawn_where_and_as_matplotlibs_ticks_draw_them(ylabel: str) -> None:
    fig, ax = _bar_chart(ylabel=ylabel)
    # the tick labels: plain texts drawn by one artist per axis, not matplotlib's ticks (nor in ax.texts)
    ours = [t for a in ax.artists if isinstance(a, AxisTexts) for t in a.texts if t not in (ax.xaxis.label, ax.yaxis.label)]
    assert not ax.texts
    assert sorted(t.get_text() for t in ours) == sorted(["Won", "SQL", "A lead source with a long name",
                                                         "0", "10", "20", "30", "40", "50", "60"])
    svg = figure_svg(fig)
    # the same figure drawn by matplotlib's own axes and ticks (their marks and grid lines stay merged)
    for text in ours:
        text.set_visible(False)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_visible(True)  # its label, also drawn by AxisTexts, is drawn twice: compared as sets
    by_matplotlib = figure_svg(fig)
    assert set(_texts(svg)) == set(_texts(by_matplotlib))  # same words, places, fonts, sizes, colours, alignment
    assert len(_texts(svg)) == 3 + 7 + 2 + bool(ylabel)  # tick labels, title, x label (and y label), as <text>


def test_no_tick_object_is_made_beyond_each_axis_style_and_axes_draw_no_axis() -> None:
    made = []
    original = matplotlib.axis.Tick.__init__

    def counted(self, *args, **kwargs):
        made.append(self)
        original(self, *args, **kwargs)

    figures = demo_charts("quillstack")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(matplotlib.axis.Tick, "__init__", counted)
        figures = demo_charts("quillstack")
        svgs = [figure_svg(fig) for fig in figures]
    axes = [ax for fig in figures for ax in fig.axes if ax.axison]
    # only the major and minor tick each axis makes with its axes (the style every tick would copy)
    assert axes and len(made) == 4 * len(axes)
    assert not any(axis.get_visible() for ax in axes for axis in (ax.xaxis, ax.yaxis))
    assert all("<text" in svg for svg in svgs)


def test_client_words_in_tick_labels_stay_literal() -> None:
    fig = new_figure(height=2.0)
    ax = fig.add_subplot()
    style_axes(ax)
    ax.barh([0, 1], [3, 5])
    set_ticks(ax, "y", [0, 1], ["Pay $5 or $10", "Promo $5% vs $10%"], fontsize=8)
    set_ticks(ax, "x", [0, 5], ["$0", "$5"])
    ax.set_xlabel("Spend in $ (not $x$)")
    fit_axes(ax)
    assert not any(t.get_parse_math() for t in fig.findobj(Text))
    svg = figure_svg(fig)
    for words in ("Pay $5 or $10", "Promo $5% vs $10%", "$0", "$5", "Spend in $ (not $x$)"):
        assert f">{words}</text>" in svg


def test_set_ticks_gives_the_axis_what_matplotlibs_set_ticks_gives_it() -> None:
    def chart(ours: bool) -> Axes:
        fig = new_figure(height=2.0)
        ax = fig.add_subplot()
        style_axes(ax)
        ax.barh([0, 1], [3, 5])
        if ours:
            set_ticks(ax, "y", [0, 1, 2], ["SQL", "Won", "Later"], fontsize=7)
        else:
            ax.set_yticks([0, 1, 2], ["SQL", "Won", "Later"], fontsize=7)
        return ax

    ours, theirs = chart(True), chart(False)
    assert ours.get_ylim() == theirs.get_ylim()  # the view widened to the last location
    assert [(t.get_text(), t.get_fontsize()) for t in ours.get_yticklabels()] == \
        [(t.get_text(), t.get_fontsize()) for t in theirs.get_yticklabels()] == [("SQL", 7), ("Won", 7), ("Later", 7)]
    with pytest.raises(ValueError):
        set_ticks(ours, "x", [0, 1], ["one"])


@pytest.mark.parametrize("which", ["x", "y"])
def test_set_ticks_widens_every_axes_that_shares_the_axis_as_matplotlib_does(which: str) -> None:
    def limits(ours: bool) -> list[tuple[float, float]]:
        fig = new_figure(height=2.0)
        first = fig.add_subplot(1, 2, 1)
        second = fig.add_subplot(1, 2, 2, **{f"share{which}": first})
        first.bar([0, 1], [3, 5]) if which == "x" else first.barh([0, 1], [3, 5])
        second.bar([0, 1], [2, 4]) if which == "x" else second.barh([0, 1], [2, 4])
        if ours:
            set_ticks(second, which, [0, 1, 4], ["SQL", "Won", "Later"])
        else:
            getattr(second, f"set_{which}ticks")([0, 1, 4], ["SQL", "Won", "Later"])
        return [getattr(ax, f"get_{which}lim")() for ax in (first, second)]

    assert limits(True) == limits(False)
    assert limits(True)[0][1] >= 4  # the location 4 is in view on both sides


def test_a_missing_tick_label_is_blank_as_in_matplotlib_not_the_word_none() -> None:
    def labels(ours: bool) -> list[str]:
        fig = new_figure(height=2.0)
        ax = fig.add_subplot()
        style_axes(ax)
        ax.barh([0, 1, 2], [3, 5, 4])
        words = ["SQL", None, Text(text="Won"), 7]
        if ours:
            set_ticks(ax, "y", [0, 1, 2, 3], words)
            fit_axes(ax)
            drawn = [t.get_text() for a in ax.artists if isinstance(a, AxisTexts) for t in a.texts]
            return [w for w in drawn if w.strip() in ("SQL", "", "None", "Won", "7")]
        ax.set_yticks([0, 1, 2, 3], words)
        return [t.get_text() for t in ax.get_yticklabels()]

    assert labels(False) == ["SQL", "", "Won", "7"]
    drawn = labels(True)
    assert sorted(w for w in drawn if w) == ["7", "SQL", "Won"] and "None" not in drawn  # nothing where matplotlib draws ""


def test_a_grid_only_where_asked_for() -> None:
    fig = new_figure(height=2.0)
    ax = fig.add_subplot()
    style_axes(ax, grid="x")
    ax.barh([0, 1], [3, 5])
    ax.set_yticks([0, 1], ["SQL", "Won"])
    fit_axes(ax)
    grids = [line for line in ax.lines if line.get_linestyle() == "-"]
    assert len(grids) == 1 and not np.isnan(grids[0].get_ydata()[:2]).any()  # vertical lines: across y
    assert list(grids[0].get_ydata()[:2]) == [0.0, 1.0]


def test_a_figure_area_places_things_as_an_axes_filling_the_figure_would() -> None:
    with_axes = new_figure(width=7.0, height=3.0)
    ax = with_axes.add_subplot()
    ax.set_position((EDGE / 504, EDGE / 216, 1 - 2 * EDGE / 504, 1 - 2 * EDGE / 216))  # the figure, EDGE points in
    ax.set_xlim(-0.9, 5)
    ax.set_ylim(-6.2, 1.6)
    ax.axis("off")
    on_axes = ax.text(2.5, -3.0, "Pain points", fontsize=8)
    without = new_figure(width=7.0, height=3.0)
    area = FigureArea(without, (-0.9, 5), (-6.2, 1.6))
    on_figure = area.text(2.5, -3.0, "Pain points", fontsize=8)
    renderer = MeasuringRenderer(72)
    for a, b in ((on_axes, on_figure),):
        assert tuple(a.get_window_extent(renderer).bounds) == pytest.approx(tuple(b.get_window_extent(renderer).bounds))
    assert without.axes == [] and without.texts == [on_figure]


def test_journey_maps_are_drawn_without_axes_and_with_their_texts_inside() -> None:
    figures = [fig for fig in demo_charts("quillstack") if "journey" in fig.get_label().lower()]
    assert len(figures) == 2
    for fig in figures:
        assert fig.axes == [] and len(fig.texts) > 30
        renderer = MeasuringRenderer(fig.dpi)
        for text in fig.texts:
            box = text.get_window_extent(renderer)
            assert box.x0 >= 0 and box.x1 <= fig.bbox.x1 and box.y0 >= 0 and box.y1 <= fig.bbox.y1, text.get_text()


def test_drawing_as_svg_leaves_matplotlib_settings_as_they_were() -> None:
    fig, _ = _bar_chart()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": None}):
        svg = figure_svg(fig)
        assert matplotlib.rcParams["svg.fonttype"] == "path" and matplotlib.rcParams["svg.hashsalt"] is None
    assert "<text" in svg and svg == figure_svg(fig)  # text as text, and the same bytes every time


def test_a_tight_bounding_box_keeps_the_tick_labels_and_axis_labels() -> None:
    # the notebook's inline display crops every figure to its tight bounding box
    fig, ax = _bar_chart(ylabel="source")
    renderer = drawn(fig).get_renderer()
    tight = fig.get_tightbbox(renderer).transformed(fig.dpi_scale_trans)  # inches to pixels
    texts = [t for a in ax.artists if isinstance(a, AxisTexts) for t in a.texts]
    assert len(texts) == 3 + 7 + 2
    for text in texts:
        box = text.get_window_extent(renderer)
        assert tight.x0 <= box.x0 + 0.5 and box.x1 <= tight.x1 + 0.5 and tight.y0 <= box.y0 + 0.5, text.get_text()


def test_an_axis_with_an_offset_text_keeps_matplotlibs_ticks_and_shows_its_scale() -> None:
    # a million leads: the funnel's counts axis reads "0.0 ... 2.5" with "1e6" beside it
    fig = new_figure(height=2.0)
    ax = fig.add_subplot()
    style_axes(ax)
    ax.barh([0, 1], [1_100_000, 2_400_000])
    set_ticks(ax, "y", [0, 1], ["Inquiry", "MQL"])
    ax.set_xlim(0, 2_600_000)
    ax.set_xlabel("leads", fontsize=8)
    fit_axes(ax)
    assert ax.xaxis.get_visible() and not ax.yaxis.get_visible()  # only the plain axis is drawn without ticks
    texts = _texts(figure_svg(fig))
    assert any(">1e6</text>" in t for t in texts)  # the scale, where matplotlib's axis puts it
    assert sum(">Inquiry</text>" in t or ">MQL</text>" in t for t in texts) == 2
    assert sum(">leads</text>" in t for t in texts) == 1
    renderer = MeasuringRenderer(fig.dpi)
    lowest = min(t.get_window_extent(renderer).y0 for t in ax.get_xticklabels() if t.get_text())
    assert ax.xaxis.label.get_window_extent(renderer).y1 == pytest.approx(lowest - ax.xaxis.labelpad * fig.dpi / 72, abs=0.01)


def test_placing_a_chart_again_draws_it_as_the_first_time() -> None:
    fig, ax = _bar_chart(ylabel="source")
    first = figure_svg(fig)
    fit_axes(ax)
    again = figure_svg(fig)
    assert _texts(again) == _texts(first) and len(_texts(first)) == 3 + 7 + 3  # each text once, in its place
    assert again.count("<use ") == first.count("<use ") == 7 + 3
    assert sum(isinstance(a, AxisTexts) for a in ax.artists) == 2


def test_tick_labels_stay_literal_even_where_matplotlib_would_read_math() -> None:
    with matplotlib.rc_context({"text.parse_math": True}):  # a notebook that turned mathtext back on
        fig = new_figure(height=2.0)
        ax = fig.add_subplot()
        style_axes(ax)
        ax.barh([0, 1], [3, 5])
        set_ticks(ax, "y", [0, 1], ["Pay $5 or $10", "Promo $5% vs $10%"])
        fit_axes(ax)
        labels = [t for a in ax.artists if isinstance(a, AxisTexts) for t in a.texts if "$" in t.get_text()]
        assert len(labels) == 2 and not any(t.get_parse_math() or t.get_usetex() for t in labels)
        svg = figure_svg(fig)
    assert ">Pay $5 or $10</text>" in svg and ">Promo $5% vs $10%</text>" in svg
