"""Follow-up waves: what changed since the previous assessment, and whether the plan worked.

An engagement folder whose ``engagement.yaml`` names a ``previous`` folder is a follow-up wave.
:func:`compare` sets this wave's results beside the previous wave's: the index, the stage and
each dimension before and after, which plays of the previous plan were done (the status in the
previous ``plan.yaml``) and whether each play's success measure moved the way it should. When
the previous wave had a previous wave of its own, the history runs across all of them.

Result (``results["progress"]``; JSON-serialisable)::

    {
      "previous": {"date", "index", "stage", "slug"}, "current": {"date", "index", "stage", "slug"},
      "index": {"before", "after", "change", "interval", "p_adjusted", "verdict"},
                                                        # None values when a wave had no survey
      "gap": {"before", "after", "change"},             # sales minus marketing
      "stage": {"before", "after", "moved": "up"|"down"|"same"|None},
      "dimensions": [{"id", "label", "before", "after", "change", "interval", "p_adjusted", "verdict"}],
                                                        # instrument order
      "teams": {"sales": {"before", "after", "change"}, "marketing": {...}},
      "plays": [{"id", "title", "owner", "horizon", "status", "done": bool,
                 "measure": str, "signal": str|None, "goal": "up"|"down"|None, "target", "by",
                 "before", "after", "change",
                 "verdict": "improved"|"worsened"|"unchanged"|"target met"|"now measured"|
                            "not measured"|"measure moved, action not done"|"not comparable"}],
                 # "target met" and "improved" only for plays marked done: an agreed play not done
                 # whose measure moved says so ("measure moved, action not done")
      "done": int, "planned": int, "improved": int,    # counts over plays
      "history": [{"date", "index", "stage", "sales", "marketing", "dimensions": {dim: score}}],
                 # oldest first, this wave last; two entries for a first follow-up
    }

The change in the index and in each dimension carries a 95% Welch-type t interval built from
each wave's team means, spreads and sizes (the index is the mean of the team means, so its
variance is the sum of ``sd^2 / n`` over the teams, divided by the number of teams squared,
for both waves), and a verdict: "larger than noise" only when the Holm-adjusted t-test p-value
across the index and the dimensions is at most 5% (which implies the interval excludes zero),
"within noise" otherwise, "too few to tell" when a team in either wave has fewer than 5
respondents or no spread is known (e.g. a team below the minimum reporting group).

Pure: no files, widgets or plots. Scores rounded to 1 decimal, shares to 4.
"""

from __future__ import annotations
from typing import Any, NotRequired, TypedDict, Union
from helpers.analysis.stats import LARGER, MIN_PER_SIDE, TOO_FEW, WITHIN, holm
from helpers.analysis.survey_method import ALPHA, combined_interval, combined_p
from helpers.engagement.plan import PlanEntry, PlanFile
from helpers.analysis.plan import PlanResult, Success
from helpers.analysis.triggers import Analysed, SignalValue, number, signals
from helpers.vocabulary import STAGES, SURVEY_TEAMS


#: A measured value: a signal's value now, or a baseline recorded at the previous wave.
Measured = Union[SignalValue, float, None]


class Assessed(Analysed):
    """One wave's results as compared: the analysed sections plus the wave's date and slug."""

    date: str
    slug: str


class Change(TypedDict):
    """A number at the previous wave and now, and the change (None when either is missing)."""

    before: float | None
    after: float | None
    change: float | None


class TestedChange(Change):
    """A change with its 95% interval, Holm-adjusted p-value and verdict (see the module docstring)."""

    interval: list[float | None] | None
    p_adjusted: float | None
    verdict: str | None


class WavePoint(TypedDict):
    """One wave in brief: its date, index, stage and slug."""

    date: str
    index: float | None
    stage: str | None
    slug: str


class StageMove(TypedDict):
    """The stage then and now, and which way it moved (None when a wave had no survey)."""

    before: str | None
    after: str | None
    moved: str | None


class DimensionChange(TypedDict):
    """One dimension's score at the previous wave and now."""

    id: str
    label: str
    before: float | None
    after: float | None
    change: float | None
    interval: list[float | None] | None
    p_adjusted: float | None
    verdict: str | None


class PlayFollowUp(TypedDict):
    """A play of the previous plan: whether it was done, and whether its success measure moved."""

    id: str
    title: str
    owner: str | None
    horizon: int | None
    due: NotRequired[str | None]
    status: str
    done: bool
    measure: str
    signal: str | None
    goal: str | None
    target: float | None
    by: float | None
    before: float | None
    after: float | None
    change: float | None
    verdict: str


class HistoryPoint(TypedDict):
    """One wave of the history: the index, stage, each team's index and each dimension's score."""

    date: str
    index: float | None
    stage: str | None
    sales: float | None
    marketing: float | None
    dimensions: dict[str, float | None]


class WaveBasis(TypedDict):
    """How two waves surveyed on different instrument versions were compared.

    ``versions`` (previous, current); ``statements`` how many statements both ask (the survey
    figures of the comparison rest on these alone); ``dimensions_compared`` False: with one to
    three shared statements per dimension, dimensions are not compared across versions.
    """

    versions: list[int]
    statements: int
    dimensions_compared: bool


class Progress(TypedDict):
    """``results["progress"]`` (schema in the module docstring; ``basis`` only across instrument versions)."""

    previous: WavePoint
    current: WavePoint
    index: TestedChange
    gap: Change
    stage: StageMove
    dimensions: list[DimensionChange]
    teams: dict[str, Change]
    plays: list[PlayFollowUp]
    rejected: NotRequired[list[str]]
    basis: NotRequired[WaveBasis]
    done: int
    planned: int
    improved: int
    history: list[HistoryPoint]


class EarlierWave(Assessed):
    """The previous wave's results: what :class:`Assessed` holds plus its plan and its own progress."""

    plan: PlanResult
    progress: Progress | None


class _Measure(TypedDict):
    """A success measure as followed up (``baseline``: its value when the play was planned, if known)."""

    text: str
    signal: str | None
    goal: str | None
    target: float | None
    by: float | None
    baseline: float | None


class _Agreed(TypedDict):
    """A play of the previous plan as followed up: the consultant's decisions over the engine's play."""

    id: str
    title: str
    owner: str | None
    horizon: int | None
    status: str
    success: _Measure
    due: NotRequired[str | None]


def _measure(success: Success | dict[str, Any]) -> _Measure:
    """A success measure of the previous plan, or of its ``plan.yaml`` (checked by the plan reader, keys optional)."""
    signal = success.get("signal")
    return {"text": success.get("text") or "", "signal": signal if isinstance(signal, str) else None,
            "goal": success.get("goal"), "target": success.get("target"), "by": success.get("by"),
            "baseline": success.get("baseline")}


def _change(before: Measured, after: Measured, digits: int = 1) -> Change:
    b, a = number(before), number(after)
    return {"before": b, "after": a, "change": round(a - b, digits) if a is not None and b is not None else None}


Terms = list[tuple[float, float | None, int]]


def _terms(results: Assessed, dim: str | None) -> Terms | None:
    """(weight, sd, n) per scored team of one wave for the index (``dim`` None) or a dimension.

    None when the wave has no such score; a team without a known spread gives an sd of None
    (no interval then).
    """
    teams = [t for t in results["teams"].values() if not t.get("suppressed") and t["index"] is not None]
    if dim is not None:
        teams = [t for t in teams if t["dimensions"].get(dim) is not None]
    if not teams:
        return None
    if dim is None:
        return [(1.0 / len(teams), t.get("sd"), t["n"]) for t in teams]
    return [(1.0 / len(teams), (t.get("dimension_sd") or {}).get(dim), (t.get("dimension_n") or {}).get(dim, 0))
            for t in teams]


def _tested(changes: list[Change], terms: list[Terms | None]) -> list[TestedChange]:
    """Intervals, Holm-adjusted p-values and verdicts for one family of changes between two waves."""
    intervals, raw_p, eligible = [], [], []
    for change, t in zip(changes, terms):
        ci = combined_interval(change["change"], t) if t is not None else None
        p = combined_p(change["change"], t) if t is not None else None
        enough = ci is not None and t is not None and all(n >= MIN_PER_SIDE for _, _, n in t)
        intervals.append(ci)
        raw_p.append(p if enough else None)
        eligible.append(enough)
    adjusted = holm(raw_p)
    out: list[TestedChange] = []
    for change, ci, p, ok in zip(changes, intervals, adjusted, eligible):
        verdict = None if change["change"] is None else (
            TOO_FEW if not ok or p is None else LARGER if p <= ALPHA else WITHIN)
        out.append({"before": change["before"], "after": change["after"], "change": change["change"],
                    "interval": None if ci is None else [_round(ci[0]), _round(ci[1])],
                    "p_adjusted": None if p is None else round(p, 4), "verdict": verdict})
    return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _pair(now: Terms | None, then: Terms | None) -> Terms | None:
    """The terms of a change: both waves' groups (the weights' signs do not matter to the variance)."""
    return None if now is None or then is None else now + then


def _team_index(results: Assessed, team: str) -> float | None:
    score = results["teams"].get(team)
    return score["index"] if score is not None else None


def _point(results: Assessed) -> HistoryPoint:
    return {"date": results["date"], "index": results["index"], "stage": results["stage"],
            "sales": _team_index(results, "sales"), "marketing": _team_index(results, "marketing"),
            "dimensions": {d: v["index"] for d, v in results["dimensions"].items()}}


def _wave(results: Assessed) -> WavePoint:
    return {"date": results["date"], "index": results["index"], "stage": results["stage"], "slug": results["slug"]}


def _stage_move(before: str | None, after: str | None) -> str | None:
    if before not in STAGES or after not in STAGES:
        return None
    diff = STAGES.index(after) - STAGES.index(before)
    return "up" if diff > 0 else "down" if diff < 0 else "same"


def _tolerance(signal: str) -> float:
    """Changes smaller than this count as unchanged (rounding noise)."""
    if signal.endswith(("share", "rate")) or ".conversion." in signal:
        return 0.01
    return 0.5


def verdict(signal: str | None, goal: str | None, target: float | None, before: Measured, after: Measured,
            by: float | None = None) -> str:
    """Whether a success measure moved the way the play wanted.

    Parameters
    ----------
    signal : str or None
        The signal measured; None means the measure is words only.
    goal : {"up", "down", None}
        The direction that counts as progress.
    target : number, optional
        A value that, once reached, counts as met.
    before, after : number, text, bool, list of str or None
        The signal in the previous and in this wave (None when not measured; a list counts its items).
    by : number, optional
        A change in the direction of ``goal`` that, once reached, counts as met.

    Returns
    -------
    str
        ``target met``, ``improved``, ``worsened``, ``unchanged``, ``now measured`` or
        ``not measured``.
    """
    b, a = number(before), number(after)
    if isinstance(before, list) or isinstance(after, list):
        b = float(len(before)) if isinstance(before, list) else b
        a = float(len(after)) if isinstance(after, list) else a
    if signal is None or a is None:
        return "not measured"
    t = number(target)
    if t is not None and goal in ("up", "down") and ((a >= t) if goal == "up" else (a <= t)):
        return "target met"       # also when measured for the first time: the goal is reached
    if b is None:
        return "now measured"
    delta = a - b
    step = number(by)
    if step is not None and goal in ("up", "down") and (delta if goal == "up" else -delta) >= step - 1e-9:
        return "target met"
    if abs(delta) < _tolerance(signal):
        return "unchanged"
    if goal is None:
        return "improved" if delta > 0 else "worsened"
    return "improved" if (delta > 0) == (goal == "up") else "worsened"


def _previous_plays(previous: EarlierWave, previous_plan: PlanFile | None) -> list[_Agreed]:
    """The plays of the previous plan with the status the consultant recorded.

    With a previous ``plan.yaml`` only the agreed plays (accepted, added, done) are followed up;
    without one, every play the engine proposed is, with status ``proposed``.
    """
    plays: list[_Agreed] = [{"id": p["id"], "title": p["title"], "owner": p["owner"], "horizon": p["horizon"],
                             "status": p["status"], "success": _measure(p["success"])} for p in previous["plan"]["plays"]]
    decisions: dict[str, PlanEntry] = {e["id"]: e for e in previous_plan["plays"]} if previous_plan is not None else {}
    known = {p["id"] for p in plays}
    for pid, entry in decisions.items():
        status = entry.get("status", "")
        if pid not in known and status in ("accepted", "done"):
            plays.append({"id": pid, "title": entry.get("title") or pid, "owner": entry.get("owner"),
                          "horizon": entry.get("horizon"), "status": status,
                          "success": _measure(entry.get("success") or {})})
    for play in plays:
        decision = decisions.get(play["id"])
        if decision is not None:
            play["status"] = decision.get("status", "accepted")
            if decision.get("title"):
                play["title"] = decision["title"]
            if decision.get("owner"):
                play["owner"] = decision["owner"]
            if decision.get("horizon"):
                play["horizon"] = decision["horizon"]
            if decision.get("due"):
                play["due"] = str(decision["due"])
            if "success" in decision:
                play["success"] = _measure(decision["success"])
    if previous_plan is not None:   # the consultant decided: follow up what was agreed, not the engine's extras
        return [p for p in plays if p["status"] in ("accepted", "added", "done")]
    return [p for p in plays if p["status"] != "rejected"]


#: Verdict of a measure on a survey dimension when the two waves asked different statements.
NOT_COMPARABLE = "not comparable"

#: Survey signals that depend on a dimension's own statements.
DIMENSION_SIGNALS = ("dimension.", "gap.")

#: Verdict of an agreed play that was not done although its measure moved the right way.
NOT_DONE = "measure moved, action not done"


def rejected_before(progress: Progress | None) -> set[str]:
    """Ids of the plays rejected at the previous wave (the plan keeps them out unless re-opened)."""
    return set(progress.get("rejected", [])) if progress is not None else set()


def still_open(progress: Progress | None) -> set[str]:
    """Ids of the plays agreed at the previous wave that are neither done nor on target yet."""
    if progress is None:
        return set()
    return {p["id"] for p in progress["plays"] if p["status"] in ("accepted", "added") and p["verdict"] != "target met"}


def carry_due_dates(plan: PlanResult, progress: Progress | None) -> PlanResult:
    """``plan`` with each action carried over from the previous wave keeping the due date agreed then (unless it has one)."""
    if progress is not None:
        due_before = {p["id"]: p.get("due") for p in progress["plays"]}
        for play in plan["plays"]:
            if play.get("carried_over") and not play.get("due") and due_before.get(play["id"]):
                play["due"] = due_before[play["id"]]
    return plan


def compare(current: Assessed, previous: EarlierWave, previous_plan: PlanFile | None, *,
            compare_dimensions: bool = True) -> Progress:
    """Compare this wave's results with the previous wave's.

    Parameters
    ----------
    current : Assessed
        This wave's results (plan and progress are not needed).
    previous : EarlierWave
        The previous wave's results (its ``progress`` carries the earlier history).
    previous_plan : dict or None
        The previous wave's ``plan.yaml`` as returned by :func:`helpers.engagement.plan.read_plan`.
    compare_dimensions : bool
        Compare the dimensions too (default). False leaves ``dimensions`` empty and tests the
        index change alone, so the Holm correction counts only the verdicts that are reported
        (used when the waves were surveyed on different instrument versions).

    Returns
    -------
    Progress
        ``results["progress"]`` as described in the module docstring.
    """
    now, before = signals(current), signals(previous)
    dims_now, dims_before = current["dimensions"], previous["dimensions"]
    ids = list(dims_now) + [d for d in dims_before if d not in dims_now] if compare_dimensions else []
    changes = [_change(previous["index"], current["index"])]
    terms = [_pair(_terms(current, None), _terms(previous, None))]
    for dim in ids:
        was, is_now = dims_before.get(dim), dims_now.get(dim)
        changes.append(_change(was["index"] if was else None, is_now["index"] if is_now else None))
        terms.append(_pair(_terms(current, dim) if is_now else None, _terms(previous, dim) if was else None))
    tested = _tested(changes, terms)
    dimensions: list[DimensionChange] = []
    for dim, moved_by in zip(ids, tested[1:]):
        was, is_now = dims_before.get(dim), dims_now.get(dim)
        label = (is_now["label"] if is_now else "") or (was["label"] if was else "") or dim
        dimensions.append({"id": dim, "label": label, "before": moved_by["before"], "after": moved_by["after"],
                           "change": moved_by["change"], "interval": moved_by["interval"],
                           "p_adjusted": moved_by["p_adjusted"], "verdict": moved_by["verdict"]})
    plays: list[PlayFollowUp] = []
    for play in _previous_plays(previous, previous_plan):
        success = play["success"]
        signal = success["signal"]
        then: Measured = success["baseline"]
        if then is None and signal:
            then = before.get(signal)
        measured: Measured = now.get(signal) if signal else None
        change = _change(len(then) if isinstance(then, list) else then,
                         len(measured) if isinstance(measured, list) else measured,
                         4 if signal and _tolerance(signal) < 0.5 else 1)
        if not compare_dimensions and signal and signal.startswith(DIMENSION_SIGNALS):
            # surveyed on different statements: a dimension's score then and now measure different things
            then, measured = None, None
            change = _change(None, None)
            moved = NOT_COMPARABLE
        elif not compare_dimensions and signal in before:
            then = before.get(signal)   # the earlier wave re-scored on the shared statements, like today's
            change = _change(then if not isinstance(then, list) else len(then),
                             measured if not isinstance(measured, list) else len(measured),
                             4 if _tolerance(signal) < 0.5 else 1)
            moved = verdict(signal, success["goal"], success["target"], then, measured, success["by"])
        else:
            moved = verdict(signal, success["goal"], success["target"], then, measured, success["by"])
        done = play["status"] == "done"
        if not done and moved in ("target met", "improved"):
            moved = NOT_DONE   # the measure moved, but not because of this action: never credit it
        plays.append({"id": play["id"], "title": play["title"], "owner": play["owner"],
                      "horizon": play["horizon"], "due": play.get("due"), "status": play["status"] or "proposed",
                      "done": done, "measure": success["text"],
                      "signal": signal, "goal": success["goal"], "target": success["target"],
                      "by": success["by"], "before": change["before"], "after": change["after"],
                      "change": change["change"],
                      "verdict": moved})
    earlier = [h.copy() for h in previous["progress"]["history"]] if previous["progress"] is not None else []
    history = earlier or [_point(previous)]
    history.append(_point(current))
    teams = {t: _change(before.get(f"team.{t}"), now.get(f"team.{t}")) for t in SURVEY_TEAMS
             if f"team.{t}" in now or f"team.{t}" in before}
    return {
        "previous": _wave(previous),
        "current": _wave(current),
        "index": tested[0],
        "gap": _change(previous["gap"], current["gap"]),
        "stage": {"before": previous["stage"], "after": current["stage"],
                  "moved": _stage_move(previous["stage"], current["stage"])},
        "dimensions": dimensions,
        "teams": teams,
        "plays": plays,
        # rejected at the previous wave (or carried from earlier ones): the plan does not propose them again
        "rejected": [r["id"] for r in previous["plan"]["rejected"]],
        "done": sum(p["done"] for p in plays),
        "planned": len(plays),
        "improved": sum(p["verdict"] in ("improved", "target met") for p in plays),
        "history": history,
    }
