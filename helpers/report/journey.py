"""Handout section "Customer journey and hand-offs", built from ``results["journey"]`` only.

Shows who owns each stage of the new-customer and existing-customer journeys, where the customer
changes hands, the pain points and KPIs per stage, how well the map is backed by evidence, and
one swimlane map per journey (see :mod:`helpers.charts.journey`).
"""

from __future__ import annotations

from typing import Any

from helpers.report.section import Section, missing_message, render_template
from helpers.vocabulary import OWNER_LABELS

TITLE = "Customer journey and hand-offs"
ANCHOR = "journey"
DEFAULT_MISSING = ("No customer journey mapped yet. Map the journeys of new and existing customers with both "
                   "teams in the room: who owns each stage, where the customer changes hands, what is measured.")


def context(journey: dict[str, Any]) -> dict[str, Any]:
    """Template context for a ``results["journey"]`` dict."""
    names = {(j["id"], s["id"]): s["name"] for j in journey.get("journeys", []) for s in j.get("stages", [])}
    labels = {j["id"]: j.get("label") or j["id"] for j in journey.get("journeys", [])}
    pains: dict[tuple, list[str]] = {}
    for p in journey.get("pain_points", []):
        pains.setdefault((p["journey"], p["stage"]), []).append(p["text"])
    handoffs = [{"journey": labels.get(h["journey"], h["journey"]),
                 "from": f"{h['from_name']} ({OWNER_LABELS.get(h['from_owner'], h['from_owner'])})" if h.get("from_name") else "\u2013",
                 "to": f"{h['to_name']} ({OWNER_LABELS.get(h['to_owner'], h['to_owner'])})",
                 "declared": h.get("declared"), "pains": pains.get((h["journey"], h["to_stage"]), [])}
                for h in journey.get("handoffs", [])]
    stages = [{"journey": labels[j["id"]], "name": s["name"], "owner": OWNER_LABELS.get(s["owner"], s["owner"]),
               "owner_id": s["owner"], "kpi": s.get("kpi"), "emotion": s.get("emotion"), "evidence": s.get("evidence"),
               "pains": s.get("pain_points") or [], "opportunities": s.get("opportunities") or [], "order": k}
              for k, j in enumerate(journey.get("journeys", [])) for s in j.get("stages", [])]
    ev = journey.get("evidence") or {}
    return {"handoffs": handoffs, "stages": stages, "undeclared": journey.get("undeclared_handoffs", 0),
            "pain_count": journey.get("pain_point_count", 0), "stage_count": journey.get("stage_count", 0),
            "without_kpi": [f"{labels.get(k['journey'], k['journey'])}: {k['name']}" for k in journey.get("stages_without_kpi", [])],
            "evidence": ev, "low": journey.get("emotion_low"),
            "low_name": names.get(((journey.get("emotion_low") or {}).get("journey"), (journey.get("emotion_low") or {}).get("stage")))}


def journey(results: dict[str, Any]) -> Section:
    """The "Customer journey and hand-offs" handout section.

    Parameters
    ----------
    results : dict
        The results dict; uses ``results["journey"]``.

    Returns
    -------
    Section
        A summary paragraph, the hand-off table, one swimlane map per journey and the stage table
        (owner, KPI, pain points, opportunities, evidence); a one-line section when no journey is mapped.
    """
    data = results.get("journey")
    if not data or not data.get("journeys"):
        return Section.missing(TITLE, ANCHOR, missing_message(results, "journey", DEFAULT_MISSING))
    from helpers.charts.journey import journey_maps

    ctx = context(data)
    parts: list[Any] = [render_template("journey.html.j2", part="summary", **ctx)]
    parts += journey_maps(results)
    parts.append(render_template("journey.html.j2", part="stages", **ctx))
    return Section(TITLE, ANCHOR, parts)
