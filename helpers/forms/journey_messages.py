"""What the journey editor says about the map, in the consultant's words, next to the field concerned.

Part of :mod:`helpers.forms.journey`. The reader of ``journey.yaml``
(:func:`helpers.engagement.journey.parse_journey`) speaks the file's language ("write handoff:
true under the stage", stage ids such as ``new_stage``): right for someone editing the file,
wrong under a grid of checkboxes. Here each problem is tied to the stage and field it concerns
and reworded with the stage name as the consultant typed it and the grid's own labels ("tick
“hand-off” in this column"). What concerns no stage of the journey shown goes to the top of the
form.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from helpers.engagement.journey import FILE, LIST_FIELDS, journey_handoffs, parse_journey
from helpers.vocabulary import OWNER_LABELS

#: The grid's label of each stage field (the lanes of the editor).
FIELD_LABELS: dict[str, str] = {
    "name": "Stage name", "owner": "Owner", "handoff": "Hand-off into this stage", "touchpoints": "Touchpoints",
    "channels": "Channels", "content": "Content used", "kpi": "KPI", "emotion": "Customer emotion",
    "pain_points": "Pain points", "opportunities": "Opportunities", "evidence": "Evidence"}
#: How to fix a field's problem in the grid (instead of the file's "write ...: ..." hint).
FORM_HINTS: dict[str, str] = {
    "owner": "choose the owner in the Owner row of this column",
    "handoff": "tick or untick \u201chand-off\u201d in this column",
    "emotion": "choose the customer's feeling in the Customer emotion row",
    "evidence": "choose assumed, anecdotal or measured in the Evidence row",
    **{key: "write one item per line" for key in LIST_FIELDS}}
_PREFIX = re.compile(r"^journey '[^']*'(?:, stage '[^']*')?:?\s*")


@dataclass
class GridMessages:
    """Messages of the journey shown: per stage (with the field they concern) and for the top of the form.

    Attributes
    ----------
    stages : dict
        Stage index -> list of (field key, message); the key names the cell to highlight.
    top : list of str
        Messages about the file or the other journeys.
    errors : bool
        Whether anything stops the map from being drawn (and the handout from using the journey).
    """

    stages: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    top: list[str] = field(default_factory=list)
    errors: bool = False


def _paths(data: Any) -> dict[tuple[Any, ...], int]:
    """A made-up line number for every key path of a journey document (to tie problems to their place)."""
    out: dict[tuple[Any, ...], int] = {}
    journeys = data.get("journeys") if isinstance(data, dict) else None
    out[("journeys",)] = len(out) + 1
    for ji, jd in enumerate(journeys if isinstance(journeys, list) else []):
        out[("journeys", ji)] = len(out) + 1
        if not isinstance(jd, dict):
            continue
        for key in jd:
            out[("journeys", ji, key)] = len(out) + 1
        stages = jd.get("stages")
        for si, sd in enumerate(stages if isinstance(stages, list) else []):
            out[("journeys", ji, "stages", si)] = len(out) + 1
            keys = [*FIELD_LABELS, "id", *(sd if isinstance(sd, dict) else ())]  # a missing field is a place too
            for key in dict.fromkeys(keys):
                out[("journeys", ji, "stages", si, key)] = len(out) + 1
    return out


def _name(stage: Any, index: int) -> str:
    """A stage as the consultant named it (``Stage 3`` when unnamed)."""
    name = str(stage.get("name") or "").strip() if isinstance(stage, dict) else ""
    return name or f"Stage {index + 1}"


def _label(journey: Any, index: int) -> str:
    text = str(journey.get("label") or "").strip() if isinstance(journey, dict) else ""
    return text or f"Journey {index + 1}"


def grid_messages(data: dict[str, Any], shown: int) -> GridMessages:
    """The messages for the journey editor showing journey number ``shown`` of ``data``.

    Parameters
    ----------
    data : dict
        The journey document (as the form holds it).
    shown : int
        Index of the journey the grid shows.

    Returns
    -------
    GridMessages
    """
    out = GridMessages()
    lines = _paths(data)
    where = {row: path for path, row in lines.items()}
    journey, problems = parse_journey(copy.deepcopy(data), FILE, lines)
    raw = data.get("journeys")
    journeys: list[Any] = raw if isinstance(raw, list) else []
    out.errors = any(p.is_error for p in problems)
    for p in problems:
        if p.field == "handoff" and not p.is_error:
            continue  # owner changes without a ticked hand-off: worded below from the map itself
        path = where.get(p.row or 0, ())
        ji = path[1] if len(path) > 1 and isinstance(path[1], int) else None
        si = path[3] if len(path) > 3 and isinstance(path[3], int) else None
        key = str(p.field or "")
        rest = _PREFIX.sub("", p.message)
        hint = FORM_HINTS.get(key, p.hint)
        if ji == shown and si is not None:
            label = FIELD_LABELS.get(key)
            text = f"{label}: {rest}" if label else rest
            out.stages.setdefault(si, []).append((key if label else "", f"{text}; {hint}" if hint else text))
        else:
            place = ""
            if ji is not None and ji < len(journeys):
                place = _label(journeys[ji], ji)
                stages = journeys[ji].get("stages") if isinstance(journeys[ji], dict) else None
                if si is not None and isinstance(stages, list) and si < len(stages):
                    place += f", \u201c{_name(stages[si], si)}\u201d"
                place += ": "
            text = f"{place}{rest[:1].upper()}{rest[1:]}" if place else str(p)
            out.top.append(f"{text}; {hint}" if place and hint else text)
    if journey is None or not 0 <= shown < len(journeys):
        return out
    stages = journeys[shown].get("stages") or []
    index = {str(s.get("id")): i for i, s in enumerate(stages) if isinstance(s, dict)}
    shown_id = journey.journeys[shown].id if shown < len(journey.journeys) else None
    for h in journey_handoffs(journey):
        if h["journey"] != shown_id or not h["owner_change"] or h["declared"] or h["to_stage"] not in index:
            continue
        si = index[h["to_stage"]]
        came = OWNER_LABELS.get(h["from_owner"], h["from_owner"])
        goes = OWNER_LABELS.get(h["to_owner"], h["to_owner"])
        before = f" after \u201c{h['from_name']}\u201d" if h.get("from_name") and si == 0 else ""
        out.stages.setdefault(si, []).append((
            "handoff", f"The owner changes here{before}, from {came} to {goes}: tick \u201chand-off\u201d in this "
                       f"column if the customer is handed over into \u201c{_name(stages[si], si)}\u201d. Until then "
                       "the handout lists it as an owner change without a marked hand-off."))
    return out


def conflict_name(data: dict[str, Any], path: tuple[Any, ...]) -> str:
    """A field of the journey both editors changed, in the grid's words (``“Awareness”, KPI``), from its path.

    ``path`` names journeys and stages by id (``("journeys", "new", "stages", "awareness", "kpi")``).
    """
    raw = data.get("journeys")
    journeys = [j for j in raw if isinstance(j, dict)] if isinstance(raw, list) else []
    journey = next((j for j in journeys if len(path) > 1 and j.get("id") == path[1]), None)
    if journey is None:
        return " \u203a ".join(map(str, path))
    label = _label(journey, journeys.index(journey))
    if len(path) >= 5 and path[2] == "stages":
        stages = [s for s in journey.get("stages") or [] if isinstance(s, dict)]
        stage = next((s for s in stages if s.get("id") == path[3]), None)
        name = _name(stage, stages.index(stage)) if stage is not None else str(path[3])
        return f"{label}, \u201c{name}\u201d, {FIELD_LABELS.get(str(path[4]), str(path[4]))}"
    return f"{label}, {'Persona' if len(path) > 2 and path[2] == 'persona' else ' '.join(map(str, path[2:]))}"
