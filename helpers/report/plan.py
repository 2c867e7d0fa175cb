"""Handout section "The plan": the actions by horizon, with owner, evidence and success measure.

Built from ``results["plan"]`` only (:func:`helpers.plan.build`): the consultant's decisions
from ``plan.yaml`` already won over the engine there. Each action shows why it is in the plan:
the number that triggered it and where the number comes from. Internal notes never reach the
results, so they cannot reach the handout.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from helpers.analysis.findings import on_business_clock, signal_format, value_words
from helpers.analysis.plan import PlanResult, Success
from helpers.analysis.triggers import Signals, signals
from helpers.content.playbook import load_playbook
from helpers.report.section import Section, render_template
from helpers.results import Results
from helpers.vocabulary import PLAY_OWNER_LABELS

TITLE = "The plan"
ANCHOR = "plan"
MISSING = ("No plan yet. Collect the survey, interviews, journey map or funnel data; the plan is drawn "
           "from what they show, and the consultant confirms it in plan.yaml.")
STATUS_LABELS = {"proposed": "Proposed", "accepted": "Agreed", "added": "Agreed", "done": "Done"}
#: Before plan.yaml records the date the client agreed the plan (``agreed:``), the consultant's choices are recommendations.
UNAGREED_LABELS = {**STATUS_LABELS, "accepted": "Recommended", "added": "Recommended"}
HORIZON_LABELS = {30: "First 30 days", 60: "Days 31 to 60", 90: "Days 61 to 90"}


def _today(success: Success, sig: Signals, business: bool = False) -> str | None:
    """Today's value of the success measure (its baseline) in words, or None when unmeasured.

    A list signal (e.g. the buying roles nobody interviewed) is named, not counted, when the
    signals ``sig`` of the results hold it.
    """
    signal, value = success["signal"], success["baseline"]
    if signal is None or value is None:
        return None
    now = sig.get(signal)
    if isinstance(now, list):
        entry = load_playbook().labels.get(signal)
        values = entry.get("values") if isinstance(entry, dict) else None
        names = values if isinstance(values, dict) else {}
        return ", ".join(str(names.get(v, v)) for v in now) or "none"
    return value_words(value, signal, signal_format(signal), business)


def owner_text(play: Mapping[str, Any]) -> str:
    """The owner as the handout prints it: the client's person, or "to be named" with the role.

    When no stakeholder's title fits the play's role, the handout does not present a role the
    client may not have as if it were a person: it says the owner is still to be named.
    """
    name = play.get("owner_name") or PLAY_OWNER_LABELS.get(play["owner"], play["owner"])
    return f"to be named ({name})" if play.get("owner_found") is False else str(name)


def context(plan: PlanResult, results: Results | None = None) -> dict[str, Any]:
    """Template context: plays grouped by horizon with display labels (``results`` names list measures)."""
    sig = signals(results) if results is not None else {}
    business = on_business_clock(results) if results is not None else False
    groups = []
    for horizon, label in HORIZON_LABELS.items():
        rows = []
        for p in plan["plays"]:
            if p["horizon"] != horizon:
                continue
            rows.append({"title": p["title"], "action": p["action"],
                         "owner": owner_text(p),
                         "status": (STATUS_LABELS if plan["agreed"] else UNAGREED_LABELS).get(p["status"], ""),
                         "why": [t["text"] for t in p["triggers"] if t["text"]],
                         "chosen": p["origin"] == "consultant" and not p["triggers"],
                         "carried": p.get("carried_over", False),
                         "success": p["success"]["text"], "today": _today(p["success"], sig, business),
                         "due": p.get("due"),
                         "evidence": p["evidence"]})
        if rows:
            groups.append({"label": label, "horizon": horizon, "rows": rows})
    statuses = {p["status"] for p in plan["plays"]}
    return {"groups": groups, "agreed": plan["agreed"], "consultant": plan["consultant"],
            # an action carried over and due after this report's date is not late: say when it is due
            "report_date": str(results["date"]) if results is not None and results.get("date") else None,
            "all_proposed": statuses == {"proposed"},
            # the consultant may keep more than the engine's cap in a block: never claim fewer than shown
            "cap": max([plan["max_per_horizon"] or 3] +
                       [sum(p["horizon"] == h for p in plan["plays"]) for h in HORIZON_LABELS]),
            "more": len(plan["not_shown"])}


def plan(results: Results) -> Section:
    """The "The plan" handout section.

    Parameters
    ----------
    results : Results
        Uses ``results["plan"]``.

    Returns
    -------
    Section
        The actions by horizon; one line saying what to collect when there is no plan.
    """
    built = results["plan"]
    if not built["plays"]:
        return Section.missing(TITLE, ANCHOR, MISSING)
    return Section(TITLE, ANCHOR, [render_template("plan.html.j2", **context(built, results))])
