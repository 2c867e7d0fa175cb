"""Elapsed time on a client's SLA clock: calendar hours, or business hours on working days.

Pure computations (no file I/O), vectorised over pandas / numpy datetimes (no Python loop over
rows). An SLA is written on the client's own clock: "4 business hours" or "one working day" must
be measured on that clock, not in calendar hours (a lead arriving on Friday at 17:30 and answered
on Monday at 08:30 waited 63 calendar hours but 1 business hour with 08:00-18:00, Mon-Fri).

The clock
---------
:class:`~helpers.engagement.sla.SlaClock` (the engagement reader's model, in
:mod:`helpers.engagement.sla`) holds the ``engagement.yaml`` ``sla:`` settings that define the clock::

    sla:
      clock: business              # calendar (default) | business
      working_hours: "08:00-18:00"
      working_days: [mon, tue, wed, thu, fri]
      holidays: [2026-12-25, 2026-12-28]
      holiday_country: GB-ENG       # optional: public holidays from the ``holidays`` package
      timezone: Europe/London       # how to read export times that carry no zone (default: as written)

:meth:`SlaClock.from_settings` reads that mapping and returns the clock plus every problem found,
as plain sentences (it never raises).

How times are read
------------------
* Naive timestamps (no zone, the usual CRM export) are wall-clock times in ``timezone``; with
  ``timezone: None`` they are taken as written.
* Timestamps that carry a zone are converted to ``timezone``; with ``timezone: None`` to the zone
  of the first zone-aware input (``start``, else ``end``), and naive inputs are read in that zone.
* The **business** clock counts working time on the local wall clock: a working day always lasts
  its nominal length, including on daylight-saving change days.
* The **calendar** clock counts real elapsed time: across a daylight-saving change, naive
  times read in ``timezone`` are 23 or 25 hours a day apart. A naive wall time in the repeated
  autumn hour is read as the first (summer-time) pass; one in the skipped spring hour is moved
  forward to the first valid instant.

Conventions
-----------
* :func:`elapsed_hours` is **signed** on both clocks: ``elapsed_hours(s, e) == -elapsed_hours(e, s)``;
  an end before the start gives a negative number (the caller decides whether that is a data error).
  Missing times (NaT) give NaN.
* :func:`elapsed_days` (for date-only columns) gives NaN, never a negative number, when the end
  date is before the start date.
* On the business clock every instant between the close of one working day and the opening of the
  next has the same clock reading. :func:`add_hours` returns the *latest* instant at which exactly
  ``hours`` have passed, so for any ``t``:
  ``t <= add_hours(s, h)`` if and only if ``elapsed_hours(s, t) <= h``
  (e.g. 4 business hours after 14:00 with 08:00-18:00 is 08:00 on the next working day).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass
from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from helpers.engagement.sla import NS_PER_HOUR, SlaClock

__all__ = ["Amounts", "CensoredMedian", "Times", "add_days", "add_hours", "bench", "censored_median",
           "elapsed_days", "elapsed_hours"]

NS_PER_DAY = 24 * NS_PER_HOUR
_NAT = np.iinfo(np.int64).min  # NaT as int64

#: What the functions accept as times: a Series / index / array / list of datetimes, or one
#: datetime (broadcast against the other argument).
Times: TypeAlias = (pd.Series | pd.DatetimeIndex | np.ndarray | Sequence[Any] | pd.Timestamp | dt.datetime
                    | dt.date | np.datetime64 | str)
#: What the functions accept as amounts of clock time: a Series / array / list, or one number.
Amounts: TypeAlias = pd.Series | np.ndarray | Sequence[float] | float | int


# --------------------------------------------------------------------------------------------
# Reading times


@dataclass(frozen=True)
class _Read:
    """One argument as a DatetimeIndex (ns), with the Series index it came with and whether it was a scalar."""

    values: pd.DatetimeIndex
    index: pd.Index | None
    scalar: bool


def _read(values: Times) -> _Read:
    if isinstance(values, pd.Series):
        parsed = values if pd.api.types.is_datetime64_any_dtype(values.dtype) else pd.to_datetime(values)
        return _Read(pd.DatetimeIndex(parsed).as_unit("ns"), values.index, False)
    if isinstance(values, pd.DatetimeIndex):
        return _Read(values.as_unit("ns"), None, False)
    if values is None or isinstance(values, (str, dt.date, np.datetime64)):
        stamp = pd.NaT if values is None else pd.Timestamp(values)
        return _Read(pd.DatetimeIndex([stamp]).as_unit("ns"), None, True)
    return _Read(pd.DatetimeIndex(pd.to_datetime(np.asarray(values))).as_unit("ns"), None, False)


def _zone(clock: SlaClock, *reads: _Read) -> Any:
    """The zone naive times are read in and aware times converted to (None: as written)."""
    if clock.timezone:
        return clock.timezone
    for r in reads:
        if r.values.tz is not None:
            return r.values.tz
    return None


def _wall_ns(r: _Read, zone: Any) -> np.ndarray:
    """Local wall-clock time as int64 nanoseconds (NaT as int64 min)."""
    values = r.values
    if values.tz is not None:
        values = values.tz_convert(zone).tz_localize(None)
    return values.asi8


def _localize(values: pd.DatetimeIndex, zone: Any) -> pd.DatetimeIndex:
    """Naive wall times read in ``zone`` (repeated hour: first pass; skipped hour: shifted forward)."""
    return values.tz_localize(zone, ambiguous=np.ones(len(values), dtype=bool), nonexistent="shift_forward")


def _instant_ns(r: _Read, zone: Any) -> np.ndarray:
    """Real time as int64 nanoseconds since the epoch (naive times read in ``zone``; as written when None)."""
    values = r.values
    if values.tz is None and zone is not None:
        values = _localize(values, zone)
    return values.asi8


def _shape(*reads: _Read, amounts: np.ndarray | None = None) -> tuple[int, pd.Index]:
    """Common length of the non-scalar arguments, and the index of the result."""
    sizes = {len(r.values) for r in reads if not r.scalar}
    if amounts is not None and amounts.ndim:
        sizes.add(len(amounts))
    if len(sizes) > 1:
        raise ValueError(f"arguments have different lengths: {sorted(sizes)}")
    n = sizes.pop() if sizes else 1
    indexes = [r.index for r in reads if r.index is not None]
    if len(indexes) > 1 and not indexes[0].equals(indexes[1]):
        raise ValueError("start and end are Series with different indexes; align them first")
    return n, indexes[0] if indexes else pd.RangeIndex(n)


def _amounts(values: Amounts) -> np.ndarray:
    if isinstance(values, pd.Series):
        return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return np.asarray(values, dtype=float)


def _years(days: np.ndarray, valid: np.ndarray, pad_days: int = 0) -> tuple[int, int]:
    """First and last calendar year of ``days`` (int64 days since 1970) where ``valid``, widened by ``pad_days``."""
    if not valid.any():
        return 1970, 1970
    lo = np.datetime64(int(days[valid].min()) - pad_days, "D")
    hi = np.datetime64(int(days[valid].max()) + pad_days, "D")
    return int(str(lo.astype("datetime64[Y]"))), int(str(hi.astype("datetime64[Y]")))


def _partial_ns(tod: np.ndarray, busday: np.ndarray, clock: SlaClock) -> np.ndarray:
    """Working time already passed on the day, at time of day ``tod`` (0 on a non-working day)."""
    opens, closes = clock.window_ns
    return np.where(busday, np.clip(tod, opens, closes) - opens, 0)


# --------------------------------------------------------------------------------------------
# Elapsed time


def elapsed_hours(start: Times, end: Times, clock: SlaClock) -> pd.Series:
    """Hours from ``start`` to ``end`` on the SLA clock (vectorised).

    Parameters
    ----------
    start, end : Series, DatetimeIndex, array or list of datetimes, or one datetime
        Same length (one datetime is used for every row, e.g. the export time). Naive or zone-aware;
        see the module docstring for how zones are read.
    clock : SlaClock
        Calendar: real elapsed hours. Business: working hours between the two instants, counting
        only working days that are not holidays and only within working hours.

    Returns
    -------
    Series of float64
        Signed hours (negative when ``end`` is before ``start``; ``f(s, e) == -f(e, s)``), NaN where
        either time is missing. Indexed like ``start`` (or ``end``) when it is a Series.

    Examples
    --------
    Friday 17:30 to Monday 08:30 with 08:00-18:00, Mon-Fri is 1.0 business hour (63 calendar hours).
    """
    s, e = _read(start), _read(end)
    n, index = _shape(s, e)
    zone = _zone(clock, s, e)
    if clock.clock == "calendar":
        a, b = _instant_ns(s, zone), _instant_ns(e, zone)
        a, b = np.broadcast_to(a, n), np.broadcast_to(b, n)
        valid = (a != _NAT) & (b != _NAT)
        hours = np.where(valid, (b - a) / NS_PER_HOUR, np.nan)
        return pd.Series(hours, index=index, dtype="float64")
    a, b = np.broadcast_to(_wall_ns(s, zone), n), np.broadcast_to(_wall_ns(e, zone), n)
    valid = (a != _NAT) & (b != _NAT)
    a, b = np.where(valid, a, 0), np.where(valid, b, 0)
    day_a, day_b = a // NS_PER_DAY, b // NS_PER_DAY  # floor division: days since 1970 for any date
    years = _years(np.concatenate([day_a, day_b]), np.concatenate([valid, valid])) if clock.holiday_country \
        else (1970, 1970)  # the years only matter for a country's holidays
    cal = clock.busdaycalendar(*years)
    d_a, d_b = day_a.astype("datetime64[D]"), day_b.astype("datetime64[D]")
    # working days in [day_a, day_b), negated when day_b is earlier (numpy's own negative count is
    # of (day_b, day_a], which would not be antisymmetric)
    forward = day_b >= day_a
    whole = np.busday_count(np.where(forward, d_a, d_b), np.where(forward, d_b, d_a), busdaycal=cal).astype(np.int64)
    whole = np.where(forward, whole, -whole)
    opens, closes = clock.window_ns
    ns = (whole * (closes - opens)
          + _partial_ns(b - day_b * NS_PER_DAY, np.is_busday(d_b, busdaycal=cal), clock)
          - _partial_ns(a - day_a * NS_PER_DAY, np.is_busday(d_a, busdaycal=cal), clock))
    return pd.Series(np.where(valid, ns / NS_PER_HOUR, np.nan), index=index, dtype="float64")


def _to_output(wall_or_instant: np.ndarray, valid: np.ndarray, s: _Read, zone: Any, is_wall: bool,
               index: pd.Index) -> pd.Series:
    """int64 ns back to datetimes: naive wall times for a naive ``start``, zone-aware for an aware one."""
    raw = np.where(valid, wall_or_instant, _NAT).view("datetime64[ns]")
    values = pd.DatetimeIndex(raw)
    aware = s.values.tz is not None
    if is_wall:
        if aware:
            values = _localize(values, zone)
    elif zone is not None:  # real instants: show them on the zone's wall clock
        values = values.tz_localize("UTC").tz_convert(zone)
        if not aware:
            values = values.tz_localize(None)
    return pd.Series(values, index=index)


def _add_business_ns(wall: np.ndarray, add: np.ndarray, valid: np.ndarray, clock: SlaClock) -> np.ndarray:
    """Wall time at which ``add`` ns of working time have passed after ``wall`` (latest such instant)."""
    opens, closes = clock.window_ns
    length = closes - opens
    wall, add = np.where(valid, wall, 0), np.where(valid, add, 0)
    day = wall // NS_PER_DAY
    per_week = max(clock.weekmask.count("1"), 1)
    pad = int(np.abs(add[valid]).max() // length * 7 // per_week * 5 // 4 + 60) if valid.any() else 0
    cal = clock.busdaycalendar(*_years(day, valid, pad))
    d = day.astype("datetime64[D]")
    busday = np.is_busday(d, busdaycal=cal)
    base = np.busday_offset(d, 0, roll="forward", busdaycal=cal)  # first working day on or after the start's day
    position = _partial_ns(wall - day * NS_PER_DAY, busday, clock) + add  # working time after base opens
    whole = position // length  # floor: whole working days (negative when going back)
    rest = position - whole * length
    target = np.busday_offset(base, whole, roll="forward", busdaycal=cal)
    return np.asarray(target.astype(np.int64) * NS_PER_DAY + opens + rest, dtype=np.int64)


def add_hours(start: Times, hours: Amounts, clock: SlaClock) -> pd.Series:
    """The instant at which ``hours`` of clock time have passed after ``start`` (the SLA deadline).

    Parameters
    ----------
    start : Series, DatetimeIndex, array or list of datetimes, or one datetime
    hours : Series, array, list or number
        Clock hours to add (one number for every row, or one per row, matched by position);
        negative goes back.
    clock : SlaClock

    Returns
    -------
    Series of datetime64[ns]
        Naive wall times (in ``clock.timezone``, or as written) for a naive ``start``; zone-aware
        (in ``clock.timezone``, or ``start``'s zone) for an aware one. NaT where ``start`` is missing
        or ``hours`` is not finite. Business clock: the *latest* such instant, so
        ``t <= add_hours(s, h)`` exactly when ``elapsed_hours(s, t) <= h`` (a window that closes at
        18:00 is still open until the next working day opens).
    """
    s = _read(start)
    amount = _amounts(hours)
    n, index = _shape(s, amounts=amount)
    zone = _zone(clock, s)
    amount = np.broadcast_to(amount, n)
    finite = np.isfinite(amount)
    add = np.rint(np.where(finite, amount, 0.0) * NS_PER_HOUR).astype(np.int64)
    if clock.clock == "calendar":
        instant = np.broadcast_to(_instant_ns(s, zone), n)
        valid = (instant != _NAT) & finite
        return _to_output(instant + add, valid, s, zone, False, index)
    wall = np.broadcast_to(_wall_ns(s, zone), n)
    valid = (wall != _NAT) & finite
    return _to_output(_add_business_ns(wall, add, valid, clock), valid, s, zone, True, index)


def add_days(start: Times, days: Amounts, clock: SlaClock) -> pd.Series:
    """The end of a window of ``days`` counted on the SLA clock (e.g. ``attempt_days``).

    Parameters
    ----------
    start : Series, DatetimeIndex, array or list of datetimes, or one datetime
    days : Series, array, list or number
        Calendar clock: calendar days on the local wall clock (same time of day, ``days`` dates
        later, whatever daylight saving does). Business clock: working days, each the length of
        ``working_hours`` (10 working days from Wednesday 14:00 end on the Wednesday two weeks
        later at 14:00, later when a holiday falls in between).
    clock : SlaClock

    Returns
    -------
    Series of datetime64[ns]
        As :func:`add_hours`; on the business clock ``add_days(s, d) == add_hours(s, d * clock.hours_per_day)``.
    """
    s = _read(start)
    amount = _amounts(days)
    n, index = _shape(s, amounts=amount)
    zone = _zone(clock, s)
    amount = np.broadcast_to(amount, n)
    finite = np.isfinite(amount)
    wall = np.broadcast_to(_wall_ns(s, zone), n)
    valid = (wall != _NAT) & finite
    safe = np.where(finite, amount, 0.0)
    if clock.clock == "calendar":
        moved = wall + np.rint(safe * NS_PER_DAY).astype(np.int64)
    else:
        opens, closes = clock.window_ns
        moved = _add_business_ns(wall, np.rint(safe * (closes - opens)).astype(np.int64), valid, clock)
    return _to_output(moved, valid, s, zone, True, index)


def elapsed_days(start: Times, end: Times, clock: SlaClock) -> pd.Series:
    """Whole days from ``start``'s date to ``end``'s date, for response columns that carry no time of day.

    Nothing below a day is claimed: a reply dated the same day as the lead is 0 days, whatever
    the times. Calendar clock: dates apart. Business clock: working days (not holidays) from the
    start's date (included) up to the end's date (excluded): a Friday lead answered on Monday is
    1 working day, a Saturday lead answered on Monday 0, on Tuesday 1.

    Parameters
    ----------
    start, end : Series, DatetimeIndex, array or list of datetimes, or one datetime
        Times of day, if any, are ignored after reading zones as :func:`elapsed_hours` does. Pass
        date-only columns naive (as the export writes them): a date stamped midnight UTC and read
        in a zone west of UTC would fall on the previous day.
    clock : SlaClock

    Returns
    -------
    Series of float64
        Whole days (never negative); NaN where a date is missing or ``end``'s date is before
        ``start``'s (a reply dated before the lead cannot be timed).
    """
    s, e = _read(start), _read(end)
    n, index = _shape(s, e)
    zone = _zone(clock, s, e)
    a, b = np.broadcast_to(_wall_ns(s, zone), n), np.broadcast_to(_wall_ns(e, zone), n)
    valid = (a != _NAT) & (b != _NAT)
    day_a = np.where(valid, a, 0) // NS_PER_DAY
    day_b = np.where(valid, b, 0) // NS_PER_DAY
    valid &= day_b >= day_a
    if clock.clock == "calendar":
        days = (day_b - day_a).astype(float)
    else:
        cal = clock.busdaycalendar(*_years(np.concatenate([day_a, day_b]), np.concatenate([valid, valid])))
        days = np.busday_count(day_a.astype("datetime64[D]"), day_b.astype("datetime64[D]"),
                               busdaycal=cal).astype(float)
    return pd.Series(np.where(valid, days, np.nan), index=index, dtype="float64")


# --------------------------------------------------------------------------------------------
# Censored median (Kaplan-Meier)


@dataclass(frozen=True)
class CensoredMedian:
    """Time to first response, with not-yet-contacted leads right-censored (Kaplan-Meier).

    Attributes
    ----------
    median : float or None
        Median time to response, in the unit of the durations. ``None`` when the Kaplan-Meier
        curve never reaches 0.5 (fewer than half are known to have been answered): say
        "more than ``more_than``". When the curve sits exactly at 0.5 between two times the
        median is their midpoint (R's ``survfit`` convention), so with nothing censored it equals
        the plain median.
    more_than : float or None
        When ``median`` is None: the longest time observed; the median is longer.
    ci_low, ci_high : float or None
        Confidence interval of the median from lifelines (``None`` where lifelines gives none, e.g.
        an upper bound beyond the data).
    confidence : float
        Level of the interval (0.95).
    n, n_observed, n_censored : int
        Durations used (finite ones), responses, and censored leads.
    n_negative : int
        Durations below 0 (reply stamped before the clock started), counted as 0.
    threshold : float or None
        The threshold ``within`` refers to.
    within : float or None
        Kaplan-Meier share answered within ``threshold`` (``1 - S(threshold)``), or None.
    responders_median : float or None
        Plain median over responders only (what ignoring censoring would report), for comparison.
    """

    median: float | None
    more_than: float | None
    ci_low: float | None
    ci_high: float | None
    confidence: float
    n: int
    n_observed: int
    n_censored: int
    n_negative: int
    threshold: float | None
    within: float | None
    responders_median: float | None

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready)."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _finite_or_none(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def kaplan_meier(durations: np.ndarray, observed: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Kaplan-Meier survival curve of right-censored durations, as ``scipy.stats.ecdf`` computes it.

    Parameters
    ----------
    durations : ndarray of float
        Finite durations (answered leads: the wait; the others: the time observed so far).
    observed : ndarray of bool
        True where the duration ends in an event (the lead was answered), False where censored.

    Returns
    -------
    (times, survival, at_risk, events)
        The distinct durations in increasing order (censored ones included), the survival
        probability just after each, and the number at risk and of events at each.

    The same arithmetic as scipy's right-censored ``ecdf`` (sort once, count at risk and events
    at each distinct time, multiply the conditional survivals); a test checks the two against
    each other on thousands of random samples. It is written out here because ``scipy.stats``
    takes a second to import (half of it rewriting docstrings, scipy issue 22510), paid by
    every ``workbook render`` for this one estimator.
    """
    order = np.argsort(durations, kind="stable")
    times = durations[order]
    died = observed[order].astype(np.int64)
    at_risk = np.arange(times.size, 0, -1)
    edges = np.diff(times, prepend=-np.inf, append=np.inf) > 0
    first, last = edges[:-1], edges[1:]  # first and last of each run of equal durations
    events = np.diff(np.cumsum(died)[last], prepend=0)
    n = at_risk[first]
    if died.all():  # nothing censored: scipy's own arithmetic for that case, to the last bit
        return times[first], 1 - np.cumsum(events) / times.size, n, events
    return times[first], np.cumprod((n - events) / n), n, events


def step_value(times: np.ndarray, values: np.ndarray, at: Any, before: float = 1.0) -> np.ndarray:
    """A right-continuous step function's value at ``at``: ``values[i]`` from ``times[i]`` on, ``before`` before."""
    return np.concatenate([[before], values])[np.searchsorted(times, np.asarray(at, dtype=float), side="right")]


def loglog_band(survival: np.ndarray, at_risk: np.ndarray, events: np.ndarray,
                confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise confidence band of a Kaplan-Meier curve: exponential Greenwood ("log-log").

    NaN where the band is undefined (where the curve is 1 or 0), as in ``scipy.stats.ecdf``'s
    ``confidence_interval(method="log-log")``.
    """
    from scipy import special

    with np.errstate(all="ignore"):
        var = 1 / np.log(survival) ** 2 * np.cumsum(events / (at_risk * (at_risk - events)))
        z_se = special.ndtri(1 / 2 + confidence / 2) * np.sqrt(var)
        points = np.log(-np.log(survival))
        low = np.exp(-np.exp(points + z_se))
        high = np.exp(-np.exp(points - z_se))
    return np.clip(low, 0, 1), np.clip(high, 0, 1)


def censored_median(durations: Amounts, observed: Sequence[bool] | np.ndarray | pd.Series,
                    threshold: float | None = None, confidence: float = 0.95) -> CensoredMedian:
    """Median time to first response with right-censoring: the Kaplan-Meier estimate.

    The survival curve (:func:`kaplan_meier`) and its confidence band (exponential Greenwood,
    "log-log": :func:`loglog_band`) are those of ``scipy.stats.ecdf`` on right-censored data,
    and the numbers are lifelines' ``KaplanMeierFitter`` ones (its timeline, its band at the
    curve's ends, its median of each band); tests check all three against each other on
    thousands of samples. Neither library is imported here: lifelines loads every fitter it
    has, and ``scipy.stats`` takes a second to import, for one estimator in every render.

    Parameters
    ----------
    durations : Series, array or list of float
        For answered leads the wait; for leads not answered by the export the time from the start
        to the export (``elapsed_hours(start, export_time, clock)``), on the same clock and unit.
        Non-finite durations are left out; negative ones count as 0 (see ``n_negative``).
    observed : array-like of bool
        True where the lead was answered (an event), False where it is censored.
    threshold : float, optional
        E.g. the SLA's response hours: ``within`` is the estimated share answered within it.
    confidence : float
        Level of the median's confidence interval.

    Returns
    -------
    CensoredMedian
    """
    d = _amounts(durations)
    o = np.asarray(pd.Series(np.asarray(observed)).fillna(False).astype(bool).to_numpy())
    if d.shape != o.shape:
        raise ValueError(f"durations and observed have different lengths: {d.shape} vs {o.shape}")
    keep = np.isfinite(d)
    d, o = d[keep], o[keep]
    n_negative = int((d < 0).sum())
    d = np.maximum(d, 0.0)
    n, n_observed = len(d), int(o.sum())
    responders = float(np.median(d[o])) if n_observed else None
    thr = None if threshold is None else float(threshold)
    if n == 0:
        return CensoredMedian(None, None, None, None, confidence, 0, 0, 0, 0, thr, None, None)
    if n_observed == 0:  # nobody answered yet: the curve stays at 1, no median, nothing within
        return CensoredMedian(median=None, more_than=float(d.max()), ci_low=None, ci_high=None,
                              confidence=confidence, n=n, n_observed=0, n_censored=n, n_negative=n_negative,
                              threshold=thr, within=None if thr is None else 0.0, responders_median=None)
    quantiles, survival, at_risk, events = kaplan_meier(d, o)
    times = quantiles if quantiles[0] <= 0 else np.concatenate([[0.0], quantiles])
    surv = step_value(quantiles, survival, times)
    at_half = np.isclose(surv, 0.5, rtol=0, atol=1e-9)
    reached = at_half | (surv < 0.5)
    median: float | None = None
    more_than: float | None = None
    if reached.any():
        i = int(np.argmax(reached))
        median = float(times[i])
        below = np.flatnonzero(~at_half & (surv < 0.5))
        if at_half[i] and below.size:  # flat at exactly 0.5 until the next drop: midpoint
            median = (float(times[i]) + float(times[below[0]])) / 2
    else:
        more_than = float(d.max())
    edges = [step_value(quantiles, side, times) for side in loglog_band(survival, at_risk, events, confidence)]
    # where the band is undefined: 1 before the first answer, 0 once everyone left has answered
    edges = [np.where(np.isnan(e), np.where(surv == 0, 0.0, 1.0), e) for e in edges]
    bounds = np.array([np.inf if e[-1] > 0.5 else float(times[np.searchsorted(-e, -0.5)]) for e in edges])
    finite = bounds[np.isfinite(bounds)]
    ci_low = _finite_or_none(bounds.min())
    ci_high = _finite_or_none(bounds.max()) if finite.size == 2 else None
    within = None if thr is None else float(1.0 - step_value(quantiles, survival, thr))
    return CensoredMedian(median=median, more_than=more_than, ci_low=ci_low, ci_high=ci_high,
                          confidence=confidence, n=n, n_observed=n_observed, n_censored=n - n_observed,
                          n_negative=n_negative, threshold=thr, within=within, responders_median=responders)


# --------------------------------------------------------------------------------------------
# Benchmark


def bench(n: int = 1_000_000, seed: int = 0) -> float:
    """Seconds :func:`elapsed_hours` takes on ``n`` random lead/response pairs, business clock.

    Leads arrive at random minutes over 2026, answered after an exponential wait (mean 30 hours);
    5% unanswered (NaT). The clock: 08:00-18:00, Mon-Fri, Europe/London, two holidays plus
    England's bank holidays. Building the data is not timed.
    """
    rng = np.random.default_rng(seed)
    start = np.datetime64("2026-01-01T00:00", "ns") + (rng.integers(0, 365 * 24 * 60, n) * 60_000_000_000
                                                        ).astype("timedelta64[ns]")
    wait = (rng.exponential(30, n) * NS_PER_HOUR).astype("timedelta64[ns]")
    end = pd.Series(start + wait).where(rng.random(n) >= 0.05)
    clock = SlaClock(clock="business", working_hours="08:00-18:00",
                     holidays=(dt.date(2026, 12, 25), dt.date(2026, 12, 28)),
                     holiday_country="GB-ENG", timezone="Europe/London")
    frame_start = pd.Series(start)
    t0 = time.perf_counter()
    elapsed_hours(frame_start, end, clock)
    return time.perf_counter() - t0
