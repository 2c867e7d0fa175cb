"""Charts for the handout and the notebooks, drawn from the results dict only (never from files).

Submodules hold one topic each (``survey``, ``journey``, ``funnel``, ``plan``). This module sets
the shared look: the Agg backend, literal text (no mathtext), the sales and marketing colours
and A4-friendly sizes.
"""

from __future__ import annotations
import contextlib
import functools
import gc
from typing import Any, Callable, Iterator, TypeVar
import matplotlib
from matplotlib.figure import Figure  # noqa: E402

from helpers.charts.layout import FigureArea


if matplotlib.get_backend().lower() not in {"agg", "module://matplotlib_inline.backend_inline"}:
    matplotlib.use("Agg")


# Client text is literal in every chart: "Pay $5 or $10" keeps its dollars and "Promo $5% vs
# $10%" cannot fail as broken mathtext. Set for the whole process, so it covers titles, labels,
# tick labels, legends and annotations alike (each Text reads it when created); no chart here
# uses mathtext, and text must therefore not be pre-escaped (a "\$" would be drawn as typed).
matplotlib.rcParams["text.parse_math"] = False
matplotlib.rcParams["text.usetex"] = False


#: Team and owner colours used everywhere (colour-blind safe Okabe-Ito hues).
PALETTE: dict[str, str] = {
    "sales": "#D55E00",        # vermillion
    "marketing": "#0072B2",    # blue
    "shared": "#009E73",       # green
    "customer_success": "#CC79A7",  # purple
    "executive": "#7F7F7F",
    "neutral": "#9E9E9E",
    "good": "#009E73",
    "warn": "#E69F00",
    "bad": "#D55E00",
    "ink": "#222222",
    "grid": "#DDDDDD",
}


#: Widths in inches that fit an A4 portrait page (text width) and landscape page.
A4_TEXT_WIDTH = 7.0


A4_LANDSCAPE_WIDTH = 10.5


F = TypeVar("F", bound=Callable[..., Any])


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while one chart is built or drawn.

    A chart allocates thousands of small linked objects (artists, transforms, paths, texts); every
    few hundred allocations start a collection, which walks them again and finds nothing to free,
    since the figure is alive until the report is done. On the four demo handouts the pause cuts
    the collections during charts from about 50 to 9 per report (their CPU from about 0.06 to
    0.04 s). Collection resumes as before on leaving, also when the chart raises; a pause already
    in force (nested charts) is left to its owner.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def described(text: str) -> Callable[[F], F]:
    """Give the figures a chart function returns a description (their label), used as alt text.

    A figure that already has a label keeps it, so a chart may describe itself more precisely.
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with collector_paused():
                out = func(*args, **kwargs)
            for fig in out if isinstance(out, list) else [out]:
                if isinstance(fig, Figure) and not fig.get_label():
                    fig.set_label(text)
            return out

        return wrapper  # type: ignore[return-value]

    return decorate


def new_figure(width: float = A4_TEXT_WIDTH, height: float = 3.5, **kwargs: Any) -> Figure:
    """A matplotlib Figure in the handout style (not attached to pyplot, so nothing leaks).

    Parameters
    ----------
    width, height : float
        Size in inches; the default fits A4 portrait text width.
    **kwargs
        Passed to :class:`matplotlib.figure.Figure`.

    No layout engine is attached: each chart places its axes once, from the sizes of its own
    labels (:func:`helpers.charts.layout.fit_axes`), so drawing the figure is its only pass.
    """
    fig = Figure(figsize=(width, height), **kwargs)
    fig.patch.set_facecolor("white")
    return fig


def message_figure(text: str, width: float = A4_TEXT_WIDTH, height: float = 1.2) -> Figure:
    """A chart-sized figure that only says, in a sentence, why there is nothing to draw.

    The sentence is a text of the figure itself (``fig.texts``), centred in a
    :class:`~helpers.charts.layout.FigureArea`: no Axes is made for it.
    """
    fig = new_figure(width, height)
    FigureArea(fig, (0.0, 1.0), (0.0, 1.0)).text(0.5, 0.5, text, ha="center", va="center", fontsize=10,
                                                  color=PALETTE["ink"])
    return fig


def style_axes(ax: Any, grid: str = "both") -> None:
    """Light grid (across ``grid``: ``"x"``, ``"y"`` or ``"both"`` axes), no top/right spines, readable tick labels.

    Call it right after making the axes: the ticks made afterwards take this style as they are
    made, where ticks made before are each restyled.
    """
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, axis=grid, color=PALETTE["grid"], linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=9, colors=PALETTE["ink"])


def set_title(ax: Any, text: str, **kwargs: Any) -> None:
    """Put a title on ``ax`` at the top edge of the plot (``Axes.set_title`` keywords).

    The place is given (``y=1``), so drawing does not work it out again: matplotlib's automatic
    placement measures the axis' decorations at every draw, only to move a title up past tick
    labels on top of the plot, and no chart here has any.
    """
    ax.set_title(text, y=1.0, **kwargs)
