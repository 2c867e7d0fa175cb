"""Journey summary: stages, owners, hand-offs, evidence and KPIs counted from the journey model."""

from __future__ import annotations
from dataclasses import asdict
from typing import Any
from helpers.engagement.journey import EVIDENCE, Journey, journey_handoffs


def summarize(journey: Journey) -> dict:
    """Summary of a journey map for Results (schema in the module docstring)."""
    journeys, pains, kpis, no_kpi = [], [], [], []
    owners: dict[str, list[str]] = {}
    evidence = dict.fromkeys(EVIDENCE, 0)
    low: dict[str, Any] | None = None
    for j in journey.journeys:
        stages = [{k: list(v) if isinstance(v, tuple) else v for k, v in asdict(s).items()} for s in j.stages]
        felt = [(s.emotion, s) for s in j.stages if s.emotion is not None]
        lowest = min(felt, key=lambda pair: pair[0]) if felt else None  # the first stage of the lowest emotion
        jl = lowest[1] if lowest else None
        journeys.append({"id": j.id, "label": j.label, "persona": j.persona, "stages": stages,
                         "lowest_emotion": {"stage": jl.id, "name": jl.name, "emotion": jl.emotion} if jl else None})
        if lowest is not None and jl is not None and (low is None or lowest[0] < low["emotion"]):
            low = {"journey": j.id, "stage": jl.id, "name": jl.name, "emotion": jl.emotion}
        for s in j.stages:
            owners.setdefault(s.owner, []).append(s.name)
            evidence[s.evidence] += 1
            pains += [{"journey": j.id, "stage": s.id, "name": s.name, "text": t, "owner": s.owner} for t in s.pain_points]
            if s.kpi:
                kpis.append({"journey": j.id, "stage": s.id, "name": s.name, "kpi": s.kpi, "owner": s.owner})
            else:
                no_kpi.append({"journey": j.id, "stage": s.id, "name": s.name})
    handoffs = journey_handoffs(journey)
    n = sum(evidence.values())
    return {
        "journeys": journeys, "handoffs": handoffs,
        "undeclared_handoffs": sum(1 for h in handoffs if h["owner_change"] and not h["declared"]),
        "owners": owners, "owner_counts": {o: len(v) for o, v in owners.items()},
        "pain_points": pains, "pain_point_count": len(pains), "kpis": kpis, "stages_without_kpi": no_kpi,
        "evidence": {**evidence, "share_measured": round(evidence["measured"] / n, 4) if n else None,
                     "share_assumed": round(evidence["assumed"] / n, 4) if n else None},
        "stage_count": n, "emotion_low": low,
    }
