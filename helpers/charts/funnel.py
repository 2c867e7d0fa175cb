"""Funnel charts drawn from ``results["funnel"]`` only.

* :func:`funnel_chart` – leads reaching each stage, the conversion of each step, and the
  vendor-quoted reference range for the steps that have one (the biggest leak highlighted);
* :func:`response_chart` – how fast MQLs get a first response: within an hour, within the SLA,
  later, never;
* :func:`source_chart` – leads and conversion to MQL and to won by lead source;
* :func:`stage_time_chart` – median and 90th-percentile time spent in each stage.
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from helpers.charts.style import A4_TEXT_WIDTH, PALETTE, described, message_figure, new_figure, style_axes

STAGE_COLOURS = {"created": PALETTE["marketing"], "mql": PALETTE["marketing"], "sal": PALETTE["sales"],
                 "sql": PALETTE["sales"], "opportunity": PALETTE["sales"], "won": PALETTE["good"]}


def _section(results: dict[str, Any]) -> dict[str, Any] | None:
    if "stages" in results and "rates" in results:
        return results
    return results.get("funnel")


def _message(text: str) -> Figure:
    return message_figure(text, height=1.0)


def _pct(value: float | None) -> str:
    return "\u2013" if value is None else f"{100 * value:.0f}%"


@described("Funnel: how many leads reached each stage, with the conversion between stages")
def funnel_chart(results: dict[str, Any]) -> Figure:
    """Horizontal bars of leads per stage, step conversion beside them, reference ranges labelled.

    Parameters
    ----------
    results : dict
        The results dict (or its ``"funnel"`` part).
    """
    f = _section(results)
    if not f or not f.get("stages"):
        return _message("No funnel data to chart.")
    stages = f["stages"]
    refs = {(b["step"].split("_")[0], b["step"].split("_")[1]): b for b in f.get("benchmarks", [])}
    leak = (f.get("biggest_leak") or {}).get("step")
    fig = new_figure(A4_TEXT_WIDTH, 0.46 * len(stages) + 0.9)
    ax = fig.add_subplot()
    top = max(s["count"] for s in stages) or 1
    for i, s in enumerate(stages):
        y = len(stages) - 1 - i
        ax.barh(y, s["count"], color=STAGE_COLOURS.get(s["id"], PALETTE["neutral"]), height=0.62)
        ax.text(s["count"] + top * 0.01, y, f"{s['count']:,}", va="center", fontsize=8.5, color=PALETTE["ink"])
    for c in f.get("conversions", []):
        i = [s["id"] for s in stages].index(c["to"])
        y_gap = len(stages) - 1 - i + 0.5  # between the two stages' bars
        ref = refs.get((c["from"], c["to"]))
        text = f"{_pct(c['rate'])} {c['label']}"
        colour = PALETTE["ink"]
        if ref is not None:
            text += f"  (reference {_pct(ref['low'])}\u2013{_pct(ref['high'])})"
            colour = PALETTE["bad"] if ref.get("status") == "below" else PALETTE["ink"]
        weight = "bold" if leak == c["step"] else "normal"
        ax.text(top * 1.02, y_gap, ("\u25bc biggest leak: " if leak == c["step"] else "") + text, va="center",
                fontsize=7.5, color=colour, fontweight=weight)
    ax.set_yticks(range(len(stages)), [s["label"] for s in reversed(stages)])
    ax.set_xlim(0, top * 2.0)
    note = "\nreference ranges: vendor-quoted figures (secondary sources), for orientation only" if refs else ""
    ax.set_xlabel("leads reaching the stage (or a later one)" + note, fontsize=7.5)
    style_axes(ax)
    ax.grid(axis="y", visible=False)
    ax.set_title("Funnel: leads per stage and conversion of each step", fontsize=10, loc="left")
    return fig


@described("Speed to first response: leads answered within the hour, within the SLA, later, or never")
def response_chart(results: dict[str, Any]) -> Figure:
    """One stacked bar: share of MQLs first answered within an hour, within the SLA, later, never."""
    f = _section(results)
    r = (f or {}).get("response")
    if not r or not r.get("n"):
        return _message("No first-response dates in the funnel data.")
    n = r["n"]
    hour = r["within_hour"] if "within_hour" in r else round((r.get("share_within_hour") or 0) * n)
    sla_h = r["sla_hours"]
    within = r["within_sla"]
    later = (f"later than {sla_h:g} hours", r["contacted"] - within, PALETTE["warn"])
    if sla_h > 1:  # each label names its own time band, so "within the SLA" is the first two together
        parts = [("within 1 hour", hour, PALETTE["good"]), (f"1 to {sla_h:g} hours", within - hour, "#7FC7AF"),
                 later, ("never contacted", r["never_contacted"], PALETTE["bad"])]
    else:
        parts = [(f"within {sla_h:g} hour{'s' if sla_h != 1 else ''}", within, PALETTE["good"]), later,
                 ("never contacted", r["never_contacted"], PALETTE["bad"])]
    fig = new_figure(A4_TEXT_WIDTH, 1.9)
    ax = fig.add_subplot()
    left = 0.0
    for label, count, colour in parts:
        share = count / n
        ax.barh(0, share, left=left, color=colour, height=0.5, label=f"{label}: {count:,} ({_pct(share)})")
        if share >= 0.06:
            ax.text(left + share / 2, 0, _pct(share), ha="center", va="center", fontsize=8.5, color="white",
                    fontweight="bold")
        left += share
    ax.set_xlim(0, 1)
    ax.set_yticks([])
    ax.xaxis.set_major_formatter(lambda v, _: f"{100 * v:.0f}%")
    style_axes(ax)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=2, fontsize=7.5, frameon=False)
    med = r.get("median_hours")
    median = "\u2013" if med is None else f"{med:g} h"
    ax.set_title(f"Speed to first response: {_pct(within / n)} within the {sla_h:g}-hour SLA "
                 f"({n:,} leads handed to sales; median {median})", fontsize=10, loc="left")
    return fig


@described("Conversion by lead source")
def source_chart(results: dict[str, Any], top: int = 8) -> Figure:
    """Leads per source (bars) with conversion to MQL and to won (labels), biggest sources first."""
    f = _section(results)
    rows = [r for r in (f or {}).get("by_source", [])][:top]
    if not rows:
        return _message("No lead sources in the funnel data.")
    fig = new_figure(A4_TEXT_WIDTH, 0.32 * len(rows) + 0.85)
    ax = fig.add_subplot()
    most = max(r["leads"] for r in rows) or 1
    for i, r in enumerate(rows):
        y = len(rows) - 1 - i
        ax.barh(y, r["leads"], color=PALETTE["marketing"], height=0.6)
        mql = r["rates"].get("created_mql")
        won = r["won"] / r["leads"] if r["leads"] else None
        text = f"{r['leads']:,} leads"
        if mql is not None:
            text += f" \u00b7 {_pct(mql)} to MQL"
        text += f" \u00b7 {r['won']:,} won ({_pct(won)})"
        ax.text(r["leads"] + most * 0.01, y, text, va="center", fontsize=7.5)
    ax.set_yticks(range(len(rows)), [r["source"][:28] for r in reversed(rows)], fontsize=8)
    ax.set_xlim(0, most * 1.9)
    style_axes(ax)
    ax.grid(axis="y", visible=False)
    ax.set_title("Leads and conversion by source", fontsize=10, loc="left")
    return fig


@described("Time leads spend in each stage: median and 90th percentile")
def stage_time_chart(results: dict[str, Any]) -> Figure:
    """Median (bar) and 90th percentile (tick) of the days spent in each stage before the next."""
    f = _section(results)
    conv = [c for c in (f or {}).get("conversions", []) if c.get("median_hours") is not None]
    if not conv:
        return _message("No stage dates to measure time in stage.")
    fig = new_figure(A4_TEXT_WIDTH, 0.34 * len(conv) + 0.85)
    ax = fig.add_subplot()
    for i, c in enumerate(conv):
        y = len(conv) - 1 - i
        med, p90 = c["median_hours"] / 24, (c["p90_hours"] or c["median_hours"]) / 24
        ax.barh(y, med, color=PALETTE["neutral"], height=0.55)
        ax.plot([p90, p90], [y - 0.3, y + 0.3], color=PALETTE["ink"], linewidth=2)
        ax.text(max(med, p90) * 1.02 + 0.05, y, f"median {med:.1f} d \u00b7 90% within {p90:.1f} d (n={c['n_timed']:,})",
                va="center", fontsize=7.5)
    ax.set_yticks(range(len(conv)), [c["label"] for c in reversed(conv)], fontsize=8)
    longest = max((c["p90_hours"] or c["median_hours"]) / 24 for c in conv) or 1
    ax.set_xlim(0, longest * 1.9 + 0.5)
    ax.set_xlabel("days", fontsize=8)
    style_axes(ax)
    ax.grid(axis="y", visible=False)
    ax.set_title("Time in each stage", fontsize=10, loc="left")
    return fig
