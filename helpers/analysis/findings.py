"""Findings in plain words: the three that matter most (the handout's summary), and the words
for each number that fired a play (the plan's "why").

Pure: computed from the typed results (:class:`~helpers.analysis.triggers.Analysed`), from the
same fields the playbook's signals are built from (:mod:`helpers.analysis.triggers`).
"""

from __future__ import annotations
from typing import Any, TypedDict
from helpers.analysis.survey_method import reads_as_one
from helpers.analysis.triggers import Analysed, Evidence, handoff_pains, number
from helpers.formatting import clock_words, fill
from helpers.vocabulary import SCALE_WORDS


OPS_TEXT = {"below": "below", "above": "above", "at_most": "at most", "at_least": "at least",
            "abs_above": "more than \u00b1"}


class Finding(TypedDict):
    """A finding in plain words, with the number behind it, its source and the signal it reads."""

    text: str
    value: float
    source: str
    signal: str


#: Strength of evidence by source: measured CRM facts, then survey scores, then interviews and the map.
STRENGTH: dict[str, int] = {"funnel": 3, "survey": 2, "journey": 1, "discovery": 1}


#: Impact weights above this count the same (a 90% miss and a 60% miss are both severe).
MAX_WEIGHT = 3.0


def _dim_label(results: Analysed, dim: str) -> str:
    if dim in results["dimensions"]:
        return results["dimensions"][dim]["label"]
    discovery = results["discovery"]
    return discovery["dimension_labels"].get(dim, dim) if discovery is not None else dim


def _survey_findings(results: Analysed) -> list[tuple[float, Finding]]:
    out: list[tuple[float, Finding]] = []
    dimensions = results["dimensions"]
    # a dimension whose statements do not hang together (alpha known and low) is no headline
    dims = {d: float(info["index"]) for d, info in dimensions.items()
            if info["index"] is not None and reads_as_one(d, info, results.get("statements") or [])}
    if dims:
        low = min(dims, key=lambda d: (dims[d], d))
        value = dims[low]
        out.append((max(0.2, (60 - value) / 20),
                    {"text": f"The weakest area is “{_dim_label(results, low)}”, scoring {value:.1f} {SCALE_WORDS}.",
                     "value": value, "source": "survey", "signal": f"dimension.{low}"}))
    gaps = {d: float(info["gap"]) for d, info in dimensions.items() if info["gap"] is not None}
    if gaps:
        dim = max(gaps, key=lambda d: (abs(gaps[d]), d))
        gap = gaps[dim]
        if abs(gap) >= 5 and dimensions[dim]["significant"] is True:   # a gap within noise is no finding
            side, other = ("Sales", "marketing") if gap > 0 else ("Marketing", "sales")
            out.append((abs(gap) / 10 + 0.5,
                        {"text": f"{side} rate “{_dim_label(results, dim)}” {abs(gap):.1f} points higher than {other} do: "
                                 "the two teams see it differently.",
                         "value": gap, "source": "survey", "signal": f"gap.{dim}"}))
    if results["gap"] is not None and abs(results["gap"]) >= 5 and results["gap_significant"] is True:
        gap = float(results["gap"])
        side, other = ("Sales", "marketing") if gap > 0 else ("Marketing", "sales")
        out.append((abs(gap) / 10 + 0.3,
                    {"text": f"Overall, {side.lower()} rate the relationship {abs(gap):.1f} points higher than {other}.",
                     "value": gap, "source": "survey", "signal": "gap"}))
    levels = results["levels"]
    if levels is not None and levels["gap"] is not None and abs(levels["gap"]) >= 5:
        gap = float(levels["gap"])
        who, whom = ("Leaders", "their staff") if gap > 0 else ("Staff", "their leaders")
        out.append((abs(gap) / 10,
                    {"text": f"{who} rate alignment {abs(gap):.1f} points higher than {whom} do.",
                     "value": gap, "source": "survey", "signal": "levels.gap"}))
    return out


def _rule_phrase(sla: Any) -> str:
    """The response rule as the handout names it: agreed or only proposed, on its own clock.

    ``"the agreed rule of 4 working hours"``, ``"the proposed 24-hour rule"``. Results saved
    before the rule had a status or a clock (an earlier wave's JSON) read as a proposed
    calendar-hour rule: a rule is never called agreed unless it says so.
    """
    sla = sla or {}
    hours = float(sla.get("response_hours") or 24)
    status = "agreed" if sla.get("status") == "agreed" else "proposed"
    if sla.get("clock") == "business":
        return f"the {status} rule of {sla.get('rule_words') or f'{hours:g} working hours'}"
    return f"the {status} {hours:g}-hour rule, counted in calendar hours"


def _funnel_findings(results: Analysed) -> list[tuple[float, Finding]]:
    out: list[tuple[float, Finding]] = []
    funnel = results["funnel"]
    if funnel is None:
        return out
    sla: Any = funnel.get("sla")
    response = funnel["response"]
    share = response["share_within_sla"] if response is not None else None
    if response is not None and share is not None and share < 0.8:
        median = response["median_hours"]
        unit = "working hours" if (sla or {}).get("clock") == "business" else "hours"
        tail = (f" (median wait, counting leads not yet answered: {median:.1f} {unit})" if median is not None
                else "")
        handed = float(response["n"])
        who = (f"the {handed:g} leads handed to sales that can be judged" if handed
               else "leads handed to sales")
        out.append(((0.8 - share) / 0.2 + 0.3,
                    {"text": f"Only {100 * share:.0f}% of {who} got a first response within "
                             f"{_rule_phrase(sla)}{tail}.",
                     "value": float(share), "source": "funnel", "signal": "funnel.within_sla_share"}))
    never = response["share_never_contacted"] if response is not None else None
    if never is not None and never >= 0.05:
        out.append((never / 0.1, {"text": f"{100 * never:.0f}% of the leads handed to sales were not contacted "
                                          "by the export date.",
                                  "value": float(never), "source": "funnel", "signal": "funnel.never_contacted_share"}))
    leak = funnel["biggest_leak"]
    if leak is not None and leak["below_reference"]:
        # only a step whose whole 95% interval lies below a range a named source quotes
        out.append((0.8 + leak["shortfall"] / 0.1,
                    {"text": f"{leak['label']} converts below the range vendors quote: {100 * leak['rate']:.0f}% "
                             f"against {100 * leak['low']:.0f}-{100 * leak['high']:.0f}%, with its whole 95% "
                             "interval under that range.",
                     "value": leak["rate"], "source": "funnel", "signal": f"funnel.conversion.{leak['step']}"}))
    return out


def _discovery_findings(results: Analysed) -> list[tuple[float, Finding]]:
    out: list[tuple[float, Finding]] = []
    discovery = results["discovery"]
    if discovery is None:
        return out
    # who has not been interviewed yet is the consultant's homework (``plan.housekeeping``), not a finding
    pains = {d: float(v["interviews"]) for d, v in discovery["pain_dimensions"].items() if d != "other"}
    total = float(discovery["interviews"])
    if pains and total >= 2:
        dim = max(pains, key=lambda d: (pains[d], str(d)))
        count = pains[dim]
        if count >= 2:
            out.append((count / total * 1.5,
                        {"text": f"{count:g} of {total:g} people interviewed raised a pain about “{_dim_label(results, dim)}”.",
                         "value": count, "source": "discovery", "signal": f"discovery.pain.{dim}"}))
    return out


def _journey_findings(results: Analysed) -> list[tuple[float, Finding]]:
    out: list[tuple[float, Finding]] = []
    journey = results["journey"]
    if journey is None:
        return out
    at_handoffs = float(handoff_pains(journey))
    if at_handoffs:
        where = "1 pain point in the customer journey sits" if at_handoffs == 1 else \
            f"{at_handoffs:g} pain points in the customer journey sit"
        out.append((at_handoffs / 3, {"text": f"{where} where the customer changes hands.",
                                      "value": at_handoffs, "source": "journey", "signal": "journey.handoff_pains"}))
    assumed = journey["evidence"]["share_assumed"]
    if assumed is not None and assumed > 0.5:
        out.append((0.5, {"text": f"{100 * assumed:.0f}% of the journey map rests on assumption rather than evidence.",
                          "value": float(assumed), "source": "journey", "signal": "journey.assumed_share"}))
    return out


def key_findings(results: Analysed, n: int = 3) -> list[Finding]:
    """The findings that matter most, in plain words with their numbers.

    Candidates (weakest dimension, a perception gap larger than noise, leaders against staff,
    speed to lead, untouched leads, the biggest funnel leak, the most raised pain, pains at
    hand-offs) are ranked by strength of evidence first (:data:`STRENGTH`: a measured funnel fact
    before a survey score, a survey score before interview counts and journey-map cards), then by
    business impact (how far the number lies from a healthy value). So a survey-only flag never
    outranks a measured funnel fact. At most two come from the same source. Gaps within survey
    noise and the consultant's homework (who has not been interviewed) are never findings.

    Parameters
    ----------
    results : Analysed
        The results (a section whose data is absent is None).
    n : int
        How many findings to return.

    Returns
    -------
    list of Finding
        Most important first; shorter (or empty) when the data holds fewer findings.
    """
    candidates = sorted(_survey_findings(results) + _funnel_findings(results) + _discovery_findings(results)
                        + _journey_findings(results),
                        key=lambda item: (-STRENGTH[item[1]["source"]], -min(item[0], MAX_WEIGHT)))
    chosen: list[Finding] = []
    for _, finding in candidates:
        if sum(f["source"] == finding["source"] for f in chosen) < 2:
            chosen.append(finding)
        if len(chosen) == n:
            break
    return chosen


# --------------------------------------------------------------------------- a triggering number in words
def _format_of(signal: str, labels: dict[str, Any]) -> str:
    fmt = (labels.get(signal) or {}).get("format") if isinstance(labels.get(signal), dict) else None
    if fmt:
        return fmt
    if signal.startswith(("gap", "levels.gap")):
        return "gap"
    if signal.split(".")[0] in ("index", "dimension", "team"):
        return "score"
    if signal.endswith(("share", "rate")) or ".conversion." in signal:
        return "share"
    if signal.endswith("hours"):
        return "hours"
    return "count"


def signal_format(signal: str, labels: dict[str, Any] | None = None) -> str:
    """How a signal's value is written: score, gap, share, hours, count or text."""
    return _format_of(signal, labels or {})


def format_value(value: Any, fmt: str) -> str:
    """A signal value in words: ``score`` 42.0, ``gap`` +12.5, ``share`` 38%, ``hours`` 30.5 hours."""
    if isinstance(value, list):
        return ", ".join(map(str, value)) if value else "none"
    num = number(value)
    if num is None:
        return str(value)
    if fmt == "gap":
        return ("+" if num > 0 else "\u2212" if num < 0 else "\u00b1") + f"{abs(num):.1f} points"
    if fmt == "share":
        return f"{100 * num:.0f}%"
    if fmt == "hours":
        return f"{num:.1f} hours"
    if fmt == "score":
        return f"{num:.1f}"
    return f"{num:g}"


def signal_label(signal: str, labels: dict[str, Any], results: Analysed) -> str:
    """Plain-words name of a signal, from the playbook's ``signals:`` or the dimension labels."""
    entry = labels.get(signal)
    if isinstance(entry, dict) and entry.get("label"):
        return str(entry["label"])
    parts = signal.split(".")
    dims = results["dimensions"]
    dim_label = "" if len(parts) < 2 else dims[parts[1]]["label"] if parts[1] in dims else parts[1]
    if parts[0] == "dimension":
        side = f" as rated by {parts[2]}" if len(parts) > 2 else ""
        return f"“{dim_label}” score{side}"
    if parts[0] == "gap" and len(parts) == 2:
        return f"sales minus marketing gap on “{dim_label}”"
    if parts[0] == "team" and len(parts) == 2:
        return f"{parts[1]} team's alignment index"
    if parts[0] == "discovery" and len(parts) == 3 and parts[1] == "pain":
        return f"interviews naming a pain about “{dim_label}”"
    return signal.replace("_", " ")


def describe(ev: Evidence, labels: dict[str, Any], results: Analysed) -> str:
    """One evidence item of :func:`helpers.triggers.evaluate` in plain words with its source.

    The value and its source only: the trigger's threshold is a tuning number of the playbook and
    never reaches the client's handout (it stays in ``Evidence["threshold"]``).
    """
    signal, op, value = ev["signal"], ev["op"], ev["value"]
    source = SOURCE_WORDS.get(ev["source"], ev["source"])
    if signal == "gap_significant" or signal.endswith(".significant"):
        return "The difference between the teams is larger than survey noise (survey)" if value is True else \
            "The difference between the teams is within survey noise (survey)"
    business = on_business_clock(results)
    label = fill_hours(signal_label(signal, labels, results), business)
    if op == "absent":
        return f"No {label} yet ({source})"
    fmt = _format_of(signal, labels)
    names = (labels.get(signal) or {}).get("values") if isinstance(labels.get(signal), dict) else None
    if isinstance(names, dict) and isinstance(value, (list, str)):
        value = [names.get(v, v) for v in value] if isinstance(value, list) else names.get(value, value)
    shown = value_words(value, signal, fmt, business)
    if signal == "stage" and results["index"] is not None:   # the number behind the stage
        shown += f", index {results['index']:.1f}"
    # the trigger's threshold stays in the results (``Evidence``) for the consultant; the client
    # reads the number and where it comes from, never the playbook's cut-off
    return f"{label[0].upper()}{label[1:]}: {shown} ({source})"


#: Where a number comes from, as the client knows it (the results' section names are the program's).
SOURCE_WORDS = {"survey": "survey", "funnel": "CRM export", "discovery": "interviews", "journey": "journey map"}


def value_words(value: Any, signal: str, fmt: str, business: bool = False) -> str:
    """A signal's value in words (:func:`format_value`); the funnel's hours on a business clock as working hours."""
    shown = format_value(value, fmt)
    if fmt == "hours" and business and signal.startswith("funnel.") and number(value) is not None:
        shown = f"{number(value):.1f} working hours"  # measured on the SLA's clock
    return shown


def on_business_clock(results: Analysed) -> bool:
    """Whether the funnel's SLA counts working hours (its speed-to-lead numbers are then on that clock)."""
    funnel: Any = results.get("funnel") or {}
    return bool((funnel.get("sla") or {}).get("clock") == "business")


def fill_hours(text: str, business: bool) -> str:
    """A playbook label's clock placeholders as the SLA's clock says them (``{one_hour}``: "1 hour" or "1 working hour")."""
    return fill(text, {"one_hour": clock_words(business)["one_hour"]})  # a label is no place for a caveat
