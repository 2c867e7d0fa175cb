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

Ranking
-------
Each fired play scores ``impact * (1 + 3 * size) / (effort + 1)`` (:func:`score`), where
``size`` says how far the triggering number lies past its threshold. Plays sharing a ``group``
are near-duplicates: only the best reaches the plan. A play whose horizon is full moves to the
next horizon with room (``moved_from`` records it); the rest are listed in ``not_shown``.

Result (``results["plan"]``)
----------------------------
``{"plays": [play...], "rejected": [{"id", "title"}], "not_shown": [{"id", "title", "horizon", "why"}],
"max_per_horizon": int, "consultant": bool (a plan.yaml exists), "agreed": ISO date | None}`` where each play is
``{"id", "title", "action", "owner", "horizon", "effort", "impact", "status", "origin",
"evidence", "why", "triggers": [{"signal", "value", "source", "text"}], "success": {"text",
"signal", "goal", "target", "baseline"}, "due", "score", "moved_from" (only when moved),
"carried_over" (only when agreed at the previous wave and not done or on target yet)}``;
``baseline`` is the success signal's value now, for the next wave. ``status`` is ``proposed`` (engine,
not yet decided), ``accepted``, ``done`` or ``added``; ``origin`` is ``engine`` or ``consultant``.
Plays are ordered by horizon, then rank.
"""

from __future__ import annotations
from helpers.content.playbook import HORIZONS, Play, Playbook, load_playbook
from helpers.engagement.plan import PlanEntry, PlanFile
from helpers.analysis.findings import describe
from helpers.analysis.triggers import MAX_SIZE, evaluate, number, signals


# --------------------------------------------------------------------------- the plan
def _engine_play(play: Play, evidence: list[dict], labels: dict, results: dict, sig: dict) -> dict:
    # the largest finding counts, and each further condition that fired adds a little
    size = min(MAX_SIZE, max((e["size"] for e in evidence), default=0.0) + 0.1 * max(0, len(evidence) - 1))
    triggers = [{"signal": e["signal"], "value": e["value"], "source": e["source"],
                 "text": describe(e, labels, results)} for e in evidence]
    success = dict(play.success)
    success["baseline"] = baseline(sig, success.get("signal"))
    return {"id": play.id, "title": play.title, "action": play.action, "owner": play.owner,
            "horizon": play.horizon, "effort": play.effort, "impact": play.impact, "status": "proposed",
            "origin": "engine", "evidence": play.evidence, "why": "; ".join(t["text"] for t in triggers),
            "triggers": triggers, "success": success, "due": None, "group": play.group or play.id,
            "score": score(play.impact, play.effort, size)}


def baseline(sig: dict, signal: str | None) -> float | None:
    """Today's value of a success measure's signal: a number, a list by its length, else None.

    A list signal (e.g. ``discovery.uncovered_role``) is counted, the way
    :func:`helpers.waves.compare` counts it at the next wave.

    Parameters
    ----------
    sig : dict
        Signals from :func:`helpers.triggers.signals`.
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


def _apply(entry: PlanEntry, base: dict | None, sig: dict) -> dict:
    """A consultant's plan.yaml entry over the engine's (or playbook's) play: their words win."""
    play = dict(base) if base else {
        "id": entry["id"], "title": entry.get("title") or entry["action"].split(".")[0][:80],
        "effort": None, "impact": None, "evidence": "", "why": "", "triggers": [],
        "success": {"text": "", "signal": None, "goal": None, "target": None, "baseline": None},
        "group": entry["id"], "score": 0.0}
    for key in ("title", "action", "owner", "horizon", "due"):
        if key in entry:
            play[key] = entry[key]
    if "success" in entry:
        success = dict(entry["success"])
        success["baseline"] = baseline(sig, success.get("signal"))
        play["success"] = success
    play["status"] = "added" if base is None and entry["status"] == "accepted" else entry["status"]
    play["origin"] = "consultant"
    if not play.get("why"):
        play["why"] = "Chosen by the consultant"
    return play


def build(results: dict, plan_file: PlanFile | None, playbook: Playbook | None = None) -> dict:
    """Turn the findings into a ranked, capped plan and apply the consultant's decisions.

    Parameters
    ----------
    results : dict
        The results dict (every section is optional).
    plan_file : dict or None
        The consultant's plan from :func:`read_plan`; None when there is no ``plan.yaml``.
    playbook : Playbook, optional
        Defaults to ``templates/playbook.yaml``.

    Returns
    -------
    dict
        ``results["plan"]`` as described in the module docstring.
    """
    book = playbook or load_playbook()
    labels = book.labels
    sig = signals(results)
    fired = []
    for order, candidate in enumerate(book.plays):
        ok, evidence = evaluate(candidate.trigger, sig)
        if ok:
            fired.append((order, _engine_play(candidate, evidence, labels, results, sig)))
    fired.sort(key=lambda item: (-item[1]["score"], -item[1]["impact"], item[1]["effort"], item[0]))
    ranked = [p for _, p in fired]
    decided = {e["id"]: e for e in plan_file.get("plays", [])} if plan_file else {}
    cap = plan_file.get("max_per_horizon", 3) if plan_file else 3
    suggest = plan_file.get("suggest", True) if plan_file else True

    plays: list[dict] = []
    for entry in decided.values():
        if entry["status"] == "rejected":
            continue
        base = next((p for p in ranked if p["id"] == entry["id"]), None)
        known = book.get(entry["id"])
        if base is None and known is not None:
            base = _engine_play(known, [], labels, results, sig)
        plays.append(_apply(entry, base, sig))
    groups = {p["group"] for p in plays}
    per_horizon = {h: sum(p["horizon"] == h for p in plays) for h in HORIZONS}
    not_shown = []
    for play in ranked:
        if play["id"] in decided:
            continue
        free = [h for h in HORIZONS if h >= play["horizon"] and per_horizon[h] < cap]
        if not suggest or play["group"] in groups or not free:
            not_shown.append({"id": play["id"], "title": play["title"], "horizon": play["horizon"],
                              "why": play["why"]})
            continue
        if free[0] != play["horizon"]:
            play["moved_from"] = play["horizon"]
            play["horizon"] = free[0]
        groups.add(play["group"])
        per_horizon[play["horizon"]] += 1
        plays.append(play)
    # plays agreed at the previous wave, not done and not yet on target: say so where they reappear
    previous = (results.get("progress") or {}).get("plays") if isinstance(results.get("progress"), dict) else None
    still_open = {p.get("id") for p in previous or [] if isinstance(p, dict)
                  and p.get("status") in ("accepted", "added") and p.get("verdict") != "target met"}
    for play in plays:
        if play["id"] in still_open:
            play["carried_over"] = True
    rank = {"done": 0, "accepted": 1, "added": 1, "proposed": 2}
    plays.sort(key=lambda p: (p["horizon"], rank.get(p["status"], 3), -(p["score"] or 0)))
    for play in plays:
        play.pop("group", None)
    rejected = [{"id": e["id"], "title": getattr(book.get(e["id"]), "title", None) or e.get("title", e["id"])}
                for e in decided.values() if e["status"] == "rejected"]
    return {"plays": plays, "rejected": rejected, "not_shown": not_shown, "max_per_horizon": cap,
            "consultant": plan_file is not None, "agreed": plan_file.get("agreed") if plan_file else None}
