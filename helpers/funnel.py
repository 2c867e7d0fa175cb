"""Funnel diagnostics from ``funnel.csv`` / ``funnel.xlsx`` or a HubSpot / Salesforce export.

Reading (:func:`read_funnel`) maps a CRM export onto our columns, parses the dates the way the
CRM writes them and reports every problem at once; :func:`metrics` turns the normalised frame
into the ``"funnel"`` part of Results. Everything is vectorised pandas (no loops over rows).

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
                  "share_within_hour": float},
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

from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from helpers import TEMPLATES
from helpers.fileio import read_table, read_yaml
from helpers.problems import Problem

#: Funnel stages in order; "created" is the inquiry (every lead has it).
STAGES: tuple[str, ...] = ("created", "mql", "sal", "sql", "opportunity", "won")
STAGE_LABELS: dict[str, str] = {"created": "Inquiry", "mql": "MQL", "sal": "SAL", "sql": "SQL",
                                "opportunity": "Opportunity", "won": "Won"}
DATE_COLUMNS: tuple[str, ...] = ("created_at", "mql_at", "sal_at", "sql_at", "opportunity_at", "won_at",
                                 "lost_at", "first_response_at", "rejected_at", "closed_at")
COLUMNS: tuple[str, ...] = ("lead_id", "source", *DATE_COLUMNS, "amount", "attempts", "status", "outcome")
REQUIRED: tuple[str, ...] = ("lead_id", "created_at")
#: Vendor-quoted conversion ranges (DOMAIN.md; secondary figures, shown labelled as such).
REFERENCE: dict[str, tuple[str, str, float, float]] = {
    "created_mql": ("created", "mql", 0.10, 0.25),
    "mql_sal": ("mql", "sal", 0.40, 0.60),
    "sal_sql": ("sal", "sql", 0.50, 0.70),
    "sql_won": ("sql", "won", 0.20, 0.30),
    "mql_sql": ("mql", "sql", 0.20, 0.42),  # derived (MQL->SAL x SAL->SQL), used when SAL is not tracked
}
REFERENCE_SOURCE = "vendor-quoted ranges (SiriusDecisions-style demand waterfall), secondary figures"
DEFAULT_SLA: dict[str, Any] = {"response_hours": 24, "attempts": 5, "attempt_days": 14}
#: Date formats tried in order when no CRM mapping names its own (ISO first).
DEFAULT_DATE_FORMATS: tuple[str, ...] = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S",
                                         "%Y-%m-%d", "%d/%m/%Y %H:%M", "%d/%m/%Y")
MAX_ROW_PROBLEMS = 10
SAMPLE = 200  # cells tried first when choosing date formats
CRM_DIR = TEMPLATES / "crm"


def _rate(num: float, den: float) -> float | None:
    return round(float(num) / float(den), 4) if den else None


def _hours(td: pd.Series, q: float) -> float | None:
    td = td.dropna()
    if td.empty:
        return None
    return round(float(td.quantile(q) / pd.Timedelta(hours=1)), 1)


def load_crm(name: str) -> tuple[dict | None, list[Problem]]:
    """Load the bundled mapping ``templates/crm/<name>.yaml``.

    Returns
    -------
    (mapping, problems)
        ``mapping`` has ``columns`` ({their column: our column}), ``date_formats`` (list of
        strptime formats) and optional ``statuses`` ({won|lost|rejected: [status texts]}).
    """
    path = CRM_DIR / f"{name}.yaml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in CRM_DIR.glob("*.yaml")))
        return None, [Problem("engagement.yaml", f"unknown CRM '{name}'",
                              f"use one of: {known}, or leave crm out and map columns yourself", field="crm")]
    data, problems = read_yaml(path, f"templates/crm/{name}.yaml")
    if data is None:
        return None, problems
    return data, []


def parse_dates(values: pd.Series, formats: list[str] | tuple[str, ...]) -> pd.Series:
    """Parse text dates trying each strptime format in turn; unparsed cells stay NaT.

    Parameters
    ----------
    values : Series of str
        Cells as text ("" for blank).
    formats : list of str
        Formats tried in order on the cells still unparsed; formats that fit none of a sample of
        the cells are tried last. Leftovers are retried without surrounding spaces or a trailing
        zone name ("UTC", "GMT", "Z"), then as ISO 8601.
    """
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    todo = values.ne("")

    def attempt(text: pd.Series, sample: int | None) -> None:
        nonlocal todo
        for fmt in formats:
            if not todo.any():
                return
            cells = text[todo[text.index]]
            if sample and len(cells) > sample and pd.to_datetime(cells.iloc[:sample], format=fmt, errors="coerce").isna().all():
                continue
            parsed = pd.to_datetime(cells, format=fmt, errors="coerce")
            out.loc[parsed.index] = out.loc[parsed.index].fillna(parsed.astype("datetime64[ns]"))
            todo &= out.isna()

    attempt(values, SAMPLE)
    attempt(values, None)
    if todo.any():  # few cells: strip spaces and zone names, then formats again and ISO 8601
        text = values[todo].str.strip().str.replace(r"(?i)\s*(utc|gmt|z)$", "", regex=True)
        todo &= values.index.isin(text.index[text.ne("")])
        attempt(text, None)
        rest = text[todo[text.index]]
        iso = pd.to_datetime(rest, format="ISO8601", errors="coerce", utc=True)
        out.loc[iso.index] = out.loc[iso.index].fillna(iso.dt.tz_localize(None).astype("datetime64[ns]"))
    return out


def _unread(values: pd.Series, parsed: pd.Series) -> pd.Series:
    """True where a cell holds text (not just spaces) that did not parse; strips only those few cells."""
    bad = parsed.isna() & values.ne("")
    if bad.any():
        bad.loc[bad] = values[bad].str.strip().ne("")
    return bad


def _row_problems(mask: pd.Series, rel: str, field: str, message: str, hint: str,
                  severity: str = "error", detail: Callable[[np.ndarray], list[str]] | None = None) -> list[Problem]:
    """One problem per flagged row (first few; ``detail(positions)`` adds each row's values), then a summary line."""
    where = np.flatnonzero(mask.to_numpy())
    rows = (where + 2).tolist()
    shown = where[:MAX_ROW_PROBLEMS]
    texts = [message] * len(shown) if detail is None else [f"{message} ({d})" for d in detail(shown)]
    out = [Problem(rel, t, hint, row=r, field=field, severity=severity) for r, t in zip(rows, texts)]
    if len(rows) > MAX_ROW_PROBLEMS:
        out.append(Problem(rel, f"{len(rows) - MAX_ROW_PROBLEMS} more rows have the same problem "
                                f"(rows {', '.join(map(str, rows[MAX_ROW_PROBLEMS:MAX_ROW_PROBLEMS + 5]))} ...)",
                           hint, field=field, severity=severity))
    return out


def _find_file(folder: Path) -> Path | None:
    for name in ("funnel.csv", "funnel.xlsx"):
        if (folder / name).exists():
            return folder / name
    return None


def read_funnel(folder: Path, crm: str | None, columns: dict[str, str]) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read ``funnel.csv`` / ``funnel.xlsx`` and normalise it to our columns.

    Parameters
    ----------
    folder : Path
        The engagement folder.
    crm : {"hubspot", "salesforce"} or None
        Bundled mapping from ``templates/crm/<crm>.yaml``; its column names and date formats apply.
    columns : dict
        ``{their column: our column}`` from ``engagement.yaml``; added to (and overriding) the CRM mapping.

    Returns
    -------
    (frame, problems)
        ``(None, [])`` when there is no funnel file. The frame has ``lead_id``, ``source`` (str),
        the tracked date columns (datetime64, NaT blank), ``amount`` (float), ``rejected`` (bool).
        Rows with a stage dated before creation are left out and reported as warnings (row numbers
        as a spreadsheet shows them); ``frame.attrs["excluded_rows"]`` holds their count.
        Unparsable dates, unknown or missing columns are errors (frame None).
    """
    path = _find_file(Path(folder))
    if path is None:
        return None, []
    rel = path.name
    problems: list[Problem] = []
    mapping: dict[str, str] = {}
    formats: list[str] = list(DEFAULT_DATE_FORMATS)
    statuses: dict[str, list[str]] = {}
    crm_failed = False
    if crm:
        spec, crm_problems = load_crm(crm)
        problems += crm_problems
        crm_failed = spec is None
        if spec:
            mapping.update(spec.get("columns") or {})
            formats = list(spec.get("date_formats") or []) + formats
            statuses = {k: [str(v) for v in vals] for k, vals in (spec.get("statuses") or {}).items()}
    own: dict[str, str] = {}
    for theirs, ours in (columns or {}).items():
        if ours not in COLUMNS:
            problems.append(Problem("engagement.yaml", f"columns: '{theirs}' is mapped to unknown column '{ours}'",
                                    f"map it to one of: {', '.join(COLUMNS)}", field="columns"))
        own[str(theirs)] = str(ours)
    mapping = {**own, **{k: v for k, v in mapping.items() if k not in own}}  # the engagement's own names win
    raw, read_problems = read_table(path, rel)
    problems += read_problems
    if raw is None or crm_failed:
        return None, problems
    lower = {c.lower(): c for c in raw.columns}
    rename: dict[str, str] = {}
    for theirs, ours in mapping.items():
        actual = lower.get(theirs.strip().lower())
        if actual is not None and ours not in rename.values() and actual not in rename:
            rename[actual] = ours
        elif actual is None and theirs in own:
            problems.append(Problem("engagement.yaml", f"columns: '{theirs}' is not a column of {rel}",
                                    f"use a header exactly as in {rel} (first row)", field="columns"))
    frame = raw.rename(columns=rename)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    for col in REQUIRED:
        if col not in frame.columns:
            hint = (f"add a '{col}' column, or map the export's column onto it with columns: in engagement.yaml"
                    + (f" (the {crm} mapping did not find one)" if crm else "; set crm: hubspot|salesforce for a CRM export"))
            problems.append(Problem(rel, f"required column '{col}' is missing", hint, field=col))
    if any(p.is_error for p in problems):
        return None, problems
    out = pd.DataFrame({"lead_id": frame["lead_id"].str.strip()})
    out["source"] = frame["source"].str.strip().replace("", "unknown") if "source" in frame else "unknown"
    for col in DATE_COLUMNS:
        if col not in frame.columns:
            continue
        parsed = parse_dates(frame[col], formats)
        bad = _unread(frame[col], parsed)
        if bad.any():
            problems += _row_problems(bad, rel, col, "not a date I can read",
                                      "write dates as YYYY-MM-DD or YYYY-MM-DD HH:MM (or set crm: to the CRM that exported the file)",
                                      detail=lambda at, c=frame[col]: [f"'{v}'" for v in c.iloc[at]])
        out[col] = parsed
    for col, example in (("amount", "12500"), ("attempts", "3")):
        if col in frame.columns:
            num = pd.to_numeric(frame[col], errors="coerce")
            fix = num.isna() & frame[col].ne("")  # "$12,000.00", "12 000 EUR": clean only those cells
            if fix.any():
                num.loc[fix] = pd.to_numeric(frame.loc[fix, col].str.replace(r"[^\d.\-]", "", regex=True), errors="coerce")
            out[col] = num.astype(float)
            bad = _unread(frame[col], out[col])
            if bad.any():
                problems += _row_problems(bad, rel, col, "not a number; left blank", f"write a plain number, e.g. {example}",
                                          severity="warning", detail=lambda at, c=frame[col]: [f"'{v}'" for v in c.iloc[at]])
    def texts(col: str) -> pd.Series | None:
        return frame[col].str.strip().str.lower() if col in frame.columns else None

    status, outcome = texts("status"), texts("outcome")
    rejected = pd.Series(False, index=out.index)
    if "rejected_at" in out:
        rejected |= out["rejected_at"].notna()
    if status is not None:
        rejected |= status.isin([s.lower() for s in statuses.get("rejected", [])])
    if outcome is not None or status is not None:
        deal = outcome if outcome is not None else status
        closed = out["closed_at"] if "closed_at" in out else pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
        for result in ("won", "lost"):
            hit = deal.isin([s.lower() for s in statuses.get(result, [])])
            if hit.any():
                col = f"{result}_at"
                current = out[col] if col in out else pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
                out[col] = current.where(current.notna() | ~hit, closed)
    out["rejected"] = rejected
    if any(p.is_error for p in problems):
        return None, problems
    blank = out["created_at"].isna()
    if blank.any():
        problems += _row_problems(blank, rel, "created_at", "no creation date; the row is left out",
                                  "fill in the date the lead was created", severity="warning")
    stage_cols = [c for c in DATE_COLUMNS if c in out and c not in ("created_at", "closed_at")]
    created_day = out["created_at"].dt.floor("D")
    early = pd.Series(False, index=out.index)
    for col in stage_cols:
        hit = out[col].dt.floor("D") < created_day
        if hit.any():
            problems += _row_problems(hit, rel, col, "dated before the lead was created",
                                      "the row is left out of the funnel until the date is corrected in the CRM or the file",
                                      severity="warning", detail=lambda at, c=out[col]: [
                                          f"{a:%Y-%m-%d %H:%M} is before the creation date {b:%Y-%m-%d %H:%M}"
                                          for a, b in zip(c.iloc[at], out["created_at"].iloc[at])])
        early |= hit
    dup = out["lead_id"].ne("") & out["lead_id"].duplicated()
    if dup.any():
        problems += _row_problems(dup, rel, "lead_id", "the same lead id appears again; the repeat is left out",
                                  "remove duplicate rows from the export", severity="warning")
    drop = blank | early | dup
    out = out.loc[~drop].reset_index(drop=True)
    out.attrs["excluded_rows"] = int(drop.sum())
    return out, problems


def reached(funnel: pd.DataFrame) -> pd.DataFrame:
    """Boolean frame: one column per tracked stage, True when the lead got at least that far."""
    tracked = [s for s in STAGES if s == "created" or f"{s}_at" in funnel.columns]
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
    return (end - start).clip(lower=pd.Timedelta(0)).where(end.dt.floor("D") >= start.dt.floor("D"))


def _response(funnel: pd.DataFrame, reach: pd.DataFrame, hours: float) -> dict | None:
    if "first_response_at" not in funnel.columns:
        return None
    pop = reach["mql"] if "mql" in reach else pd.Series(True, index=funnel.index)
    start = funnel["created_at"]
    if "mql_at" in funnel.columns:  # handed over at the MQL date, never before the lead existed
        start = funnel["mql_at"].where(funnel["mql_at"] > start, start)
    wait = (funnel["first_response_at"] - start).clip(lower=pd.Timedelta(0))[pop]
    n = int(pop.sum())
    contacted = int(wait.notna().sum())
    within = int((wait <= pd.Timedelta(hours=hours)).sum())
    mean = wait.dropna().mean()
    return {"population": "mql" if "mql" in reach else "all", "n": n, "contacted": contacted,
            "never_contacted": n - contacted, "share_never_contacted": _rate(n - contacted, n),
            "median_hours": _hours(wait, 0.5), "p90_hours": _hours(wait, 0.9),
            "mean_hours": None if pd.isna(mean) else round(mean / pd.Timedelta(hours=1), 1),
            "sla_hours": float(hours), "within_sla": within, "share_within_sla": _rate(within, n),
            "share_within_hour": _rate(int((wait <= pd.Timedelta(hours=1)).sum()), n)}


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
    rows = []
    for step, (a, b, lo, hi) in REFERENCE.items():
        rate = rates.get(step)
        if step not in rates:
            continue
        status = None if rate is None else "below" if rate < lo else "above" if rate > hi else "within"
        rows.append({"step": step, "label": f"{STAGE_LABELS[a]} \u2192 {STAGE_LABELS[b]}",
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
        ``engagement.yaml`` ``sla:`` (missing keys take :data:`DEFAULT_SLA`).
    """
    sla = {**DEFAULT_SLA, **(sla or {})}
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
                            "label": f"{STAGE_LABELS[a]} \u2192 {STAGE_LABELS[b]}",
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
        "stages": [{"id": s, "label": STAGE_LABELS[s], "count": int(counts[s])} for s in tracked],
        "conversions": conversions, "rates": rates, "time_in_stage": time_in_stage, "by_source": by_source,
        "response": _response(funnel, reach, float(sla["response_hours"])),
        "handoff": _handoff(funnel, reach, tracked, int(sla["attempts"])),
        "benchmarks": benchmarks, "benchmark_source": REFERENCE_SOURCE, "biggest_leak": leak,
        "won": won, "calculator": calculator,
        "sla": {"response_hours": float(sla["response_hours"]), "attempts": int(sla["attempts"]),
                "attempt_days": int(sla["attempt_days"])},
    }
