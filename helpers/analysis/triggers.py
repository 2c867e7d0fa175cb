"""Signals built from the typed results, and the evaluation of playbook triggers over them.

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
``team.marketing``, ``levels.gap`` (leaders minus staff), ``gap.<dim>.significant`` (True when
that gap is larger than noise, False within noise, absent when too few answered) and
``gap.widest.significant`` (the same for the widest gap). A gap play tests both the size and
``.significant``, so it never fires on noise. Every scalar (or list of texts) inside
``results["discovery"]``, ``["journey"]`` and ``["funnel"]`` is a signal named by its dotted path
(e.g. ``discovery.interviews``), and ``discovery`` / ``journey`` / ``funnel`` are present when
the section is. Derived signals are listed in :data:`DERIVED`.
"""

from __future__ import annotations
import math
from collections.abc import Mapping
from typing import Any, TypedDict, Union
from helpers.analysis.discovery import DiscoverySynthesis
from helpers.analysis.funnel import FunnelMetrics
from helpers.analysis.journey import JourneySummary
from helpers.analysis.survey import SurveyResults


SECTIONS = ("discovery", "journey", "funnel")
#: Signals that only say a part of the data is there (1.0, or the survey's respondent count), not a measure.
PRESENCE_SIGNALS = ("survey", *SECTIONS)


#: Largest "size of a finding": a value this far past its threshold counts as the most severe.
MAX_SIZE = 1.5


#: The value of a signal: a number, a text, a yes/no, or a list of texts.
SignalValue = Union[float, str, bool, list[str]]


#: Signal name -> value; absent data yields no key.
Signals = dict[str, SignalValue]


class Analysed(SurveyResults):
    """What the signals are read from: the survey part and the discovery, journey and funnel sections.

    :class:`helpers.results.Results` holds all of these, so a full results dict is one too.
    """

    discovery: DiscoverySynthesis | None
    journey: JourneySummary | None
    funnel: FunnelMetrics | None


class Evidence(TypedDict):
    """One condition that made a trigger fire: the signal, its value, and how far past the threshold.

    ``value`` is None for an ``absent`` test; ``threshold`` is the trigger's own value (a number,
    a text or a list; None for ``absent`` / ``present``); ``size`` (0.1..1.5) is how far the value
    lies past it (0.5 for text tests).
    """

    signal: str
    value: SignalValue | None
    source: str
    op: str
    threshold: Any
    size: float


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


def number(value: object) -> float | None:
    """A signal value (or a playbook threshold or target) as a float; None for bools, text, lists and None.

    Signal values are a union by design (:data:`SignalValue`): numeric tests need the number.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return None if math.isnan(value) else float(value)


def _flatten(prefix: str, node: object, out: Signals, depth: int = 0) -> None:
    """Every scalar (or list of texts) under a section, named by its dotted path."""
    if depth > 5:
        return
    if isinstance(node, Mapping):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}", value, out, depth + 1)
    elif isinstance(node, (bool, str)):
        out[prefix] = node
    elif (num := number(node)) is not None:
        out[prefix] = num
    elif isinstance(node, list) and all(isinstance(v, str) for v in node):
        out[prefix] = list(node)


def _survey(results: SurveyResults, out: Signals) -> None:
    if results["index"] is not None:
        out["index"] = float(results["index"])
    if results["gap"] is not None:
        out["gap"] = float(results["gap"])
    if results["stage"] is not None:
        out["stage"] = results["stage"]
    if results["gap_significant"] is not None:
        out["gap_significant"] = results["gap_significant"]
    if "index" in out:
        out["survey"] = float(results["respondents"]["used"]) or 1.0
    gaps = []
    for dim, info in results["dimensions"].items():
        for value, name in ((info["index"], f"dimension.{dim}"), (info["sales"], f"dimension.{dim}.sales"),
                            (info["marketing"], f"dimension.{dim}.marketing"), (info["gap"], f"gap.{dim}")):
            if value is not None:
                out[name] = float(value)
        if info["gap"] is not None:
            gaps.append((abs(float(info["gap"])), dim))
        if info["significant"] is not None:
            out[f"gap.{dim}.significant"] = bool(info["significant"])
    if gaps:
        widest, dim = max(gaps)
        out["gap.widest"] = widest
        if f"gap.{dim}.significant" in out:
            out["gap.widest.significant"] = out[f"gap.{dim}.significant"]
    for team, score in results["teams"].items():
        if score["index"] is not None:
            out[f"team.{team}"] = float(score["index"])
    levels = results["levels"]
    if levels is not None and levels["gap"] is not None:
        out["levels.gap"] = float(levels["gap"])


def uncovered_roles(d: DiscoverySynthesis) -> list[str]:
    """Influence roles nobody holds, then roles whose holders were not interviewed."""
    uncovered = list(d["uncovered_roles"])
    for role, cover in d["roles"].items():
        if not cover["interviewed"] and role not in uncovered:
            uncovered.append(role)
    return uncovered


def _discovery(d: DiscoverySynthesis, out: Signals) -> None:
    if d["interviews"] or d["roles"]:
        out["discovery.uncovered_role"] = uncovered_roles(d)
    for tag, count in d["tags"].items():
        out[f"discovery.tag.{tag}"] = float(count["answers"])
    for dim, pain in d["pain_dimensions"].items():
        out[f"discovery.pain.{dim}"] = float(pain["interviews"])
    out["discovery.red_flag"] = [f["code"] for f in d["red_flags"]]


def _funnel(f: FunnelMetrics, out: Signals) -> None:
    response, handoff = f["response"], f["handoff"]
    found: list[tuple[str, float | None]] = []
    if response is not None:
        found += [("funnel.within_sla_share", response["share_within_sla"]),
                  ("funnel.within_hour_share", response["share_within_hour"]),
                  ("funnel.median_response_hours", response["median_hours"]),
                  ("funnel.never_contacted_share", response["share_never_contacted"])]
    if handoff is not None:
        found += [("funnel.acceptance_rate", handoff["acceptance_rate"]),
                  ("funnel.rejection_rate", handoff["rejection_rate"])]
    for name, value in found:
        if value is not None:
            out[name] = float(value)
    for step, rate in f["rates"].items():
        if rate is not None:
            out[f"funnel.conversion.{step}"] = float(rate)
    out["funnel.below_reference"] = [b["step"] for b in f["benchmarks"] if b["status"] == "below"]


def handoff_pains(j: JourneySummary) -> int:
    """Pain points recorded at the stages a hand-off leads into."""
    targets = {(h["journey"], h["to_stage"]) for h in j["handoffs"]}
    return sum((p["journey"], p["stage"]) in targets for p in j["pain_points"])


def _journey(j: JourneySummary, out: Signals) -> None:
    evidence = j["evidence"]
    if evidence["share_assumed"] is not None:
        out["journey.assumed_share"] = float(evidence["share_assumed"])
    if evidence["share_measured"] is not None:
        out["journey.measured_share"] = float(evidence["share_measured"])
    out["journey.handoffs"] = float(len(j["handoffs"]))
    out["journey.stages_without_kpi_count"] = float(len(j["stages_without_kpi"]))
    out["journey.pain_points"] = float(len(j["pain_points"]))
    out["journey.handoff_pains"] = float(handoff_pains(j))


def signals(results: Analysed) -> Signals:
    """Every named signal the triggers can read, built from the typed results.

    Parameters
    ----------
    results : Analysed
        The survey part and the discovery, journey and funnel sections (a full results dict).

    Returns
    -------
    dict
        Signal name -> number, text, bool or list of texts. Absent data yields no key.
    """
    out: Signals = {}
    _survey(results, out)
    discovery, journey, funnel = results["discovery"], results["journey"], results["funnel"]
    if discovery is not None:
        out["discovery"] = 1.0
        _flatten("discovery", discovery, out)
        _discovery(discovery, out)
    if journey is not None:
        out["journey"] = 1.0
        _flatten("journey", journey, out)
        _journey(journey, out)
    if funnel is not None:
        out["funnel"] = 1.0
        _flatten("funnel", funnel, out)
        _funnel(funnel, out)
    return out


def source_of(signal: str) -> str:
    """The results section a signal comes from: survey, discovery, journey or funnel."""
    head = signal.split(".", 1)[0]
    return head if head in SECTIONS else "survey"


def _test(op: str, expected: Any, value: SignalValue | None) -> bool:
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


def evaluate(trigger: dict[str, Any], sig: Signals) -> tuple[bool, list[Evidence]]:
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
        ``evidence`` lists, for each condition that made the trigger fire, an :class:`Evidence`;
        ``size`` (0.1..1.5) is how far the value lies past the threshold, relative to the
        signal's typical scale (0.5 for text tests).
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
