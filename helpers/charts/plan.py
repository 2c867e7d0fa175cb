"""Charts of follow-up waves, drawn from ``results["progress"]`` only.

* :func:`before_after` – each dimension's score at the previous wave and now;
* :func:`wave_history` – the alignment index (and each team's) across every wave, with the
  HBR stage bands behind it; meant for three or more waves.
"""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.figure import Figure

from helpers.formatting import long_date
from helpers.results import Results
from helpers.charts.layout import fit_axes, set_ticks
from helpers.charts.style import A4_TEXT_WIDTH, PALETTE, described, message_figure, new_figure, set_title, style_axes

#: HBR 2006 stage bands on the 20-100 index.
BANDS = (("Undefined", 20, 40), ("Defined", 40, 60), ("Aligned", 60, 80), ("Integrated", 80, 100))
BAND_SHADES = ("#F6E8E3", "#F7F1E1", "#E8F1EC", "#E1EEF6")


def _message(text: str) -> Figure:
    return message_figure(text)


@described("Each dimension before and after, previous wave against this one")
def before_after(results: Results) -> Figure:
    """Each dimension's score at the previous wave (hollow) and now (filled), joined by a line.

    Parameters
    ----------
    results : Results
        Uses ``results["progress"]["dimensions"]``.
    """
    progress = results["progress"]
    rows = [d for d in (progress["dimensions"] if progress is not None else [])
            if d["before"] is not None or d["after"] is not None]
    if progress is None or not rows:
        return _message("No dimension scores to compare between the waves.")
    fig = new_figure(width=A4_TEXT_WIDTH, height=0.32 * len(rows) + 0.9)
    ax = fig.add_subplot()
    style_axes(ax)
    y = np.arange(len(rows))[::-1]
    for yi, row in zip(y, rows):
        b, a = row["before"], row["after"]
        if b is not None and a is not None:
            colour = PALETTE["good"] if a > b else PALETTE["bad"] if a < b else PALETTE["neutral"]
            ax.annotate("", xy=(a, yi), xytext=(b, yi),
                        arrowprops={"arrowstyle": "->", "color": colour, "lw": 1.6})
            ax.text(max(a, b) + 1.5, yi, f"{a - b:+.1f}", va="center", fontsize=8, color=colour)
    # the dots, one marker set per wave: hollow for the previous wave, filled for this one
    before_dots = [(row["before"], yi) for yi, row in zip(y, rows) if row["before"] is not None]
    after_dots = [(row["after"], yi) for yi, row in zip(y, rows) if row["after"] is not None]
    if before_dots:
        ax.plot(*zip(*before_dots), "o", mfc="white", mec=PALETTE["ink"], ms=7, zorder=3)
    if after_dots:
        ax.plot(*zip(*after_dots), "o", color=PALETTE["ink"], ms=7, zorder=3)
    before = long_date(progress["previous"]["date"]) or "earlier"
    after = long_date(progress["current"]["date"]) or "now"
    ax.plot([], [], "o", mfc="white", mec=PALETTE["ink"], label=f"Previous wave ({before})")
    ax.plot([], [], "o", color=PALETTE["ink"], label=f"This wave ({after})")
    set_ticks(ax, "y", y, ["\n".join(textwrap.wrap(r["label"] or r["id"], 34)) for r in rows])
    ax.set_xlim(20, 100)
    ax.set_xlabel("Score (20-100)", fontsize=9)
    for (_, lo, hi), shade in zip(BANDS, BAND_SHADES):
        ax.axvspan(lo, hi, color=shade, zorder=0)
    legend = ax.legend(loc="upper center", ncol=2, fontsize=8, frameon=False)  # under the axis, see fit_axes
    set_title(ax, "Each dimension, before and after", fontsize=10, loc="left")
    fit_axes(ax, below=legend)
    return fig


@described("Alignment index across the assessment waves")
def wave_history(results: Results) -> Figure:
    """The alignment index at every wave (overall, sales and marketing) over the stage bands.

    Parameters
    ----------
    results : Results
        Uses ``results["progress"]["history"]`` (oldest first).
    """
    progress = results["progress"]
    history = progress["history"] if progress is not None else []
    points = [h for h in history if h["index"] is not None]
    if len(points) < 2:
        return _message("The history needs at least two waves with survey results.")
    fig = new_figure(width=A4_TEXT_WIDTH, height=3.4)
    ax = fig.add_subplot()
    style_axes(ax)
    x = np.arange(len(history))
    labels = [h["date"] or f"Wave {i + 1}" for i, h in enumerate(history)]
    for (name, lo, hi), shade in zip(BANDS, BAND_SHADES):
        ax.axhspan(lo, hi, color=shade, zorder=0)
        ax.text(len(history) - 0.55, (lo + hi) / 2, name, fontsize=7, va="center", ha="right", color="#777777")
    lines = (("sales", PALETTE["sales"], "--", "Sales", [h["sales"] for h in history]),
             ("marketing", PALETTE["marketing"], "--", "Marketing", [h["marketing"] for h in history]),
             ("index", PALETTE["ink"], "-", "Overall index", [h["index"] for h in history]))
    for key, colour, style, label, scores in lines:
        values = np.array([np.nan if v is None else v for v in scores], float)
        if np.isnan(values).all():
            continue
        ax.plot(x, values, style, color=colour, marker="o", lw=2 if key == "index" else 1.2, label=label)
        if key == "index":
            for xi, v in zip(x, values):
                if not np.isnan(v):
                    ax.annotate(f"{v:.1f}", (xi, v), textcoords="offset points", xytext=(0, 7),
                                ha="center", fontsize=8)
    set_ticks(ax, "x", x, labels)
    ax.set_xlim(-0.4, len(history) - 0.4)
    ax.set_ylim(20, 100)
    ax.set_ylabel("Alignment index", fontsize=9)
    ax.legend(loc="upper left", fontsize=8, frameon=False, ncol=3)
    set_title(ax, "Alignment across the waves", fontsize=10, loc="left")
    fit_axes(ax)
    return fig
