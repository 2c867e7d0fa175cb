"""Journey summary: stages, owners, hand-offs, evidence and KPIs counted from the journey model.

:func:`summarize` turns a :class:`~helpers.engagement.journey.Journey` into ``results["journey"]``
(:class:`JourneySummary`). Shares are fractions 0..1 rounded to 4 decimals, None without stages.
"""

from __future__ import annotations
from typing import TypedDict
from helpers.engagement.journey import EVIDENCE, Journey, Stage, journey_handoffs, mapped


class StageRow(TypedDict):
    """One stage of a journey as mapped (text lists as lists)."""

    id: str
    name: str
    owner: str
    handoff: bool
    touchpoints: list[str]
    channels: list[str]
    content: list[str]
    kpi: str | None
    emotion: int | None
    pain_points: list[str]
    opportunities: list[str]
    evidence: str


class LowPoint(TypedDict):
    """The stage of a journey where the customer feels worst (the first of the lowest emotion)."""

    stage: str
    name: str
    emotion: int


class JourneyRow(TypedDict):
    """One customer journey (new or existing customers) with its stages and low point."""

    id: str
    label: str
    persona: str | None
    stages: list[StageRow]
    lowest_emotion: LowPoint | None


class EmotionLow(TypedDict):
    """The lowest emotion across all journeys, and where it is felt."""

    journey: str
    stage: str
    name: str
    emotion: int


class Handoff(TypedDict):
    """A hand-off into a stage: declared in the map, or an owner change between neighbouring stages.

    ``from_*`` are None for the first stage of the first journey.
    """

    journey: str
    from_stage: str | None
    to_stage: str
    from_name: str | None
    to_name: str
    from_owner: str | None
    to_owner: str
    declared: bool
    owner_change: bool


class PainPoint(TypedDict):
    """A pain point recorded at a stage, with the stage's owner."""

    journey: str
    stage: str
    name: str
    text: str
    owner: str


class StageKpi(TypedDict):
    """The KPI measured at a stage."""

    journey: str
    stage: str
    name: str
    kpi: str
    owner: str


class StageRef(TypedDict):
    """A stage named by journey and id (here: a stage without a KPI)."""

    journey: str
    stage: str
    name: str


class EvidenceCounts(TypedDict):
    """Stages per kind of evidence, and the shares measured and assumed (None without stages)."""

    assumed: int
    anecdotal: int
    measured: int
    share_measured: float | None
    share_assumed: float | None


class JourneySummary(TypedDict):
    """``results["journey"]``: the mapped journeys, hand-offs, owners, pain points, KPIs and evidence."""

    journeys: list[JourneyRow]
    handoffs: list[Handoff]
    undeclared_handoffs: int
    owners: dict[str, list[str]]
    owner_counts: dict[str, int]
    pain_points: list[PainPoint]
    pain_point_count: int
    kpis: list[StageKpi]
    stages_without_kpi: list[StageRef]
    evidence: EvidenceCounts
    stage_count: int
    emotion_low: EmotionLow | None


def _stage_row(s: Stage) -> StageRow:
    return {"id": s.id, "name": s.name, "owner": s.owner, "handoff": s.handoff, "touchpoints": list(s.touchpoints),
            "channels": list(s.channels), "content": list(s.content), "kpi": s.kpi, "emotion": s.emotion,
            "pain_points": list(s.pain_points), "opportunities": list(s.opportunities), "evidence": s.evidence}


def summarize(journey: Journey) -> JourneySummary:
    """Summary of a journey map for Results (schema: :class:`JourneySummary`).

    Journeys and stages still marked ``template: true`` (not mapped with the client) are left out.
    """
    journey = mapped(journey)
    journeys: list[JourneyRow] = []
    pains: list[PainPoint] = []
    kpis: list[StageKpi] = []
    no_kpi: list[StageRef] = []
    owners: dict[str, list[str]] = {}
    evidence = dict.fromkeys(EVIDENCE, 0)
    low: EmotionLow | None = None
    for j in journey.journeys:
        felt = [(s.emotion, s) for s in j.stages if s.emotion is not None]
        lowest = min(felt, key=lambda pair: pair[0]) if felt else None  # the first stage of the lowest emotion
        journeys.append({"id": j.id, "label": j.label, "persona": j.persona, "stages": [_stage_row(s) for s in j.stages],
                         "lowest_emotion": ({"stage": lowest[1].id, "name": lowest[1].name, "emotion": lowest[0]}
                                            if lowest else None)})
        if lowest is not None and (low is None or lowest[0] < low["emotion"]):
            low = {"journey": j.id, "stage": lowest[1].id, "name": lowest[1].name, "emotion": lowest[0]}
        for s in j.stages:
            owners.setdefault(s.owner, []).append(s.name)
            evidence[s.evidence] += 1
            pains += [{"journey": j.id, "stage": s.id, "name": s.name, "text": t, "owner": s.owner} for t in s.pain_points]
            if s.kpi:
                kpis.append({"journey": j.id, "stage": s.id, "name": s.name, "kpi": s.kpi, "owner": s.owner})
            else:
                no_kpi.append({"journey": j.id, "stage": s.id, "name": s.name})
    handoffs: list[Handoff] = [
        {"journey": h["journey"], "from_stage": h["from_stage"], "to_stage": h["to_stage"], "from_name": h["from_name"],
         "to_name": h["to_name"], "from_owner": h["from_owner"], "to_owner": h["to_owner"], "declared": h["declared"],
         "owner_change": h["owner_change"]} for h in journey_handoffs(journey)]
    n = sum(evidence.values())
    return {
        "journeys": journeys, "handoffs": handoffs,
        "undeclared_handoffs": sum(1 for h in handoffs if h["owner_change"] and not h["declared"]),
        "owners": owners, "owner_counts": {o: len(v) for o, v in owners.items()},
        "pain_points": pains, "pain_point_count": len(pains), "kpis": kpis, "stages_without_kpi": no_kpi,
        "evidence": {"assumed": evidence["assumed"], "anecdotal": evidence["anecdotal"], "measured": evidence["measured"],
                     "share_measured": round(evidence["measured"] / n, 4) if n else None,
                     "share_assumed": round(evidence["assumed"] / n, 4) if n else None},
        "stage_count": n, "emotion_low": low,
    }
