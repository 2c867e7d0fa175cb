"""Funnel diagnostics from ``funnel.csv`` / ``funnel.xlsx`` or a HubSpot / Salesforce export.

Reading (:func:`read_funnel`, in :mod:`helpers.funnel_import`, re-exported here) maps a CRM
export onto our columns, parses the dates the way the CRM writes them and reports every problem
at once; :func:`metrics` turns the normalised frame into the ``"funnel"`` part of Results. Everything is vectorised pandas (no loops over rows).

Our columns (``funnel.csv``)
----------------------------
``lead_id, source, created_at, mql_at, sal_at, sql_at, opportunity_at, won_at, lost_at,
first_response_at, amount``; optional ``attempts`` (contact attempts logged), ``rejected_at``
(sales turned the MQL down), ``status`` (lead status text; the CRM mapping lists which values
mean "rejected"), ``outcome`` (deal stage text, e.g. "Closed Won") and ``closed_at`` (close date;
with ``outcome`` it fills ``won_at`` / ``lost_at``).
Only ``lead_id`` and ``created_at`` are required; a stage column that is absent is "not tracked"
and left out of the funnel. A lead *reached* a stage when that stage, or any later one, has a date.

Schema of :func:`metrics` (rates are fractions 0..1 rounded to 4 decimals, ``None`` when the
denominator is 0; hours rounded to 1 decimal, ``None`` when nothing to measure)::

    {
      "leads": int,                       # leads used (after excluded rows)
      "excluded_rows": int,               # rows left out by read_funnel (impossible dates ...)
      "period": {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"},   # first/last created_at
      "stages": [{"id": "created"|"mql"|"sal"|"sql"|"opportunity"|"won",
                  "label": "Inquiry"|"MQL"|"SAL"|"SQL"|"Opportunity"|"Won", "count": int}],  # tracked only
      "conversions": [{"step": "created_mql", "from": "created", "to": "mql", "label": "Inquiry → MQL",
                       "count_from": int, "count_to": int, "rate": float|None,
                       "median_hours": float|None, "p90_hours": float|None, "n_timed": int}],
                      # consecutive tracked stages; hours = time spent in "from" before "to"
      "rates": {"created_mql": float|None, "mql_sal": ..., "sal_sql": ..., "sql_opportunity": ...,
                "opportunity_won": ..., "sql_won": ...},   # flat view for playbook triggers
      "time_in_stage": {stage: {"median_hours": float|None, "p90_hours": float|None, "n": int}},
      "by_source": [{"source": str, "leads": int, "counts": {stage: int},
                     "rates": {step: float|None}, "won": int}],   # most leads first
      "response": None | {"population": "mql"|"all", "n": int, "contacted": int,
                  "never_contacted": int, "share_never_contacted": float,
                  "median_hours": float|None, "p90_hours": float|None, "mean_hours": float|None,
                  "sla_hours": float, "within_sla": int, "share_within_sla": float,
                  "within_hour": int, "share_within_hour": float},
                  # clock starts at mql_at (else created_at); never contacted count as outside SLA
      "handoff": None | {"mqls": int, "accepted": int, "rejected": int, "pending": int,
                  "accepted_stage": "sal"|"sql"|..., "acceptance_rate": float|None,
                  "rejection_rate": float|None, "median_hours_to_accept": float|None,
                  "attempts": None | {"required": int, "leads": int, "met": int, "share_met": float|None,
                               "median_attempts": float|None}},
                  # attempts: MQLs not accepted (rejected or waiting) with >= sla.attempts logged
                  # contact attempts (optional column ``attempts``)
      "benchmarks": [{"step": "created_mql"|"mql_sal"|"sal_sql"|"sql_won"|"mql_sql", "label": str,
                      "rate": float|None, "low": float, "high": float,
                      "status": "below"|"within"|"above"|None}],   # vendor-quoted ranges; mql_sql
                      # (0.20-0.42, derived from MQL->SAL x SAL->SQL) only when SAL is not tracked
      "benchmark_source": str,
      "biggest_leak": None | {"step", "label", "rate", "low", "high", "shortfall": float,
                              "below_reference": bool},   # smallest rate - low
      "won": {"count": int, "amount_total": float|None, "median_amount": float|None},
      "calculator": None | <leads_needed(...) dict>,   # when sla has revenue_goal
      "sla": {"response_hours": float, "attempts": int, "attempt_days": int},
    }

SLA keys read from ``engagement.yaml`` ``sla:``: ``response_hours`` (24), ``attempts`` (5),
``attempt_days`` (14), and for the calculator ``revenue_goal`` (new-customer revenue per
period), ``average_deal_size`` (default: median won amount) and ``period_months`` (12).
"""

from __future__ import annotations
from typing import Any, cast
import numpy as np
import pandas as pd
from helpers.vocabulary import SLA_DEFAULTS, FUNNEL_STAGES, FUNNEL_STAGE_LABELS


#: Vendor-quoted conversion ranges (DOMAIN.md; secondary figures, shown labelled as such).
REFERENCE: dict[str, tuple[str, str, float, float]] = {
    "created_mql": ("created", "mql", 0.10, 0.25),
    "mql_sal": ("mql", "sal", 0.40, 0.60),
    "sal_sql": ("sal", "sql", 0.50, 0.70),
    "sql_won": ("sql", "won", 0.20, 0.30),
    "mql_sql": ("mql", "sql", 0.20, 0.42),  # derived (MQL->SAL x SAL->SQL), used when SAL is not tracked
}


REFERENCE_SOURCE = "vendor-quoted ranges (SiriusDecisions-style demand waterfall), secondary figures"


def _rate(num: float, den: float) -> float | None:
    return round(float(num) / float(den), 4) if den else None


def _hours(td: pd.Series, q: float) -> float | None:
    td = td.dropna()
    if td.empty:
        return None
    middle = cast(pd.Timedelta, td.quantile(q))  # a timedelta Series' quantile; the stubs say float
    return round(float(middle / pd.Timedelta(hours=1)), 1)


def reached(funnel: pd.DataFrame) -> pd.DataFrame:
    """Boolean frame: one column per tracked stage, True when the lead got at least that far."""
    tracked = [s for s in FUNNEL_STAGES if s == "created" or f"{s}_at" in funnel.columns]
    out = {}
    later = pd.Series(False, index=funnel.index)
    for stage in reversed(tracked):
        here = pd.Series(True, index=funnel.index) if stage == "created" else funnel[f"{stage}_at"].notna()
        later = later | here
        out[stage] = later
    return pd.DataFrame({s: out[s] for s in tracked})


def _steps(tracked: list[str]) -> list[tuple[str, str]]:
    return list(zip(tracked[:-1], tracked[1:]))


def _step_rates(counts: pd.Series | dict, tracked: list[str]) -> dict[str, float | None]:
    rates = {f"{a}_{b}": _rate(counts[b], counts[a]) for a, b in _steps(tracked)}
    if "sql" in tracked and "won" in tracked:
        rates["sql_won"] = _rate(counts["won"], counts["sql"])
    return rates


def _stage_time(funnel: pd.DataFrame, a: str, b: str) -> pd.Series:
    """Hours from entering ``a`` to entering ``b``; same-day date-only stamps count as 0, earlier days as unknown."""
    start = funnel["created_at"] if a == "created" else funnel[f"{a}_at"]
    end = funnel[f"{b}_at"]
    # pandas-stubs type clip's bounds as numbers only; a Timedelta bound is right for a timedelta Series
    elapsed = (end - start).clip(lower=pd.Timedelta(0))  # type: ignore[call-overload]
    return elapsed.where(end.dt.floor("D") >= start.dt.floor("D"))


def _response(funnel: pd.DataFrame, reach: pd.DataFrame, hours: float) -> dict | None:
    if "first_response_at" not in funnel.columns:
        return None
    pop = reach["mql"] if "mql" in reach else pd.Series(True, index=funnel.index)
    start = funnel["created_at"]
    if "mql_at" in funnel.columns:  # handed over at the MQL date, never before the lead existed
        start = funnel["mql_at"].where(funnel["mql_at"] > start, start)
    # clip with a Timedelta bound: see _stage_time
    wait = (funnel["first_response_at"] - start).clip(lower=pd.Timedelta(0))[pop]  # type: ignore[call-overload]
    # A lead handed over just before the export, and not answered yet, still has time: its SLA window
    # is open on the export date (the latest date in the file), so it counts neither way.
    dates = funnel.select_dtypes(include="datetime")
    as_of = dates.max().max() if not dates.empty else pd.NaT
    still_open = int((wait.isna() & (start[pop] + pd.Timedelta(hours=hours) > as_of)).sum()) \
        if not pd.isna(as_of) else 0
    n = int(pop.sum()) - still_open
    contacted = int(wait.notna().sum())
    within = int((wait <= pd.Timedelta(hours=hours)).sum())
    hour = int((wait <= pd.Timedelta(hours=1)).sum())
    mean = wait.dropna().mean()
    return {"population": "mql" if "mql" in reach else "all", "n": n, "contacted": contacted,
            "never_contacted": n - contacted, "share_never_contacted": _rate(n - contacted, n),
            "still_open": still_open,
            "median_hours": _hours(wait, 0.5), "p90_hours": _hours(wait, 0.9),
            "mean_hours": None if pd.isna(mean) else round(mean / pd.Timedelta(hours=1), 1),
            "sla_hours": float(hours), "within_sla": within, "share_within_sla": _rate(within, n),
            "within_hour": hour, "share_within_hour": _rate(hour, n)}


def _attempts(funnel: pd.DataFrame, open_mqls: pd.Series, required: int) -> dict | None:
    """Follow-up effort on the MQLs sales has not accepted: how many got the agreed number of attempts."""
    if "attempts" not in funnel.columns:
        return None
    tries = funnel["attempts"].fillna(0)[open_mqls]
    met = int((tries >= required).sum())
    return {"required": int(required), "leads": int(open_mqls.sum()), "met": met,
            "share_met": _rate(met, int(open_mqls.sum())),
            "median_attempts": None if tries.empty else round(float(tries.median()), 1)}


def _handoff(funnel: pd.DataFrame, reach: pd.DataFrame, tracked: list[str], required: int = 5) -> dict | None:
    if "mql" not in tracked or tracked[-1] == "mql":
        return None
    nxt = tracked[tracked.index("mql") + 1]
    mql = reach["mql"]
    accepted = mql & reach[nxt]
    rejected = mql & ~reach[nxt] & (funnel["rejected"] | funnel["lost_at"].notna() if "lost_at" in funnel
                                    else funnel["rejected"])
    n = int(mql.sum())
    wait = _stage_time(funnel, "mql", nxt)[accepted] if "mql_at" in funnel else pd.Series(dtype="timedelta64[ns]")
    return {"mqls": n, "accepted": int(accepted.sum()), "rejected": int(rejected.sum()),
            "pending": n - int(accepted.sum()) - int(rejected.sum()), "accepted_stage": nxt,
            "acceptance_rate": _rate(accepted.sum(), n), "rejection_rate": _rate(rejected.sum(), n),
            "median_hours_to_accept": _hours(wait, 0.5), "attempts": _attempts(funnel, mql & ~accepted, required)}


def _benchmarks(rates: dict[str, float | None]) -> tuple[list[dict], dict | None]:
    rows: list[dict[str, Any]] = []
    for step, (a, b, lo, hi) in REFERENCE.items():
        rate = rates.get(step)
        if step not in rates:
            continue
        status = None if rate is None else "below" if rate < lo else "above" if rate > hi else "within"
        rows.append({"step": step, "label": f"{FUNNEL_STAGE_LABELS[a]} \u2192 {FUNNEL_STAGE_LABELS[b]}",
                     "rate": rate, "low": lo, "high": hi, "status": status})
    scored = [r for r in rows if r["rate"] is not None]
    if not scored:
        return rows, None
    worst = min(scored, key=lambda r: r["rate"] - r["low"])
    leak = {k: worst[k] for k in ("step", "label", "rate", "low", "high")}
    leak["shortfall"] = round(worst["low"] - worst["rate"], 4)
    leak["below_reference"] = worst["rate"] < worst["low"]
    return rows, leak


def leads_needed(revenue_goal: float, average_deal_size: float, rates: dict[str, float | None] | None = None,
                 months: int = 12) -> dict:
    """The SLA calculator: how many leads marketing must deliver per month to reach a revenue goal.

    Parameters
    ----------
    revenue_goal : float
        New-customer revenue to win over ``months``.
    average_deal_size : float
        Average won deal.
    rates : dict, optional
        Conversion rates keyed ``created_mql``, ``mql_sal``, ``sal_sql``, ``sql_won``; a missing
        or zero rate falls back to the middle of the vendor-quoted range.
    months : int
        Length of the period the goal covers.

    Returns
    -------
    dict
        ``{"customers", "sqls", "sals", "mqls", "leads"}`` for the period (whole numbers, rounded
        up) plus ``"per_month": {same keys}``, ``"rates_used": {step: rate}``,
        ``"assumed": [steps taken from the reference]``, ``"months"``.
    """
    rates = rates or {}
    used, assumed = {}, []
    if rates.get("mql_sql") and not rates.get("mql_sal"):  # no SAL stage: all of MQL->SQL counted once
        rates = {**rates, "mql_sal": rates["mql_sql"], "sal_sql": 1.0}
    for step in ("sql_won", "sal_sql", "mql_sal", "created_mql"):
        r = rates.get(step)
        if not r:
            lo, hi = REFERENCE[step][2:]
            r = round((lo + hi) / 2, 4)
            assumed.append(step)
        used[step] = r
    customers = float(np.ceil(revenue_goal / average_deal_size)) if average_deal_size else 0.0
    need = {"customers": customers}
    need["sqls"] = customers / used["sql_won"]
    need["sals"] = need["sqls"] / used["sal_sql"]
    need["mqls"] = need["sals"] / used["mql_sal"]
    need["leads"] = need["mqls"] / used["created_mql"]
    months = max(int(months), 1)
    return {**{k: int(np.ceil(v - 1e-9)) for k, v in need.items()},
            "per_month": {k: int(np.ceil(v / months - 1e-9)) for k, v in need.items()},
            "rates_used": used, "assumed": assumed, "months": months,
            "revenue_goal": float(revenue_goal), "average_deal_size": float(average_deal_size)}


def metrics(funnel: pd.DataFrame, sla: dict) -> dict:
    """Funnel metrics for Results (schema in the module docstring).

    Parameters
    ----------
    funnel : DataFrame
        As returned by :func:`read_funnel`.
    sla : dict
        ``engagement.yaml`` ``sla:`` (missing keys take :data:`SLA_DEFAULTS`).
    """
    sla = {**SLA_DEFAULTS, **(sla or {})}
    if "rejected" not in funnel.columns:
        funnel = funnel.assign(rejected=False)
    reach = reached(funnel)
    tracked = list(reach.columns)
    counts = reach.sum()
    rates = _step_rates(counts, tracked)
    conversions, time_in_stage = [], {}
    for a, b in _steps(tracked):
        ok = reach[a] & reach[b]
        timed = _stage_time(funnel, a, b)[ok]
        med, p90, n_timed = _hours(timed, 0.5), _hours(timed, 0.9), int(timed.notna().sum())
        time_in_stage[a] = {"median_hours": med, "p90_hours": p90, "n": n_timed}
        conversions.append({"step": f"{a}_{b}", "from": a, "to": b,
                            "label": f"{FUNNEL_STAGE_LABELS[a]} \u2192 {FUNNEL_STAGE_LABELS[b]}",
                            "count_from": int(counts[a]), "count_to": int(counts[b]), "rate": rates[f"{a}_{b}"],
                            "median_hours": med, "p90_hours": p90, "n_timed": n_timed})
    by = reach.groupby(funnel["source"], sort=False).sum()
    by = by.loc[by["created"].sort_values(ascending=False, kind="stable").index]
    by_source = [{"source": str(src), "leads": int(row["created"]),
                  "counts": {s: int(row[s]) for s in tracked}, "rates": _step_rates(row, tracked),
                  "won": int(row["won"]) if "won" in tracked else 0} for src, row in by.iterrows()]
    benchmarks, leak = _benchmarks(rates)
    won_mask = reach["won"] if "won" in tracked else pd.Series(False, index=funnel.index)
    amounts = funnel["amount"][won_mask].dropna() if "amount" in funnel else pd.Series(dtype=float)
    won = {"count": int(won_mask.sum()),
           "amount_total": round(float(amounts.sum()), 2) if len(amounts) else None,
           "median_amount": round(float(amounts.median()), 2) if len(amounts) else None}
    calculator = None
    if sla.get("revenue_goal"):
        deal = sla.get("average_deal_size") or won["median_amount"]
        if deal:
            calculator = leads_needed(float(sla["revenue_goal"]), float(deal), rates, int(sla.get("period_months", 12)))
    created = funnel["created_at"]
    return {
        "leads": int(len(funnel)), "excluded_rows": int(funnel.attrs.get("excluded_rows", 0)),
        "period": {"start": None if created.empty else created.min().date().isoformat(),
                   "end": None if created.empty else created.max().date().isoformat()},
        "stages": [{"id": s, "label": FUNNEL_STAGE_LABELS[s], "count": int(counts[s])} for s in tracked],
        "conversions": conversions, "rates": rates, "time_in_stage": time_in_stage, "by_source": by_source,
        "response": _response(funnel, reach, float(sla["response_hours"])),
        "handoff": _handoff(funnel, reach, tracked, int(sla["attempts"])),
        "benchmarks": benchmarks, "benchmark_source": REFERENCE_SOURCE, "biggest_leak": leak,
        "won": won, "calculator": calculator,
        "sla": {"response_hours": float(sla["response_hours"]), "attempts": int(sla["attempts"]),
                "attempt_days": int(sla["attempt_days"])},
    }
