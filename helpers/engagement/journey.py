"""The customer journey map: model, reading ``journey.yaml`` and a summary for Results.

A journey map has one journey per customer type (``new``, ``existing``); each journey has
stages (the map's columns) and per stage the lanes (owner, hand-off, touchpoints, channels,
content, KPI, emotion, pain points, opportunities, evidence). The file format is pinned in the
team contract; optional extra keys are kept but warned about when they look like typos.

Schema of :func:`summarize` (rates are fractions 0..1 rounded to 4 decimals)::

    {
      "journeys": [{"id": str, "label": str, "persona": str|None,
                    "stages": [{"id", "name", "owner", "handoff": bool, "touchpoints": [str],
                                "channels": [str], "content": [str], "kpi": str|None,
                                "emotion": int|None, "pain_points": [str], "opportunities": [str],
                                "evidence": "assumed"|"anecdotal"|"measured"}],
                    "lowest_emotion": {"stage": str, "name": str, "emotion": int} | None}],
      "handoffs": [{"journey": str, "from_stage": str|None, "to_stage": str, "from_name": str|None,
                    "to_name": str, "from_owner": str|None, "to_owner": str,
                    "declared": bool,         # handoff: true in the file
                    "owner_change": bool}],   # owner differs from the previous stage
                    # a hand-off is a declared one or an owner change; the first stage of
                    # "existing" continues from the last stage of "new"
      "undeclared_handoffs": int,             # owner changes not marked handoff: true
      "owners": {owner: [stage names]},       # owner -> stages it owns, across journeys
      "owner_counts": {owner: int},
      "pain_points": [{"journey", "stage", "name", "text", "owner"}],
      "pain_point_count": int,
      "kpis": [{"journey", "stage", "name", "kpi", "owner"}],
      "stages_without_kpi": [{"journey", "stage", "name"}],
      "evidence": {"assumed": int, "anecdotal": int, "measured": int,
                   "share_measured": float|None, "share_assumed": float|None},
      "stage_count": int,
      "emotion_low": {"journey", "stage", "name", "emotion"} | None,   # lowest emotion overall
    }
"""

from __future__ import annotations
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
import yaml
from helpers import TEMPLATES
from helpers.fileio import compose_yaml, read_yaml
from helpers.problems import Problem, Severity
from helpers.vocabulary import OWNERS


EVIDENCE: tuple[str, ...] = ("assumed", "anecdotal", "measured")


LIST_FIELDS: tuple[str, ...] = ("touchpoints", "channels", "content", "pain_points", "opportunities")


STAGE_KEYS: frozenset[str] = frozenset({"id", "name", "owner", "handoff", "kpi", "emotion", "evidence", "template",
                                        *LIST_FIELDS})


JOURNEY_KEYS: frozenset[str] = frozenset({"id", "label", "persona", "stages", "template"})


#: Marker of a journey or stage still as the bundled template has it (``template: true``): the
#: consultant has not mapped it with the client, so it never reaches the handout.
TEMPLATE = "template"


#: Lists of sentences, where a comma inside ``[...]`` splitting one sentence in two is likely.
SENTENCE_FIELDS: tuple[str, ...] = ("pain_points", "opportunities")


#: Words a consultant adds to an owner ("Marketing team", "Sales department"), dropped before matching.
OWNER_SUFFIX = r"[\s_-]+(team|department|dept|function)$"


OWNER_ALIASES: dict[str, str] = {"cs": "customer_success", "success": "customer_success", "both": "shared",
                                 "joint": "shared"}


FLOW = "[flow]"  # marker key in the line map: the list at this path is written inline, [a, b]


DEFAULT_TEMPLATE = TEMPLATES / "journey.yaml"


FILE = "journey.yaml"


@dataclass(frozen=True)
class Stage:
    """One column of the journey map."""

    id: str
    name: str
    owner: str
    handoff: bool = False
    touchpoints: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    content: tuple[str, ...] = ()
    kpi: str | None = None
    emotion: int | None = None
    pain_points: tuple[str, ...] = ()
    opportunities: tuple[str, ...] = ()
    evidence: str = "assumed"
    template: bool = False


@dataclass(frozen=True)
class CustomerJourney:
    """One journey (new or existing customers): an ordered tuple of stages."""

    id: str
    label: str
    stages: tuple[Stage, ...]
    persona: str | None = None
    template: bool = False


@dataclass(frozen=True)
class Journey:
    """The whole ``journey.yaml``: one or more customer journeys."""

    journeys: tuple[CustomerJourney, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """The YAML shape (lists instead of tuples), ready for :func:`helpers.fileio.dump_yaml`."""
        out = []
        for j in self.journeys:
            d: dict[str, Any] = {"id": j.id, "label": j.label}
            if j.persona:
                d["persona"] = j.persona
            if j.template:
                d[TEMPLATE] = True
            d["stages"] = [{k: list(v) if isinstance(v, tuple) else v for k, v in asdict(s).items()
                            if k != TEMPLATE or v} for s in j.stages]
            out.append(d)
        return {"journeys": out}


def _lines(text: str) -> dict[tuple, int]:
    """Map each key path (e.g. ``("journeys", 0, "stages", 2, "owner")``) to its 1-based line.

    A list written inline (``[a, b]``) also gets the key ``path + (FLOW,)``.
    """
    try:
        root = compose_yaml(text)
    except yaml.YAMLError:
        return {}
    out: dict[tuple, int] = {}

    def walk(node: Any, path: tuple) -> None:
        out.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                out[path + (k.value,)] = k.start_mark.line + 1
                walk(v, path + (k.value,))
                out[path + (k.value,)] = k.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            if node.flow_style:
                out[path + (FLOW,)] = 1
            for i, v in enumerate(node.value):
                walk(v, path + (i,))

    if root is not None:
        walk(root, ())
    return out


def _text_list(value: Any) -> tuple[tuple[str, ...], bool]:
    """A list of non-empty strings; a single string becomes a one-item list. Returns (items, ok)."""
    if value is None:
        return (), True
    if isinstance(value, (str, int, float)):
        value = [value]
    if not isinstance(value, list) or any(isinstance(v, (dict, list)) for v in value):
        return (), False
    return tuple(str(v).strip() for v in value if v is not None and str(v).strip()), True


def normalise_owner(value: Any) -> str:
    """An owner as written by hand (``"Marketing team"``, ``"Customer Success"``, ``"CS"``) as its id.

    Parameters
    ----------
    value : Any
        The ``owner:`` value from the file.

    Returns
    -------
    str
        One of :data:`OWNERS` when recognised, else the cleaned text ("" for blank).
    """
    owner = re.sub(OWNER_SUFFIX, "", str(value or "").strip().lower()).replace(" ", "_").replace("-", "_")
    return OWNER_ALIASES.get(owner, owner)


def _split_sentence(items: tuple[str, ...], rel: str, row: int | None, key: str, where: str) -> list[Problem]:
    """A warning when an inline list looks like one sentence cut at its commas (``[Slow, not called back]``)."""
    cut = next((i for i in range(1, len(items)) if items[i - 1][:1].isupper() and items[i][:1].islower()), None)
    if cut is None:
        return []
    end = cut
    while end + 1 < len(items) and items[end + 1][:1].islower():
        end += 1
    sentence = ", ".join(items[cut - 1:end + 1])
    return [Problem(rel, f"{where}: '{items[cut]}' looks like the end of the sentence before it: inside [ ] a comma "
                         "starts a new item",
                    f"put a sentence with a comma in quotes, e.g. {key}: [\"{sentence}\"], or write one item per "
                    "line starting with '- '", row=row, field=key, severity="warning")]


def parse_journey(data: Any, rel: str = FILE, lines: dict[tuple, int] | None = None) -> tuple[Journey | None, list[Problem]]:
    """Validate the YAML content of a journey file and build a :class:`Journey`.

    Parameters
    ----------
    data : Any
        What ``yaml.safe_load`` returned.
    rel : str
        File name for messages.
    lines : dict, optional
        Key path -> line number, for messages that point at the line.

    Returns
    -------
    (journey, problems)
        ``journey`` is None when there is any error.
    """
    lines = lines or {}
    problems: list[Problem] = []

    def add(path: tuple, fld: str, message: str, hint: str, severity: Severity = "error") -> None:
        problems.append(Problem(rel, message, hint, row=lines.get(path), field=fld, severity=severity))

    if not isinstance(data, dict) or not isinstance(data.get("journeys"), list) or not data["journeys"]:
        add(("journeys",), "journeys", "expected a list under 'journeys:'",
            "start the file with 'journeys:' followed by '- id: new' entries (see templates/journey.yaml)")
        return None, problems
    journeys, seen_j = [], set()
    for ji, jd in enumerate(data["journeys"]):
        jp = ("journeys", ji)
        if not isinstance(jd, dict):
            add(jp, f"journeys[{ji + 1}]", "a journey must be a mapping with id, label and stages", "see templates/journey.yaml")
            continue
        jid = str(jd.get("id") or "").strip()
        where = f"journey '{jid}'" if jid else f"journey {ji + 1}"
        if not jid:
            add(jp, "id", f"{where} has no id", "give it an id such as new or existing")
        elif jid in seen_j:
            add(jp + ("id",), "id", f"journey id '{jid}' is used twice", "give each journey its own id")
        seen_j.add(jid)
        for key in sorted(set(jd) - JOURNEY_KEYS):
            add(jp + (key,), str(key), f"{where}: unknown key '{key}' is ignored",
                f"known keys: {', '.join(sorted(JOURNEY_KEYS))}", "warning")
        stages_raw = jd.get("stages")
        if not isinstance(stages_raw, list) or not stages_raw:
            add(jp + ("stages",), "stages", f"{where} has no stages", "list its stages under 'stages:'")
            continue
        stages, seen_s = [], set()
        for si, sd in enumerate(stages_raw):
            sp = jp + ("stages", si)
            if not isinstance(sd, dict):
                add(sp, "stages", f"{where}: stage {si + 1} must be a mapping", "write it as '- id: ...' with its keys below")
                continue
            sid = str(sd.get("id") or "").strip()
            sw = f"{where}, stage '{sid or si + 1}'"
            if not sid:
                add(sp, "id", f"{sw} has no id", "give it a short id such as awareness")
            elif sid in seen_s:
                add(sp + ("id",), "id", f"{sw}: id is used twice in this journey", "give each stage its own id")
            seen_s.add(sid)
            name = str(sd.get("name") or sid.replace("_", " ").capitalize()).strip()
            owner = normalise_owner(sd.get("owner"))
            if owner not in OWNERS:
                shown = sd.get("owner")
                add(sp + ("owner",), "owner", f"{sw}: unknown owner '{shown}'" if shown else f"{sw} has no owner",
                    f"use one of: {', '.join(OWNERS)}")
            handoff = sd.get("handoff", False)
            if handoff is None:
                handoff = False
            if not isinstance(handoff, bool):
                add(sp + ("handoff",), "handoff", f"{sw}: handoff must be true or false, not '{handoff}'",
                    "write true when the customer changes hands into this stage, else false")
            emotion = sd.get("emotion")
            number = isinstance(emotion, (int, float)) and not isinstance(emotion, bool)
            if emotion is not None and (not number or emotion != int(emotion) or not -2 <= emotion <= 2):
                what = ("is outside -2..+2" if number and emotion == int(emotion) else
                        "is not a whole number" if number else "is not a number")
                add(sp + ("emotion",), "emotion", f"{sw}: emotion {emotion!r} {what}",
                    "use a whole number from -2 (very unhappy) to 2 (delighted), or leave it empty")
                emotion = None
            evidence = str(sd.get("evidence") or "assumed").strip().lower()
            if evidence not in EVIDENCE:
                add(sp + ("evidence",), "evidence", f"{sw}: unknown evidence '{sd.get('evidence')}'",
                    f"use one of: {', '.join(EVIDENCE)}")
            lists = {}
            for key in LIST_FIELDS:
                items, ok = _text_list(sd.get(key))
                if not ok:
                    add(sp + (key,), key, f"{sw}: {key} must be a list of short texts", f"write {key}: [first, second]")
                lists[key] = items
                if key in SENTENCE_FIELDS and (sp + (key, FLOW)) in lines:
                    problems.extend(_split_sentence(items, rel, lines.get(sp + (key,)), key, sw))
            kpi = sd.get("kpi")
            kpi = str(kpi).strip() if kpi not in (None, "") else None
            for key in sorted(set(sd) - STAGE_KEYS):
                add(sp + (key,), str(key), f"{sw}: unknown key '{key}' is ignored",
                    f"known keys: {', '.join(sorted(STAGE_KEYS))}", "warning")
            stages.append(Stage(id=sid, name=name, owner=owner, handoff=bool(handoff) if isinstance(handoff, bool) else False,
                                kpi=kpi, emotion=None if emotion is None else int(emotion), evidence=evidence,
                                template=sd.get(TEMPLATE) is True, **lists))
        label = str(jd.get("label") or jid.replace("_", " ").capitalize()).strip()
        persona = jd.get("persona")
        journeys.append(CustomerJourney(id=jid, label=label, stages=tuple(stages),
                                        persona=str(persona).strip() if persona else None,
                                        template=jd.get(TEMPLATE) is True))
    if any(p.is_error for p in problems):
        return None, problems
    journey = Journey(tuple(journeys))
    owner_at = {(j.id, s.id): ("journeys", ji, "stages", si, "owner")
             for ji, j in enumerate(journey.journeys) for si, s in enumerate(j.stages)}
    for h in journey_handoffs(journey):
        if h["owner_change"] and not h["declared"]:
            add(owner_at[(h["journey"], h["to_stage"])], "handoff",
                f"journey '{h['journey']}', stage '{h['to_stage']}': the owner changes from {h['from_owner']} to "
                f"{h['to_owner']} but the stage is not marked as a hand-off",
                "write handoff: true under the stage if the customer is handed over here; until then the handout "
                "lists it as an owner change without a marked hand-off", "warning")
    return journey, problems


def read_journey(folder: Path) -> tuple[Journey | None, list[Problem]]:
    """Read and validate ``journey.yaml`` in an engagement folder.

    Returns
    -------
    (journey, problems)
        ``(None, [])`` when the file does not exist; ``journey`` is None when there is any error.
        Problems carry the line number of the offending key.
    """
    path = Path(folder) / FILE
    data, problems = read_yaml(path, FILE, missing_ok=True)
    if data is None:
        return None, problems
    return parse_journey(data, FILE, _lines(path.read_text(encoding="utf-8-sig", errors="replace")))


def load_template(path: Path | None = None) -> Journey:
    """The default journey map (``templates/journey.yaml``), for a new engagement's editor."""
    data, problems = read_yaml(path or DEFAULT_TEMPLATE, "templates/journey.yaml")
    journey, more = parse_journey(data, "templates/journey.yaml") if data is not None else (None, [])
    if journey is None:
        raise ValueError("the bundled journey template is invalid: " + "; ".join(map(str, problems + more)))
    return journey


def mapped(journey: Journey) -> Journey:
    """The journey map without what is still the template's (``template: true``): only client findings.

    A journey marked as template is left out whole; in the others, template stages are left out;
    a journey left without stages is left out too.
    """
    kept = []
    for j in journey.journeys:
        stages = tuple(s for s in j.stages if not s.template)
        if not j.template and stages:
            kept.append(CustomerJourney(id=j.id, label=j.label, stages=stages, persona=j.persona))
    return Journey(tuple(kept))


def not_mapped(journey: Journey) -> list[str]:
    """Journeys and stages still as the template has them, in words (``New customers: Awareness``)."""
    out = []
    for j in journey.journeys:
        left = [s.name for s in j.stages if s.template or j.template]
        if left and len(left) == len(j.stages):
            out.append(f"{j.label} (the whole journey)")
        elif left:
            out.append(f"{j.label}: {', '.join(left)}")
    return out


def mark_template(data: dict[str, Any]) -> dict[str, Any]:
    """Mark every journey and stage of ``data`` (the bundled template's content) as ``template: true``."""
    for j in data.get("journeys") or []:
        if isinstance(j, dict):
            j[TEMPLATE] = True
            for s in j.get("stages") or []:
                if isinstance(s, dict):
                    s[TEMPLATE] = True
    return data


def journey_handoffs(journey: Journey) -> list[dict]:
    """Every hand-off in the journey: declared ones and owner changes between neighbouring stages."""
    out = []
    prev_by_journey = {j.id: (j.stages[-1] if j.stages else None) for j in journey.journeys}
    for j in journey.journeys:
        prev = prev_by_journey.get("new") if j.id == "existing" else None
        for s in j.stages:
            change = prev is not None and prev.owner != s.owner
            if s.handoff or change:
                out.append({"journey": j.id, "from_stage": prev.id if prev else None, "to_stage": s.id,
                            "from_name": prev.name if prev else None, "to_name": s.name,
                            "from_owner": prev.owner if prev else None, "to_owner": s.owner,
                            "declared": s.handoff, "owner_change": change})
            prev = s
    return out
