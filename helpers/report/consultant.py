"""The consultant's working section: what the client's document leaves out.

Only in ``<slug>.consultant.html``: the stakeholder and buying-influence map by name (Miller
Heiman roles are the consultant's selling strategy, not the client's business), its red flags,
the leadership climate the interviews point to (with the answers that show it), the respondents
left out of the scores, the "don't know" answers per statement, data-quality
warnings, and what is still to collect.
"""

from __future__ import annotations

from typing import Any

from helpers.analysis.climate import MIXED, POINTS_TO
from helpers.report.section import Section, render_template
from helpers.results import MISSING_MESSAGES, Results
from helpers.vocabulary import INFLUENCE_LABELS, INFLUENCES, TEAM_LABELS

TITLE = "For the consultant only"
ANCHOR = "consultant"
#: What each buying influence does (Miller Heiman), as a reminder beside the map.
ROLE_HINTS = {"economic": "gives the final yes and can veto", "user": "lives with the change every day",
              "technical": "can say no, not yes", "coach": "guides you from the inside"}


def context(results: Results) -> dict[str, Any]:
    """The template context: plain lists of the consultant-only material."""
    discovery = results["discovery"]
    people = discovery["stakeholders"] if discovery else []
    roles = discovery["roles"] if discovery else {}
    plan: dict[str, Any] = dict(results["plan"])
    housekeeping = [item.get("text") or item.get("title") or str(item) if isinstance(item, dict) else str(item)
                    for item in plan.get("housekeeping") or []]
    return {
        "people": [{"name": p["name"], "role": p["role"], "team": TEAM_LABELS.get(p["team"] or "", "not recorded"),
                    "influence": INFLUENCE_LABELS.get(p["influence"] or "", "not recorded"),
                    "interviewed": p["interviewed"]} for p in people],
        "roles": [{"label": INFLUENCE_LABELS[r], "hint": ROLE_HINTS[r],
                   "people": roles[r]["people"] if r in roles else [],
                   "interviewed": roles[r]["interviewed"] if r in roles else []} for r in INFLUENCES],
        "red_flags": [f["message"] for f in discovery["red_flags"]] if discovery else [],
        "excluded": results["respondents"]["excluded"],
        "warnings": results["warnings"],
        "collect": [MISSING_MESSAGES.get(m["section"], m["message"]) for m in results["missing"]],
        "housekeeping": housekeeping,
        "dont_know": dont_know_rows(results),
        "climate": discovery.get("climate") if discovery else None,
        "climate_points_to": POINTS_TO, "climate_mixed": MIXED,
    }


def dont_know_rows(results: Results) -> list[dict[str, Any]]:
    """Statements some respondents could not judge, most "don't know" answers first.

    Each row: ``id``, ``text``, ``dont_know`` (count), ``by_team`` ("sales 3, marketing 1"),
    ``share`` (percent of those who saw the statement: scored answers plus "don't know") and
    ``expected`` (the instrument marks it as one many staff cannot judge).
    """
    rows = []
    for s in results["statements"]:
        if not s["dont_know"]:
            continue
        seen = s["n"] + s["dont_know"]
        rows.append({"id": s["id"], "text": s["text"], "dont_know": s["dont_know"],
                     "by_team": ", ".join(f"{t} {k}" for t, k in s["dont_know_by_team"].items()),
                     "share": round(100 * s["dont_know"] / seen) if seen else None,
                     "expected": s["dont_know_likely"]})
    return sorted(rows, key=lambda r: (-r["dont_know"], r["id"]))


def consultant(results: Results) -> Section:
    """The "For the consultant only" section of the consultant's document.

    Parameters
    ----------
    results : Results
        The full results (``<slug>.consultant.json``), not the client's view.

    Returns
    -------
    Section
        Stakeholder map by name, red flags, respondents left out, warnings and what to collect.
    """
    return Section(TITLE, ANCHOR, [render_template("consultant.html.j2", **context(results))])
