"""The revenue calculator and the money at stake, from the export's own measured rates.

Pure and vectorised. Entry points: :func:`deal_size`, :func:`revenue_calculator`,
:func:`money_at_stake`.

The calculator is arithmetic, not a commitment: revenue goal ÷ deal size = customers needed;
÷ each measured conversion rate, stage by stage back up the funnel = opportunities, SQLs, MQLs
and leads needed. Each need is set beside what the export shows per month today (the run-rate:
leads entering the stage between the first creation date and the export, per average month of
30.4375 days). The deal size is the **mean** won amount ("mean deal"), or the consultant's
``average_deal_size`` when given.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal, NotRequired, TypedDict

import pandas as pd

from helpers.analysis.conversion import ConversionSummary, conversion_steps, find_step
from helpers.analysis.funnel_frame import (Proportion, as_float_array, entered_at, export_time_of, months_between,
                                           reached, to_timestamp)
from helpers.analysis.speed_to_lead import SpeedToLead
from helpers.formatting import date_span, format_money, format_percent
from helpers.vocabulary import FUNNEL_STAGE_LABELS

__all__ = ["AtStake", "Deal", "Estimate", "KpiTarget", "MaturedRunRate", "kpi_targets", "with_client_targets", "RevenueCalculator", "StageNeed", "deal_size",
           "matured_run_rate", "money_at_stake", "revenue_calculator"]


class Deal(TypedDict):
    """The deal size used: the mean won amount, or the consultant's figure."""

    amount: float | None
    basis: Literal["mean_won", "consultant"] | None
    label: str                    # "mean deal" / "average deal size (set by the consultant)"
    won_with_amount: int          # won leads with an amount (the mean's n)
    currency: str | None


class KpiTarget(TypedDict):
    """A monthly target the client set itself, read from a journey map KPI ("MQLs per month (target 260)")."""

    stage: str          # funnel stage id
    per_month: float
    kpi: str            # the KPI as the journey map writes it
    where: str          # the journey stage it belongs to


class StageNeed(TypedDict):
    """What one stage must deliver for the goal, beside what the export shows today."""

    stage: str
    label: str
    needed_in_period: float | None
    needed_per_month: float | None
    today_per_month: float
    gap_per_month: float | None   # needed - today; positive: short of what the goal needs
    rate_to_next: Proportion | None   # the measured rate used to step down to the next stage
    rate_step: str | None
    client_target: NotRequired[KpiTarget | None]   # the client's own monthly target for the stage, if a KPI gives one


class RunRatePeriod(TypedDict):
    start: str | None
    end: str
    months: float


class MaturedRunRate(TypedDict):
    """Won revenue a month from the leads old enough to have closed (the run-rate corrected for deals still open).

    Leads created in the last ``lag_days`` before the export (the time within which 90% of the
    export's won deals closed, counted from the lead's creation) have mostly not had time to close;
    counting them makes the run-rate a floor. Counting only leads created up to ``cutoff`` removes
    that bias (as far as the won deals' own timing shows it).
    """

    per_month: float
    start: str
    cutoff: str
    months: float
    lag_days: float
    won_deals: int


#: The fewest won deals with a creation date whose timing may set the maturity lag.
MIN_WON_FOR_LAG = 5

#: The least time (months) the matured window must cover for its run-rate to be given.
MIN_MATURED_MONTHS = 1.0


class RevenueCalculator(TypedDict):
    """Result of :func:`revenue_calculator`."""

    available: bool
    reason: str | None
    goal: float
    period_months: float
    currency: str | None
    deal: Deal
    customers_needed: int | None  # goal ÷ deal, rounded up to whole customers
    stages: list[StageNeed]       # won first, then up the funnel
    goal_per_month: float
    won_revenue_per_month_today: float | None
    revenue_gap_per_month: float | None   # goal per month - the matured run-rate (else today's)
    matured: MaturedRunRate | None  # None: too few won deals, or too short an export, to correct the floor
    export_period: RunRatePeriod
    notes: list[str]


class Estimate(TypedDict):
    """One money figure for the executive summary, with how it was computed."""

    amount: float | None
    currency: str | None
    period: str | None
    explanation: str | None       # one plain-English line
    inputs: dict[str, float | int | str | None]
    reason: str | None            # why there is no amount


class AtStake(TypedDict):
    """Result of :func:`money_at_stake` (``funnel.at_stake``)."""

    uncontacted: Estimate
    goal_gap: Estimate


def _r(value: float, digits: int = 2) -> float:
    return round(float(value), digits)


def deal_size(frame: pd.DataFrame, average_deal_size: float | None = None, currency: str | None = None) -> Deal:
    """The mean won amount ("mean deal"), or ``average_deal_size`` when the consultant gives one."""
    won = reached(frame)["won"] if "won_at" in frame.columns else pd.Series(False, index=frame.index)
    amounts = pd.Series(as_float_array(frame["amount"]), index=frame.index)[won].dropna() \
        if "amount" in frame.columns else pd.Series(dtype=float)
    if average_deal_size:
        return {"amount": float(average_deal_size), "basis": "consultant",
                "label": "average deal size (set by the consultant)", "won_with_amount": len(amounts),
                "currency": currency}
    return {"amount": _r(amounts.mean()) if len(amounts) else None, "basis": "mean_won" if len(amounts) else None,
            "label": "mean deal", "won_with_amount": len(amounts), "currency": currency}


def revenue_calculator(frame: pd.DataFrame, goal: float, period_months: float, currency: str | None,
                       average_deal_size: float | None = None, *, conversion: ConversionSummary | None = None,
                       export_time: pd.Timestamp | dt.datetime | dt.date | str | None = None) -> RevenueCalculator:
    """What a revenue goal needs per month at the measured rates, beside what the export shows today.

    Parameters
    ----------
    frame : DataFrame
        The normalised funnel frame.
    goal : float
        New-customer revenue to win over ``period_months``.
    period_months : float
        Months the goal covers.
    currency : str or None
        ``engagement.yaml`` ``currency:`` (e.g. ``"EUR"``), carried into every amount.
    average_deal_size : float, optional
        The consultant's deal size; default the mean won amount.
    conversion : ConversionSummary, optional
        :func:`~helpers.analysis.conversion.conversion_steps` of the same frame (computed when absent).
    export_time : Timestamp, datetime, date or str, optional
        When the export was taken (default: the latest date in the frame).
    """
    export = to_timestamp(export_time) if export_time is not None else export_time_of(frame)
    if export is None:
        export = pd.Timestamp("1970-01-01")
    conv = conversion if conversion is not None else conversion_steps(frame, export)
    deal = deal_size(frame, average_deal_size, currency)
    months = max(float(period_months), 1e-9)
    first = frame["created_at"].min() if len(frame) else pd.NaT
    run_months = months_between(first, export) if not pd.isna(first) else 0.0
    reach, entry = reached(frame), entered_at(frame)
    tracked = list(reach.columns)
    notes: list[str] = []
    out: RevenueCalculator = {
        "available": False, "reason": None, "goal": float(goal), "period_months": float(period_months),
        "currency": currency, "deal": deal, "customers_needed": None, "stages": [],
        "goal_per_month": _r(goal / months), "won_revenue_per_month_today": None, "revenue_gap_per_month": None,
        "matured": None,
        "export_period": {"start": None if pd.isna(first) else first.date().isoformat(),
                          "end": export.date().isoformat(), "months": _r(run_months)},
        "notes": notes}
    if not period_months or period_months <= 0 or not goal or goal <= 0:
        out["reason"] = "the revenue goal and the months it covers must both be above zero"
        return out
    if "won" not in tracked:
        out["reason"] = "the export has no won date, so the deals it takes to reach the goal cannot be counted"
        return out
    if not deal["amount"]:
        out["reason"] = "no won lead has an amount, and no average deal size was given"
        return out
    if run_months <= 0:
        out["reason"] = "the export covers no time (one creation date only), so there is no monthly run-rate"
        return out
    customers = math.ceil(goal / deal["amount"] - 1e-9)
    today = {s: int((reach[s] & (entry[s] <= export)).sum()) / run_months for s in tracked}
    won_at = entry["won"]
    won_amounts = pd.Series(as_float_array(frame["amount"]), index=frame.index) if "amount" in frame.columns \
        else pd.Series(0.0, index=frame.index)
    won_revenue = float(won_amounts[reach["won"] & (won_at <= export)].fillna(0.0).sum()) / run_months
    matured = matured_run_rate(frame["created_at"], won_at, won_amounts, reach["won"] & (won_at <= export), export)
    need: float | None = float(customers)
    stages: list[StageNeed] = []
    for i in range(len(tracked) - 1, -1, -1):
        stage = tracked[i]
        rate: Proportion | None = None
        step: str | None = None
        if i < len(tracked) - 1:
            found = find_step(conv, f"{stage}_{tracked[i + 1]}")
            rate = found["rate"] if found else None
            step = f"{stage}_{tracked[i + 1]}"
            share = rate["count"] / rate["n"] if rate and rate["n"] else None  # exact, not the rounded share
            if need is not None and not share:
                notes.append(f"{FUNNEL_STAGE_LABELS[stage]} and earlier stages are not computed: no lead old enough "
                             f"to judge has made the {FUNNEL_STAGE_LABELS[stage]} \u2192 "
                             f"{FUNNEL_STAGE_LABELS[tracked[i + 1]]} step")
            need = need / share if need is not None and share else None
        stages.append({"stage": stage, "label": FUNNEL_STAGE_LABELS[stage],
                       "needed_in_period": None if need is None else _r(need),
                       "needed_per_month": None if need is None else _r(need / months),
                       "today_per_month": _r(today[stage]),
                       "gap_per_month": None if need is None else _r(need / months - today[stage]),
                       "rate_to_next": rate, "rate_step": step})
    out.update({"available": True, "customers_needed": customers, "stages": stages,
                "won_revenue_per_month_today": _r(won_revenue), "matured": matured,
                "revenue_gap_per_month": _r(goal / months - (matured["per_month"] if matured else won_revenue))})
    return out


def matured_run_rate(created: pd.Series, won_at: pd.Series, amounts: pd.Series, won: pd.Series,
                     export: pd.Timestamp) -> MaturedRunRate | None:
    """Won revenue a month from leads created early enough to have closed (see :class:`MaturedRunRate`).

    Parameters
    ----------
    created, won_at : Series of datetime64
        Each lead's creation and won dates (NaT when not won).
    amounts : Series of float
        Each lead's amount.
    won : Series of bool
        Won by the export.
    export : Timestamp
        The export time.

    Returns
    -------
    MaturedRunRate or None
        None with fewer than :data:`MIN_WON_FOR_LAG` won deals, or when the leads old enough to
        have closed span less than :data:`MIN_MATURED_MONTHS`.
    """
    lag = (won_at[won] - created[won]).dropna()
    if len(lag) < MIN_WON_FOR_LAG or not len(created.dropna()):
        return None
    lag_days = float(lag.dt.total_seconds().quantile(0.9)) / 86400.0
    first = created.min()
    cutoff = export - pd.Timedelta(days=lag_days)
    span = months_between(first, cutoff) if cutoff > first else 0.0
    if span < MIN_MATURED_MONTHS:
        return None
    cohort = won & (created <= cutoff)
    revenue = float(amounts[cohort].fillna(0.0).sum())
    return {"per_month": _r(revenue / span), "start": first.date().isoformat(), "cutoff": cutoff.date().isoformat(),
            "months": _r(span), "lag_days": round(lag_days, 1), "won_deals": int(cohort.sum())}


def _missing(reason: str, currency: str | None) -> Estimate:
    return {"amount": None, "currency": currency, "period": None, "explanation": None, "inputs": {},
            "reason": reason}


def money_at_stake(speed: SpeedToLead | None, conversion: ConversionSummary, deal: Deal,
                   calculator: RevenueCalculator | None = None) -> AtStake:
    """Expected bookings from MQLs not contacted, and the revenue goal's gap against the run-rate.

    * ``uncontacted`` = MQLs not contacted by the export date (judged ones) × measured MQL → Won
      rate × deal size, for the MQLs handed over in the speed-to-lead period. It assumes those
      leads would have converted like the MQLs of the same export.
    * ``goal_gap`` = (goal per month − won revenue per month in the export) × the goal's months.

    Each is None (``amount``) with a ``reason`` when the data cannot give it.
    """
    currency = deal["currency"]
    if speed is None:
        uncontacted = _missing("the export has no first-response date", currency)
    elif speed["population"] != "handed_to_sales":
        uncontacted = _missing("the export has no MQL date, so leads handed to sales cannot be told apart", currency)
    else:
        span = find_step(conversion, "mql_won")
        share = span["count_to"] / span["count_from"] if span and span["count_from"] else None
        if span is None or share is None:
            uncontacted = _missing("the export cannot give an MQL \u2192 Won rate (no won date, or no MQL old enough "
                                   "to judge)", currency)
        elif not deal["amount"]:
            uncontacted = _missing("there is no deal size: no won amounts and no average_deal_size", currency)
        else:
            n = speed["not_contacted"]["count"]
            amount = _r(n * share * deal["amount"])
            low, high = span["rate"]["low"], span["rate"]["high"]
            low_amount = None if low is None else _r(n * low * deal["amount"])
            high_amount = None if high is None else _r(n * high * deal["amount"])
            period = f"{speed['period']['start']} to {speed['period']['end']}"
            spread = ("" if low_amount is None or high_amount is None else
                      f" (between {format_money(low_amount, currency, 2)} and {format_money(high_amount, currency, 2)} "
                      f"across the 95% range of that win rate; an estimate, not a forecast)")
            uncontacted = {
                "amount": amount, "currency": currency, "period": period,
                "explanation": (f"{n} MQLs handed over {date_span(speed['period']['start'], speed['period']['end'])} were not contacted by the export date; if they had "
                                f"been won at the rate MQLs in this export were won ({format_percent(share, 1)}, "
                                f"{span['count_to']} of {span['count_from']}) at the {deal['label']} of "
                                f"{format_money(deal['amount'], currency)}, they would have brought about "
                                f"{format_money(amount, currency, 2)} in bookings{spread}."),
                "inputs": {"mqls_not_contacted": n, "mql_won_rate": round(share, 4), "mql_won_count": span["count_to"],
                           "mql_cohort": span["count_from"], "deal_size": deal["amount"],
                           "deal_basis": deal["basis"], "amount_low": low_amount, "amount_high": high_amount},
                "reason": None}
    if calculator is None:
        gap = _missing("no revenue goal was set for this assessment", currency)
    elif not calculator["available"] or calculator["won_revenue_per_month_today"] is None:
        gap = _missing(calculator["reason"] or "the calculator could not run", currency)
    else:
        per_month = calculator["goal_per_month"]
        floor = calculator["won_revenue_per_month_today"]
        matured = calculator["matured"]
        months = calculator["period_months"]
        today = matured["per_month"] if matured else floor
        monthly_gap = per_month - today
        amount = _r(monthly_gap * months)
        run = calculator["export_period"]
        verb = "short of" if monthly_gap > 0 else "ahead of"
        if matured:
            basis = (f"the leads old enough to have closed (created {date_span(matured['start'], matured['cutoff'])}; 90% of "
                     f"won deals closed within {matured['lag_days']:.0f} days of the lead's creation) brought about "
                     f"{format_money(today, currency, 3)} a month won")
            caveat = (f"Counting every lead, including those too new to have closed, gives about "
                      f"{format_money(floor, currency, 3)} a month, a floor.")
        else:
            basis = f"the export shows about {format_money(today, currency, 3)} a month won ({date_span(run['start'], run['end'])})"
            caveat = ("That run-rate counts leads created lately that have not had time to close (too few won deals "
                      "to correct for it), so it is a floor: "
                      f"{'the true shortfall is likely smaller' if monthly_gap > 0 else 'the true lead is likely larger'}.")
        gap = {
            "amount": amount, "currency": currency, "period": f"{months:g} months",
            "explanation": (f"The goal of {format_money(calculator['goal'], currency)} over {months:g} months needs "
                            f"{format_money(per_month, currency)} a month; {basis}, about "
                            f"{format_money(abs(monthly_gap), currency, 3)} a month {verb} the goal, about "
                            f"{format_money(abs(amount), currency, 3)} over {months:g} months. {caveat}"),
            "inputs": {"goal": calculator["goal"], "period_months": months, "goal_per_month": per_month,
                       "won_per_month_today": floor, "won_per_month_matured": matured["per_month"] if matured else None,
                       "run_rate_start": run["start"], "run_rate_end": run["end"],
                       "run_rate_months": run["months"]},
            "reason": None}
    return {"uncontacted": uncontacted, "goal_gap": gap}


#: Funnel stage named by a KPI's counted word.
KPI_STAGE_WORDS: dict[str, str] = {
    "lead": "created", "leads": "created", "inquiry": "created", "inquiries": "created", "enquiries": "created",
    "mql": "mql", "mqls": "mql", "sal": "sal", "sals": "sal", "sql": "sql", "sqls": "sql",
    "opportunity": "opportunity", "opportunities": "opportunity", "opps": "opportunity",
    "deal": "won", "deals": "won", "win": "won", "wins": "won", "customer": "won", "customers": "won",
    "new customers": "won", "deals won": "won"}

_STAGE_WORD = "|".join(sorted((re.escape(w) for w in KPI_STAGE_WORDS), key=len, reverse=True))
#: "MQLs per month (target 260)", "SQLs a month: target 40", "target 12 new customers a month".
_KPI_TARGET = (re.compile(rf"\b(?P<word>{_STAGE_WORD})\s+(?:per|a|each)\s+month\b.*?\btarget\s*:?\s*(?P<n>\d[\d,]*(?:\.\d+)?)", re.I),
               re.compile(rf"\btarget\s*:?\s*(?:of\s+)?(?P<n>\d[\d,]*(?:\.\d+)?)\s+(?P<word>{_STAGE_WORD})\s+(?:per|a|each)\s+month\b", re.I))


def kpi_targets(kpis: Iterable[Mapping[str, Any]]) -> dict[str, KpiTarget]:
    """Monthly funnel targets the client wrote in its journey map KPIs, by funnel stage.

    Only a KPI that names a counted stage, "per month" (or "a month") and a target number is read;
    "Win rate on qualified opportunities" or "MQLs touched within 4 working hours" give none. The
    first KPI per stage wins.

    Parameters
    ----------
    kpis : iterable of mapping
        ``journey["kpis"]``: ``kpi`` (text) and ``name`` (the journey stage).
    """
    out: dict[str, KpiTarget] = {}
    for item in kpis:
        text = str(item.get("kpi") or "")
        for pattern in _KPI_TARGET:
            hit = pattern.search(text)
            if hit:
                stage = KPI_STAGE_WORDS[hit.group("word").lower()]
                if stage not in out:
                    out[stage] = {"stage": stage, "per_month": float(hit.group("n").replace(",", "")), "kpi": text,
                                  "where": str(item.get("name") or "")}
                break
    return out


def with_client_targets(calculator: RevenueCalculator | None, targets: Mapping[str, KpiTarget]) -> RevenueCalculator | None:
    """The calculator with each stage's own target (``client_target``) from :func:`kpi_targets`, or None."""
    if calculator is None:
        return None
    stages: list[StageNeed] = []
    for row in calculator["stages"]:
        copied = StageNeed(**row)
        copied["client_target"] = targets.get(row["stage"])
        stages.append(copied)
    out = RevenueCalculator(**calculator)
    out["stages"] = stages
    return out
