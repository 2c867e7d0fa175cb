"""Funnel charts drawn from ``results["funnel"]`` only.

* :func:`funnel_chart` – leads reaching each stage, each step's cohort rate with its 95% interval
  and leads lost, and the vendor-quoted range where a named source gives one (the step losing
  the most leads highlighted);
* :func:`response_chart` – judged leads answered within the client's rule (on its clock), later,
  or not contacted by the export date;
* :func:`source_chart` – leads and conversion to MQL and to won by lead source;
* :func:`stage_time_chart` – median and 80th-percentile days spent in each stage, with leads still open.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from helpers.results import Results
from helpers.charts.layout import fit_axes, set_ticks
from helpers.charts.style import A4_TEXT_WIDTH, PALETTE, described, message_figure, new_figure, set_title, style_axes

STAGE_COLOURS = {"created": PALETTE["marketing"], "mql": PALETTE["marketing"], "sal": PALETTE["sales"],
                 "sql": PALETTE["sales"], "opportunity": PALETTE["sales"], "won": PALETTE["good"]}


def _message(text: str) -> Figure:
    return message_figure(text, height=1.0)


def _pct(value: float | None) -> str:
    return "\u2013" if value is None else f"{100 * value:.0f}%"


@described("Funnel: how many leads reached each stage, with the conversion between stages")
def funnel_chart(results: Results) -> Figure:
    """Horizontal bars of leads per stage, step conversion beside them, reference ranges labelled.

    Parameters
    ----------
    results : Results
        Uses ``results["funnel"]``.
    """
    f = results["funnel"]
    if f is None or not f["stages"]:
        return _message("No funnel data to chart.")
    stages = f["stages"]
    refs = {b["step"]: b for b in f["benchmarks"]}
    lost = f["most_leads_lost"]["step"] if f["most_leads_lost"] is not None else None
    fig = new_figure(A4_TEXT_WIDTH, 0.46 * len(stages) + 1.1)
    ax = fig.add_subplot()
    style_axes(ax, grid="x")
    top = max(s["count"] for s in stages) or 1
    ax.barh([len(stages) - 1 - i for i in range(len(stages))], [s["count"] for s in stages],
            color=[STAGE_COLOURS.get(s["id"], PALETTE["neutral"]) for s in stages], height=0.62)
    for i, s in enumerate(stages):
        y = len(stages) - 1 - i
        ax.text(s["count"] + top * 0.01, y, f"{s['count']:,}", va="center", fontsize=8.5, color=PALETTE["ink"])
    ids = [s["id"] for s in stages]
    for c in f["conversions"]:
        i = ids.index(c["to_stage"])
        y_gap = len(stages) - 1 - i + 0.5  # between the two stages' bars
        ref = refs.get(c["step"])
        rate = c["rate"]
        # two short lines, so the longest label stays inside the chart
        text = f"{_pct(rate['share'])} ({_pct(rate['low'])}\u2013{_pct(rate['high'])}) {c['label']}\n{c['lost']:,} lost"
        colour = PALETTE["ink"]
        if ref is not None:
            text += f" \u00b7 vendor-quoted {_pct(ref['low'])}\u2013{_pct(ref['high'])}"
            colour = PALETTE["bad"] if ref["status"] == "below" else PALETTE["ink"]
        weight = "bold" if lost == c["step"] else "normal"
        ax.text(top * 1.02, y_gap, ("\u25bc most leads lost: " if lost == c["step"] else "") + text, va="center",
                fontsize=7, color=colour, fontweight=weight)
    set_ticks(ax, "y", range(len(stages)), [s["label"] for s in reversed(stages)])
    ax.set_xlim(0, top * 2.6)
    note = "\nrates on leads old enough to have converted, with 95% intervals" + (
        "\nreference ranges: vendor-quoted (SiriusDecisions-style demand waterfall, secondary)" if refs else "")
    ax.set_xlabel("leads reaching the stage (or a later one)" + note, fontsize=7)
    set_title(ax, "Funnel: leads per stage and conversion of each step", fontsize=10, loc="left")
    fit_axes(ax)
    return fig


@described("Speed to first response: leads answered within the rule, later, or not contacted by the export date")
def response_chart(results: Results) -> Figure:
    """One stacked bar over the judged leads: within the rule, later, not contacted by the export date."""
    f = results["funnel"]
    r = f["speed_to_lead"] if f is not None else None
    if r is None or not r["judged"]:
        return _message("No first-response dates in the funnel data, or no lead old enough to judge.")
    n = r["judged"]
    unit = ("working " if r["clock"] == "business" else "") + r["unit"]
    rule = (f"{r['rule_days']} {unit}" if r["unit"] == "days" and r["rule_days"] is not None
            else f"{r['response_hours']:g} {unit}")
    within = r["within_rule"]["count"]
    parts = [(f"within {rule}", within, PALETTE["good"]),
             (f"later than {rule}", r["contacted"] - within, PALETTE["warn"]),
             ("not contacted by the export date", r["not_contacted"]["count"], PALETTE["bad"])]
    fig = new_figure(A4_TEXT_WIDTH, 1.9)
    ax = fig.add_subplot()
    style_axes(ax)
    left = 0.0
    for label, count, colour in parts:
        share = count / n
        ax.barh(0, share, left=left, color=colour, height=0.5, label=f"{label}: {count:,} ({_pct(share)})")
        if share >= 0.06:
            ax.text(left + share / 2, 0, _pct(share), ha="center", va="center", fontsize=8.5, color="white",
                    fontweight="bold")
        left += share
    ax.set_xlim(0, 1)
    set_ticks(ax, "y", [])
    ax.xaxis.set_major_formatter(lambda v, _: f"{100 * v:.0f}%")
    legend = ax.legend(loc="upper center", ncol=2, fontsize=7.5, frameon=False)  # under the axis, see fit_axes
    wait = r["wait"]
    median = (f"{wait['median']:g} {unit}" if wait["median"] is not None else
              f"over {wait['more_than']:g} {unit}" if wait["more_than"] is not None else "\u2013")
    status = "agreed" if r["rule_status"] == "agreed" else "proposed"
    recent = f"; {r['too_recent']:,} too recent to judge" if r["too_recent"] else ""
    set_title(ax, f"First response against the {status} rule: {_pct(r['within_rule']['share'])} within {rule}\n"
                 f"({n:,} leads judged{recent}; median wait {median}, unanswered leads counted as waiting)",
                 fontsize=9, loc="left")
    fit_axes(ax, below=legend)
    return fig


@described("Conversion by lead source")
def source_chart(results: Results, top: int = 8) -> Figure:
    """Leads per source (bars) with conversion to MQL and to won (labels), biggest sources first."""
    f = results["funnel"]
    rows = f["by_source"][:top] if f is not None else []
    if not rows:
        return _message("No lead sources in the funnel data.")
    fig = new_figure(A4_TEXT_WIDTH, 0.32 * len(rows) + 0.85)
    ax = fig.add_subplot()
    style_axes(ax, grid="x")
    most = max(r["leads"] for r in rows) or 1
    ax.barh([len(rows) - 1 - i for i in range(len(rows))], [r["leads"] for r in rows], color=PALETTE["marketing"],
            height=0.6)
    for i, r in enumerate(rows):
        y = len(rows) - 1 - i
        mql = r["rates"].get("created_mql")  # None when the step is not tracked
        won = r["won"] / r["leads"] if r["leads"] else None
        text = f"{r['leads']:,} leads"
        if mql is not None:
            text += f" \u00b7 {_pct(mql)} to MQL"
        text += f" \u00b7 {r['won']:,} won ({_pct(won)})"
        ax.text(r["leads"] + most * 0.01, y, text, va="center", fontsize=7.5)
    set_ticks(ax, "y", range(len(rows)), [r["source"][:28] for r in reversed(rows)])
    ax.set_xlim(0, most * 1.9)
    set_title(ax, "Leads and conversion by source", fontsize=10, loc="left")
    fit_axes(ax)
    return fig


@described("Time leads spend in each stage: median and 80th percentile, in days, with leads still open")
def stage_time_chart(results: Results) -> Figure:
    """Median (bar) and 80th percentile (tick) of the calendar days converted leads spent in each stage."""
    f = results["funnel"]
    # (label, leads timed, median days, 80th-percentile days, still open); a step nobody was timed in is left out
    conv = [(c["label"], c["time_in_stage"]["n_timed"], med, c["time_in_stage"]["p80_days"] or med, c["still_open"])
            for c in (f["conversions"] if f is not None else []) if (med := c["time_in_stage"]["median_days"]) is not None]
    if not conv:
        return _message("No stage dates to measure time in stage.")
    fig = new_figure(A4_TEXT_WIDTH, 0.34 * len(conv) + 0.85)
    ax = fig.add_subplot()
    style_axes(ax, grid="x")
    rows = [len(conv) - 1 - i for i in range(len(conv))]
    ax.barh(rows, [c[2] for c in conv], color=PALETTE["neutral"], height=0.55)
    # the 80th-percentile marks, one line broken between rows (NaN)
    ax.plot([x for c in conv for x in (c[3], c[3], np.nan)], [v for y in rows for v in (y - 0.3, y + 0.3, np.nan)],
            color=PALETTE["ink"], linewidth=2)
    for y, (_, timed, med_days, p90, still) in zip(rows, conv):
        ax.text(max(med_days, p90) * 1.02 + 0.05, y, f"median {med_days:.1f} d \u00b7 80% within {p90:.1f} d (n={timed:,}; {still:,} still open)",
                va="center", fontsize=7.5)
    set_ticks(ax, "y", range(len(conv)), [label for label, *_ in reversed(conv)])
    longest = max(c[3] for c in conv) or 1
    ax.set_xlim(0, longest * 1.9 + 0.5)
    ax.set_xlabel("days", fontsize=8)
    set_title(ax, "Time in each stage", fontsize=10, loc="left")
    fit_axes(ax)
    return fig
