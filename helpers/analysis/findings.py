"""Findings in plain words: the three that matter most (the handout's summary), and the words
for each number that fired a play (the plan's "why").

Pure: computed from the results dict through the same signals the playbook triggers read
(:mod:`helpers.triggers`). Re-exported by :mod:`helpers.plan` (``key_findings``, ``describe``,
``format_value``, ``signal_format``, ``signal_label``).
"""

from __future__ import annotations
from typing import Any
from helpers.analysis.triggers import as_dict, dig, number, signals


OPS_TEXT = {"below": "below", "above": "above", "at_most": "at most", "at_least": "at least",
            "abs_above": "more than \u00b1"}


def _dim_label(results: dict, dim: str) -> str:
    return str(dig(results, "dimensions", dim, "label") or dig(results, "discovery", "dimension_labels", dim) or dim)


def _survey_findings(results: dict, sig: dict) -> list[tuple[float, dict]]:
    out: list[tuple[float, dict]] = []
    dims = {k[len("dimension."):]: v for k, v in sig.items() if k.startswith("dimension.") and k.count(".") == 1}
    if dims:
        low = min(dims, key=lambda d: (dims[d], d))
        value = dims[low]
        out.append((max(0.2, (60 - value) / 20),
                    {"text": f"The weakest area is “{_dim_label(results, low)}”, scoring {value:.1f} out of 100.",
                     "value": value, "source": "survey", "signal": f"dimension.{low}"}))
    gaps = {k[len("gap."):]: v for k, v in sig.items() if k.startswith("gap.") and k != "gap.widest"}
    if gaps:
        dim = max(gaps, key=lambda d: (abs(gaps[d]), d))
        gap = gaps[dim]
        if abs(gap) >= 5:
            side, other = ("Sales", "marketing") if gap > 0 else ("Marketing", "sales")
            significant = dig(results, "dimensions", dim, "significant") is True
            out.append((abs(gap) / 10 + (0.5 if significant else 0),
                        {"text": f"{side} rate “{_dim_label(results, dim)}” {abs(gap):.1f} points higher than {other} do: "
                                 "the two teams see it differently.",
                         "value": gap, "source": "survey", "signal": f"gap.{dim}"}))
    if abs(sig.get("gap") or 0) >= 5:
        gap = sig["gap"]
        side, other = ("Sales", "marketing") if gap > 0 else ("Marketing", "sales")
        out.append((abs(gap) / 10 + (0.3 if sig.get("gap_significant") else 0),
                    {"text": f"Overall, {side.lower()} rate the relationship {abs(gap):.1f} points higher than {other}.",
                     "value": gap, "source": "survey", "signal": "gap"}))
    if abs(sig.get("levels.gap") or 0) >= 5:
        gap = sig["levels.gap"]
        who, whom = ("Leaders", "their staff") if gap > 0 else ("Staff", "their leaders")
        out.append((abs(gap) / 10,
                    {"text": f"{who} rate alignment {abs(gap):.1f} points higher than {whom} do.",
                     "value": gap, "source": "survey", "signal": "levels.gap"}))
    return out


def _other_findings(results: dict, sig: dict) -> list[tuple[float, dict]]:
    out: list[tuple[float, dict]] = []
    share = sig.get("funnel.within_sla_share")
    if share is not None and share < 0.8:
        hours = number(dig(results, "funnel", "response", "sla_hours")) or 24
        median = number(dig(results, "funnel", "response", "median_hours"))
        tail = f" (median first response: {median:.1f} hours)" if median is not None else ""
        handed = number(dig(results, "funnel", "response", "n"))
        who = f"the {handed:g} leads handed to sales" if handed else "leads handed to sales"
        out.append(((0.8 - share) / 0.2 + 0.3,
                    {"text": f"Only {100 * share:.0f}% of {who} were contacted within the {hours:g}-hour SLA{tail}.",
                     "value": share, "source": "funnel", "signal": "funnel.within_sla_share"}))
    never = sig.get("funnel.never_contacted_share")
    if never is not None and never >= 0.05:
        out.append((never / 0.1, {"text": f"{100 * never:.0f}% of the leads handed to sales were never contacted at all.",
                                  "value": never, "source": "funnel", "signal": "funnel.never_contacted_share"}))
    leak = dig(results, "funnel", "biggest_leak")
    if isinstance(leak, dict) and leak.get("below_reference") and \
            all(number(leak.get(k)) is not None for k in ("rate", "low", "high")):
        out.append((0.8 + (number(leak.get("shortfall")) or 0) / 0.1,
                    {"text": f"The biggest leak is {leak.get('label', leak.get('step'))}: {100 * leak['rate']:.0f}% convert, "
                             f"below the {100 * leak['low']:.0f}-{100 * leak['high']:.0f}% often quoted.",
                     "value": leak["rate"], "source": "funnel", "signal": f"funnel.conversion.{leak.get('step')}"}))
    uncovered = sig.get("discovery.uncovered_role") or []
    if uncovered:
        names = {"economic": "economic buyer", "technical": "technical buyer (for example the CIO)",
                 "user": "user buyer", "coach": "coach"}
        roles = " or ".join(names.get(r, r) for r in uncovered)
        out.append((1.0 + 0.3 * ("economic" in uncovered or "technical" in uncovered),
                    {"text": f"Nobody in the role of {roles} has been interviewed yet.", "value": len(uncovered),
                     "source": "discovery", "signal": "discovery.uncovered_role"}))
    pains = {d: v for d, v in as_dict(dig(results, "discovery", "pain_dimensions")).items()
             if d != "other" and isinstance(v, dict)}
    total = number(dig(results, "discovery", "interviews")) or 0
    if isinstance(pains, dict) and pains and total >= 2:
        dim = max(pains, key=lambda d: (number(pains[d].get("interviews")) or 0, str(d)))
        count = number(pains[dim].get("interviews")) or 0
        if count >= 2:
            out.append((count / total * 1.5,
                        {"text": f"{count:g} of {total:g} people interviewed raised a pain about “{_dim_label(results, dim)}”.",
                         "value": count, "source": "discovery", "signal": f"discovery.pain.{dim}"}))
    handoff_pains = sig.get("journey.handoff_pains")
    if handoff_pains:
        where = "1 pain point in the customer journey sits" if handoff_pains == 1 else \
            f"{handoff_pains:g} pain points in the customer journey sit"
        out.append((handoff_pains / 3, {"text": f"{where} where the customer changes hands.",
                                        "value": handoff_pains, "source": "journey", "signal": "journey.handoff_pains"}))
    assumed = sig.get("journey.assumed_share")
    if assumed is not None and assumed > 0.5:
        out.append((0.5, {"text": f"{100 * assumed:.0f}% of the journey map rests on assumption rather than evidence.",
                          "value": assumed, "source": "journey", "signal": "journey.assumed_share"}))
    return out


def key_findings(results: dict, n: int = 3) -> list[dict]:
    """The findings that matter most, in plain words with their numbers.

    Candidates (weakest dimension, widest perception gap, leaders against staff, speed to lead,
    untouched leads, the biggest funnel leak, uncovered buying roles, the most raised pain,
    pains at hand-offs) are weighed by how far they lie from a healthy value; at most two come
    from the same source, so the summary is not all survey.

    Parameters
    ----------
    results : dict
        The results dict (sections optional).
    n : int
        How many findings to return.

    Returns
    -------
    list of dict
        ``[{"text", "value", "source", "signal"}]``, most important first; shorter (or empty)
        when the data holds fewer findings.
    """
    sig = signals(results)
    candidates = sorted(_survey_findings(results, sig) + _other_findings(results, sig),
                        key=lambda item: -item[0])
    chosen: list[dict] = []
    for _, finding in candidates:
        if sum(f["source"] == finding["source"] for f in chosen) < 2:
            chosen.append(finding)
        if len(chosen) == n:
            break
    return chosen


# --------------------------------------------------------------------------- a triggering number in words
def _format_of(signal: str, labels: dict) -> str:
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


def signal_format(signal: str, labels: dict | None = None) -> str:
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


def signal_label(signal: str, labels: dict, results: dict) -> str:
    """Plain-words name of a signal, from the playbook's ``signals:`` or the dimension labels."""
    entry = labels.get(signal)
    if isinstance(entry, dict) and entry.get("label"):
        return str(entry["label"])
    parts = signal.split(".")
    dims = as_dict(results.get("dimensions"))
    dim_label = (dims.get(parts[1]) or {}).get("label", parts[1]) if len(parts) > 1 else ""
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


def describe(ev: dict, labels: dict, results: dict) -> str:
    """One evidence item of :func:`helpers.triggers.evaluate` in plain words with its source."""
    signal, op, value = ev["signal"], ev["op"], ev["value"]
    label = signal_label(signal, labels, results)
    if op == "absent":
        return f"No {label} yet ({ev['source']})"
    fmt = _format_of(signal, labels)
    names = (labels.get(signal) or {}).get("values") if isinstance(labels.get(signal), dict) else None
    if isinstance(names, dict) and isinstance(value, (list, str)):
        value = [names.get(v, v) for v in value] if isinstance(value, list) else names.get(value, value)
    shown = format_value(value, fmt)
    if signal == "stage" and number(results.get("index")) is not None:   # the number behind the stage
        shown += f", index {number(results['index']):.1f}"
    text = f"{label[0].upper()}{label[1:]}: {shown} ({ev['source']})"
    if op in OPS_TEXT:
        threshold = format_value(ev["threshold"], fmt).lstrip("+")
        text += f", {OPS_TEXT[op]}{'' if op == 'abs_above' else ' '}{threshold}"
    return text
