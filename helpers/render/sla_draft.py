"""The written SLA draft ``OUT/<slug>.sla.html``: the agreement the handout asks for, ready to edit and sign.

Marketing commits to a monthly volume of marketing-qualified leads, worked back from the revenue
goal through the conversion rates the client's own CRM shows (the arithmetic and its source
numbers are printed); sales commits to a first response and a number of attempts on the
client's own clock (:class:`~helpers.engagement.sla.Sla`, from ``engagement.yaml``). Beside each
commitment stands today's measured value, with its 95% interval where there is one, or "not
measured" and why. The draft says whether the rule is agreed or only proposed, exactly as
``engagement.yaml`` records it: a proposed rule is never called agreed.

Built from :func:`helpers.results.client_view` only; the wording is in
``templates/report/sla_draft.html.j2`` (autoescaped, so client text cannot inject markup). The
page is self-contained (no script, no remote file) and prints on A4.
"""

from __future__ import annotations

import math
from typing import Any

from helpers.engagement.sla import Sla
from helpers.formatting import days_phrase, format_number, format_percent, hours_phrase, long_date
from helpers.report.funnel import interval, money, wait_text
from helpers.report.methodology import FUNNEL_DEFINITIONS
from helpers.report.section import render_template
from helpers.results import Results

TEMPLATE = "sla_draft.html.j2"


def rule_words(rule: Sla, results: Results) -> str:
    """The response rule in words: the funnel analysis's own words when it ran, else hours and clock."""
    funnel = results["funnel"]
    if funnel is not None:
        return str(funnel["sla"]["rule_words"])
    return hours_phrase(rule.response_hours, rule.clock.clock == "business")


def volume_chain(results: Results) -> dict[str, Any] | None:
    """Marketing's monthly volume, worked back from the revenue goal: one row per stage, won first.

    Returns
    -------
    dict or None
        ``rows`` (stage, needed a month, the rate it is divided by with its counts and interval,
        today's monthly volume), the goal, deal size and ``mql`` (the commitment, with the range
        the rates' intervals allow); None without a funnel. ``reason`` says why the calculator
        could not run when it could not.
    """
    funnel = results["funnel"]
    if funnel is None:
        return None
    calc = funnel["calculator"]
    if calc is None or not calc["available"]:
        return {"available": False, "reason": (calc["reason"] if calc is not None else None)
                or "the revenue goal is not set"}
    labels = {c["step"]: c["label"] for c in (*funnel["conversions"], *funnel["spans"])}
    currency = calc["currency"]
    rows = []
    low_product = high_product = 1.0
    bounded = True
    mql: dict[str, Any] | None = None
    previous = None
    for stage in calc["stages"]:
        rate = stage["rate_to_next"]
        row: dict[str, Any] = {"label": stage["label"], "stage": stage["stage"],
                               "needed": stage["needed_per_month"], "today": stage["today_per_month"],
                               "gap": stage["gap_per_month"], "rate": None}
        if rate is not None and previous is not None:
            row["rate"] = {"share": rate["share"], "count": rate["count"], "n": rate["n"],
                           "low": rate["low"], "high": rate["high"],
                           "step": labels.get(str(stage["rate_step"]), str(stage["rate_step"] or "")),
                           "from": previous["label"], "from_needed": previous["needed_per_month"]}
            if rate["low"] and rate["high"]:
                low_product *= rate["high"]   # the best rates need the fewest leads
                high_product *= rate["low"]
            else:
                bounded = False
        rows.append(row)
        if stage["stage"] == "mql":
            won = calc["stages"][0]["needed_per_month"]
            ranged = bounded and won is not None and low_product > 0 and high_product > 0
            mql = {"needed": stage["needed_per_month"], "today": stage["today_per_month"],
                   "gap": stage["gap_per_month"],
                   "fewest": won / low_product if ranged and won is not None else None,
                   "most": won / high_product if ranged and won is not None else None}
        previous = stage
    return {"available": True, "goal": money(calc["goal"], currency), "period_months": calc["period_months"],
            "goal_per_month": money(calc["goal_per_month"], currency),
            "deal": money(calc["deal"]["amount"], currency), "deal_label": calc["deal"]["label"],
            "deal_basis": calc["deal"]["basis"], "won_with_amount": calc["deal"]["won_with_amount"],
            "customers_needed": calc["customers_needed"], "rows": rows, "mql": mql,
            "export_period": calc["export_period"], "notes": calc["notes"]}


def measured(results: Results, rule: Sla) -> dict[str, Any]:
    """Today's values beside sales' commitments (or why each is not measured)."""
    funnel = results["funnel"]
    out: dict[str, Any] = {"funnel": funnel is not None, "response": None, "wait": None, "not_contacted": None,
                           "attempts": None, "attempts_reason": None, "attempts_pending": None, "population": None,
                           "handoff": None,
                           "period": None, "status_measured": None}
    if funnel is None:
        return out
    out["period"] = funnel["period"]
    speed = funnel["speed_to_lead"]
    handoff = funnel["handoff"]
    if handoff is not None and handoff["acceptance_rate"] is not None:
        out["handoff"] = {"rate": interval(handoff["acceptance_rate"], handoff["rate_low"], handoff["rate_high"]),
                          "mqls": handoff["mqls"], "accepted": handoff["accepted"], "rejected": handoff["rejected"],
                          "label": handoff["label"], "is_sal": handoff["accepted_is_sal"]}
    if speed is None:
        out["attempts_reason"] = "the export has no first-response date"
        return out
    within = speed["within_rule"]
    out["response"] = {"text": interval(within["share"], within["low"], within["high"]),
                       "count": within["count"], "n": within["n"]}
    out["wait"] = wait_text(funnel)
    wait = speed["wait"]
    if wait["median"] is not None and wait["ci_low"] is not None and wait["ci_high"] is not None:
        out["wait_interval"] = f"{format_number(wait['ci_low'])}\u2013{format_number(wait['ci_high'])}"
    nc = speed["not_contacted"]
    out["not_contacted"] = {"text": interval(nc["share"], nc["low"], nc["high"]), "count": nc["count"], "n": nc["n"]}
    out["population"] = speed["population_label"]
    out["status_measured"] = speed["rule_status"]
    attempts = speed["attempts"]
    if attempts["measured"] and attempts["met"] is not None and not attempts["met"]["n"]:
        out["attempts_pending"] = attempts["too_recent"]  # every window still open: nothing to judge yet
    elif attempts["measured"] and attempts["met"] is not None:
        met = attempts["met"]
        out["attempts"] = {"text": interval(met["share"], met["low"], met["high"]), "count": met["count"],
                           "n": met["n"], "too_recent": attempts["too_recent"],
                           "median": attempts["median_attempts"], "population": attempts["population"]}
    else:
        out["attempts_reason"] = attempts["reason"] or "the export has no record of contact attempts"
    return out


def context(results: Results, rule: Sla) -> dict[str, Any]:
    """Everything the SLA draft template shows."""
    return {
        "client": results["client"], "consultant": results["consultant"],
        "date": long_date(results["date"]) or results["date"],
        "agreed": rule.agreed, "status": rule.status,
        "rule_words": rule_words(rule, results),
        "clock": rule.clock.describe(), "business": rule.clock.clock == "business",
        "attempts": rule.attempts, "attempt_days": rule.attempt_days,
        "definitions": FUNNEL_DEFINITIONS,
        "volume": volume_chain(results), "today": measured(results, rule),
        "num": format_number, "pct": format_percent, "days_phrase": days_phrase,
        "ceil": lambda x: int(math.ceil(x - 1e-9)) if x is not None else None,
    }


def sla_draft(results: Results, rule: Sla) -> str:
    """The SLA draft as one self-contained HTML page.

    Parameters
    ----------
    results : Results
        The client's view of the results (:func:`helpers.results.client_view`).
    rule : Sla
        The engagement's SLA (``EngagementMeta.sla_rule``): status, hours, attempts, clock.

    Returns
    -------
    str
        HTML, printable on A4, with both heads' signature blocks.
    """
    return render_template(TEMPLATE, **context(results, rule))
