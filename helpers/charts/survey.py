"""Charts of the alignment survey, drawn from the survey part of the results dict only.

* :func:`dot_plot` – sales vs marketing score per dimension, one row each, against the stage bands
  on a scale fitted to the scores (the handout's scorecard chart and the scorecard explorer's);
* :func:`gap_chart` – sales minus marketing per dimension, solid when larger than noise;
* :func:`distribution_chart` – how the answers to each statement are spread (1-5);
* :func:`levels_chart` – leaders vs staff, overall and within each team.

Groups the results mark ``suppressed`` (below the minimum reporting group) are never drawn.
"""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.figure import Figure

from helpers.analysis.survey import SurveyResults
from helpers.analysis.survey_groups import LevelScore
from helpers.charts.layout import fit_axes, set_ticks
from helpers.charts.style import (
    A4_TEXT_WIDTH,
    PALETTE,
    described,
    message_figure,
    new_figure,
    set_title,
    style_axes,
)
from helpers.vocabulary import TEAM_LABELS

#: Colours of the answers 1..5, from strong disagreement to strong agreement.
ANSWER_COLOURS = ("#B2182B", "#EF8A62", "#D9D9D9", "#67A9CF", "#2166AC")


def _message(text: str, height: float = 1.2) -> Figure:
    return message_figure(text, height=height)


def _short(label: str, width: int = 18) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


#: The HBR 2006 stage bands on the 20-100 index, shaded behind the dot plot.
BANDS = (("Undefined", 20, 40), ("Defined", 40, 60), ("Aligned", 60, 80), ("Integrated", 80, 100))


def fitted_range(values: list[float], lowest: float = 20.0, highest: float = 100.0,
                 pad: float = 5.0, span: float = 40.0) -> tuple[float, float]:
    """An x range that fits the scores: padded, on multiples of 10, at least ``span`` wide, inside 20-100.

    A client scoring 25-45 gets 20-60, so its dots are not squeezed into a corner of the full scale.
    """
    if not values:
        return lowest, highest
    low = max(lowest, np.floor((min(values) - pad) / 10) * 10)
    high = min(highest, np.ceil((max(values) + pad) / 10) * 10)
    while high - low < span:
        if low > lowest:
            low -= 10
        if high - low < span and high < highest:
            high += 10
        if low <= lowest and high >= highest:
            break
    return float(low), float(high)


@described("Dot plot: sales and marketing score on each alignment dimension, against the stage bands")
def dot_plot(results: SurveyResults, title: str | None = None) -> Figure:
    """Each dimension on its own row: a dot per team on the 20-100 index, joined by a line.

    The x axis fits the scores (:func:`fitted_range`), the HBR 2006 stage bands are shaded behind
    and named above the plot, and the legend sits above it too, so no label is covered; one row per
    dimension reads at a glance where a radar squeezes low scores into its centre.
    """
    dims = results["dimensions"]
    teams = [t for t in ("sales", "marketing") if t in results["teams"] and not results["teams"][t]["suppressed"]]
    if not dims or not teams:
        return _message("No survey answers to chart.")
    ids = list(dims)[::-1]  # the first dimension on top
    scores = {"sales": [dims[d]["sales"] for d in ids], "marketing": [dims[d]["marketing"] for d in ids]}
    values = {t: np.array([np.nan if v is None else float(v) for v in scores[t]]) for t in teams}
    shown = [float(v) for t in teams for v in values[t] if not np.isnan(v)]
    low, high = fitted_range(shown)
    fig = new_figure(width=A4_TEXT_WIDTH, height=0.3 * len(ids) + 1.1)
    ax = fig.add_subplot()
    style_axes(ax)
    for k, (name, start, end) in enumerate(BANDS):
        a, b = max(start, low), min(end, high)
        if b <= a:
            continue
        # a light tint (drawn with transparency: the printed PDF keeps the chart as one drawing)
        ax.axvspan(a, b, color=PALETTE["neutral"], alpha=0.10 if k % 2 == 0 else 0.04, linewidth=0, zorder=0)
        if b - a >= 8:
            ax.text((a + b) / 2, len(ids) - 0.35, name, ha="center", va="bottom", fontsize=7.5,
                    color=PALETTE["neutral"])
    y = np.arange(len(ids))
    if len(teams) == 2:
        # one line joining each row's two dots, broken between rows (a row missing a score has none)
        pairs = [(a, b, yi) for yi, a, b in zip(y, values["sales"], values["marketing"])
                 if not (np.isnan(a) or np.isnan(b))]
        if pairs:
            ax.plot([x for a, b, _ in pairs for x in (a, b, np.nan)],
                    [float(v) for *_, yi in pairs for v in (yi, yi, np.nan)],
                    color=PALETTE["neutral"], linewidth=1, zorder=2)
    for team in teams:
        n = results["teams"][team]["n"]
        ax.scatter(values[team], y, s=36, color=PALETTE[team], zorder=3, label=f"{TEAM_LABELS[team]} (n={n})")
    set_ticks(ax, "y", y, [_short(dims[d]["label"], 34) for d in ids], fontsize=8)
    ax.set_xlim(low, high)
    ax.set_ylim(-0.6, len(ids) + 0.1)
    set_ticks(ax, "x", np.arange(low, high + 1, 10))
    ax.set_xlabel("Score on the 20\u2013100 index" + ("" if (low, high) == (20.0, 100.0) else
                                                      f" (shown from {low:.0f} to {high:.0f})"), fontsize=8)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, fontsize=8, frameon=False)
    if title:
        set_title(ax, title, fontsize=11, loc="left", pad=18)
    fit_axes(ax)
    return fig


@described("Perception gap per dimension: sales score minus marketing score")
def gap_chart(results: SurveyResults) -> Figure:
    """Sales minus marketing per dimension and overall; faded bars are within noise."""
    dims = results["dimensions"]
    if not results["comparison_possible"] or not dims:
        return _message("Only one team answered: sales and marketing cannot be compared.")
    candidates = [("Overall index", results["gap"], results["gap_significant"])]
    candidates += [(d["label"], d["gap"], d["significant"]) for d in dims.values()]
    rows = [(label, gap, significant) for label, gap, significant in candidates if gap is not None][::-1]
    fig = new_figure(height=0.26 * len(rows) + 0.85)
    ax = fig.add_subplot()
    style_axes(ax)
    y = np.arange(len(rows))
    gaps = np.array([r[1] for r in rows], float)
    colours = [PALETTE["sales"] if g > 0 else PALETTE["marketing"] for g in gaps]
    alphas = [1.0 if r[2] else 0.35 for r in rows]
    for bar, a in zip(ax.barh(y, gaps, color=colours, height=0.6), alphas):
        bar.set_alpha(a)
    for yi, g in zip(y, gaps):
        ax.text(g + (0.6 if g >= 0 else -0.6), float(yi), f"{g:+.1f}".replace("-", "\u2212"), va="center",
                ha="left" if g >= 0 else "right", fontsize=8, color=PALETTE["ink"])
    ax.axvline(0, color=PALETTE["ink"], linewidth=0.8)
    set_ticks(ax, "y", y, [_short(r[0], 40) for r in rows], fontsize=8)
    lim = max(10.0, float(np.nanmax(np.abs(gaps))) * 1.25)
    ax.set_xlim(-lim, lim)
    ax.set_xlabel("Gap in points, sales score minus marketing score\n"
                  "(faded bars: not shown to be larger than noise)", fontsize=8)
    ax.text(0.99, 1.01, "sales sees it better \u2192", transform=ax.transAxes, ha="right",
            va="bottom", fontsize=8, color=PALETTE["sales"])
    ax.text(0.01, 1.01, "\u2190 marketing sees it better", transform=ax.transAxes, ha="left",
            va="bottom", fontsize=8, color=PALETTE["marketing"])
    fit_axes(ax)
    return fig


@described("How the answers to each statement are spread, from strongly disagree to strongly agree")
def distribution_chart(results: SurveyResults, ids: list[str] | None = None) -> Figure:
    """Share of each answer (1-5) per statement, as stacked bars centred on the neutral answer.

    Parameters
    ----------
    results : SurveyResults
        The results (or the survey part of them).
    ids : list of str, optional
        Statements to show, in this order (default: all answered statements).
    """
    stmts = [s for s in results["statements"] if s["n"] > 0 and not s["suppressed"]]
    if ids is not None:
        pos = {sid: i for i, sid in enumerate(ids)}
        stmts = sorted((s for s in stmts if s["id"] in pos), key=lambda s: pos[s["id"]])
    if not stmts:
        return _message("No answers to chart.")
    counts = np.array([[s["counts"][str(v)] for v in range(1, 6)] for s in stmts], float)
    share = 100 * counts / counts.sum(axis=1, keepdims=True)
    left = -(share[:, 0] + share[:, 1] + share[:, 2] / 2)
    fig = new_figure(height=0.32 * len(stmts) + 1.3)
    ax = fig.add_subplot()
    style_axes(ax)
    y = np.arange(len(stmts))[::-1]
    names = ("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree")
    for v in range(5):
        ax.barh(y, share[:, v], left=left, color=ANSWER_COLOURS[v], height=0.7, label=names[v])
        left = left + share[:, v]
    labels = [f"{s['id']}{' (R)' if s['reverse'] else ''}  n={s['n']}" for s in stmts]
    set_ticks(ax, "y", y, labels, fontsize=7)
    ax.axvline(0, color=PALETTE["ink"], linewidth=0.6)
    ax.set_xlim(-100, 100)
    set_ticks(ax, "x", [-100, -50, 0, 50, 100], ["100", "50", "0", "50", "100"])
    ax.set_xlabel("% of answers (left: disagree, right: agree; R = agreeing is bad)", fontsize=8)
    ax.legend(ncol=5, fontsize=7, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    fit_axes(ax)
    return fig


@described("Leaders against staff: alignment index overall and within each team")
def levels_chart(results: SurveyResults) -> Figure:
    """Leaders' and staff's index, for all respondents and within each team."""
    levels = results["levels"]
    if levels is None:
        return _message("No level given: leaders and staff cannot be compared.")
    if levels["suppressed"]:
        return _message("Leaders and staff: too few answers in a group to be shown, to protect anonymity.")
    groups: list[tuple[str, dict[str, LevelScore]]] = [("All", {"leader": levels["leader"], "staff": levels["staff"]})]
    groups += [(TEAM_LABELS[t], v) for t, v in levels["teams"].items()]
    fig = new_figure(height=2.3)
    ax = fig.add_subplot()
    style_axes(ax)
    x = np.arange(len(groups))
    for k, (lv, colour) in enumerate((("leader", PALETTE["ink"]), ("staff", PALETTE["neutral"]))):
        vals = [g[lv]["index"] for _, g in groups]
        xs = x + (k - 0.5) * 0.36
        ax.bar(xs, [np.nan if v is None else v for v in vals], width=0.34, color=colour,
               label="Leaders" if lv == "leader" else "Staff")
        for xi, v, (_, g) in zip(xs, vals, groups):
            if v is not None:
                ax.text(xi, v + 1, f"{v:.1f}\nn={g[lv]['n']}", ha="center", va="bottom", fontsize=7)
    set_ticks(ax, "x", x, [name for name, _ in groups], fontsize=9)
    ax.set_ylim(0, 112)
    ax.set_ylabel("Alignment index (20-100)", fontsize=8)
    ax.legend(fontsize=8, frameon=False, loc="upper right")
    fit_axes(ax)
    return fig
