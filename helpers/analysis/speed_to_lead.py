"""Speed to lead on the client's own SLA clock: compliance, the wait (censored), attempts.

Pure and vectorised (no loop over rows). Entry point: :func:`speed_to_lead`.

What is measured
----------------
* **Population.** When the export tracks ``mql_at``: leads handed to sales (leads that reached
  MQL), the clock starting at the MQL date (never before creation; a lead that reached a later
  stage with no MQL date starts at creation). Otherwise every lead, measured from creation
  (``population: "created"``).
* **Too recent to judge.** A lead with no response whose response window had not closed by the
  export time cannot be judged either way: it is counted (``too_recent``) and left out of
  compliance. Every other lead is *judged*.
* **Compliance** (``within_rule``): judged leads answered within ``response_hours`` on the
  rule's clock, with a 95% Wilson interval. A lead answered before its clock started (contacted
  before the hand-off) counts as answered at once (``responded_before_start``).
* **Within an hour** (``within_hour``): judged leads answered within one hour *on the rule's
  clock* (one business hour on a business clock), so it is not comparable with calendar-hour
  studies without saying so.
* **Not contacted by the export date** (``not_contacted``): judged leads with no response. The
  data cannot say they were *never* contacted.
* **The wait** (``wait``): Kaplan-Meier median time to first response over the whole population,
  leads not answered by the export censored at the export time on the same clock.
* **Date-only response columns** (every value exactly midnight: ``First Activity Date``): waits
  are whole (working) days (:func:`~helpers.analysis.sla_clock.elapsed_days`); the rule is judged
  to the day (answered within ``ceil(response_hours / hours per day)`` days, ``rule_days``); no
  "within an hour" share (``within_hour`` None with a note); a reply dated before the hand-off
  counts as 0 days, never negative.
* **Attempts** (``attempts``): contact attempts within ``attempt_days`` of the start, on the same
  clock, for leads that did not move past the stage the clock starts at and whose attempt window
  had closed by the export. Measured only from per-activity dates (``activities``); a lifetime
  ``attempts`` count says nothing about the window, so then ``measured`` is False with the reason.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any, Literal, TypedDict

import numpy as np
import pandas as pd

from helpers.analysis.funnel_frame import (Proportion, date_only_values, proportion, reached, to_timestamp,
                                           tracked_stages)
from helpers.analysis.sla_clock import add_days, censored_median, elapsed_days, elapsed_hours
from helpers.engagement.sla import ClockKind, Sla, SlaClock, SlaStatus
from helpers.formatting import days_adjective
from helpers.vocabulary import SLA_DEFAULTS

__all__ = ["Attempts", "Period", "RuleStatus", "SlaRule", "SpeedToLead", "Wait", "read_rule", "speed_to_lead"]

RuleStatus = SlaStatus


class SlaRule(TypedDict):
    """The speed-to-lead rule as :func:`read_rule` normalises it from ``engagement.yaml`` ``sla:``."""

    response_hours: float
    attempts: int
    attempt_days: float
    status: RuleStatus


class Wait(TypedDict):
    """Time to first response, Kaplan-Meier, not-yet-answered leads censored at the export time."""

    unit: Literal["hours", "days"]
    median: float | None          # None when fewer than half are known to have been answered
    more_than: float | None       # then: the median is longer than this
    ci_low: float | None
    ci_high: float | None
    n: int
    n_observed: int               # answered
    n_censored: int               # not answered by the export (too recent ones included)
    responders_median: float | None   # answered leads only (what ignoring censoring would say)


class Attempts(TypedDict):
    """Contact attempts within the rule's attempt window."""

    measured: bool
    reason: str | None            # why not measured
    required: int
    window_days: float
    population: str               # which leads were judged, in words
    leads: int                    # leads in that population
    too_recent: int               # attempt window still open at the export
    met: Proportion | None        # judged leads with >= required attempts in the window
    median_attempts: float | None


class Period(TypedDict):
    """First and last date (ISO ``YYYY-MM-DD``), None when there are no leads."""

    start: str | None
    end: str | None


class SpeedToLead(TypedDict):
    """Result of :func:`speed_to_lead` (rates are fractions 0..1; waits in ``unit``)."""

    population: Literal["handed_to_sales", "created"]
    population_label: str
    starts_at: Literal["mql_at", "created_at"]
    rule_status: RuleStatus
    response_hours: float
    clock: ClockKind
    clock_description: str
    unit: Literal["hours", "days"]
    date_only: bool
    date_only_columns: list[str]
    rule_days: int | None          # date-only: the rule judged to the day
    export_time: str
    period: Period                 # first and last clock start (hand-off) date in the population
    leads: int
    too_recent: int
    judged: int
    contacted: int                 # judged leads answered
    not_contacted: Proportion      # judged leads not contacted by the export date
    within_rule: Proportion        # judged leads answered within the rule
    within_hour: Proportion | None  # answered within 1 hour on the rule's clock; None for date-only data
    within_hour_note: str | None
    responded_before_start: int
    wait: Wait
    attempts: Attempts
    notes: list[str]


def read_rule(sla: Sla | Mapping[str, Any] | None) -> SlaRule:
    """The rule from the reader's :class:`~helpers.engagement.sla.Sla` or a plain ``sla:`` mapping.

    A mapping's missing keys take the defaults; ``status`` is ``"agreed"`` only when it says
    exactly that, anything else is ``"proposed"``.
    """
    if isinstance(sla, Sla):
        return {"response_hours": float(sla.response_hours), "attempts": int(sla.attempts),
                "attempt_days": float(sla.attempt_days), "status": "agreed" if sla.agreed else "proposed"}
    merged: dict[str, Any] = {**SLA_DEFAULTS, **{k: v for k, v in (sla or {}).items() if v is not None}}
    status: RuleStatus = "agreed" if str(merged.get("status", "")).strip().lower() == "agreed" else "proposed"
    return {"response_hours": float(merged["response_hours"]), "attempts": int(merged["attempts"]),
            "attempt_days": float(merged["attempt_days"]), "status": status}


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), digits)


def _wait(durations: pd.Series, observed: pd.Series, unit: Literal["hours", "days"],
          threshold: float) -> Wait:
    km = censored_median(durations, observed, threshold=threshold)
    return {"unit": unit, "median": _round(km.median), "more_than": _round(km.more_than),
            "ci_low": _round(km.ci_low), "ci_high": _round(km.ci_high), "n": km.n, "n_observed": km.n_observed,
            "n_censored": km.n_censored, "responders_median": _round(km.responders_median)}


def _as_frame_time(stamp: pd.Timestamp, like: pd.Series, clock: SlaClock) -> pd.Timestamp:
    """The export time written like the frame's dates: zone-aware when they are, naive wall time when not.

    A naive export time given for zone-aware dates is read in the clock's zone (else theirs); a
    zone-aware one given for naive dates becomes the wall time in the clock's zone (else its own).
    """
    zone = getattr(like.dtype, "tz", None)
    if zone is not None and stamp.tz is None:
        return stamp.tz_localize(clock.timezone or zone)
    if zone is None and stamp.tz is not None:
        return (stamp.tz_convert(clock.timezone) if clock.timezone else stamp).tz_localize(None)
    return stamp


def _attempts(frame: pd.DataFrame, pop: pd.Series, start: pd.Series, clock: SlaClock, rule: SlaRule,
              export: pd.Timestamp, activities: pd.DataFrame | None, start_stage: str) -> Attempts:
    """Attempts within the window for leads that did not move past ``start_stage`` (``start``: their clock start)."""
    tracked = tracked_stages(frame)
    after = tracked[tracked.index(start_stage) + 1] if tracked.index(start_stage) + 1 < len(tracked) else None
    label = "MQL" if start_stage == "mql" else "new lead"
    # working days on the business clock, as :func:`helpers.analysis.sla_clock.add_days` counts them
    span = days_adjective(rule["attempt_days"], clock.clock == "business")
    words = (f"leads still at {label} (not moved to a later stage) whose {span} attempt "
             "window had closed by the export" if after else
             f"leads whose {span} attempt window had closed by the export")
    base: Attempts = {"measured": False, "reason": None, "required": rule["attempts"],
                      "window_days": rule["attempt_days"], "population": words, "leads": 0, "too_recent": 0,
                      "met": None, "median_attempts": None}
    if activities is None or activities.empty:
        if "attempts" in frame.columns:
            base["reason"] = ("the export gives only a lifetime count of attempts per lead, not the date of each "
                              "attempt, so attempts cannot be counted within the window")
        else:
            base["reason"] = "the export has no record of contact attempts"
        return base
    stuck = pop if after is None else pop & ~reached(frame)[after]
    ends = add_days(start.loc[stuck[stuck].index], rule["attempt_days"], clock)
    closed_window = ends <= export
    judged = closed_window[closed_window].index
    at = pd.to_datetime(activities["activity_at"])
    acts = pd.DataFrame({"lead_id": activities["lead_id"].astype(str).str.strip(), "at": at}).dropna()
    window = pd.DataFrame({"lead_id": frame.loc[judged, "lead_id"].to_numpy(), "start": start[judged].to_numpy(),
                           "end": ends[judged].to_numpy()})
    joined = acts.merge(window, on="lead_id", how="inner")
    if date_only_values(at):  # a date-only activity counts when its day lies within the window's days
        inside = (joined["at"] >= joined["start"].dt.floor("D")) & (joined["at"] <= joined["end"].dt.floor("D"))
    else:
        inside = (joined["at"] >= joined["start"]) & (joined["at"] <= joined["end"])
    counts = joined.loc[inside].groupby("lead_id").size().reindex(window["lead_id"], fill_value=0)
    n = len(window)
    base.update({"measured": True, "leads": int(stuck.sum()), "too_recent": int((~closed_window).sum()),
                 "met": proportion(int((counts >= rule["attempts"]).sum()), n),
                 "median_attempts": _round(float(counts.median()), 1) if n else None})
    return base


def speed_to_lead(frame: pd.DataFrame, clock: SlaClock, rule: Sla | Mapping[str, Any],
                  export_time: pd.Timestamp | dt.datetime | dt.date | str, *, date_only: bool | None = None,
                  activities: pd.DataFrame | None = None) -> SpeedToLead | None:
    """Speed to lead against the client's rule, on its clock (see the module docstring).

    Parameters
    ----------
    frame : DataFrame
        The normalised funnel frame.
    clock : SlaClock
        The rule's clock.
    rule : Sla or mapping
        The reader's :class:`~helpers.engagement.sla.Sla` (its ``clock`` is not used: pass it as
        ``clock``), or a mapping with ``response_hours``, ``attempts``, ``attempt_days``, ``status``
        (``agreed`` | ``proposed``); missing keys take :func:`read_rule`'s defaults.
    export_time : Timestamp, datetime, date or str
        When the export was taken (on the clock's wall time, like the frame's dates).
    date_only : bool, optional
        Whether the response is dated without a time of day. ``None`` (default): detected from the
        data (every ``first_response_at``, or every start date, exactly midnight).
    activities : DataFrame, optional
        One row per contact attempt: ``lead_id``, ``activity_at``. Without it attempts are not measured.

    Returns
    -------
    SpeedToLead or None
        None when the export has no ``first_response_at`` column.
    """
    if "first_response_at" not in frame.columns:
        return None
    rules = read_rule(rule)
    export = _as_frame_time(to_timestamp(export_time), frame["created_at"], clock)
    tracked = tracked_stages(frame)
    by_mql = "mql" in tracked
    keep = np.ones(len(frame), dtype=bool)
    if by_mql:  # reached MQL: an MQL date or any later stage's date
        keep[:] = False
        for stage in tracked[tracked.index("mql"):]:
            keep |= frame[f"{stage}_at"].notna().to_numpy()
    pop = pd.Series(keep, index=frame.index)
    start = frame["created_at"][keep]
    if by_mql:  # handed over at the MQL date, never before the lead existed (creation when it has none)
        mql = frame["mql_at"][keep]
        start = mql.where(mql > start, start)
    response = frame["first_response_at"][keep]
    answered = response.notna()
    # one clock reading per lead: to the response when answered, else to the export (censored)
    until = response.where(answered, export)
    start_col: Literal["mql_at", "created_at"] = "mql_at" if by_mql else "created_at"
    flagged = [c for c, values in (("first_response_at", response), (start_col, start)) if date_only_values(values)]
    by_day = bool(flagged) if date_only is None else bool(date_only)
    notes: list[str] = []
    rule_days: int | None = None
    unit: Literal["hours", "days"]
    within_hour: Proportion | None = None
    hour_note: str | None = None
    if by_day:
        unit = "days"
        rule_days = max(1, math.ceil(round(rules["response_hours"] / clock.hours_per_day, 9)))
        day_word = "working day" if clock.clock == "business" else "day"
        elapsed = elapsed_days(start, until, clock)
        # NaN: a reply dated before the hand-off (contacted before it) or a hand-off after the export: 0 days
        early = answered & elapsed.isna()
        durations = elapsed.fillna(0.0)
        too_recent = ~answered & (durations <= rule_days)
        within = answered & (durations <= rule_days)
        names = {"first_response_at": "response dates", "mql_at": "MQL dates", "created_at": "creation dates"}
        dated = (f"The {' and '.join(names[c] for c in flagged)} carry no time of day" if flagged
                 else "The dates are read as dates only")
        notes.append(f"{dated}, so waits are measured in whole {day_word}s and the {rules['response_hours']:g}-hour "
                     f"rule is judged to the day: a reply dated within {rule_days} {day_word}"
                     f"{'s' if rule_days != 1 else ''} of the hand-off counts as within it.")
        hour_note = f"Not measured: {dated[0].lower()}{dated[1:]}, so no share within an hour can be given."
        threshold = float(rule_days)
    else:
        unit = "hours"
        elapsed = elapsed_hours(start, until, clock)
        early = answered & (elapsed < 0)
        durations = elapsed.clip(lower=0.0)
        too_recent = ~answered & (elapsed < rules["response_hours"])
        within = answered & (durations <= rules["response_hours"])
        threshold = rules["response_hours"]
    judged = ~too_recent
    n_judged = int(judged.sum())
    contacted = int((judged & answered).sum())
    if unit == "hours":
        within_hour = proportion(int((judged & answered & (durations <= 1.0)).sum()), n_judged)
    n_recent = int(too_recent.sum())
    if n_recent:
        notes.append(f"{n_recent} lead{'s' if n_recent != 1 else ''} not yet answered whose response window was "
                     "still open at the export: too recent to judge, left out of compliance.")
    return {
        "population": "handed_to_sales" if by_mql else "created",
        "population_label": ("leads handed to sales (MQLs), timed from the hand-off" if by_mql
                             else "all leads, timed from creation (the export has no MQL date)"),
        "starts_at": start_col, "rule_status": rules["status"], "response_hours": rules["response_hours"],
        "clock": clock.clock, "clock_description": clock.describe(), "unit": unit, "date_only": by_day,
        "date_only_columns": flagged, "rule_days": rule_days, "export_time": export.isoformat(),
        "period": {"start": None if start.empty else start.min().date().isoformat(),
                   "end": None if start.empty else start.max().date().isoformat()},
        "leads": int(pop.sum()), "too_recent": int(too_recent.sum()), "judged": n_judged, "contacted": contacted,
        "not_contacted": proportion(n_judged - contacted, n_judged),
        "within_rule": proportion(int((judged & within).sum()), n_judged),
        "within_hour": within_hour, "within_hour_note": hour_note,
        "responded_before_start": int(early.sum()),
        "wait": _wait(durations, answered, unit, threshold),
        "attempts": _attempts(frame, pop, start, clock, rules, export, activities, "mql" if by_mql else "created"),
        "notes": notes,
    }
