"""Reader of the consultant's ``plan.yaml``: decisions on suggested plays and the consultant's own plays."""

from __future__ import annotations
import datetime as dt
import difflib
from pathlib import Path
from typing import Any, TypedDict
from helpers.fileio import read_yaml
from helpers.content.playbook import HORIZONS, ID_RE, Playbook, load_playbook, parse_success
from helpers.vocabulary import PLAY_OWNERS
from helpers.problems import Problem, warning


FILE = "plan.yaml"


class PlanEntry(TypedDict, total=False):
    """One play as the consultant decided it (``id`` and ``status`` always present)."""

    id: str
    status: str
    title: str
    action: str
    owner: str
    horizon: int
    due: str
    success: dict[str, Any]
    notes: str


class PlanFile(TypedDict):
    """``plan.yaml`` normalised: dates as ISO text, only valid entries."""

    agreed: str | None
    max_per_horizon: int
    suggest: bool
    plays: list[PlanEntry]


#: Statuses a consultant writes in plan.yaml.
STATUSES = ("accepted", "rejected", "done", "reopened")   # reopened: a play rejected at an earlier wave may be proposed again


PLAY_KEYS = {"id", "status", "title", "action", "owner", "horizon", "due", "success", "notes"}


TOP_KEYS = {"agreed", "max_per_horizon", "suggest", "plays"}


# --------------------------------------------------------------------------- plan.yaml
def _iso(value: Any) -> str | None:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            return None
    return None


def _check_entry(raw: Any, n: int, known: set[str]) -> tuple[PlanEntry | None, list[Problem]]:
    where = f"plays[{n}]"
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not ID_RE.match(raw["id"]):
        return None, [Problem(FILE, f"play {n} needs an id (letters, digits, _ or -)",
                              "start each play with '- id: <playbook id or your own id>'", field=where)]
    pid = raw["id"]
    where = f"plays[{pid}]"
    problems: list[Problem] = []
    entry: PlanEntry = {"id": pid, "status": raw.get("status") or "accepted"}
    if entry["status"] not in STATUSES:
        problems.append(Problem(FILE, f"status {raw.get('status')!r} is not known", "use accepted, rejected, done or reopened",
                                field=f"{where}.status"))
    for key in ("title", "action", "notes"):
        if raw.get(key) is not None:
            if not isinstance(raw[key], str):
                problems.append(Problem(FILE, f"{key} must be text", "put the text in quotes", field=f"{where}.{key}"))
            elif raw[key].strip():
                entry[key] = raw[key].strip()
    if raw.get("owner") is not None:
        if raw["owner"] in PLAY_OWNERS + ("CEO",) or (isinstance(raw["owner"], str) and " " in raw["owner"].strip()):
            entry["owner"] = raw["owner"].strip()   # a role, or the client's person by name ("Dana Reyes")
        else:
            problems.append(Problem(FILE, f"owner {raw['owner']!r} is not known",
                                    "use " + " | ".join(PLAY_OWNERS + ("CEO",)) + ", or the person's full name",
                                    field=f"{where}.owner"))
    if raw.get("horizon") is not None:
        if raw["horizon"] in HORIZONS and not isinstance(raw["horizon"], bool):
            entry["horizon"] = int(raw["horizon"])
        else:
            problems.append(Problem(FILE, f"horizon {raw['horizon']!r} is not 30, 60 or 90", "use 30, 60 or 90 (days)",
                                    field=f"{where}.horizon"))
    if raw.get("due") is not None:
        due = _iso(raw["due"])
        if due is None:
            problems.append(Problem(FILE, f"due {raw['due']!r} is not a date", "write it as YYYY-MM-DD", field=f"{where}.due"))
        else:
            entry["due"] = due
    if raw.get("success") is not None:
        success, found = parse_success(raw["success"], FILE, f"{where}.success")
        problems += found
        if not found:
            entry["success"] = success
    if pid not in known and entry["status"] != "rejected":
        lacking = [k for k in ("action", "owner", "horizon") if k not in entry]
        if lacking:
            near = difflib.get_close_matches(pid, sorted(known), n=1, cutoff=0.8)
            hint = (f"did you mean '{near[0]}'? " if near else "check the id against templates/playbook.yaml, ") + \
                "or write the action, owner and horizon of your own play"
            problems.append(Problem(FILE, f"'{pid}' is not a playbook play, so it needs {', '.join(lacking)}", hint,
                                    field=where))
    extra = sorted(set(map(str, raw)) - PLAY_KEYS)
    if extra:
        problems.append(warning(FILE, f"unknown key(s) {', '.join(extra)} ignored", "keys: " + ", ".join(sorted(PLAY_KEYS)),
                                field=where))
    return (entry if not [p for p in problems if p.is_error] else None), problems


def read_plan(folder: Path, playbook: Playbook | None = None) -> tuple[PlanFile | None, list[Problem]]:
    """Read and validate the consultant's ``plan.yaml`` (schema in the module docstring).

    Parameters
    ----------
    folder : Path
        The engagement folder.
    playbook : Playbook, optional
        The playbook ids are checked against (default: the bundled one).

    Returns
    -------
    (plan, problems)
        ``None`` and no problems when there is no ``plan.yaml``. Otherwise a normalised dict
        ``{"agreed", "max_per_horizon", "suggest", "plays": [entry...]}`` holding the valid
        entries (dates as ISO text), and every problem found.
    """
    path = Path(folder) / FILE
    data, problems = read_yaml(path, FILE, missing_ok=True)
    if data is None:
        return None, problems
    if not isinstance(data, dict):
        return None, [Problem(FILE, "must be a mapping with a 'plays:' list", "see the plan.yaml format in the README")]
    known = {p.id for p in (playbook or load_playbook()).plays}
    plan: PlanFile = {"agreed": None, "max_per_horizon": 3, "suggest": True, "plays": []}
    if data.get("agreed") is not None:
        plan["agreed"] = _iso(data["agreed"])
        if plan["agreed"] is None:
            problems.append(Problem(FILE, f"agreed {data['agreed']!r} is not a date", "write it as YYYY-MM-DD", field="agreed"))
    cap = data.get("max_per_horizon", 3)
    if isinstance(cap, int) and not isinstance(cap, bool) and 1 <= cap <= 6:
        plan["max_per_horizon"] = cap
    else:
        problems.append(Problem(FILE, f"{cap!r} is not a whole number from 1 to 6", "use 3 unless the team can carry more",
                                field="max_per_horizon"))
    if not isinstance(data.get("suggest", True), bool):
        problems.append(Problem(FILE, "suggest must be true or false", "write suggest: true or suggest: false", field="suggest"))
    else:
        plan["suggest"] = data.get("suggest", True)
    raw_plays = data.get("plays") or []
    if not isinstance(raw_plays, list):
        problems.append(Problem(FILE, "plays must be a list", "start each play with '- id: ...'", field="plays"))
        raw_plays = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_plays, start=1):
        entry, found = _check_entry(raw, n, known)
        problems += found
        if entry is not None:
            if entry["id"] in seen:
                problems.append(Problem(FILE, f"play '{entry['id']}' is listed twice", "keep one entry per play",
                                        field=f"plays[{entry['id']}]"))
                continue
            seen.add(entry["id"])
            plan["plays"].append(entry)
    extra = sorted(set(map(str, data)) - TOP_KEYS)
    if extra:
        problems.append(warning(FILE, f"unknown key(s) {', '.join(extra)} ignored", "keys: " + ", ".join(sorted(TOP_KEYS))))
    return plan, problems
