"""The ``"funnel"`` part of Results: issue 13's honest funnel and speed-to-lead measures.

Pure. :func:`metrics` runs :func:`~helpers.analysis.funnel_measures.measure_funnel` on the
normalised export (:func:`helpers.engagement.funnel.read_funnel`) with the engagement's own rule
(``engagement.yaml`` ``sla:``, on its own clock), then adds the flat views other parts read
(``response``, ``handoff``, ``rates``, ``benchmarks``) with the same keys as before and honest
meanings:

* ``response.share_within_sla``: judged leads answered within the rule *on the rule's clock*
  (leads too recent to judge left out); ``share_within_hour`` one hour on that clock, None for
  date-only response columns; ``median_hours`` the Kaplan-Meier median counting unanswered leads
  as still waiting (censored), None when measured in days or not reached;
  ``share_never_contacted`` judged leads *not contacted by the export date* (the data cannot say
  "never").
* ``rates``: each step's rate on the cohort old enough to have converted (also ``mql_won`` and
  ``sql_won``); ``handoff.acceptance_rate`` is the step after MQL, named after the stage the
  export has (``accepted_is_sal`` says whether that is a real SAL stage).
* ``benchmarks``: only ranges a named source quotes; ``status`` ``"below"`` only when the
  whole 95% interval lies below the range, ``"above"`` when wholly above, else ``"within"``
  (not distinguishable). ``biggest_leak`` is the step lying *clearly* below its range, furthest
  (None when none is); the step losing the most leads is ``most_leads_lost``.
* ``at_stake``: ``uncontacted`` and ``goal_gap`` estimates (amount, currency, period, one-line
  explanation) and, for the executive summary, ``text``/``amount``/``currency``/``period`` of the
  first one the data can give.

Durations: hours for the response (or whole days for date-only columns, ``speed_to_lead.unit``),
days for stages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal, TypedDict

import numpy as np
import pandas as pd

from helpers.analysis.conversion import ConversionStep, Loss, ReferenceComparison
from helpers.analysis.funnel_frame import NEVER_NS, closed, entry_ns, export_time_of, ns_of, reached, to_timestamp
from helpers.analysis.funnel_measures import measure_funnel
from helpers.analysis.lead_sources import SourceSplit
from helpers.analysis.revenue import Deal, Estimate, RevenueCalculator
from helpers.analysis.speed_to_lead import SpeedToLead
from helpers.content.lead_sources import LeadSourceMap
from helpers.engagement.sla import Sla, read_sla
from helpers.vocabulary import FUNNEL_STAGE_LABELS

__all__ = ["AtStakeSummary", "Benchmark", "ExportTime", "FunnelMetrics", "HandoffMetrics", "Leak", "Response",
           "SlaTerms", "SourceRow", "metrics", "step_of"]


class Period(TypedDict):
    """First and last ``created_at`` (ISO dates)."""

    start: str | None
    end: str | None


class ExportTime(TypedDict):
    """When the export was taken, and how that was decided."""

    at: str                         # ISO date-time
    basis: Literal["engagement", "latest_date"]
    text: str                       # "the latest date in the export (9 March 2026)"


class StageCount(TypedDict):
    """Leads that reached a tracked stage (or a later one)."""

    id: str
    label: str
    count: int


class SourceRow(TypedDict):
    """One lead source value: leads, leads per stage, raw step shares (not cohort-adjusted) and deals won."""

    source: str
    leads: int
    counts: dict[str, int]
    rates: dict[str, float | None]
    won: int


class Response(TypedDict):
    """Flat speed-to-lead view for the playbook triggers (see the module docstring for meanings)."""

    population: str
    n: int                          # judged leads
    leads: int                      # all leads in the population
    too_recent: int
    contacted: int
    never_contacted: int            # judged leads not contacted by the export date
    share_never_contacted: float | None
    median_hours: float | None      # censored (Kaplan-Meier) median on the rule's clock; None in days
    sla_hours: float
    within_sla: int
    share_within_sla: float | None
    within_hour: int | None
    share_within_hour: float | None


class HandoffMetrics(TypedDict):
    """The step after MQL, on the cohort old enough to have made it."""

    mqls: int                       # cohort
    accepted: int                   # cohort leads that reached ``accepted_stage``
    rejected: int                   # cohort leads closed (lost or turned down) without reaching it
    pending: int                    # all MQLs neither converted nor closed
    accepted_stage: str
    accepted_is_sal: bool
    label: str                      # "MQL → SQL"
    acceptance_rate: float | None
    rate_low: float | None          # 95% Wilson interval of acceptance_rate
    rate_high: float | None
    rejection_rate: float | None


class Benchmark(TypedDict):
    """A step's rate against a range a named source quotes (``status`` see the module docstring)."""

    step: str
    label: str
    rate: float | None
    rate_low: float | None
    rate_high: float | None
    low: float
    high: float
    status: str | None


class Leak(TypedDict):
    """The step whose 95% interval lies below its reference range by the most (``below_reference`` always True)."""

    step: str
    label: str
    rate: float
    low: float
    high: float
    shortfall: float                # range low - interval high
    below_reference: bool


class Won(TypedDict):
    """Deals won, their total and mean amount (None without amounts)."""

    count: int
    amount_total: float | None
    mean_amount: float | None


class SlaTerms(TypedDict):
    """The rule the funnel was measured against."""

    status: str                     # agreed | proposed
    response_hours: float
    attempts: int
    attempt_days: float
    clock: str                      # calendar | business
    clock_description: str
    rule_words: str                 # "4 working hours", "one working day (10 working hours)", "24 hours"


class AtStakeSummary(TypedDict):
    """``funnel.at_stake``: both estimates, plus the headline the executive summary reads."""

    uncontacted: Estimate
    goal_gap: Estimate
    text: str | None
    amount: float | None
    currency: str | None
    period: str | None


class FunnelMetrics(TypedDict):
    """``results["funnel"]`` (see the module docstring)."""

    leads: int
    excluded_rows: int
    period: Period
    export_time: ExportTime
    currency: str | None
    stages: list[StageCount]
    conversions: list[ConversionStep]
    spans: list[ConversionStep]
    rates: dict[str, float | None]
    most_leads_lost: Loss | None
    by_source: list[SourceRow]
    sources: SourceSplit | None
    speed_to_lead: SpeedToLead | None
    response: Response | None
    handoff: HandoffMetrics | None
    reference: ReferenceComparison
    benchmarks: list[Benchmark]
    benchmark_source: str
    biggest_leak: Leak | None
    won: Won
    deal: Deal
    calculator: RevenueCalculator | None
    at_stake: AtStakeSummary
    sla: SlaTerms


def _rate(num: float, den: float) -> float | None:
    return round(float(num) / float(den), 4) if den else None


def _by_source(frame: pd.DataFrame) -> list[SourceRow]:
    reach = reached(frame)
    tracked = list(reach.columns)
    by = reach.groupby(frame["source"], sort=False).sum()
    by = by.loc[by["created"].sort_values(ascending=False, kind="stable").index]
    rows: list[SourceRow] = []
    for src, row in by.iterrows():
        rates = {f"{a}_{b}": _rate(row[b], row[a]) for a, b in zip(tracked[:-1], tracked[1:])}
        rows.append({"source": str(src), "leads": int(row["created"]), "counts": {s: int(row[s]) for s in tracked},
                     "rates": rates, "won": int(row["won"]) if "won" in tracked else 0})
    return rows


def _response(speed: SpeedToLead | None) -> Response | None:
    if speed is None:
        return None
    hour = speed["within_hour"]
    return {"population": "mql" if speed["population"] == "handed_to_sales" else "all", "n": speed["judged"],
            "leads": speed["leads"], "too_recent": speed["too_recent"], "contacted": speed["contacted"],
            "never_contacted": speed["not_contacted"]["count"],
            "share_never_contacted": speed["not_contacted"]["share"],
            "median_hours": speed["wait"]["median"] if speed["unit"] == "hours" else None,
            "sla_hours": speed["response_hours"], "within_sla": speed["within_rule"]["count"],
            "share_within_sla": speed["within_rule"]["share"],
            "within_hour": hour["count"] if hour is not None else None,
            "share_within_hour": hour["share"] if hour is not None else None}


def _handoff(frame: pd.DataFrame, steps: list[ConversionStep]) -> HandoffMetrics | None:
    step = next((s for s in steps if s["from_stage"] == "mql"), None)
    if step is None:
        return None
    rejected = step["count_from"] - step["count_to"]
    if step["count_from"]:  # of the cohort's losses, those closed (lost or turned down) rather than still open
        rejected = step["count_from"] - step["count_to"] - _open_in_cohort(frame, step)
    return {"mqls": step["count_from"], "accepted": step["count_to"], "rejected": rejected,
            "pending": step["still_open"], "accepted_stage": step["to_stage"],
            "accepted_is_sal": step["to_stage"] == "sal", "label": step["label"],
            "acceptance_rate": step["rate"]["share"], "rate_low": step["rate"]["low"], "rate_high": step["rate"]["high"],
            "rejection_rate": _rate(rejected, step["count_from"])}


def _open_in_cohort(frame: pd.DataFrame, step: ConversionStep) -> int:
    """Cohort leads of ``step`` that neither converted nor closed (int64 nanoseconds, as the step was cut)."""
    if not step["cohort_entered_by"]:
        return 0
    entry = entry_ns(frame)
    cutoff = ns_of(pd.Timestamp(step["cohort_entered_by"]), frame["created_at"])
    a, b = entry[step["from_stage"]], entry[step["to_stage"]]
    cohort = (a != NEVER_NS) & (a <= cutoff)
    return int(np.count_nonzero(cohort & (b == NEVER_NS) & ~closed(frame).to_numpy(dtype=bool)))


def _benchmarks(reference: ReferenceComparison) -> tuple[list[Benchmark], Leak | None]:
    words = {"below_range": "below", "above_range": "above", "not_distinguishable": "within"}
    rows: list[Benchmark] = [{"step": r["step"], "label": r["label"], "rate": r["rate"]["share"],
                              "rate_low": r["rate"]["low"], "rate_high": r["rate"]["high"], "low": r["low"],
                              "high": r["high"], "status": words[r["status"]] if r["status"] else None}
                             for r in reference["rows"]]
    below = [r for r in rows if r["status"] == "below" and r["rate"] is not None and r["rate_high"] is not None]
    if not below:
        return rows, None
    worst = max(below, key=lambda r: r["low"] - (r["rate_high"] or 0.0))
    return rows, {"step": worst["step"], "label": worst["label"], "rate": float(worst["rate"] or 0.0),
                  "low": worst["low"], "high": worst["high"],
                  "shortfall": round(worst["low"] - (worst["rate_high"] or 0.0), 4), "below_reference": True}


def _at_stake(uncontacted: Estimate, goal_gap: Estimate) -> AtStakeSummary:
    head = uncontacted if uncontacted["amount"] is not None else goal_gap
    return {"uncontacted": uncontacted, "goal_gap": goal_gap,
            "text": head["explanation"] if head["amount"] is not None else None,
            "amount": head["amount"], "currency": head["currency"], "period": head["period"]}


def _rule_words(rule: Sla) -> str:
    """The response rule in words, on its clock: ``"4 working hours"``, ``"one working day (10 working hours)"``."""
    hours = float(rule.response_hours)
    text = f"{hours:g} hour{'s' if hours != 1 else ''}"
    if rule.clock.clock != "business":
        return text
    text = f"{hours:g} working hour{'s' if hours != 1 else ''}"
    days = hours / rule.clock.hours_per_day
    if abs(days - round(days)) < 1e-9 and round(days) >= 1:
        n = round(days)
        return f"{'one' if n == 1 else n} working day{'s' if n != 1 else ''} ({text})"
    return text


def _export_time(frame: pd.DataFrame, given: pd.Timestamp | dt.datetime | dt.date | str | None) -> ExportTime:
    if given is not None:
        stamp = to_timestamp(given)
        return {"at": stamp.isoformat(), "basis": "engagement",
                "text": f"the export date set in engagement.yaml ({stamp.strftime('%-d %B %Y')})"}
    found = export_time_of(frame)
    stamp = found if found is not None else pd.Timestamp("1970-01-01")
    return {"at": stamp.isoformat(), "basis": "latest_date",
            "text": f"the latest date in the export ({stamp.strftime('%-d %B %Y')})"}


def metrics(frame: pd.DataFrame, sla: Sla | Mapping[str, Any] | None,
            export_time: pd.Timestamp | dt.datetime | dt.date | str | None = None, *, currency: str | None = None,
            source_mapping: LeadSourceMap | Mapping[str, str] | None = None,
            activities: pd.DataFrame | None = None) -> FunnelMetrics:
    """The ``"funnel"`` part of Results.

    Parameters
    ----------
    frame : DataFrame
        As :func:`helpers.engagement.funnel.read_funnel` returns it.
    sla : Sla or mapping or None
        The engagement's rule (``EngagementMeta.sla_rule``); a plain ``sla:`` mapping is read
        with :func:`helpers.engagement.sla.read_sla` (its problems are the reader's to report).
    export_time : Timestamp, datetime, date or str, optional
        When the export was taken; default the latest date in the export (stated in ``export_time``).
    currency : str, optional
        ``engagement.yaml`` ``currency:``.
    source_mapping : LeadSourceMap or mapping, optional
        Source value -> marketing | sales | partner | other.
    activities : DataFrame, optional
        One row per contact attempt (``lead_id``, ``activity_at``).
    """
    rule = sla if isinstance(sla, Sla) else read_sla(dict(sla) if sla else None)[0]
    when = _export_time(frame, export_time)
    measured = measure_funnel(frame, rule, when["at"], currency=currency, source_mapping=source_mapping,
                              activities=activities)
    conv = measured["conversion"]
    rates: dict[str, float | None] = {s["step"]: s["rate"]["share"] for s in (*conv["steps"], *conv["spans"])}
    benchmarks, leak = _benchmarks(measured["reference"])
    reach = reached(frame)
    won_mask = reach["won"] if "won" in reach.columns else pd.Series(False, index=frame.index)
    amounts = pd.to_numeric(frame["amount"], errors="coerce")[won_mask].dropna() if "amount" in frame.columns \
        else pd.Series(dtype=float)
    created = frame["created_at"]
    stake = measured["at_stake"]
    return {
        "leads": int(len(frame)), "excluded_rows": int(frame.attrs.get("excluded_rows", 0)),
        "period": {"start": None if created.empty else created.min().date().isoformat(),
                   "end": None if created.empty else created.max().date().isoformat()},
        "export_time": when, "currency": currency,
        "stages": [{"id": s["id"], "label": FUNNEL_STAGE_LABELS[s["id"]], "count": s["count"]}
                   for s in conv["stages"]],
        "conversions": conv["steps"], "spans": conv["spans"], "rates": rates,
        "most_leads_lost": conv["most_leads_lost"], "by_source": _by_source(frame), "sources": measured["sources"],
        "speed_to_lead": measured["speed_to_lead"], "response": _response(measured["speed_to_lead"]),
        "handoff": _handoff(frame, conv["steps"]), "reference": measured["reference"],
        "benchmarks": benchmarks, "benchmark_source": measured["reference"]["source"], "biggest_leak": leak,
        "won": {"count": int(won_mask.sum()),
                "amount_total": round(float(amounts.sum()), 2) if len(amounts) else None,
                "mean_amount": round(float(amounts.mean()), 2) if len(amounts) else None},
        "deal": measured["deal"], "calculator": measured["calculator"],
        "at_stake": _at_stake(stake["uncontacted"], stake["goal_gap"]),
        "sla": {"status": "agreed" if rule.agreed else "proposed", "response_hours": float(rule.response_hours),
                "attempts": int(rule.attempts),
                "attempt_days": int(rule.attempt_days) if float(rule.attempt_days).is_integer() else rule.attempt_days, "clock": rule.clock.clock,
                "clock_description": rule.clock.describe(), "rule_words": _rule_words(rule)},
    }


def step_of(f: FunnelMetrics, step: str) -> ConversionStep | None:
    """The step or span called ``step`` in ``results["funnel"]`` (None when the export cannot give it)."""
    return next((s for s in (*f["conversions"], *f["spans"]) if s["step"] == step), None)

