"""Follow-up waves: what changed since the previous assessment, and whether the plan worked.

An engagement folder whose ``engagement.yaml`` names a ``previous`` folder is a follow-up wave.
:func:`compare` sets this wave's results beside the previous wave's: the index, the stage and
each dimension before and after, which plays of the previous plan were done (the status in the
previous ``plan.yaml``) and whether each play's success measure moved the way it should. When
the previous wave had a previous wave of its own, the history runs across all of them.

Result (``results["progress"]``; JSON-serialisable)::

    {
      "previous": {"date", "index", "stage", "slug"}, "current": {"date", "index", "stage", "slug"},
      "index": {"before", "after", "change"},           # None values when a wave had no survey
      "gap": {"before", "after", "change"},             # sales minus marketing
      "stage": {"before", "after", "moved": "up"|"down"|"same"|None},
      "dimensions": [{"id", "label", "before", "after", "change"}],      # instrument order
      "teams": {"sales": {"before", "after", "change"}, "marketing": {...}},
      "plays": [{"id", "title", "owner", "horizon", "status", "done": bool,
                 "measure": str, "signal": str|None, "goal": "up"|"down"|None, "target", "by",
                 "before", "after", "change",
                 "verdict": "improved"|"worsened"|"unchanged"|"target met"|"now measured"|
                            "not measured"}],
      "done": int, "planned": int, "improved": int,    # counts over plays
      "history": [{"date", "index", "stage", "sales", "marketing", "dimensions": {dim: score}}],
                 # oldest first, this wave last; two entries for a first follow-up
    }

Pure: no files, widgets or plots. Scores rounded to 1 decimal, shares to 4.
"""

from __future__ import annotations
from typing import Any
from helpers.engagement.plan import PlanFile
from helpers.analysis.triggers import as_dict, dig, number, signals
from helpers.vocabulary import STAGES




def _change(before: Any, after: Any, digits: int = 1) -> dict[str, Any]:
    b, a = number(before), number(after)
    return {"before": b, "after": a, "change": round(a - b, digits) if a is not None and b is not None else None}


def _point(results: dict) -> dict[str, Any]:
    dims = as_dict(results.get("dimensions"))
    return {"date": _text(results.get("date")), "index": number(results.get("index")), "stage": _text(results.get("stage")),
            "sales": number(dig(results, "teams", "sales", "index")),
            "marketing": number(dig(results, "teams", "marketing", "index")),
            "dimensions": {d: number(v.get("index")) for d, v in dims.items() if isinstance(v, dict)}}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _stage_move(before: Any, after: Any) -> str | None:
    if before not in STAGES or after not in STAGES:
        return None
    diff = STAGES.index(after) - STAGES.index(before)
    return "up" if diff > 0 else "down" if diff < 0 else "same"


def _tolerance(signal: str) -> float:
    """Changes smaller than this count as unchanged (rounding noise)."""
    if signal.endswith(("share", "rate")) or ".conversion." in signal:
        return 0.01
    return 0.5


def verdict(signal: str | None, goal: str | None, target: Any, before: Any, after: Any, by: Any = None) -> str:
    """Whether a success measure moved the way the play wanted.

    Parameters
    ----------
    signal : str or None
        The signal measured; None means the measure is words only.
    goal : {"up", "down", None}
        The direction that counts as progress.
    target : number, optional
        A value that, once reached, counts as met.
    before, after : Any
        The signal in the previous and in this wave (None when not measured).
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


def _previous_plays(previous: dict, previous_plan: PlanFile | None) -> list[dict]:
    """The plays of the previous plan with the status the consultant recorded.

    With a previous ``plan.yaml`` only the agreed plays (accepted, added, done) are followed up;
    without one, every play the engine proposed is, with status ``proposed``.
    """
    built = as_dict(previous.get("plan"))
    raw_plays = built.get("plays")
    raw_plays = raw_plays if isinstance(raw_plays, list) else []
    plays = [dict(p) for p in raw_plays if isinstance(p, dict) and isinstance(p.get("id"), str)]
    entries = as_dict(previous_plan).get("plays")
    decisions = {e.get("id"): e for e in (entries if isinstance(entries, list) else []) if isinstance(e, dict)}
    known = {p.get("id") for p in plays}
    for pid, entry in decisions.items():
        if pid not in known and entry.get("status") in ("accepted", "done"):
            plays.append({"id": pid, "title": entry.get("title") or pid, "owner": entry.get("owner"),
                          "horizon": entry.get("horizon"), "success": entry.get("success") or {},
                          "status": entry.get("status")})
    for play in plays:
        decision = decisions.get(play.get("id"))
        if decision is not None:
            play["status"] = decision.get("status", "accepted")
            for key in ("title", "owner", "horizon"):
                if decision.get(key):
                    play[key] = decision[key]
            if isinstance(decision.get("success"), dict):
                play["success"] = decision["success"]
    if previous_plan is not None:   # the consultant decided: follow up what was agreed, not the engine's extras
        return [p for p in plays if p.get("status") in ("accepted", "added", "done")]
    return [p for p in plays if p.get("status") != "rejected"]


def compare(current: dict, previous: dict, previous_plan: PlanFile | None) -> dict:
    """Compare this wave's results with the previous wave's.

    Parameters
    ----------
    current, previous : dict
        Results dicts of this wave and the previous one (``previous`` may carry its own
        ``progress`` with the earlier history).
    previous_plan : dict or None
        The previous wave's ``plan.yaml`` as returned by :func:`helpers.plan.read_plan`.

    Returns
    -------
    dict
        ``results["progress"]`` as described in the module docstring.
    """
    now, before = signals(current), signals(previous)
    dims_now = {d: v for d, v in as_dict(current.get("dimensions")).items() if isinstance(v, dict)}
    dims_before = {d: v for d, v in as_dict(previous.get("dimensions")).items() if isinstance(v, dict)}
    dimensions = []
    for dim in list(dims_now) + [d for d in dims_before if d not in dims_now]:
        label = dims_now.get(dim, {}).get("label") or dims_before.get(dim, {}).get("label") or dim
        dimensions.append({"id": dim, "label": str(label),
                           **_change(dims_before.get(dim, {}).get("index"), dims_now.get(dim, {}).get("index"))})
    plays = []
    for play in _previous_plays(previous, previous_plan):
        success = as_dict(play.get("success"))
        signal = success.get("signal") if isinstance(success.get("signal"), str) else None
        was = success.get("baseline") if success.get("baseline") is not None else before.get(signal) if signal else None
        is_now = now.get(signal) if signal else None
        change = _change(len(was) if isinstance(was, list) else was, len(is_now) if isinstance(is_now, list) else is_now,
                         4 if signal and _tolerance(signal) < 0.5 else 1)
        plays.append({"id": play.get("id"), "title": play.get("title"), "owner": play.get("owner"),
                      "horizon": play.get("horizon"), "status": play.get("status") or "proposed",
                      "done": play.get("status") == "done", "measure": success.get("text") or "",
                      "signal": signal, "goal": success.get("goal"), "target": success.get("target"),
                      "by": success.get("by"), **change,
                      "verdict": verdict(signal, success.get("goal"), success.get("target"), was, is_now,
                                         success.get("by"))})
    earlier = dig(previous, "progress", "history")
    earlier = [dict(h) for h in earlier if isinstance(h, dict)] if isinstance(earlier, list) else []
    history = earlier or [_point(previous)]
    history.append(_point(current))
    teams = {t: _change(before.get(f"team.{t}"), now.get(f"team.{t}")) for t in ("sales", "marketing")
             if f"team.{t}" in now or f"team.{t}" in before}
    return {
        "previous": {"date": _text(previous.get("date")), "index": number(previous.get("index")),
                     "stage": _text(previous.get("stage")), "slug": _text(previous.get("slug"))},
        "current": {"date": _text(current.get("date")), "index": number(current.get("index")),
                    "stage": _text(current.get("stage")), "slug": _text(current.get("slug"))},
        "index": _change(previous.get("index"), current.get("index")),
        "gap": _change(previous.get("gap"), current.get("gap")),
        "stage": {"before": _text(previous.get("stage")), "after": _text(current.get("stage")),
                  "moved": _stage_move(previous.get("stage"), current.get("stage"))},
        "dimensions": dimensions,
        "teams": teams,
        "plays": plays,
        "done": sum(p["done"] for p in plays),
        "planned": len(plays),
        "improved": sum(p["verdict"] in ("improved", "target met") for p in plays),
        "history": history,
    }
