"""Censoring-aware funnel conversion, and the comparison with vendor-quoted reference ranges.

Pure and vectorised (no loop over rows). Entry points: :func:`conversion_steps` and
:func:`compare_with_reference`.

Why cohorts
-----------
A lead that became an MQL last week has not had time to become an SQL: counting it as a loss
understates the rate. Each step's rate is therefore computed on the leads *old enough to have
converted*: those that entered the from-stage at least the step's typical duration before the
export (the 80th percentile of the days converted leads took for that step, stated as
``typical_days``). ``lost`` counts the cohort leads that did not convert: the leads the step
loses. ``still_open`` counts, over all leads, those in the from-stage neither converted nor
closed (lost or turned down).

Stage durations are calendar days. Names follow the stages the export has: the step after MQL
is called "accepted by sales" only when the export has an SAL stage; otherwise it is named after
the stage it reaches (MQL → SQL).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal, TypedDict

import numpy as np
import pandas as pd

from helpers.analysis.funnel_frame import (NEVER_NS, Proportion, closed, entry_ns, ns_of, proportion, step_label,
                                           to_timestamp)
from helpers.vocabulary import FUNNEL_STAGE_LABELS

NS_PER_DAY = 86_400_000_000_000
NS_PER_SECOND = 1_000_000_000

__all__ = ["REFERENCE_RANGES", "REFERENCE_SOURCE", "TYPICAL_QUANTILE", "ConversionStep", "ConversionSummary",
           "Handoff", "Loss", "ReferenceComparison", "ReferenceRow", "compare_with_reference", "conversion_steps",
           "find_step", "step_rate"]

#: Share of converted leads that took at most the "typical" duration of a step.
TYPICAL_QUANTILE = 0.8

#: Conversion ranges a named source quotes (DOMAIN.md, "Funnel and hand-off"): step -> (from, to, low, high).
#: MQL -> SQL is not here: no source quotes it (a product of two ranges would be our own arithmetic).
REFERENCE_RANGES: dict[str, tuple[str, str, float, float]] = {
    "created_mql": ("created", "mql", 0.10, 0.25),
    "mql_sal": ("mql", "sal", 0.40, 0.60),
    "sal_sql": ("sal", "sql", 0.50, 0.70),
    "sql_won": ("sql", "won", 0.20, 0.30),
}
REFERENCE_SOURCE = "vendor-quoted (SiriusDecisions-style demand waterfall), secondary"

#: What reaching a stage means, for step descriptions ("accepted by sales" only for SAL).
REACHED_WORDS: dict[str, str] = {"mql": "became marketing-qualified", "sal": "accepted by sales",
                                 "sql": "became sales-qualified", "opportunity": "became an opportunity",
                                 "won": "won"}


class StageTime(TypedDict):
    """Days converted leads spent in the from-stage (calendar days)."""

    median_days: float | None
    p80_days: float | None
    n_timed: int


class ConversionStep(TypedDict):
    """One step (``from_stage`` -> ``to_stage``) measured on the cohort old enough to have converted."""

    step: str                     # "mql_sal"
    from_stage: str
    to_stage: str
    label: str                    # "MQL → SAL"
    reached_words: str            # "accepted by sales" / "became sales-qualified"
    consecutive: bool             # False for spans such as SQL -> Won across Opportunity
    typical_days: float | None    # 80th percentile of converted leads' days; None: none timed
    cohort_entered_by: str | None # ISO date-time: cohort = entered the from-stage by then
    entered: int                  # all leads that reached the from-stage
    too_recent: int               # entered after the cutoff: left out of the rate
    count_from: int               # cohort
    count_to: int                 # cohort leads that reached the to-stage
    rate: Proportion
    lost: int                     # cohort leads that did not convert
    still_open: int               # all leads in the from-stage, neither converted nor closed
    time_in_stage: StageTime


class Handoff(TypedDict):
    """The step after MQL: the hand-off to sales."""

    step: str
    label: str
    to_stage: str
    accepted_stage: bool          # True only when the export has an SAL stage


class Loss(TypedDict):
    """The step that loses the most leads (absolute)."""

    step: str
    label: str
    lost: int
    count_from: int


class StageCount(TypedDict):
    id: str
    label: str
    count: int


class ConversionSummary(TypedDict):
    """Result of :func:`conversion_steps`."""

    export_time: str
    typical_quantile: float
    stages: list[StageCount]
    steps: list[ConversionStep]          # consecutive tracked stages
    spans: list[ConversionStep]          # "mql_won", "sql_won" when not already a step
    handoff: Handoff | None
    most_leads_lost: Loss | None


class ReferenceRow(TypedDict):
    """One measured step against the range a named source quotes for it."""

    step: str
    label: str
    rate: Proportion
    low: float
    high: float
    status: Literal["below_range", "above_range", "not_distinguishable"] | None   # None: no rate
    source: str


class ReferenceComparison(TypedDict):
    """Result of :func:`compare_with_reference`."""

    source: str
    rows: list[ReferenceRow]
    clearly_below: list[str]             # steps whose whole 95% interval lies below the range


def _iso(ns: int, zone: Any) -> str:
    """An int64 nanosecond time as ISO text, in ``zone`` when the dates carry one."""
    stamp = pd.Timestamp(ns)
    return (stamp.tz_localize("UTC").tz_convert(zone) if zone is not None else stamp).isoformat()


def _count(mask: np.ndarray) -> int:
    return int(np.count_nonzero(mask))


def _quantiles(days: np.ndarray) -> tuple[float | None, float | None]:
    """Median and :data:`TYPICAL_QUANTILE` of the days (linear interpolation), unrounded; None when empty.

    Unrounded because the cohort cutoff is taken from the typical duration: rounded up, it would
    leave out the very lead whose duration it is.
    """
    if days.size == 0:
        return None, None
    median, typical = np.quantile(days, [0.5, TYPICAL_QUANTILE])
    return float(median), float(typical)


def _round2(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def step_rate(entry: Mapping[str, np.ndarray], reach: Mapping[str, np.ndarray], is_closed: np.ndarray, a: str,
              b: str, export_ns: int, consecutive: bool = True, zone: Any = None) -> ConversionStep:
    """Conversion from stage ``a`` to stage ``b`` on the cohort old enough to have converted.

    Parameters
    ----------
    entry : mapping of stage to int64 array
        :func:`~helpers.analysis.funnel_frame.entry_ns` (never reached: ``NEVER_NS``).
    reach : mapping of stage to bool array
        ``entry[stage] != NEVER_NS``: the lead reached the stage.
    is_closed : array of bool
        :func:`~helpers.analysis.funnel_frame.closed`.
    a, b : str
        Tracked stages, ``a`` before ``b``.
    export_ns : int
        When the export was taken, as :func:`~helpers.analysis.funnel_frame.ns_of` gives it.
    consecutive : bool
        Whether ``b`` directly follows ``a`` among the tracked stages.
    zone : tzinfo or str, optional
        The dates' zone when they are zone-aware (then ``export_ns`` is UTC); None for naive dates.
    """
    in_a = reach[a]
    if in_a.all():
        ea, eb, rb, cl = entry[a], entry[b], reach[b], is_closed
    else:  # work on the leads that reached ``a`` only (later stages hold a small share of the leads)
        idx = np.flatnonzero(in_a)
        ea, eb, rb, cl = entry[a][idx], entry[b][idx], reach[b][idx], is_closed[idx]
    days = np.maximum((eb[rb] - ea[rb]) / NS_PER_DAY, 0.0)
    median, typical = _quantiles(days)
    # the typical duration floored to the second: the lead that took exactly that long stays in the cohort
    cutoff = export_ns - int((typical or 0.0) * NS_PER_DAY // NS_PER_SECOND) * NS_PER_SECOND
    cohort = ea <= cutoff
    entered, count_from, count_to = ea.size, _count(cohort), _count(cohort & rb)
    return {"step": f"{a}_{b}", "from_stage": a, "to_stage": b, "label": step_label(a, b),
            "reached_words": REACHED_WORDS.get(b, FUNNEL_STAGE_LABELS[b]), "consecutive": consecutive,
            "typical_days": _round2(typical), "cohort_entered_by": _iso(cutoff, zone), "entered": entered,
            "too_recent": entered - count_from, "count_from": count_from, "count_to": count_to,
            "rate": proportion(count_to, count_from), "lost": count_from - count_to,
            "still_open": _count(~(rb | cl)),
            "time_in_stage": {"median_days": _round2(median), "p80_days": _round2(typical), "n_timed": int(days.size)}}


def conversion_steps(frame: pd.DataFrame, export_time: pd.Timestamp | dt.datetime | dt.date | str
                     ) -> ConversionSummary:
    """Conversion rates of every step between consecutive tracked stages, censoring-aware.

    Parameters
    ----------
    frame : DataFrame
        The normalised funnel frame.
    export_time : Timestamp, datetime, date or str
        When the export was taken.

    Returns
    -------
    ConversionSummary
        ``steps`` in funnel order; ``spans`` adds MQL → Won (for money at stake) and SQL → Won
        (the vendor-quoted "SQL → Close") when they are not consecutive steps already;
        ``most_leads_lost`` is the step with the largest ``lost`` (ties: the earlier step).
    """
    export = to_timestamp(export_time)
    export_ns = ns_of(export, frame["created_at"])
    entry = entry_ns(frame)
    is_closed = closed(frame).to_numpy(dtype=bool)
    tracked = list(entry)
    reach = {s: entry[s] != NEVER_NS for s in tracked}
    zone = getattr(frame["created_at"].dtype, "tz", None)
    steps = [step_rate(entry, reach, is_closed, a, b, export_ns, zone=zone) for a, b in zip(tracked[:-1], tracked[1:])]
    spans = [step_rate(entry, reach, is_closed, a, "won", export_ns, consecutive=False, zone=zone)
             for a in ("mql", "sql")
             if a in tracked and "won" in tracked and tracked.index("won") - tracked.index(a) > 1]
    handoff: Handoff | None = None
    if "mql" in tracked and tracked[-1] != "mql":
        nxt = tracked[tracked.index("mql") + 1]
        handoff = {"step": f"mql_{nxt}", "label": step_label("mql", nxt), "to_stage": nxt,
                   "accepted_stage": nxt == "sal"}
    loss: Loss | None = None
    if steps:
        worst = steps[int(np.argmax([s["lost"] for s in steps]))]
        if worst["lost"] > 0:
            loss = {"step": worst["step"], "label": worst["label"], "lost": worst["lost"],
                    "count_from": worst["count_from"]}
    return {"export_time": export.isoformat(), "typical_quantile": TYPICAL_QUANTILE,
            "stages": [{"id": s, "label": FUNNEL_STAGE_LABELS[s], "count": int(np.count_nonzero(reach[s]))}
                       for s in tracked],
            "steps": steps, "spans": spans, "handoff": handoff, "most_leads_lost": loss}


def find_step(summary: ConversionSummary, step: str) -> ConversionStep | None:
    """The step or span called ``step`` (``"mql_won"``), or None when the export cannot give it."""
    return next((s for s in (*summary["steps"], *summary["spans"]) if s["step"] == step), None)


def compare_with_reference(summary: ConversionSummary) -> ReferenceComparison:
    """Measured steps against the ranges a named source quotes (:data:`REFERENCE_RANGES`).

    A step no source quotes is not compared. ``below_range`` only when the whole 95% interval lies
    below the range's low end, ``above_range`` only when it lies wholly above its high end;
    otherwise the rate is ``not_distinguishable`` from the range.
    """
    rows: list[ReferenceRow] = []
    for step, (_a, _b, lo, hi) in REFERENCE_RANGES.items():
        found = find_step(summary, step)
        if found is None:
            continue
        rate = found["rate"]
        status: Literal["below_range", "above_range", "not_distinguishable"] | None = None
        if rate["low"] is not None and rate["high"] is not None:
            status = ("below_range" if rate["high"] < lo else "above_range" if rate["low"] > hi
                      else "not_distinguishable")
        rows.append({"step": step, "label": found["label"], "rate": rate, "low": lo, "high": hi,
                     "status": status, "source": REFERENCE_SOURCE})
    return {"source": REFERENCE_SOURCE, "rows": rows,
            "clearly_below": [r["step"] for r in rows if r["status"] == "below_range"]}
