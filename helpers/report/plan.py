"""Handout section "The plan": the actions by horizon, with owner, evidence and success measure.

Built from ``results["plan"]`` only (:func:`helpers.plan.build`): the consultant's decisions
from ``plan.yaml`` already won over the engine there. Each action shows why it is in the plan:
the number that triggered it and where the number comes from. Internal notes never reach the
results, so they cannot reach the handout.
"""

from __future__ import annotations

from typing import Any

from helpers.analysis.findings import format_value, signal_format
from helpers.analysis.triggers import signals
from helpers.content.playbook import load_playbook
from helpers.report.section import Section, render_template
from helpers.analysis.triggers import number
from helpers.vocabulary import PLAY_OWNER_LABELS

TITLE = "The plan"
ANCHOR = "plan"
MISSING = ("No plan yet. Collect the survey, interviews, journey map or funnel data; the plan is drawn "
           "from what they show, and the consultant confirms it in plan.yaml.")
STATUS_LABELS = {"proposed": "Proposed", "accepted": "Agreed", "added": "Agreed", "done": "Done"}
HORIZON_LABELS = {30: "First 30 days", 60: "Days 31 to 60", 90: "Days 61 to 90"}


def _success_text(success: dict[str, Any]) -> str:
    return str((success or {}).get("text") or "")


def _today(success: dict[str, Any], sig: dict[str, Any] | None = None) -> str | None:
    """Today's value of the success measure (its baseline) in words, or None when unmeasured.

    A list signal (e.g. the buying roles nobody interviewed) is named, not counted, when the
    signals ``sig`` of the results are given.
    """
    signal = (success or {}).get("signal")
    value = number((success or {}).get("baseline"))
    if not isinstance(signal, str) or value is None:
        return None
    if isinstance((sig or {}).get(signal), list):
        entry = load_playbook().labels.get(signal)
        values = entry.get("values") if isinstance(entry, dict) else None
        names = values if isinstance(values, dict) else {}
        return ", ".join(str(names.get(v, v)) for v in (sig or {})[signal]) or "none"
    return format_value(value, signal_format(signal))


def context(plan: dict[str, Any], results: dict[str, Any] | None = None) -> dict[str, Any]:
    """Template context: plays grouped by horizon with display labels (``results`` names list measures)."""
    sig = signals(results) if isinstance(results, dict) else {}
    groups = []
    for horizon, label in HORIZON_LABELS.items():
        rows = []
        for p in plan.get("plays") or []:
            if p.get("horizon") != horizon:
                continue
            rows.append({"title": p.get("title") or "", "action": p.get("action") or "",
                         "owner": PLAY_OWNER_LABELS.get(p.get("owner"), p.get("owner") or ""),
                         "status": STATUS_LABELS.get(p.get("status"), ""),
                         "why": [t.get("text") for t in p.get("triggers") or [] if t.get("text")],
                         "chosen": p.get("origin") == "consultant" and not p.get("triggers"),
                         "carried": bool(p.get("carried_over")),
                         "success": _success_text(p.get("success")), "today": _today(p.get("success"), sig),
                         "due": p.get("due"),
                         "evidence": p.get("evidence") or ""})
        if rows:
            groups.append({"label": label, "horizon": horizon, "rows": rows})
    statuses = {p.get("status") for p in plan.get("plays") or []}
    return {"groups": groups, "agreed": plan.get("agreed"), "consultant": bool(plan.get("consultant")),
            "all_proposed": statuses == {"proposed"},
            # the consultant may keep more than the engine's cap in a block: never claim fewer than shown
            "cap": max([int(plan.get("max_per_horizon") or 3)] +
                       [sum(p.get("horizon") == h for p in plan.get("plays") or []) for h in HORIZON_LABELS]),
            "more": len(plan.get("not_shown") or [])}


def plan(results: dict[str, Any]) -> Section:
    """The "The plan" handout section.

    Parameters
    ----------
    results : dict
        The results dict; uses ``results["plan"]``.

    Returns
    -------
    Section
        The actions by horizon; one line saying what to collect when there is no plan.
    """
    built = results.get("plan")
    if not isinstance(built, dict) or not built.get("plays"):
        return Section.missing(TITLE, ANCHOR, MISSING)
    return Section(TITLE, ANCHOR, [render_template("plan.html.j2", **context(built, results))])
