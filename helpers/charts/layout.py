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
from matplotlib.axis import Axis, Tick, YAxis
from matplotlib.backend_bases import RendererBase
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.text import Annotation, Text
from matplotlib.ticker import FixedFormatter, FixedLocator, NullFormatter, NullLocator
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


def set_ticks(ax: Axes, which: str, locs: Iterable[float], labels: Iterable[Any] | None = None, **text: Any) -> None:
    """Give an axis of ``ax`` its tick locations (and labels) without making a matplotlib Tick per location.

    What ``ax.set_xticks`` / ``ax.set_yticks`` do to the axis (a fixed locator, the view widened
    to the locations, a fixed formatter for ``labels``, ``text`` keywords such as ``fontsize``
    for every label), without their tick objects: :func:`fit_axes` then draws the labels as plain
    texts and the marks and grid lines as one line each. Only the axis' first tick, the style
    every tick takes, gets the ``text`` keywords.

    Parameters
    ----------
    ax : Axes
        The axes.
    which : {"x", "y"}
        The axis.
    locs : iterable of float
        Tick locations, in data units.
    labels : iterable, optional
        One label per location (made text with ``str``; None is no label, a ``Text`` its text, as
        in matplotlib); the axis' formatter labels them when absent.
    **text
        ``matplotlib.text.Text`` properties of the labels (only with ``labels``, as in matplotlib).
    """
    axis = getattr(ax, f"{which}axis")
    places = [float(v) for v in axis.convert_units(list(locs))]
    if places:  # every axes sharing this axis shows the locations too, as with matplotlib's set_ticks
        shared = ax.get_shared_x_axes() if which == "x" else ax.get_shared_y_axes()
        for sibling in shared.get_siblings(ax):
            getattr(sibling, f"{which}axis").set_view_interval(min(places), max(places))
    axis.set_major_locator(FixedLocator(places))
    if labels is None:
        if text:
            raise ValueError("text properties for tick labels need the labels")
        return
    # as matplotlib's set_ticklabels: a Text gives its text, None gives no label, anything else str()
    words = ["" if label is None else label.get_text() if hasattr(label, "get_text") else str(label)
             for label in labels]
    if words and len(words) != len(places):
        raise ValueError(f"{len(places)} tick locations but {len(words)} labels")
    axis.set_major_formatter(FixedFormatter(words) if words else NullFormatter())
    if text:
        first = axis.get_major_ticks(1)[0]  # later ticks copy its labels' style, as matplotlib's do
        first.label1.update(text)
        first.label2.update(text)


class _AxisTicks:
    """One axis' drawn ticks: locations inside the view, their labels' texts and the style they take.

    Built from the axis' locator and formatter and its first tick (the style matplotlib copies
    into every tick it makes), so no other Tick is made. ``plain`` says whether the labels can be
    drawn as plain texts and the axis hidden: labels on the near side only, no offset or scale
    text beside the axis, no minor ticks, no far-side marks, the axis label on the near side.
    Otherwise the axis is left to matplotlib's ticks (:func:`_drawn_tick_labels`).
    """

    def __init__(self, axis: Axis) -> None:
        self.axis = axis
        self.visible = axis.get_visible()
        locs = list(axis.get_majorticklocs())
        formatter = axis.get_major_formatter()
        words = formatter.format_ticks(locs)  # every location, so a fixed or scalar formatter counts as drawing does
        low, high = sorted(axis.get_view_interval())
        span = (high - low) * 1e-9
        inside = [(float(loc), word) for loc, word in zip(locs, words) if low - span <= loc <= high + span]
        self.locs = [loc for loc, _ in inside]
        self.first: Tick = axis.get_major_ticks(1)[0]
        label = self.first.label1
        self.labelled = [(loc, word) for loc, word in inside if word] if label.get_visible() else []
        near = "left" if isinstance(axis, YAxis) else "bottom"
        self.plain = self.visible and not (
            self.first.label2.get_visible() or self.first.tick2line.get_visible() or formatter.get_offset()
            or not isinstance(axis.get_minor_locator(), NullLocator) or axis.get_label_position() != near)
        self._texts: list[Text] | None = None

    def depth(self, across: bool) -> float:
        """Depth (points) of the labels beyond the axes' edge: ``across``, their widths, else their heights."""
        if not self.visible:
            return 0.0
        # a plain axis' labels all take its first tick's style; matplotlib's ticks are measured one by one
        labels = ([(word, self.first.label1) for _, word in self.labelled] if self.plain else
                  [(label.get_text(), label) for label in _drawn_tick_labels(self.axis)])
        if not labels:
            return 0.0
        if across:
            tallest = HINTED * max(text_width(word, float(label.get_fontsize()), str(label.get_fontweight()))
                                   for word, label in labels)
        else:
            tallest = max(text_height(word, float(label.get_fontsize()), label.get_linespacing())
                          for word, label in labels)
        return tallest + _offset(self.first)

    def texts(self) -> list[Text]:
        """The labels as drawn: plain texts when ``plain`` (made once), else matplotlib's tick labels."""
        if not self.plain:
            return _drawn_tick_labels(self.axis)
        if self._texts is None:
            self._texts = [self._text(loc, word) for loc, word in self.labelled]
        return self._texts

    def _text(self, loc: float, word: str) -> Text:
        """One label as a plain text: where, and as, the axis' tick at ``loc`` draws its label."""
        style = self.first.label1
        vertical = isinstance(self.axis, YAxis)
        text = Text(0.0 if vertical else loc, loc if vertical else 0.0, word, parse_math=False, usetex=False)
        text.update_from(style)  # font, colour, alignment, rotation and the tick's transform (with its pad)
        text.set_rotation_mode(style.get_rotation_mode())
        text.set_usetex(False)  # client words stay literal (no TeX; no mathtext: parse_math above), whatever the style says
        fig = self.axis.get_figure(root=False)
        assert fig is not None
        text.set_figure(fig)
        return text


def _drawn_tick_labels(axis: Axis) -> list[Text]:
    """The tick labels matplotlib's ticks draw: visible, not empty, on a tick inside the view."""
    if not axis.get_visible():
        return []
    axis.get_majorticklabels()  # sets the ticks' positions and texts from the locator and formatter
    return [label for tick in _drawn_ticks(axis) for label in (tick.label1, tick.label2)
            if label.get_visible() and label.get_text()]


def _offset(tick: Tick) -> float:
    """Distance from the axes' edge to a tick's label: tick length (when outward) and pad."""
    return float(tick.get_tick_padding()) + float(tick.get_pad())  # type: ignore[func-returns-value, arg-type]


def _axis_label(axis: Axis) -> float:
    """Depth of an axis' label with its pad (0 when it has none)."""
    label = axis.label
    if not label.get_visible() or not label.get_text():
        return 0.0
    return text_height(label.get_text(), float(label.get_fontsize()), label.get_linespacing()) + axis.labelpad


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
    measured once with the font's advances. No layout engine runs afterwards. Each axis' tick
    labels are then drawn as plain texts, its tick marks and grid lines as one line each, its
    label as a text of the axes, and the axis itself is hidden: no matplotlib Tick is made or
    drawn beyond the axis' first (its style), unless the axis needs them (see :class:`_AxisTicks`).

    Parameters
    ----------
    ax : Axes
        The axes to place; its ticks and labels must be set (:func:`set_ticks`, or matplotlib's own).
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

    for artist in list(ax.artists):  # placed before: the axes are measured and drawn afresh
        if isinstance(artist, AxisTexts):
            artist.axis.set_visible(True)
            artist.remove()
    measured = _floating(ax, extra)
    axes_ticks: list[_AxisTicks] = []
    if ax.axison:  # an axes turned off draws no ticks: none are made
        x_ticks, y_ticks = _AxisTicks(ax.xaxis), _AxisTicks(ax.yaxis)
        bottom = x_ticks.depth(across=False) + _axis_label(ax.xaxis)
        margins["bottom"] += bottom
        margins["left"] += y_ticks.depth(across=True) + _axis_label(ax.yaxis)
        place()
        # ticks chosen once, for the axes' final length, instead of by the locator at every draw
        if not isinstance(ax.xaxis.get_major_locator(), FixedLocator):
            ax.xaxis.set_major_locator(FixedLocator(list(ax.xaxis.get_majorticklocs())))
            x_ticks = _AxisTicks(ax.xaxis)
        if not isinstance(ax.yaxis.get_major_locator(), FixedLocator):
            ax.yaxis.set_major_locator(FixedLocator(list(ax.yaxis.get_majorticklocs())))
            y_ticks = _AxisTicks(ax.yaxis)
            margins["left"] = y_ticks.depth(across=True) + _axis_label(ax.yaxis) + edge
        axes_ticks = [x_ticks, y_ticks]
        measured += x_ticks.texts() + y_ticks.texts()  # half of each end label reaches past the axes
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
    for ticks in axes_ticks:  # the lines first, under the texts, as an axis draws them
        if ticks.visible:
            _merge_tick_lines(ticks.axis, ticks.first, ticks.locs)
    for ticks in axes_ticks:
        _settle_axis(ticks, extents)


def _settle_axis(ticks: _AxisTicks, extents: _Extents) -> None:
    """Fix what drawing would work out again for an axis of a placed axes.

    The axis label is put where matplotlib puts it at every draw (``labelpad`` points beyond the
    tick labels, or beyond the spine and its ticks when there are none) but once, in points from
    the axes' edge, so it stays there at any resolution. A ``plain`` axis is then hidden, and its
    tick labels and label become texts of the axes, drawn in the axis' place in the drawing order.
    Otherwise its tick labels' texts are kept (a fixed formatter; unless the formatter shows an
    offset or scale beside the axis) and matplotlib's ticks draw them.
    """
    axis = ticks.axis
    if not ticks.visible:
        return
    ax = axis.axes
    fig = ax.get_figure(root=True)
    assert fig is not None
    if not ticks.plain:
        formatter = axis.get_major_formatter()
        if not isinstance(formatter, FixedFormatter) and not formatter.get_offset():
            axis.set_major_formatter(FixedFormatter(formatter.format_ticks(list(axis.get_majorticklocs()))))
    renderer = extents.renderer
    px = fig.dpi / 72.0
    box = ax.get_window_extent(renderer)
    vertical = isinstance(axis, YAxis)
    side = "left" if vertical else "bottom"
    labels = ticks.texts()
    if axis.get_label_position() == side:  # a label on the far side: left to matplotlib
        # tick labels stand beyond their spine and its tick marks, so they alone reach furthest
        reach = Bbox.union([extents.of(label) for label in labels] if labels else
                           [ax.spines[side].get_window_extent(renderer) if side in ax.spines else box])
        if vertical:
            depth = (box.x0 - reach.x0) / px + axis.labelpad
            axis.set_label_coords(0.0, 0.5, transform=offset_copy(ax.transAxes, fig=fig, x=-depth, y=0, units="points"))
        else:
            depth = (box.y0 - reach.y0) / px + axis.labelpad
            axis.set_label_coords(0.5, 0.0, transform=offset_copy(ax.transAxes, fig=fig, x=0, y=-depth, units="points"))
    if not ticks.plain:
        return
    axis.set_visible(False)  # no Tick drawn (nor made): its texts are drawn by one artist of the axes
    texts = AxisTexts(axis, labels + ([axis.label] if axis.label.get_visible() and axis.label.get_text() else []))
    texts.set_zorder(axis.get_zorder())  # drawn where the axis was, among the axes' artists
    ax.add_artist(texts)
    texts.set_clip_on(False)  # not cut to the plot, in a tight bounding box either (they stand outside it)


class AxisTexts(Artist):
    """An axis' tick labels and label, drawn in order as one artist of the axes (in ``ax.artists``).

    Stands in for a hidden :class:`matplotlib.axis.Axis`, whose drawing makes and draws a Tick
    (three lines and two texts) per location; the texts are the axis' own label and plain texts
    styled and placed as its ticks' labels (:class:`_AxisTicks`). They stay out of ``ax.texts``,
    which keeps only what the chart wrote on the plot.

    Parameters
    ----------
    axis : Axis
        The hidden axis whose texts these are.
    texts : list of Text
        Its tick labels, then its label.
    """

    def __init__(self, axis: Axis, texts: list[Text]) -> None:
        super().__init__()
        self.axis = axis
        self.texts = texts

    def get_children(self) -> list[Artist]:
        """The texts, in drawing order."""
        return list(self.texts)

    def get_window_extent(self, renderer: RendererBase | None = None) -> Bbox:
        """The box around the drawn texts (pixels), so a tight bounding box keeps them, as it keeps an axis'."""
        boxes = [text.get_window_extent(renderer) for text in self.texts if text.get_visible() and text.get_text()]
        return Bbox.union(boxes) if self.get_visible() and boxes else Bbox.null()

    def draw(self, renderer: RendererBase) -> None:
        """Draw the texts (nothing when hidden)."""
        if not self.get_visible():
            return
        for text in self.texts:
            text.draw(renderer)
        self.stale = False


def _drawn_ticks(axis: Axis) -> list[Any]:
    """The major ticks ``axis`` draws: on a location inside the view."""
    low, high = sorted(axis.get_view_interval())
    span = (high - low) * 1e-9
    return [tick for tick in axis.get_major_ticks() if low - span <= tick.get_loc() <= high + span]


def _merge_tick_lines(axis: Axis, first: Tick, locs: list[float]) -> None:
    """Draw the marks and grid lines at ``locs`` as one line each, looking as the axis' ticks draw them.

    Each tick otherwise draws its own mark and grid line, two artists per tick with all of an
    artist's drawing overhead. The merged lines take the style of the axis' ``first`` tick (which
    every tick copies), the ticks' transforms and the axis' drawing order (under the plot when
    the axis is); the grid line is clipped to the plot as grid lines are, the marks not. Only the
    near side's marks are merged; the ticks' own lines are turned off (for an axis left drawn).
    """
    if not locs:
        return
    ax = axis.axes
    vertical = isinstance(axis, YAxis)
    ticks = list(axis.majorTicks)  # the ticks made so far (only the first, for a plain axis)
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


class FigureArea:
    """The whole figure (``edge`` points in) as a drawing area in its own units, with no Axes.

    A chart without axis lines or ticks (the journey map) needs none of an Axes' machinery: its
    spines, axis objects, tick lists, titles and the clip path it gives every artist cost more
    to build than the boxes and texts themselves. Artists drawn here go straight onto the figure,
    placed by one transform from these units to the figure, as an Axes with the same limits
    filling the figure would place them. Texts are the figure's
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
