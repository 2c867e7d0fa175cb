"""The recommendations playbook: plays loaded and validated from ``templates/playbook.yaml``.

A play (``templates/playbook.yaml``) is content, loaded and validated like client data::

    - id: handoff_rules
      title: Write the rules of engagement for the hand-off
      trigger: {signal: dimension.handoff, below: 50}
      action: Agree in writing what a marketing-qualified lead is, ...
      owner: both            # CMO | CSO | both | CIO | RevOps | CEO (a role: plan.py names the client's person)
      horizon: 30            # days: 30 | 60 | 90
      stages: [Undefined, Defined]   # the HBR stages the play fits, lowest first (one or a range)
      effort: 2              # 1 (an afternoon) .. 3 (a project)
      impact: 3              # 1 .. 3
      evidence: Kotler, Rackham & Krishnaswamy (HBR 2006): moving from Undefined to Defined ...
      success: {text: Hand-off dimension up 10 points, signal: dimension.handoff, goal: up, by: 10}
      group: handoff_rules   # optional: at most one play per group reaches the plan
      housekeeping: false    # optional: true for the consultant's own homework (collect data,
                             # interview someone); it goes to the consultant's list, never the plan

Actions may name the client's own numbers with placeholders filled from the engagement
(:data:`PLACEHOLDERS`), e.g. ``{sla_hours}`` for the SLA's response time.

Triggers are written in the small language of :mod:`helpers.triggers` over named signals
collected from the results dict. An optional top-level ``signals:`` mapping gives each signal a
label and a format (``score``, ``gap``, ``share``, ``hours``, ``count``, ``text``) for the
plan's explanations, e.g. ``funnel.within_sla_share: {label: leads contacted within the SLA,
format: share}``.
"""

from __future__ import annotations
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from helpers import TEMPLATES
from helpers.fileio import read_yaml
from helpers.content.errors import cached_loader
from helpers.problems import Problem
from helpers.vocabulary import DIMENSIONS, PLAY_OWNERS, STAGES


DEFAULT_PLAYBOOK = TEMPLATES / "playbook.yaml"




HORIZONS = (30, 60, 90)


#: Who may own a play: the handout's roles plus the chief executive (for the leadership plays).
OWNERS: tuple[str, ...] = PLAY_OWNERS + ("CEO",)


#: Placeholders an action, title or success text may use; :mod:`helpers.analysis.plan` fills them
#: from the engagement's SLA (the client's own rule, or the defaults when it states none).
PLACEHOLDERS: tuple[str, ...] = ("sla_hours", "sla_attempts", "sla_days", "one_hour", "calendar_caveat", "the_rule")


NUMERIC_OPS = ("below", "above", "at_most", "at_least", "abs_above")


OTHER_OPS = ("equals", "one_of", "contains", "absent", "present")


OPS = NUMERIC_OPS + OTHER_OPS


ID_RE = re.compile(r"^[A-Za-z0-9_-]+$")


#: Dimension ids of the instrument (team contract).


#: Survey signals that are not per dimension.
SURVEY_SIGNALS = ("index", "stage", "gap", "gap_significant", "survey", "levels.gap")


@dataclass(frozen=True)
class Play:
    """One recommendation of the playbook (see the module docstring for the fields)."""

    id: str
    title: str
    trigger: dict
    action: str
    owner: str
    horizon: int
    effort: int
    impact: int
    evidence: str
    success: dict
    group: str = ""
    stages: tuple[str, ...] = STAGES
    housekeeping: bool = False


@dataclass(frozen=True)
class Playbook:
    """All plays, in file order, plus display labels for signals."""

    plays: tuple[Play, ...]
    labels: dict = field(default_factory=dict)

    def get(self, play_id: str) -> Play | None:
        """The play with this id, or None."""
        return next((p for p in self.plays if p.id == play_id), None)


# --------------------------------------------------------------------------- loading
def check_trigger(trigger: Any, rel: str, where: str) -> list[Problem]:
    """Problems with a trigger expression (unknown test, missing signal, wrong value type)."""
    hint = "write {signal: NAME, TEST: VALUE} with TEST one of " + ", ".join(OPS) + ", or {all|any: [...]}, {not: {...}}"
    if not isinstance(trigger, dict) or not trigger:
        return [Problem(rel, "the trigger must be a mapping", hint, field=where)]
    if len(trigger) == 1 and next(iter(trigger)) in ("all", "any"):
        parts = next(iter(trigger.values()))
        if not isinstance(parts, list) or not parts:
            return [Problem(rel, "all/any needs a non-empty list of conditions", hint, field=where)]
        return [p for i, t in enumerate(parts) for p in check_trigger(t, rel, f"{where}[{i}]")]
    if len(trigger) == 1 and "not" in trigger:
        return check_trigger(trigger["not"], rel, f"{where}.not")
    if not isinstance(trigger.get("signal"), str) or not trigger["signal"]:
        return [Problem(rel, "a condition needs a signal name", hint, field=where)]
    name_problem = check_signal(trigger["signal"], rel, where)
    if name_problem:
        return [name_problem]
    tests = [k for k in trigger if k != "signal"]
    unknown = [k for k in tests if k not in OPS]
    if unknown or len(tests) != 1:
        return [Problem(rel, f"a condition needs exactly one test, got {', '.join(map(str, tests)) or 'none'}", hint, field=where)]
    op, value = tests[0], trigger[tests[0]]
    if op in NUMERIC_OPS and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return [Problem(rel, f"{op} needs a number, got {value!r}", hint, field=where)]
    if op == "one_of" and not isinstance(value, list):
        return [Problem(rel, "one_of needs a list", hint, field=where)]
    if op in ("absent", "present") and value is not True:
        return [Problem(rel, f"{op} takes the value true", hint, field=where)]
    return []


def check_signal(name: str, rel: str, where: str) -> Problem | None:
    """A problem when a signal name cannot exist (a typo would silently never fire)."""
    head, _, rest = name.partition(".")
    hint = ("survey signals: " + ", ".join(SURVEY_SIGNALS) + ", dimension.<dim>, gap.<dim>, team.<team>; "
            "or a path under discovery., journey. or funnel. (see helpers/triggers.py)")
    if head in ("dimension", "gap") and rest:
        dim = rest.split(".")[0]
        if dim not in DIMENSIONS and not (head == "gap" and dim == "widest"):
            return Problem(rel, f"signal {name!r}: {dim!r} is not a dimension", "dimensions: " + ", ".join(DIMENSIONS),
                           field=where)
        if head == "dimension" and rest.count(".") == 1 and rest.split(".")[1] not in ("sales", "marketing"):
            return Problem(rel, f"signal {name!r} is not known", "use dimension.<dim>, .sales or .marketing", field=where)
        return None
    if name in SURVEY_SIGNALS or head in ("discovery", "journey", "funnel") or \
            (head == "team" and rest in ("sales", "marketing")):
        return None
    return Problem(rel, f"signal {name!r} is not known", hint, field=where)


def _int_in(value: Any, allowed: tuple[int, ...]) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in allowed


def parse_play(raw: Any, rel: str, n: int) -> tuple[Play | None, list[Problem]]:
    """Validate one playbook entry (``n`` is its 1-based position) and build a :class:`Play`."""
    where = f"plays[{n}]"
    if not isinstance(raw, dict):
        return None, [Problem(rel, "each play must be a mapping", "start it with '- id: ...'", field=where)]
    pid = raw.get("id")
    if not isinstance(pid, str) or not ID_RE.match(pid):
        return None, [Problem(rel, f"play {n} has no valid id", "use letters, digits, _ or -", field=where)]
    where = f"plays[{pid}]"
    problems: list[Problem] = []
    for key in ("title", "action", "evidence"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            problems.append(Problem(rel, f"{key} is missing", f"write the {key} as text", field=f"{where}.{key}"))
    if raw.get("owner") not in OWNERS:
        problems.append(Problem(rel, f"owner {raw.get('owner')!r} is not known", "use " + " | ".join(OWNERS), field=f"{where}.owner"))
    stages, stage_problem = parse_stages(raw.get("stages"), rel, f"{where}.stages")
    if stage_problem is not None:
        problems.append(stage_problem)
    if not isinstance(raw.get("housekeeping", False), bool):
        problems.append(Problem(rel, f"housekeeping {raw.get('housekeeping')!r} is not true or false",
                                "write housekeeping: true for the consultant's homework, or leave it out",
                                field=f"{where}.housekeeping"))
    success_text = raw.get("success", {}).get("text") if isinstance(raw.get("success"), dict) else None
    for key, text in (("title", raw.get("title")), ("action", raw.get("action")), ("evidence", raw.get("evidence")),
                      ("success.text", success_text)):
        if isinstance(text, str) and (bad := unknown_placeholders(text)):
            problems.append(Problem(rel, f"{key} uses unknown placeholder(s) {', '.join(bad)}",
                                    "use " + ", ".join("{" + p + "}" for p in PLACEHOLDERS), field=f"{where}.{key}"))
    if not _int_in(raw.get("horizon"), HORIZONS):
        problems.append(Problem(rel, f"horizon {raw.get('horizon')!r} is not 30, 60 or 90", "use 30, 60 or 90 (days)", field=f"{where}.horizon"))
    for key in ("effort", "impact"):
        if not _int_in(raw.get(key), (1, 2, 3)):
            problems.append(Problem(rel, f"{key} {raw.get(key)!r} is not 1, 2 or 3", "use 1 (low), 2 or 3 (high)", field=f"{where}.{key}"))
    problems += check_trigger(raw.get("trigger"), rel, f"{where}.trigger")
    success, sp = parse_success(raw.get("success"), rel, f"{where}.success")
    problems += sp
    if problems:
        return None, problems
    return Play(pid, raw["title"].strip(), raw["trigger"], raw["action"].strip(), raw["owner"], raw["horizon"],
                raw["effort"], raw["impact"], raw["evidence"].strip(), success, str(raw.get("group") or ""),
                stages, bool(raw.get("housekeeping", False))), []


_PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_]+)\}")


def unknown_placeholders(text: str) -> list[str]:
    """Placeholders in ``text`` (``{name}``) that :data:`PLACEHOLDERS` does not know."""
    return sorted({m for m in _PLACEHOLDER_RE.findall(text) if m not in PLACEHOLDERS})


def parse_stages(raw: Any, rel: str, where: str) -> tuple[tuple[str, ...], Problem | None]:
    """The stage range of a play: ``[Undefined, Defined]`` (lowest, highest) or one stage.

    Returns every stage from the lowest to the highest, in order, so a range of two names
    covers the stages between them.
    """
    hint = "write stages: [LOWEST, HIGHEST] with stage names " + ", ".join(STAGES) + " (one name for a single stage)"
    names = [raw] if isinstance(raw, str) else raw
    if not isinstance(names, list) or not 1 <= len(names) <= 2 or any(n not in STAGES for n in names):
        return STAGES, Problem(rel, f"stages {raw!r} is not a stage range", hint, field=where)
    low, high = STAGES.index(names[0]), STAGES.index(names[-1])
    if low > high:
        return STAGES, Problem(rel, f"stages {raw!r} runs backwards", "put the lower stage first: " + hint, field=where)
    return STAGES[low:high + 1], None


def parse_success(raw: Any, rel: str, where: str) -> tuple[dict, list[Problem]]:
    """A success measure: text, or ``{text, signal, goal: up|down, target, by}``.

    ``target`` is a value that counts as met once reached; ``by`` (optional, positive) is a
    change that counts as met once the signal has moved that far in the direction of ``goal``
    (e.g. ``by: 10`` for "up at least 10 points").
    """
    if isinstance(raw, str) and raw.strip():
        return {"text": raw.strip(), "signal": None, "goal": None, "target": None}, []
    hint = "write success: {text: ..., signal: NAME, goal: up|down, target: NUMBER} or plain text"
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str) or not raw["text"].strip():
        return {}, [Problem(rel, "the success measure is missing or has no text", hint, field=where)]
    goal, target = raw.get("goal"), raw.get("target")
    problems = []
    if raw.get("signal") is not None and not isinstance(raw.get("signal"), str):
        problems.append(Problem(rel, "success signal must be a signal name", hint, field=where))
    elif raw.get("signal") is not None and (bad_signal := check_signal(raw["signal"], rel, where)) is not None:
        problems.append(bad_signal)
    if goal not in (None, "up", "down"):
        problems.append(Problem(rel, f"goal {goal!r} is not up or down", hint, field=where))
    if target is not None and (isinstance(target, bool) or not isinstance(target, (int, float))):
        problems.append(Problem(rel, f"target {target!r} is not a number", hint, field=where))
    by = raw.get("by")
    if by is not None and (isinstance(by, bool) or not isinstance(by, (int, float)) or by <= 0):
        problems.append(Problem(rel, f"by {by!r} is not a positive number",
                                "write by: 10 for 'at least 10 points in the direction of goal'", field=where))
    elif by is not None and goal not in ("up", "down"):
        problems.append(Problem(rel, "by needs a goal", "add goal: up or goal: down", field=where))
    success = {"text": raw["text"].strip(), "signal": raw.get("signal"), "goal": goal, "target": target}
    if by is not None:
        success["by"] = by
    return success, problems


def read_playbook(path: Path | None = None) -> tuple[Playbook | None, list[Problem]]:
    """Read and validate a playbook file; all problems at once.

    Parameters
    ----------
    path : Path, optional
        Defaults to ``templates/playbook.yaml``.

    Returns
    -------
    (playbook, problems)
        ``playbook`` is None when there is any problem.
    """
    path = Path(path) if path is not None else DEFAULT_PLAYBOOK
    rel = path.name
    data, problems = read_yaml(path, rel)
    if data is None:
        return None, problems
    raw_plays = data.get("plays") if isinstance(data, dict) else None
    if not isinstance(raw_plays, list) or not raw_plays:
        return None, [Problem(rel, "no plays found", "put the plays in a list under 'plays:'")]
    plays, seen = [], set()
    for n, raw in enumerate(raw_plays, start=1):
        play, pp = parse_play(raw, rel, n)
        problems += pp
        if play is not None:
            if play.id in seen:
                problems.append(Problem(rel, f"play id {play.id} is used twice", "give each play its own id", field=f"plays[{play.id}]"))
            seen.add(play.id)
            plays.append(play)
    labels = data.get("signals") or {}
    if not isinstance(labels, dict):
        problems.append(Problem(rel, "signals must map signal names to {label, format}", "see the top of the playbook", field="signals"))
    if problems:
        return None, problems
    return Playbook(tuple(plays), labels), []


#: The playbook at ``path`` (default: bundled); raises :class:`~helpers.content.errors.ContentInvalid`.
load_playbook = cached_loader(read_playbook, DEFAULT_PLAYBOOK)
