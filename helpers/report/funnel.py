"""Handout section "Funnel and speed to lead", built from ``results["funnel"]`` only.

Key numbers first (leads, MQL acceptance at the hand-off, speed to first response against the
SLA, the biggest leak against the labelled vendor reference), then the funnel, response, source
and time-in-stage charts (see :mod:`helpers.charts.funnel`), the reference table and, when the
engagement sets a revenue goal, the SLA calculator.
"""

from __future__ import annotations

from typing import Any

from helpers.report.section import Section, missing_message, render_template


def duration(hours: Any) -> str:
    """A median wait in words: hours up to two days, days beyond (``403.9 -> "16.8 days"``)."""
    if hours is None:
        return "\u2013"
    hours = float(hours)
    return f"{hours:,.1f} hours" if hours < 48 else f"{hours / 24:,.1f} days"

TITLE = "Funnel and speed to lead"
ANCHOR = "funnel"
DEFAULT_MISSING = ("No funnel data yet. Export the leads of the last two or three quarters from the CRM "
                   "(with creation, stage and first-response dates) and save it as funnel.csv.")
STEP_LABELS = {"customers": "Customers to win", "sqls": "Sales-qualified leads", "sals": "Sales-accepted leads",
               "mqls": "Marketing-qualified leads", "leads": "Leads (inquiries)"}


def context(f: dict[str, Any]) -> dict[str, Any]:
    """Template context for a ``results["funnel"]`` dict."""
    stage_label = {s["id"]: s["label"] for s in f.get("stages", [])}
    calc = f.get("calculator")
    calc_rows = []
    if calc:
        calc_rows = [{"label": STEP_LABELS[k], "total": calc[k], "per_month": calc["per_month"][k]} for k in STEP_LABELS
                     if not (k == "sals" and "sal" not in stage_label and calc["sals"] == calc["sqls"])]
    sources = [{"source": r["source"], "leads": r["leads"], "counts": r["counts"], "rates": r["rates"], "won": r["won"]}
               for r in f.get("by_source", [])[:12]]
    order = {s["id"]: i for i, s in enumerate(f.get("stages", []))}

    def funnel_order(b: dict[str, Any]) -> tuple[int, int]:
        start, _, end = str(b.get("step", "")).partition("_")
        start = "created" if start == "created" else start
        return order.get(start, len(order)), order.get(end, len(order))

    return {"f": f, "response": f.get("response"), "handoff": f.get("handoff"), "leak": f.get("biggest_leak"),
            "benchmarks": sorted(f.get("benchmarks", []), key=funnel_order), "benchmark_source": f.get("benchmark_source", ""),
            "calc": calc, "calc_rows": calc_rows, "sources": sources, "stage_ids": [s["id"] for s in f.get("stages", [])],
            "stage_label": stage_label, "duration": duration, "accepted_label": stage_label.get((f.get("handoff") or {}).get("accepted_stage"), ""),
            "more_sources": max(len(f.get("by_source", [])) - 12, 0)}


def funnel(results: dict[str, Any]) -> Section:
    """The "Funnel and speed to lead" handout section.

    Parameters
    ----------
    results : dict
        The results dict; uses ``results["funnel"]``.

    Returns
    -------
    Section
        Key findings, charts and tables; a one-line section when there is no funnel data.
    """
    f = results.get("funnel")
    if not f or not f.get("leads"):
        return Section.missing(TITLE, ANCHOR, missing_message(results, "funnel", DEFAULT_MISSING))
    from helpers.charts.funnel import funnel_chart, response_chart, source_chart, stage_time_chart

    ctx = context(f)
    parts: list[Any] = [render_template("funnel.html.j2", part="summary", **ctx), funnel_chart(results)]
    if f.get("response"):
        parts.append(response_chart(results))
    parts.append(stage_time_chart(results))
    if len(f.get("by_source", [])) > 1:
        parts.append(source_chart(results))
    parts.append(render_template("funnel.html.j2", part="tables", **ctx))
    return Section(TITLE, ANCHOR, parts)
