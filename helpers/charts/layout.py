"""Explicit geometry for the charts: each axes placed once from the sizes of its own labels.

Constrained layout measured every tick label and text of a figure, then drew (and measured) them
all again. A chart here knows its labels, so :func:`fit_axes` measures the few that surround the
plot (tick labels, axis labels, titles, legends and texts that reach past the axes) with the
font's advances (:mod:`helpers.charts.metrics`) and sets the axes position once: the drawing that
follows is the only pass over the figure. What drawing would otherwise work out again for every
chart (the axis labels' and titles' places, the tick texts) is fixed then too, and each axis'
tick marks and grid lines become one line each. A chart with no axis lines (the journey map)
draws on the figure itself, through :class:`FigureArea`. Numbers are in points (1/72 inch)
unless said.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis, YAxis
from matplotlib.backend_bases import RendererBase
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.text import Annotation, Text
from matplotlib.ticker import FixedFormatter, FixedLocator
from matplotlib.transforms import Bbox, BboxTransformFrom, BboxTransformTo, IdentityTransform, TransformedBbox, offset_copy

from helpers.charts.metrics import MeasuredText, text_height, text_width

#: White space kept between the outermost text and the figure's edge.
EDGE = 4.0
#: Gap between the x axis' labels and a legend placed below them.
LEGEND_GAP = 4.0
#: Points an artist must stand clear of the figure's edges by, beyond the margins' growth, not to be measured again.
SAFETY = 0.5
#: Room for hinting beside the y axis' labels (right-aligned, so all of their width counts): the PNG
#: previews (Agg) round each glyph's advance to whole pixels, which makes a 9-point label up to 4%
#: wider at 100 dpi than the unhinted width the handout's SVG is set in.
HINTED = 1.04


class MeasuringRenderer(MeasuredText, RendererBase):
    """A renderer that only measures (text extents from the font's advances), at ``dpi``."""

    def __init__(self, dpi: float) -> None:
        super().__init__()
        self.dpi = dpi

    def points_to_pixels(self, points: Any) -> Any:
        """Points to pixels at this renderer's resolution."""
        return points * self.dpi / 72.0


def _drawn_tick_labels(axis: Axis) -> list[Text]:
    """The tick labels ``axis`` draws: visible, not empty, on a tick inside the view."""
    if not axis.get_visible():
        return []
    axis.get_majorticklabels()  # sets the ticks' positions and texts from the locator and formatter
    low, high = sorted(axis.get_view_interval())
    span = (high - low) * 1e-9
    out = []
    for tick in axis.get_major_ticks():
        if low - span <= tick.get_loc() <= high + span:
            out += [label for label in (tick.label1, tick.label2) if label.get_visible() and label.get_text()]
    return out


def _offset(axis: Axis) -> float:
    """Distance from the axes' edge to its tick labels: tick length (when outward) and pad."""
    ticks = axis.get_major_ticks()
    return float(ticks[0].get_tick_padding()) + float(ticks[0].get_pad()) if ticks else 0.0  # type: ignore[func-returns-value, arg-type]


def _axis_label(axis: Axis) -> float:
    """Depth of an axis' label with its pad (0 when it has none)."""
    label = axis.label
    if not label.get_visible() or not label.get_text():
        return 0.0
    return text_height(label.get_text(), float(label.get_fontsize()), label.get_linespacing()) + axis.labelpad


def _tick_block(axis: Axis, across: bool) -> tuple[float, list[Text]]:
    """Depth of an axis' tick labels (``across``: their widths, else their heights) and the labels."""
    labels = _drawn_tick_labels(axis)
    if not labels:
        return 0.0, labels
    sizes = [HINTED * text_width(t.get_text(), float(t.get_fontsize()), str(t.get_fontweight())) if across
             else text_height(t.get_text(), float(t.get_fontsize()), t.get_linespacing()) for t in labels]
    return max(sizes) + _offset(axis), labels


def _floating(ax: Axes, extra: Iterable[Any]) -> list[Any]:
    """Titles, legends and texts of ``ax`` (with ``extra`` artists): what may reach past its edges."""
    out: list[Any] = [a for a in ax.get_children()  # the titles (left, centre, right), texts and legend
                      if (isinstance(a, Text) and a.get_visible() and a.get_text()) or isinstance(a, Legend)]
    return out + list(extra)


class _Extents:
    """Window extents of artists while their axes move: a text is laid out once, then only moved.

    A text's extent is its laid-out box (which depends on its string, font, alignment and
    rotation, not on where it stands) put at its anchor point; moving the axes moves only the
    anchor. Annotations (whose box follows their own coordinates) and legends are measured anew.
    """

    def __init__(self, renderer: RendererBase) -> None:
        self.renderer = renderer
        self.boxes: dict[int, tuple[Bbox, tuple[float, float]]] = {}

    def of(self, artist: Any) -> Bbox:
        """The artist's extent (pixels) where it stands now."""
        if not isinstance(artist, Text) or isinstance(artist, Annotation):
            return artist.get_window_extent(self.renderer)
        x, y = artist.get_transform().transform(artist.get_unitless_position())
        known = self.boxes.get(id(artist))
        if known is None:
            known = self.boxes[id(artist)] = (artist.get_window_extent(self.renderer), (x, y))
        box, (x0, y0) = known
        return box.translated(x - x0, y - y0)


def fit_axes(ax: Axes, *, below: Legend | None = None, extra: Iterable[Any] = (), edge: float = EDGE) -> None:
    """Place ``ax`` (the figure's only axes) so everything around it fits inside the figure.

    The margins are the measured depth of the tick labels and axis labels on each side, then
    widened for whatever else reaches further (titles, legends, texts, ``extra`` artists), each
    measured once with the font's advances. No layout engine runs afterwards.

    Parameters
    ----------
    ax : Axes
        The axes to place; its ticks and labels must be set.
    below : Legend, optional
        A legend to put under the x axis' labels, centred on the axes.
    extra : iterable of artists
        More artists whose extent must fit (e.g. a figure text).
    edge : float
        White space (points) between the outermost text and the figure's edge.
    """
    fig = ax.get_figure(root=True)
    assert fig is not None
    fig.set_layout_engine("none")
    width, height = (float(v) * 72 for v in fig.get_size_inches())
    px = fig.dpi / 72.0  # pixels per point at the figure's resolution
    margins = {"left": edge, "right": edge, "bottom": edge, "top": edge}

    def place() -> None:
        x0, y0 = margins["left"] / width, margins["bottom"] / height
        x1, y1 = 1 - margins["right"] / width, 1 - margins["top"] / height
        ax.set_position((x0, y0, max(x1 - x0, 0.05), max(y1 - y0, 0.05)))

    measured = _floating(ax, extra)
    if ax.axison:  # an axes turned off draws no ticks: none are made
        x_depth, x_labels = _tick_block(ax.xaxis, across=False)
        y_width, y_labels = _tick_block(ax.yaxis, across=True)
        bottom = x_depth + _axis_label(ax.xaxis)
        margins["bottom"] += bottom
        margins["left"] += y_width + _axis_label(ax.yaxis)
        place()
        # ticks chosen once, for the axes' final length, instead of by the locator at every draw
        if not isinstance(ax.xaxis.get_major_locator(), FixedLocator):
            ax.xaxis.set_major_locator(FixedLocator(list(ax.xaxis.get_majorticklocs())))
            x_labels = _drawn_tick_labels(ax.xaxis)
        if not isinstance(ax.yaxis.get_major_locator(), FixedLocator):
            ax.yaxis.set_major_locator(FixedLocator(list(ax.yaxis.get_majorticklocs())))
            y_width, y_labels = _tick_block(ax.yaxis, across=True)
            margins["left"] = y_width + _axis_label(ax.yaxis) + edge
        measured += x_labels + y_labels  # half of each end label reaches past the axes
        if below is not None:
            # anchored at the axes' bottom edge, moved down past the x axis' labels (in points)
            below.set_bbox_to_anchor((0.5, 0.0), transform=offset_copy(
                ax.transAxes, fig=fig, x=0, y=-(bottom + LEGEND_GAP), units="points"))
    renderer = MeasuringRenderer(fig.dpi)
    extents = _Extents(renderer)
    # Moving the axes' edges by up to d points moves anything placed on the axes by up to d
    # points, so an artist found clear of the figure's edges by more than the margins have grown
    # since cannot have reached them: it is not measured again.
    moved = 0.0  # the margins' growth so far (points), summed over the passes' largest growth
    safe_until: dict[int, float] = {}  # per artist: the growth up to which it stays clear
    for _ in range(10):  # texts placed in data units move with the axes: until settled (a few steps)
        place()
        over = {"left": 0.0, "right": 0.0, "bottom": 0.0, "top": 0.0}
        for artist in measured:
            if safe_until.get(id(artist), -1.0) > moved:
                continue
            ext = extents.of(artist)
            reach = {"left": edge - ext.x0 / px, "right": ext.x1 / px - (width - edge),
                     "bottom": edge - ext.y0 / px, "top": ext.y1 / px - (height - edge)}
            for side, value in reach.items():
                over[side] = max(over[side], value)
            safe_until[id(artist)] = moved - max(reach.values()) - SAFETY
        grew = [side for side, value in over.items() if value > 0.05]
        for side in grew:
            margins[side] += over[side]
        if not grew:
            break
        moved += max(over[side] for side in grew)
    place()
    if ax.axison:
        _settle_axis(ax.xaxis, x_labels, extents)
        _settle_axis(ax.yaxis, y_labels, extents)


def _settle_axis(axis: Axis, labels: list[Text], extents: _Extents) -> None:
    """Fix what drawing would work out again for an axis of a placed axes, and merge its tick lines.

    The tick labels' texts are kept (a fixed formatter; unless the formatter shows an offset or
    scale beside the axis); the axis label is put where matplotlib puts it at every draw
    (``labelpad`` points beyond the tick labels, or beyond the spine and its ticks when there
    are none) but once, in points from the axes' edge, so it stays there at any resolution; and
    the drawn ticks' marks and grid lines become one line each (:func:`_merge_tick_lines`).
    """
    ax = axis.axes
    fig = ax.get_figure(root=True)
    assert fig is not None
    formatter = axis.get_major_formatter()
    if not isinstance(formatter, FixedFormatter) and not formatter.get_offset():
        axis.set_major_formatter(FixedFormatter(formatter.format_ticks(list(axis.get_majorticklocs()))))
    renderer = extents.renderer
    px = fig.dpi / 72.0
    box = ax.get_window_extent(renderer)
    vertical = isinstance(axis, YAxis)
    side = "left" if vertical else "bottom"
    _merge_tick_lines(axis, _drawn_ticks(axis))
    if axis.get_label_position() != side:  # a label on the far side: left to matplotlib
        return
    # tick labels stand beyond their spine and its tick marks, so they alone reach furthest
    reach = Bbox.union([extents.of(label) for label in labels] if labels else
                       [ax.spines[side].get_window_extent(renderer) if side in ax.spines else box])
    if vertical:
        depth = (box.x0 - reach.x0) / px + axis.labelpad
        axis.set_label_coords(0.0, 0.5, transform=offset_copy(ax.transAxes, fig=fig, x=-depth, y=0, units="points"))
    else:
        depth = (box.y0 - reach.y0) / px + axis.labelpad
        axis.set_label_coords(0.5, 0.0, transform=offset_copy(ax.transAxes, fig=fig, x=0, y=-depth, units="points"))


def _drawn_ticks(axis: Axis) -> list[Any]:
    """The major ticks ``axis`` draws: on a location inside the view."""
    low, high = sorted(axis.get_view_interval())
    span = (high - low) * 1e-9
    return [tick for tick in axis.get_major_ticks() if low - span <= tick.get_loc() <= high + span]


def _merge_tick_lines(axis: Axis, ticks: list[Any]) -> None:
    """Draw the marks and grid lines of ``ticks`` as one line each, looking as the ticks draw them.

    Each tick otherwise draws its own mark and grid line, two artists per tick with all of an
    artist's drawing overhead. The merged lines take the first tick's style, the ticks'
    transforms and the axis' drawing order (under the plot when the axis is); the grid line is
    clipped to the plot as grid lines are, the marks not. Only the near side's marks are merged.
    """
    if not ticks:
        return
    ax = axis.axes
    vertical = isinstance(axis, YAxis)
    locs = [float(tick.get_loc()) for tick in ticks]
    first = ticks[0]
    if first.gridline.get_visible():
        line = first.gridline
        along = [v for loc in locs for v in (loc, loc, math.nan)]
        across = [v for _ in locs for v in (0.0, 1.0, math.nan)]
        grid = Line2D(*((across, along) if vertical else (along, across)), color=line.get_color(),
                      linewidth=line.get_linewidth(), linestyle=line.get_linestyle(), alpha=line.get_alpha(),
                      zorder=axis.get_zorder(),
                      transform=ax.get_yaxis_transform("grid") if vertical else ax.get_xaxis_transform("grid"))
        ax.add_artist(grid)  # clipped to the plot
        for tick in ticks:
            tick.gridline.set_visible(False)
    if first.tick1line.get_visible():
        mark = first.tick1line
        zeros = [0.0] * len(locs)
        marks = Line2D(*((zeros, locs) if vertical else (locs, zeros)), linestyle="none", marker=mark.get_marker(),
                       markersize=mark.get_markersize(), markeredgewidth=mark.get_markeredgewidth(),
                       markeredgecolor=mark.get_markeredgecolor(), color=mark.get_color(), alpha=mark.get_alpha(),
                       zorder=axis.get_zorder(),
                       transform=ax.get_yaxis_transform("tick1") if vertical else ax.get_xaxis_transform("tick1"))
        ax.add_artist(marks)
        marks.set_clip_on(False)  # tick marks stand outside the plot
        for tick in ticks:
            tick.tick1line.set_visible(False)

def fill_figure(ax: Axes, edge: float = EDGE) -> None:
    """Place an axes drawn without axis lines (a map, a message) over the whole figure, ``edge`` points in."""
    fig = ax.get_figure(root=True)
    assert fig is not None
    fig.set_layout_engine("none")
    width, height = (float(v) * 72 for v in fig.get_size_inches())
    ax.set_position((edge / width, edge / height, 1 - 2 * edge / width, 1 - 2 * edge / height))


class FigureArea:
    """The whole figure (``edge`` points in) as a drawing area in its own units, with no Axes.

    A chart without axis lines or ticks (the journey map) needs none of an Axes' machinery: its
    spines, axis objects, tick lists, titles and the clip path it gives every artist cost more
    to build than the boxes and texts themselves. Artists drawn here go straight onto the figure,
    placed by one transform from these units to the figure, as an Axes with the same limits
    filling the figure (:func:`fill_figure`) would place them. Texts are the figure's
    (``fig.texts``); shapes, lines and markers its artists (``fig.artists``).

    Parameters
    ----------
    fig : Figure
        The figure to draw on (no layout engine is used).
    xlim, ylim : tuple of float
        The units' range across and up the area.
    edge : float
        White space (points) kept between the area and the figure's edge.
    """

    def __init__(self, fig: Figure, xlim: tuple[float, float], ylim: tuple[float, float], edge: float = EDGE) -> None:
        fig.set_layout_engine("none")
        width, height = (float(v) * 72 for v in fig.get_size_inches())
        area = Bbox.from_extents(edge / width, edge / height, 1 - edge / width, 1 - edge / height)
        self.figure = fig
        self.transform = BboxTransformFrom(Bbox.from_extents(xlim[0], ylim[0], xlim[1], ylim[1])) + BboxTransformTo(
            TransformedBbox(area, fig.transFigure))

    def text(self, x: float, y: float, s: str, **kwargs: Any) -> Text:
        """A text at ``(x, y)`` in the area's units (``matplotlib.text.Text`` keywords)."""
        return self.figure.text(x, y, s, transform=self.transform, **kwargs)

    def add_artist(self, artist: Artist) -> Artist:
        """Add a shape (a patch made in the area's units) to the figure."""
        artist.set_transform(self.transform)
        return self.figure.add_artist(artist)

    def plot(self, x: list[float], y: list[float], **kwargs: Any) -> Artist:
        """A line through the points (``matplotlib.lines.Line2D`` keywords)."""
        return self.add_artist(Line2D(x, y, **kwargs))

    def scatter(self, x: list[float], y: list[float], s: float, **kwargs: Any) -> PathCollection:
        """Round markers of area ``s`` (points squared) at the points, as ``Axes.scatter`` draws them.

        ``kwargs`` are ``PathCollection`` keywords (``facecolors``, ``edgecolors``, ``linewidths``,
        ``zorder``).
        """
        marker = MarkerStyle("o")
        markers = PathCollection((marker.get_path().transformed(marker.get_transform()),), sizes=[s],
                                 offsets=list(zip(x, y)), offset_transform=self.transform, **kwargs)
        markers.set_transform(IdentityTransform())
        self.figure.add_artist(markers)
        return markers
