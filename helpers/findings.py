"""The findings that matter most, in plain words with their numbers (the handout's summary).

Pure: computed from the results dict through the same signals the playbook triggers read
(:mod:`helpers.triggers`). Re-exported as :func:`helpers.plan.key_findings`.
"""

from __future__ import annotations

from helpers.triggers import as_dict, dig, number, signals

__all__ = ["key_findings"]

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
        out.append(((0.8 - share) / 0.2 + 0.3,
                    {"text": f"Only {100 * share:.0f}% of leads were contacted within the {hours:g}-hour SLA{tail}.",
                     "value": share, "source": "funnel", "signal": "funnel.within_sla_share"}))
    never = sig.get("funnel.never_contacted_share")
    if never is not None and never >= 0.05:
        out.append((never / 0.1, {"text": f"{100 * never:.0f}% of leads were never contacted at all.",
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
        out.append((handoff_pains / 3, {"text": f"{handoff_pains:g} pain point(s) in the customer journey sit where the "
                                                "customer changes hands.",
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
