"""Reading the normalised funnel frame: tracked stages, when each lead entered them, proportions.

Shared by :mod:`helpers.analysis.speed_to_lead`, :mod:`helpers.analysis.conversion` and
:mod:`helpers.analysis.revenue`. Pure and vectorised (no loop over rows).

The frame is the one :func:`helpers.engagement.funnel.read_funnel` returns: ``lead_id``,
``source``, ``created_at`` and the tracked stage columns ``mql_at``, ``sal_at``, ``sql_at``,
``opportunity_at``, ``won_at`` (a stage whose column is absent is not tracked), plus optionally
``lost_at``, ``rejected_at``, ``rejected`` (bool), ``first_response_at``, ``amount``, ``attempts``.
A lead *reached* a stage when that stage, or any later one, has a date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

import numpy as np
import pandas as pd

from helpers.analysis.stats import wilson_interval
from helpers.vocabulary import FUNNEL_STAGE_LABELS, FUNNEL_STAGES

__all__ = ["DAYS_PER_MONTH", "NAT_NS", "NEVER_NS", "Proportion", "as_float_array", "closed", "date_only_values",
           "entered_at", "entry_ns", "export_time_of", "months_between", "ns_of", "ns_values", "proportion", "reached",
           "step_label", "to_timestamp", "tracked_stages"]

#: Average length of a month in days (365.25 / 12), used for monthly run-rates.
DAYS_PER_MONTH = 365.25 / 12


class Proportion(TypedDict):
    """A share with its 95% Wilson interval; ``share``, ``low``, ``high`` are None when ``n`` is 0."""

    count: int
    n: int
    share: float | None
    low: float | None
    high: float | None


def proportion(count: int, n: int) -> Proportion:
    """``count / n`` with a 95% Wilson interval, fractions rounded to 4 decimals.

    Parameters
    ----------
    count, n : int
        Successes and trials, ``0 <= count <= n``.

    Returns
    -------
    Proportion
    """
    bounds = wilson_interval(int(count), int(n))
    if bounds is None:
        return {"count": int(count), "n": int(n), "share": None, "low": None, "high": None}
    return {"count": int(count), "n": int(n), "share": round(count / n, 4),
            "low": round(bounds[0], 4), "high": round(bounds[1], 4)}


def tracked_stages(frame: pd.DataFrame) -> list[str]:
    """Stages in funnel order whose date column the frame has (``created`` always)."""
    return [s for s in FUNNEL_STAGES if s == "created" or f"{s}_at" in frame.columns]


def reached(frame: pd.DataFrame) -> pd.DataFrame:
    """Boolean frame, one column per tracked stage: True when the lead got at least that far."""
    tracked = tracked_stages(frame)
    out: dict[str, pd.Series] = {}
    later = pd.Series(False, index=frame.index)
    for stage in reversed(tracked):
        here = pd.Series(True, index=frame.index) if stage == "created" else frame[f"{stage}_at"].notna()
        later = later | here
        out[stage] = later
    return pd.DataFrame({s: out[s] for s in tracked})


#: NaT as int64 nanoseconds.
NAT_NS = np.iinfo(np.int64).min
#: "Never reached" in :func:`entry_ns`: later than any date, so ``entry <= cutoff`` leaves it out.
NEVER_NS = np.iinfo(np.int64).max
_NS_PER_UNIT = {"s": 1_000_000_000, "ms": 1_000_000, "us": 1_000, "ns": 1}


def ns_values(values: pd.Series) -> np.ndarray:
    """A datetime Series as int64 nanoseconds: wall time when naive, UTC when zone-aware; NaT as :data:`NAT_NS`."""
    stamps = pd.DatetimeIndex(values)
    raw = np.asarray(stamps.asi8)
    factor = _NS_PER_UNIT[str(stamps.unit)]
    return raw if factor == 1 else np.where(raw == NAT_NS, NAT_NS, raw * factor)


def ns_of(stamp: pd.Timestamp, like: pd.Series) -> int:
    """``stamp`` as int64 nanoseconds comparable with :func:`ns_values` of ``like`` (same zone handling)."""
    zone = getattr(like.dtype, "tz", None)
    if zone is not None and stamp.tz is None:
        stamp = stamp.tz_localize(zone)
    elif zone is None and stamp.tz is not None:
        stamp = stamp.tz_localize(None)
    return int(stamp.as_unit("ns").value)


def entry_ns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """When each lead entered each tracked stage, as int64 nanoseconds; :data:`NEVER_NS` if it never did.

    The earliest of the stage's own date and every later stage's date: a lead with no ``sal_at``
    but an ``sql_at`` passed through SAL no later than its SQL date (dates are as
    :func:`ns_values` reads them).
    """
    tracked = tracked_stages(frame)
    out: dict[str, np.ndarray] = {}
    earliest: np.ndarray | None = None
    for stage in reversed(tracked):
        own = ns_values(frame["created_at"] if stage == "created" else frame[f"{stage}_at"])
        own = np.where(own == NAT_NS, NEVER_NS, own)
        earliest = own if earliest is None else np.minimum(own, earliest)
        out[stage] = earliest
    return {s: out[s] for s in tracked}


def entered_at(frame: pd.DataFrame) -> pd.DataFrame:
    """When each lead entered each tracked stage: the earliest of its own date and later stages' dates.

    A lead with no ``sal_at`` but an ``sql_at`` passed through SAL no later than its SQL date.
    One datetime column per tracked stage (``created`` is ``created_at``); NaT for leads that
    never reached the stage.
    """
    zone = getattr(frame["created_at"].dtype, "tz", None)
    cols = {}
    for stage, ns in entry_ns(frame).items():
        values = pd.DatetimeIndex(np.where(ns == NEVER_NS, NAT_NS, ns).view("datetime64[ns]"))
        cols[stage] = values.tz_localize("UTC").tz_convert(zone) if zone is not None else values
    return pd.DataFrame(cols, index=frame.index)


def closed(frame: pd.DataFrame) -> pd.Series:
    """True for leads closed without winning: lost (``lost_at``) or turned down by sales (rejected)."""
    out = pd.Series(False, index=frame.index)
    for col in ("lost_at", "rejected_at"):
        if col in frame.columns:
            out |= frame[col].notna()
    if "rejected" in frame.columns:
        out |= frame["rejected"].fillna(False).astype(bool)
    return out


def date_only_values(values: pd.Series) -> bool:
    """True when a date column carries no time of day: it has values and every one is exactly midnight.

    Salesforce's ``First Activity Date`` and Pipedrive's activity dates are dates; read as
    timestamps they all fall at 00:00.
    """
    present = values.dropna()
    if present.empty:
        return False
    stamps = pd.DatetimeIndex(present)
    if stamps.tz is not None:
        stamps = stamps.tz_localize(None)
    per_day = 24 * 3_600_000_000_000 // _NS_PER_UNIT[str(stamps.unit)]  # in the values' own unit (pandas 3: often us)
    return bool((stamps.asi8 % per_day == 0).all())


def to_timestamp(value: pd.Timestamp | dt.datetime | dt.date | str) -> pd.Timestamp:
    """One point in time as a pandas Timestamp (a date means its midnight)."""
    stamp = pd.Timestamp(value)
    if pd.isna(stamp):
        raise ValueError(f"{value!r} is not a point in time")
    return stamp


def export_time_of(frame: pd.DataFrame) -> pd.Timestamp | None:
    """The latest date anywhere in the frame: the best guess of when the export was taken.

    Callers that know the real export date (the engagement's date) should pass that instead.
    """
    dates = frame.select_dtypes(include=["datetime", "datetimetz"])
    if dates.empty:
        return None
    latest: Any = dates.max().max()
    return None if pd.isna(latest) else pd.Timestamp(latest)


def step_label(a: str, b: str) -> str:
    """``"MQL → SAL"``: the labels of two stages as the export has them."""
    return f"{FUNNEL_STAGE_LABELS[a]} \u2192 {FUNNEL_STAGE_LABELS[b]}"


def months_between(start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Length of ``start``..``end`` in average months (days / 30.4375), never below 0."""
    return max(float((end - start) / pd.Timedelta(days=1)) / DAYS_PER_MONTH, 0.0)


def as_float_array(values: pd.Series) -> np.ndarray:
    """A numeric Series as float64 numpy (NaN for missing)."""
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
