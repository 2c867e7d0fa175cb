"""Handout section "Customer journey and hand-offs", built from ``results["journey"]`` only.

Shows who owns each stage of the new-customer and existing-customer journeys, where the customer
changes hands, the pain points and KPIs per stage, how well the map is backed by evidence, and
one swimlane map per journey (see :mod:`helpers.charts.journey`).
"""

from __future__ import annotations

from typing import Any

from helpers.analysis.journey import JourneySummary
from helpers.report.section import Section, missing_message, render_template
from helpers.results import Results
from helpers.vocabulary import OWNER_LABELS

TITLE = "Customer journey and hand-offs"
ANCHOR = "journey"
DEFAULT_MISSING = ("No customer journey mapped yet. Map the journeys of new and existing customers with both "
                   "teams in the room: who owns each stage, where the customer changes hands, what is measured.")


def context(journey: JourneySummary) -> dict[str, Any]:
    """Template context for ``results["journey"]``."""
    names = {(j["id"], s["id"]): s["name"] for j in journey["journeys"] for s in j["stages"]}
    labels = {j["id"]: j["label"] or j["id"] for j in journey["journeys"]}
    pains: dict[tuple[str, str], list[str]] = {}
    for p in journey["pain_points"]:
        pains.setdefault((p["journey"], p["stage"]), []).append(p["text"])
    handoffs = [{"journey": labels.get(h["journey"], h["journey"]),
                 "from": (f"{h['from_name']} ({OWNER_LABELS.get(h['from_owner'] or '', h['from_owner'])})"
                          if h["from_name"] else "\u2013"),
                 "to": f"{h['to_name']} ({OWNER_LABELS.get(h['to_owner'], h['to_owner'])})",
                 "declared": h["declared"], "pains": pains.get((h["journey"], h["to_stage"]), [])}
                for h in journey["handoffs"]]
    stages = [{"journey": labels[j["id"]], "name": s["name"], "owner": OWNER_LABELS.get(s["owner"], s["owner"]),
               "owner_id": s["owner"], "kpi": s["kpi"], "emotion": s["emotion"], "evidence": s["evidence"],
               "pains": s["pain_points"], "opportunities": s["opportunities"], "order": k}
              for k, j in enumerate(journey["journeys"]) for s in j["stages"]]
    low = journey["emotion_low"]
    return {"handoffs": handoffs, "stages": stages, "undeclared": journey["undeclared_handoffs"],
            "pain_count": journey["pain_point_count"], "stage_count": journey["stage_count"],
            "without_kpi": [f"{labels.get(k['journey'], k['journey'])}: {k['name']}" for k in journey["stages_without_kpi"]],
            "evidence": journey["evidence"], "low": low,
            "low_name": names.get((low["journey"], low["stage"])) if low is not None else None}


def journey(results: Results) -> Section:
    """The "Customer journey and hand-offs" handout section.

    Parameters
    ----------
    results : Results
        Uses ``results["journey"]``.

    Returns
    -------
    Section
        A summary paragraph, the hand-off table, one swimlane map per journey and the stage table
        (owner, KPI, pain points, opportunities, evidence); a one-line section when no journey is mapped.
    """
    data = results["journey"]
    if data is None or not data["journeys"]:
        return Section.missing(TITLE, ANCHOR, missing_message(results, "journey", DEFAULT_MISSING))
    from helpers.charts.journey import journey_maps

    ctx = context(data)
    parts: list[Any] = [render_template("journey.html.j2", part="summary", **ctx)]
    parts += journey_maps(results)
    parts.append(render_template("journey.html.j2", part="stages", **ctx))
    return Section(TITLE, ANCHOR, parts)
