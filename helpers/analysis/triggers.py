"""Signals collected from the results dict, and the evaluation of playbook triggers over them.

Trigger language (validated by :func:`helpers.playbook.check_trigger`)
----------------------------------------------------------------------
A trigger is one condition or a combination. A condition names a signal and one test::

    {signal: dimension.handoff, below: 50}
    {signal: gap.goals, abs_above: 10}
    {signal: stage, equals: Undefined}
    {signal: funnel.within_sla_share, below: 0.5}
    {signal: discovery.uncovered_role, contains: technical}
    {signal: discovery.tag.pain, at_least: 3}
    {all: [{signal: stage, equals: Aligned}, {signal: dimension.technology, below: 70}]}

Tests: ``below`` (<), ``above`` (>), ``at_most`` (<=), ``at_least`` (>=), ``abs_above``
(absolute value >, for gaps either way), ``equals`` (text ignores case), ``one_of`` (a list),
``contains`` (a list holds the value, or a text contains it), ``absent: true`` / ``present:
true``. Combine with ``all``, ``any`` and ``not``. A missing signal fails every test except
``absent``, so a play never fires on data the engagement does not have.

Signals
-------
Survey: ``index``, ``stage``, ``gap`` (sales minus marketing), ``gap_significant``, ``survey``
(respondents used; present when scored), ``dimension.<dim>``, ``dimension.<dim>.sales`` /
``.marketing``, ``gap.<dim>``, ``gap.widest`` (largest absolute dimension gap), ``team.sales`` /
``team.marketing``, ``levels.gap`` (leaders minus staff). Every scalar (or list of texts) inside
``results["discovery"]``, ``["journey"]`` and ``["funnel"]`` is a signal named by its dotted path
(e.g. ``discovery.interviews``), and ``discovery`` / ``journey`` / ``funnel`` are present when
the section is. Derived signals are listed in :data:`DERIVED`.
"""

from __future__ import annotations
import math
from typing import Any


SECTIONS = ("discovery", "journey", "funnel")


#: Largest "size of a finding": a value this far past its threshold counts as the most severe.
MAX_SIZE = 1.5


#: Signals computed from a section rather than read from one path.
DERIVED: dict[str, str] = {
    "discovery.uncovered_role": "influence roles (economic, user, technical, coach) with nobody interviewed",
    "discovery.tag.<tag>": "answers tagged pain / implication / need / quote",
    "discovery.pain.<dim>": "interviews raising a pain about a dimension",
    "discovery.red_flag": "red-flag codes raised by the stakeholder map",
    "funnel.within_sla_share": "share of leads first contacted within the SLA (0..1)",
    "funnel.within_hour_share": "share of leads first contacted within an hour (0..1)",
    "funnel.median_response_hours": "median hours from lead to first response",
    "funnel.never_contacted_share": "share of leads never contacted (0..1)",
    "funnel.acceptance_rate": "share of MQLs sales accepted (0..1)",
    "funnel.rejection_rate": "share of MQLs sales turned down (0..1)",
    "funnel.conversion.<step>": "conversion of a funnel step, e.g. mql_sal, sal_sql, sql_won (0..1)",
    "funnel.below_reference": "funnel steps below the vendor-quoted reference range (list)",
    "journey.handoffs": "hand-offs in the map (declared or owner changes)",
    "journey.handoff_pains": "pain points recorded at stages a hand-off leads into",
    "journey.pain_points": "pain points in the map",
    "journey.stages_without_kpi_count": "stages with no KPI",
    "journey.assumed_share": "share of stages backed by assumption only (0..1)",
    "journey.measured_share": "share of stages backed by measurement (0..1)",
}


def as_dict(value: Any) -> dict:
    """``value`` when it is a dict, else an empty dict (for defensive reading of results)."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def dig(node: Any, *keys: str) -> Any:
    """``node[k1][k2]...``, or None as soon as a level is not a dict or lacks the key."""
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def number(value: Any) -> float | None:
    """``value`` as a float, or None for bools, text, None and NaN."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return None if math.isnan(value) else float(value)


def _flatten(prefix: str, node: Any, out: dict[str, Any], depth: int = 0) -> None:
    if depth > 5:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}", value, out, depth + 1)
    elif isinstance(node, (bool, str)):
        out[prefix] = node
    elif number(node) is not None:
        out[prefix] = number(node)
    elif isinstance(node, list) and all(isinstance(v, str) for v in node):
        out[prefix] = list(node)


def _survey(results: dict, out: dict[str, Any]) -> None:
    for key in ("index", "gap"):
        if number(results.get(key)) is not None:
            out[key] = number(results[key])
    if isinstance(results.get("stage"), str):
        out["stage"] = results["stage"]
    if isinstance(results.get("gap_significant"), bool):
        out["gap_significant"] = results["gap_significant"]
    if "index" in out:
        out["survey"] = number(dig(results, "respondents", "used")) or 1.0
    gaps = []
    dims = as_dict(results.get("dimensions"))
    for dim, info in dims.items():
        if not isinstance(info, dict):
            continue
        for key, name in (("index", f"dimension.{dim}"), ("sales", f"dimension.{dim}.sales"),
                          ("marketing", f"dimension.{dim}.marketing"), ("gap", f"gap.{dim}")):
            if number(info.get(key)) is not None:
                out[name] = number(info[key])
        gap = number(info.get("gap"))
        if gap is not None:
            gaps.append(abs(gap))
    if gaps:
        out["gap.widest"] = max(gaps)
    teams = as_dict(results.get("teams"))
    for team, info in teams.items():
        if isinstance(info, dict) and number(info.get("index")) is not None:
            out[f"team.{team}"] = number(info["index"])
    levels = results.get("levels")
    if isinstance(levels, dict) and number(levels.get("gap")) is not None:
        out["levels.gap"] = number(levels["gap"])


def _discovery(d: dict, out: dict[str, Any]) -> None:
    raw = d.get("uncovered_roles")
    uncovered = [r for r in raw if isinstance(r, str)] if isinstance(raw, list) else []
    roles = as_dict(d.get("roles"))
    for role, info in roles.items():
        if isinstance(info, dict) and not info.get("interviewed") and role not in uncovered:
            uncovered.append(role)
    if d.get("interviews") or roles:
        out["discovery.uncovered_role"] = uncovered
    tags = as_dict(d.get("tags"))
    for tag, info in tags.items():
        value = number(info.get("answers")) if isinstance(info, dict) else number(info)
        if value is not None:
            out[f"discovery.tag.{tag}"] = value
    pains = as_dict(d.get("pain_dimensions"))
    for dim, info in pains.items():
        if isinstance(info, dict) and number(info.get("interviews")) is not None:
            out[f"discovery.pain.{dim}"] = number(info["interviews"])
    flags = _list(d.get("red_flags"))
    out["discovery.red_flag"] = [f.get("code") for f in flags if isinstance(f, dict) and isinstance(f.get("code"), str)]


def _first(section: dict, *paths: str) -> float | None:
    for path in paths:
        node: Any = section
        for key in path.split("."):
            node = node.get(key) if isinstance(node, dict) else None
        if number(node) is not None:
            return number(node)
    return None


def _funnel(f: dict, out: dict[str, Any]) -> None:
    aliases = {
        "funnel.within_sla_share": ("response.share_within_sla", "within_sla_share"),
        "funnel.within_hour_share": ("response.share_within_hour",),
        "funnel.median_response_hours": ("response.median_hours", "median_response_hours"),
        "funnel.never_contacted_share": ("response.share_never_contacted", "never_contacted_share"),
        "funnel.acceptance_rate": ("handoff.acceptance_rate",),
        "funnel.rejection_rate": ("handoff.rejection_rate",),
    }
    for name, paths in aliases.items():
        value = _first(f, *paths)
        if value is not None:
            out[name] = value
    rates = as_dict(f.get("rates"))
    for step, rate in rates.items():
        if number(rate) is not None:
            out[f"funnel.conversion.{step}"] = number(rate)
    marks = _list(f.get("benchmarks"))
    out["funnel.below_reference"] = [b["step"] for b in marks
                                     if isinstance(b, dict) and b.get("status") == "below" and isinstance(b.get("step"), str)]


def _journey(j: dict, out: dict[str, Any]) -> None:
    evidence = as_dict(j.get("evidence"))
    for name, key in (("journey.assumed_share", "share_assumed"), ("journey.measured_share", "share_measured")):
        if number(evidence.get(key)) is not None:
            out[name] = number(evidence[key])
    handoffs = [h for h in _list(j.get("handoffs")) if isinstance(h, dict)]
    if isinstance(j.get("handoffs"), list):
        out["journey.handoffs"] = float(len(handoffs))
    for key in ("stages_without_kpi", "pain_points"):
        if isinstance(j.get(key), list):
            out[f"journey.{key}_count" if key != "pain_points" else "journey.pain_points"] = float(len(j[key]))
    targets = {(str(h.get("journey")), str(h.get("to_stage"))) for h in handoffs}
    pains = [p for p in _list(j.get("pain_points")) if isinstance(p, dict)]
    if isinstance(j.get("pain_points"), list):
        out["journey.handoff_pains"] = float(sum((str(p.get("journey")), str(p.get("stage"))) in targets for p in pains))


def signals(results: dict) -> dict[str, Any]:
    """Every named signal the triggers can read, collected defensively from a results dict.

    Parameters
    ----------
    results : dict
        The results dict (any subset of its keys; wrong types are ignored).

    Returns
    -------
    dict
        Signal name -> number, text, bool or list of texts. Absent data yields no key.
    """
    out: dict[str, Any] = {}
    if not isinstance(results, dict):
        return out
    _survey(results, out)
    for section, derive in (("discovery", _discovery), ("journey", _journey), ("funnel", _funnel)):
        node = results.get(section)
        if isinstance(node, dict) and node:
            out[section] = 1.0
            _flatten(section, node, out)
            derive(node, out)
    return out


def source_of(signal: str) -> str:
    """The results section a signal comes from: survey, discovery, journey or funnel."""
    head = signal.split(".", 1)[0]
    return head if head in SECTIONS else "survey"


def _test(op: str, expected: Any, value: Any) -> bool:
    if op == "absent":
        return value is None
    if value is None:
        return False
    if op == "present":
        return True
    num = number(value)
    if op in ("below", "above", "at_most", "at_least", "abs_above"):
        if num is None:
            return False
        return {"below": num < expected, "above": num > expected, "at_most": num <= expected,
                "at_least": num >= expected, "abs_above": abs(num) > expected}[op]
    if op == "equals":
        return _same(value, expected)
    if op == "one_of":
        return any(_same(value, e) for e in expected)
    if op == "contains":
        if isinstance(value, list):
            return any(_same(v, expected) for v in value)
        return isinstance(value, str) and str(expected).lower() in value.lower()
    raise ValueError(f"unknown trigger test {op!r}")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return str(a).strip().lower() == str(b).strip().lower()
    return a == b


#: Typical size of a meaningful difference, per kind of signal, for the size of a finding.
def _scale(signal: str, threshold: float) -> float:
    name = signal.split(".")[0]
    if signal.startswith(("gap", "levels.gap")):
        return 10.0
    if name in ("index", "dimension", "team"):
        return 20.0
    if signal.endswith(("share", "rate")) or ".conversion." in signal or 0 < abs(threshold) <= 1:
        return 0.25
    return max(abs(threshold), 1.0)


def evaluate(trigger: dict, sig: dict[str, Any]) -> tuple[bool, list[dict]]:
    """Evaluate a trigger against signals.

    Parameters
    ----------
    trigger : dict
        A validated trigger expression.
    sig : dict
        Signals from :func:`signals`.

    Returns
    -------
    (fired, evidence)
        ``evidence`` lists, for each condition that made the trigger fire, ``{"signal", "value",
        "source", "op", "threshold", "size"}``; ``size`` (0.1..1.5) is how far the value lies
        past the threshold, relative to the signal's typical scale (0.5 for text tests).
    """
    if "all" in trigger:
        results = [evaluate(t, sig) for t in trigger["all"]]
        fired = all(r[0] for r in results)
        return fired, [e for r in results for e in r[1]] if fired else []
    if "any" in trigger:
        results = [evaluate(t, sig) for t in trigger["any"]]
        return any(r[0] for r in results), [e for r in results if r[0] for e in r[1]]
    if "not" in trigger:
        fired, _ = evaluate(trigger["not"], sig)
        return not fired, []
    name = trigger["signal"]
    op = next(k for k in trigger if k != "signal")
    expected, value = trigger[op], sig.get(name)
    if not _test(op, expected, value):
        return False, []
    size = 0.5
    num = number(value)
    if op in ("below", "above", "at_most", "at_least", "abs_above") and num is not None:
        distance = abs(abs(num) - expected) if op == "abs_above" else abs(num - expected)
        size = min(MAX_SIZE, 0.1 + distance / _scale(name, float(expected)))
    shown = expected if op not in ("absent", "present") else None
    return True, [{"signal": name, "value": value, "source": source_of(name), "op": op,
                   "threshold": shown, "size": round(size, 3)}]
