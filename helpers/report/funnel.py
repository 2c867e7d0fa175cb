"""Handout section "Funnel and speed to lead", built from ``results["funnel"]`` only.

Key numbers first: the leads and the export time they are measured at; speed to first response
against the client's own rule, called "agreed" only when ``engagement.yaml`` says so, on the
rule's clock, with leads too recent to judge set apart and the median wait counting unanswered
leads as still waiting; the hand-off step, named after the stage the export has; the step losing
the most leads; a reference shortfall only when a rate's whole 95% interval lies below a range a
named source quotes; the money at stake. Then the charts (:mod:`helpers.charts.funnel`), the
conversion table (rate, 95% interval, cohort, leads lost and still open, reference), where leads
come from, and the revenue calculator (mean deal, currency on every amount, per month needed vs
per month today). Durations: hours (or whole days for date-only columns) for the response,
days for stages.
"""

from __future__ import annotations

from typing import Any

from helpers.analysis.funnel import FunnelMetrics
from helpers.formatting import format_number, format_percent
from helpers.report.section import Section, missing_message, render_template
from helpers.results import Results

TITLE = "Funnel and speed to lead"
ANCHOR = "funnel"
DEFAULT_MISSING = ("No funnel data yet. Export the leads of the last two or three quarters from the CRM "
                   "(with creation, stage and first-response dates) and save it as funnel.csv.")
SOURCE_GROUP_LABELS = {"marketing": "Marketing-sourced", "sales": "Sales-sourced", "partner": "Partner-sourced",
                       "other": "Other sources", "not_mapped": "Source not mapped"}


def money(amount: float | None, currency: str | None) -> str:
    """An amount with its currency: ``(12345.6, "EUR") -> "12,346 EUR"``; no currency set: ``"12,346 (currency not set)"``."""
    text = format_number(amount, 0)
    if amount is None:
        return text
    return f"{text} {currency}" if currency else f"{text} (currency not set)"


def interval(share: float | None, low: float | None, high: float | None) -> str:
    """A share with its 95% interval: ``"62% (95% interval 36%\u201381%)"``."""
    if share is None:
        return "\u2013"
    return f"{format_percent(share)} (95% interval {format_percent(low)}\u2013{format_percent(high)})"


def wait_text(f: FunnelMetrics) -> str | None:
    """The censored median wait in words, or None when there is no response column."""
    speed = f["speed_to_lead"]
    if speed is None:
        return None
    wait, unit = speed["wait"], speed["unit"]
    word = ("working " if speed["clock"] == "business" else "") + ("hours" if unit == "hours" else "days")
    if wait["median"] is not None:
        return f"{format_number(wait['median'], 1)} {word}"
    if wait["more_than"] is not None:
        return f"more than {format_number(wait['more_than'], 1)} {word} (fewer than half had been answered)"
    return None


def rule_text(f: FunnelMetrics) -> str:
    """``"the agreed rule (a first response within 4 working hours, counted in working hours (...))"``, or
    ``"the proposed 24-hour rule (not yet agreed by both teams; ...)"``."""
    sla = f["sla"]
    if sla["status"] == "agreed":
        return f"the agreed rule (a first response within {sla['rule_words']}, counted in {sla['clock_description']})"
    proposed = (f"{format_number(sla['response_hours'], 0)}-hour" if sla["clock"] != "business"
                else sla["rule_words"])
    return f"the proposed {proposed} rule (not yet agreed by both teams; counted in {sla['clock_description']})"


def context(f: FunnelMetrics) -> dict[str, Any]:
    """Template context for ``results["funnel"]``."""
    bench = {b["step"]: b for b in f["benchmarks"]}
    steps = [{**s, "bench": bench.get(s["step"])} for s in (*f["conversions"], *f["spans"])
             if s["consecutive"] or s["step"] in bench]
    sources = f["sources"] if f["sources"] is not None and f["sources"]["available"] else None
    currency = f["currency"]
    calc: dict[str, Any] | None = None
    if f["calculator"] is not None:  # every stage row says whether the client set its own target
        calc = {**f["calculator"], "stages": [{"client_target": None, **row} for row in f["calculator"]["stages"]]}
    return {"f": f, "speed": f["speed_to_lead"], "handoff": f["handoff"], "leak": f["biggest_leak"],
            "lost": f["most_leads_lost"], "steps": steps, "benchmark_source": f["benchmark_source"],
            "calc": calc, "stake": f["at_stake"], "sources": sources, "group_labels": SOURCE_GROUP_LABELS,
            "by_source": f["by_source"][:12], "more_sources": max(len(f["by_source"]) - 12, 0),
            "stage_ids": [s["id"] for s in f["stages"]], "stage_label": {s["id"]: s["label"] for s in f["stages"]},
            "rule": rule_text(f), "wait": wait_text(f), "interval": interval,
            "money": lambda amount: money(amount, currency)}


def funnel(results: Results) -> Section:
    """The "Funnel and speed to lead" handout section.

    Parameters
    ----------
    results : Results
        Uses ``results["funnel"]``.

    Returns
    -------
    Section
        Key findings, charts and tables; a one-line section when there is no funnel data.
    """
    f = results["funnel"]
    if f is None or not f["leads"]:
        return Section.missing(TITLE, ANCHOR, missing_message(results, "funnel", DEFAULT_MISSING))
    from helpers.charts.funnel import funnel_chart, response_chart, source_chart, stage_time_chart

    ctx = context(f)
    parts: list[Any] = [render_template("funnel.html.j2", part="summary", **ctx), funnel_chart(results)]
    if f["speed_to_lead"] is not None and f["speed_to_lead"]["leads"]:
        parts.append(response_chart(results))
    parts.append(stage_time_chart(results))
    if len(f["by_source"]) > 1:
        parts.append(source_chart(results))
    parts.append(render_template("funnel.html.j2", part="tables", **ctx))
    return Section(TITLE, ANCHOR, parts)
