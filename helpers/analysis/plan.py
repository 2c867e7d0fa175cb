"""From findings to a plan: playbook triggers, ranking, the consultant's decisions, key findings.

The playbook (``templates/playbook.yaml``, see :mod:`helpers.playbook`) holds plays, each with a
trigger written over named *signals* collected from the results dict. :func:`build` fires the
triggers, ranks the plays by impact over effort and by the size of the finding, removes
duplicates, keeps at most three plays per horizon (30, 60, 90 days) and explains for every play
which number triggered it and where the number comes from. The consultant's ``plan.yaml`` then
wins: accepted plays stay, rejected plays go, added plays join, and their wording and owners
replace the playbook's.

plan.yaml (in the engagement folder; optional)
----------------------------------------------
Written by the editor in ``notebooks/04_action_plan.ipynb`` or by hand::

    agreed: 2026-09-30          # optional: date the client agreed the plan (ISO)
    max_per_horizon: 3          # optional: plays per horizon (1-6, default 3)
    suggest: true               # optional: let the engine propose plays for free slots (default true)
    plays:
      - id: sla_speed_to_lead   # a playbook id: status accepted | rejected | done (default accepted);
        status: done            #   owner, action, horizon, due, title, success replace the playbook's
        owner: RevOps
        due: 2026-10-31
      - id: custom_pricing_page # your own play (needs action, owner, horizon)
        title: Publish a price range
        action: Marketing publishes a price range on the website.
        owner: CMO
        horizon: 60
        success: Fewer first calls lost on price   # text, or {text, signal, goal, target, by}
        notes: CFO nervous about this one          # internal: never in the handout

Keys per play: ``id`` (required; letters, digits, ``_`` or ``-``), ``status``, ``title``,
``action``, ``owner``, ``horizon``, ``due``, ``success`` and ``notes``. ``success`` is either
text (the measure in words) or a mapping ``{text, signal, goal: up|down, target, by}`` like the
playbook's, where ``signal`` is any signal name (see :mod:`helpers.triggers`); with a signal,
the next wave reports whether the measure moved. Plays not listed keep the engine's verdict.
Accepted and done plays stay in the plan even when their trigger no longer fires or their
horizon is full; the engine fills only the free slots (unless ``suggest: false``).

Sound evidence
--------------
A play reaches the plan only when its trigger fires, it fits the client's stage or the next one
(its ``stages`` range, :func:`stage_window`), its success target is not already met today
(:func:`met_today`), and it was not rejected (in this plan.yaml, or at an earlier wave without a
``status: reopened`` entry now). Housekeeping plays (collect data, interview someone) go to
``housekeeping``, a consultant-only list. Playbook placeholders (``{sla_hours}`` ...) are filled
from the client's SLA, and owners are named from ``engagement.yaml``'s stakeholders.

Ranking
-------
Each fired play scores ``impact * (1 + 3 * size) / (effort + 1)`` (:func:`score`), where
``size`` says how far the triggering number lies past its threshold. Plays sharing a ``group``
are near-duplicates: only the best reaches the plan. A play whose horizon is full moves to the
next horizon with room (``moved_from`` records it); the rest are listed in ``not_shown``.

Result (``results["plan"]``)
----------------------------
``{"plays": [play...], "rejected": [{"id", "title"}], "not_shown": [{"id", "title", "horizon", "why"}],
"max_per_horizon": int, "consultant": bool (a plan.yaml exists), "agreed": ISO date | None,
"housekeeping": [{"id", "title", "action", "why"}] (the consultant's homework: never client-facing),
"stages": [stage, next stage] (the window the plan works in)}`` where each play is
``{"id", "title", "action", "owner", "horizon", "effort", "impact", "status", "origin",
"evidence", "why", "triggers": [{"signal", "value", "source", "text"}], "success": {"text",
"signal", "goal", "target", "baseline"}, "due", "score", "moved_from" (only when moved),
"carried_over" (only when agreed at the previous wave and not done or on target yet),
"owner_name" (the client's person or people, or the role in plain words), "owner_found" (False
when nobody at the client fits the role: the plan form asks the consultant)}``;
``baseline`` is the success signal's value now, for the next wave. ``status`` is ``proposed`` (engine,
not yet decided), ``accepted``, ``done`` or ``added``; ``origin`` is ``engine`` or ``consultant``.
Plays are ordered by horizon, then rank.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any, NotRequired, TypedDict
from helpers.content.playbook import HORIZONS, Play, Playbook, load_playbook
from helpers.engagement.plan import PlanEntry, PlanFile
from helpers.engagement.sla import Sla
from helpers.analysis.findings import describe, signal_format
from helpers.analysis.owners import owner as owner_at
from helpers.formatting import clock_words, days_phrase, fill, hours_phrase
from helpers.vocabulary import STAGE_BANDS, STAGES
from helpers.analysis.triggers import MAX_SIZE, Analysed, Evidence, SignalValue, Signals, evaluate, number, signals


class Trigger(TypedDict):
    """A number that fired a play: the signal, its value, its source and the sentence saying so."""

    signal: str
    value: SignalValue | None
    source: str
    text: str


class Success(TypedDict):
    """A play's success measure: words, and optionally a signal with a goal, a target or a change ``by``.

    ``baseline`` is the signal's value now (None without a signal or without the data), so the
    next wave can tell whether the measure moved.
    """

    text: str
    signal: str | None
    goal: str | None
    target: float | None
    by: NotRequired[float]
    baseline: float | None


class PlanPlay(TypedDict):
    """One play of the plan (see the module docstring).

    ``effort`` and ``impact`` are None for the consultant's own plays; ``due`` is absent for a
    consultant's own play without a due date; ``moved_from`` is set when the play moved to a
    later horizon, ``carried_over`` when it was agreed at the previous wave and is still open.
    """

    id: str
    title: str
    action: str
    owner: str
    horizon: int
    effort: int | None
    impact: int | None
    status: str
    origin: str
    evidence: str
    why: str
    triggers: list[Trigger]
    success: Success
    due: NotRequired[str | None]
    score: float
    moved_from: NotRequired[int]
    carried_over: NotRequired[bool]
    owner_name: NotRequired[str]
    owner_found: NotRequired[bool]


class Housekeeping(TypedDict):
    """Consultant's homework a housekeeping play found (collect data, interview someone): never client-facing."""

    id: str
    title: str
    action: str
    why: str


class RejectedPlay(TypedDict):
    """A play the consultant rejected in ``plan.yaml``."""

    id: str
    title: str


class HiddenPlay(TypedDict):
    """A play that fired but is not in the plan (its group is taken, its horizons are full, or no suggestions)."""

    id: str
    title: str
    horizon: int
    why: str
    signals: NotRequired[list[str]]
    #: "waiting" (fits, but the plan is full: the client may hear of it), or the consultant's
    #: reasons for leaving it out: "stage" (fits another stage), "met" (target met today)
    held: NotRequired[str]


class PlanResult(TypedDict):
    """``results["plan"]``: the plays by horizon, and what the consultant rejected or the cap left out."""

    plays: list[PlanPlay]
    rejected: list[RejectedPlay]
    not_shown: list[HiddenPlay]
    max_per_horizon: int
    consultant: bool
    agreed: str | None
    housekeeping: list[Housekeeping]
    stages: list[str]


# --------------------------------------------------------------------------- the plan
def within_one_stage(raw: dict[str, Any], now: float | None) -> dict[str, Any]:
    """An absolute score target more than one stage band above today, brought down to the next band.

    The plan moves a client one stage: "Hand-off dimension at least 60" for a dimension at 30 (two
    bands up, in 90 days) becomes "at least 40", the start of the next stage, with the stage named.
    Targets on other signals, relative targets (``by``) and targets within reach are kept.
    """
    signal, target = str(raw.get("signal") or ""), number(raw.get("target"))
    if now is None or target is None or raw.get("goal") != "up" or not signal.startswith(("dimension.", "index")):
        return raw
    bounds = [float(bound) for bound, _ in STAGE_BANDS[:-1]]   # 40, 60, 80: where the next stages start
    nxt = next((b for b in bounds if b > now), None)
    if nxt is None or target <= nxt:
        return raw
    stage = next(name for bound, name in STAGE_BANDS if nxt < bound)
    text = re.sub(rf"at least {target:g}\b", f"at least {nxt:g} (the {stage} stage)", str(raw["text"]))
    return {**raw, "target": nxt, "text": text}


def _success(raw: dict[str, Any], sig: Signals) -> Success:
    """A success measure (playbook or plan.yaml) with today's value of its signal as ``baseline``.

    An absolute score target more than one stage away is brought to the next stage (:func:`within_one_stage`).
    """
    signal = raw.get("signal")
    now = baseline(sig, signal)
    raw = within_one_stage(raw, now)
    if "by" in raw:
        return {"text": raw["text"], "signal": signal, "goal": raw.get("goal"), "target": raw.get("target"),
                "by": raw["by"], "baseline": now}
    return {"text": raw["text"], "signal": signal, "goal": raw.get("goal"), "target": raw.get("target"),
            "baseline": now}


def _engine_play(play: Play, evidence: list[Evidence], labels: dict[str, Any], results: Analysed,
                 sig: Signals) -> PlanPlay:
    # the largest finding counts, and each further condition that fired adds a little
    size = min(MAX_SIZE, max((e["size"] for e in evidence), default=0.0) + 0.1 * max(0, len(evidence) - 1))
    triggers: list[Trigger] = [{"signal": e["signal"], "value": e["value"], "source": e["source"],
                                "text": describe(e, labels, results)} for e in evidence]
    return {"id": play.id, "title": play.title, "action": play.action, "owner": play.owner,
            "horizon": play.horizon, "effort": play.effort, "impact": play.impact, "status": "proposed",
            "origin": "engine", "evidence": play.evidence, "why": "; ".join(t["text"] for t in triggers),
            "triggers": triggers, "success": _success(play.success, sig), "due": None,
            "score": score(play.impact, play.effort, size)}


def baseline(sig: Signals, signal: str | None) -> float | None:
    """Today's value of a success measure's signal: a number, a list by its length, else None.

    A list signal (e.g. ``discovery.uncovered_role``) is counted, the way
    :func:`helpers.analysis.waves.compare` counts it at the next wave.

    Parameters
    ----------
    sig : dict
        Signals from :func:`helpers.analysis.triggers.signals`.
    signal : str or None
        The success measure's signal.

    Returns
    -------
    float or None
        The value, or None when the measure has no signal or the engagement lacks the data.
    """
    if not signal:
        return None
    value = sig.get(signal)
    return float(len(value)) if isinstance(value, list) else number(value)


def score(impact: int, effort: int, size: float) -> float:
    """Rank of a play: impact over effort, scaled up by the size of the finding (0..1.5).

    ``impact * (1 + 3 * size) / (effort + 1)``: a severe finding outranks a cheap play on a
    mild one, and at equal findings the better impact-for-effort wins.
    """
    return round(impact * (1 + 3 * size) / (effort + 1), 3)


def _apply(entry: PlanEntry, base: PlanPlay | None, sig: Signals) -> PlanPlay:
    """A consultant's plan.yaml entry over the engine's (or playbook's) play: their words win."""
    status = "added" if base is None and entry["status"] == "accepted" else entry["status"]
    if base is None:   # the consultant's own play: plan.yaml gives action, owner and horizon
        title = entry.get("title") or entry["action"].split(".")[0][:80]
        success: Success = (_success(entry["success"], sig) if "success" in entry else
                            {"text": "", "signal": None, "goal": None, "target": None, "baseline": None})
        if "due" in entry:
            return {"id": entry["id"], "title": title, "effort": None, "impact": None, "evidence": "",
                    "why": "Chosen by the consultant", "triggers": [], "success": success, "score": 0.0,
                    "action": entry["action"], "owner": entry["owner"], "horizon": entry["horizon"],
                    "due": entry["due"], "status": status, "origin": "consultant"}
        return {"id": entry["id"], "title": title, "effort": None, "impact": None, "evidence": "",
                "why": "Chosen by the consultant", "triggers": [], "success": success, "score": 0.0,
                "action": entry["action"], "owner": entry["owner"], "horizon": entry["horizon"],
                "status": status, "origin": "consultant"}
    play = base.copy()
    if "title" in entry:
        play["title"] = entry["title"]
    if "action" in entry:
        play["action"] = entry["action"]
    if "owner" in entry:
        play["owner"] = entry["owner"]
    if "horizon" in entry:
        play["horizon"] = entry["horizon"]
    if "due" in entry:
        play["due"] = entry["due"]
    if "success" in entry:
        play["success"] = _success(entry["success"], sig)
    play["status"] = status
    play["origin"] = "consultant"
    if not play["why"]:
        play["why"] = "Chosen by the consultant"
    return play


def stage_window(stage: str | None) -> list[str]:
    """The stages a plan may work on: the client's stage and the next one.

    Without a survey there is no stage: only plays that fit the first two stages qualify, so an
    Integrated-stage practice never reaches a client whose stage nobody has measured.
    """
    if stage not in STAGES:
        return list(STAGES[:2])
    at = STAGES.index(stage)
    return list(STAGES[at:at + 2])


def fits_stage(play: Play, window: Collection[str]) -> bool:
    """Whether a play's stage range meets the client's stage or the next one."""
    return any(s in window for s in play.stages)


def met_today(success: Success) -> bool:
    """Whether a success measure's target is already reached today (its baseline meets the target).

    A perception gap is signed (sales minus marketing, leaders minus staff) while its target is a
    size ("under 5 points"): −12 points is as far from it as +12, so its size is compared.
    """
    target, now = number(success["target"]), success["baseline"]
    if target is None or now is None or success["goal"] not in ("up", "down"):
        return False
    if success["goal"] == "down" and signal_format(success["signal"] or "") == "gap":
        now = abs(now)
    return now >= target if success["goal"] == "up" else now <= target


def placeholders(sla: Sla | None) -> dict[str, str]:
    """Values for the playbook's placeholders, from the client's SLA (its own numbers, on its own clock)."""
    rule = sla if sla is not None else Sla()
    business = rule.clock.clock == "business"
    return {"sla_hours": hours_phrase(float(rule.response_hours), business),
            "sla_attempts": f"{int(rule.attempts)}",
            "sla_days": days_phrase(float(rule.attempt_days), business),
            # a rule both teams have not agreed is never called the SLA in the client's plan
            "the_rule": "the SLA" if rule.agreed else "the proposed rule",
            **clock_words(business)}


def _filled(play: PlanPlay, values: Mapping[str, str], *, evidence: bool = True) -> PlanPlay:
    """``play`` with its title, action, success text (and evidence) filled from ``values``, in place."""
    play["title"], play["action"] = fill(play["title"], values), fill(play["action"], values)
    play["success"]["text"] = fill(play["success"]["text"], values)
    if evidence:
        play["evidence"] = fill(play["evidence"], values)
    return play


def _owned(play: PlanPlay, people: Sequence[Mapping[str, Any]]) -> PlanPlay:
    found = owner_at(play["owner"], people)
    play["owner_name"] = found["name"]
    play["owner_found"] = found["found"]
    return play


def build(results: Analysed, plan_file: PlanFile | None, playbook: Playbook | None = None, *,
          carried_over: Collection[str] = (), rejected_before: Collection[str] = (),
          people: Sequence[Mapping[str, Any]] = (), sla: Sla | None = None) -> PlanResult:
    """Turn the findings into a ranked, capped plan and apply the consultant's decisions.

    Parameters
    ----------
    results : Analysed
        The results (a section whose data is absent is None).
    plan_file : dict or None
        The consultant's plan from :func:`helpers.engagement.plan.read_plan`; None when there is no ``plan.yaml``.
    playbook : Playbook, optional
        Defaults to ``templates/playbook.yaml``.
    carried_over : collection of str
        Ids of plays agreed at the previous wave and still open
        (:func:`helpers.analysis.waves.still_open`): they stay in the plan, marked ``carried_over``,
        unless this wave's plan.yaml decides otherwise.
    rejected_before : collection of str
        Ids rejected at an earlier wave: never proposed again unless this wave's plan.yaml
        re-opens them (``status: reopened``) or decides them anew.
    people : sequence of mapping
        The stakeholders of ``engagement.yaml``: each play's owner is named from them
        (:mod:`helpers.analysis.owners`).
    sla : Sla, optional
        The client's SLA, whose numbers fill the playbook's placeholders (defaults when absent).

    Returns
    -------
    PlanResult
        ``results["plan"]`` as described in the module docstring.
    """
    book = playbook or load_playbook()
    labels = book.labels
    sig = signals(results)
    values = placeholders(sla)
    window = stage_window(results["stage"])
    entries = plan_file.get("plays", []) if plan_file else []
    reopened = {e["id"] for e in entries if e["status"] == "reopened"}
    decided = {e["id"]: e for e in entries if e["status"] != "reopened"}
    refused = (set(rejected_before) - reopened - set(decided)) | {i for i, e in decided.items() if e["status"] == "rejected"}
    cap = plan_file.get("max_per_horizon", 3) if plan_file else 3
    suggest = plan_file.get("suggest", True) if plan_file else True

    def engine(play: Play, evidence: list[Evidence]) -> PlanPlay:
        return _filled(_engine_play(play, evidence, labels, results, sig), values)

    fired: list[tuple[int, PlanPlay]] = []
    housekeeping: list[Housekeeping] = []
    not_shown: list[HiddenPlay] = []
    group: dict[str, str] = {}   # play id -> its group of near-duplicates
    evaluated: dict[str, PlanPlay] = {}   # every play whose trigger fired, with its evidence
    for order, candidate in enumerate(book.plays):
        ok, evidence = evaluate(candidate.trigger, sig)
        if not ok:
            continue
        made = evaluated[candidate.id] = engine(candidate, evidence)
        if candidate.id in refused or candidate.id in decided:
            continue
        if candidate.housekeeping:
            housekeeping.append({"id": made["id"], "title": made["title"], "action": made["action"],
                                 "why": made["why"]})
        elif not fits_stage(candidate, window):
            not_shown.append({"id": made["id"], "title": made["title"], "horizon": made["horizon"],
                              "why": "fits the " + "/".join(candidate.stages) + " stage, not this client's",
                              "signals": [], "held": "stage"})
        elif met_today(made["success"]) and candidate.id not in carried_over:
            not_shown.append({"id": made["id"], "title": made["title"], "horizon": made["horizon"],
                              "why": "its success target is already met today", "signals": [], "held": "met"})
        else:
            fired.append((order, made))
            group[candidate.id] = candidate.group or candidate.id
    uncovered = sig.get("discovery.uncovered_role")
    if isinstance(uncovered, list) and uncovered:   # the consultant's homework, never a client play
        names = (labels.get("discovery.uncovered_role") or {}).get("values") or {}
        roles = ", ".join(str(names.get(r, r)) for r in uncovered)
        housekeeping.append({"id": "interview_uncovered_roles", "title": "Interview the buying roles nobody has spoken for",
                             "action": f"Before the plan is final, interview someone in each of these roles: {roles}.",
                             "why": f"Roles with nobody interviewed: {roles} (interviews)"})
    fired.sort(key=lambda item: (-item[1]["score"], -(item[1]["impact"] or 0), item[1]["effort"] or 0, item[0]))
    ranked = [p for _, p in fired]

    plays: list[PlanPlay] = []
    for entry in decided.values():
        if entry["status"] == "rejected":
            continue
        known = book.get(entry["id"])
        base = None
        if known is not None:   # the engine's evidence (when it fired) stays under the consultant's words
            group[known.id] = known.group or known.id
            base = evaluated.get(known.id) or engine(known, [])
        # the consultant's words, with a placeholder copied from the playbook filled
        plays.append(_filled(_apply(entry, base, sig), values, evidence=False))
    # agreed at the previous wave and still open: they stay in the plan unless this wave decided them
    for pid in carried_over:
        known = book.get(pid)
        if pid in decided or pid in refused or known is None or any(p["id"] == pid for p in plays):
            continue
        kept = evaluated.get(pid) or engine(known, [])
        kept["status"] = "accepted"
        plays.append(kept)
        group[pid] = known.group or pid
    taken = {p["id"] for p in plays}
    groups = {group.get(p["id"], p["id"]) for p in plays}
    per_horizon = {h: sum(p["horizon"] == h for p in plays) for h in HORIZONS}
    for play in ranked:
        if play["id"] in taken:
            continue
        free = [h for h in HORIZONS if h >= play["horizon"] and per_horizon[h] < cap]
        if not suggest or group[play["id"]] in groups or not free:
            not_shown.append({"id": play["id"], "title": play["title"], "horizon": play["horizon"],
                              "why": play["why"], "signals": [t["signal"] for t in play["triggers"]],
                              "held": "waiting"})
            continue
        if free[0] != play["horizon"]:
            play["moved_from"] = play["horizon"]
            play["horizon"] = free[0]
        groups.add(group[play["id"]])
        per_horizon[play["horizon"]] += 1
        plays.append(play)
    for play in plays:   # agreed at the previous wave, not done and not yet on target: marked here, once
        if play["id"] in carried_over:
            play["carried_over"] = True
        _owned(play, people)
    rank = {"done": 0, "accepted": 1, "added": 1, "proposed": 2}
    plays.sort(key=lambda p: (p["horizon"], rank.get(p["status"], 3), -(p["score"] or 0)))
    rejected: list[RejectedPlay] = []
    for pid in sorted(refused, key=lambda i: (i not in decided, i)):
        known, decision = book.get(pid), decided.get(pid)
        title = known.title if known is not None else (decision.get("title", pid) if decision is not None else pid)
        rejected.append({"id": pid, "title": fill(title, values)})
    return {"plays": plays, "rejected": rejected, "not_shown": not_shown, "max_per_horizon": cap,
            "consultant": plan_file is not None, "agreed": plan_file.get("agreed") if plan_file else None,
            "housekeeping": housekeeping, "stages": window}
