"""The consultant's working section: what the client's document leaves out.

Only in ``<slug>.consultant.html``: the stakeholder and buying-influence map by name (Miller
Heiman roles are the consultant's selling strategy, not the client's business), its red flags,
the leadership climate the interviews point to (with the answers that show it), the respondents
left out of the scores, the "don't know" answers per statement, data-quality
warnings, what is still to collect, and, per journey stage, the emotion the journey map claims
beside what customers said in interviews.
"""

from __future__ import annotations

from typing import Any

from helpers.analysis.climate import MIXED, POINTS_TO
from helpers.report.section import Section, render_template
from helpers.results import MISSING_MESSAGES, Results
from helpers.vocabulary import INFLUENCE_LABELS, INFLUENCES, TEAM_LABELS, emotion_label

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


def emotion_rows(results: Results) -> dict[str, Any]:
    """Each journey stage's emotion on the map beside the emotions customers gave in interviews.

    Returns
    -------
    dict
        ``rows``: one per stage of the map, in map order: ``journey`` (label), ``stage`` (name),
        ``map`` (the map's emotion in words), ``said`` (each customer emotion about the stage:
        ``label``, ``text`` (the words, shared answers only), ``shared``, ``question_id``), ``none``
        (what to show when nobody spoke about it) and ``check``: "agrees" (every customer within
        one step of the map), "differs: ..." (naming how), "the map sets no emotion" or "no customer
        interview yet". ``unplaced``: customer emotions about no stage of the map; ``interviewed``:
        whether any customer emotion was recorded at all.
    """
    journey = results["journey"]
    discovery = results["discovery"]
    said = list(discovery.get("customer_emotions") or []) if discovery else []
    interviewed = bool(said)
    rows: list[dict[str, Any]] = []
    placed: set[str] = set()
    for j in journey["journeys"] if journey else []:
        for stage in j["stages"]:
            here = [e for e in said if e["stage"] == stage["id"]]
            placed.add(stage["id"])
            told = [{"label": emotion_label(e["emotion"]), "text": e["text"] if e["shared"] else "",
                     "shared": e["shared"], "question_id": e["question_id"]} for e in here]
            claimed = stage["emotion"]
            if not interviewed:
                check, none = "no customer interview yet", "\u2013"
            elif not here:
                check, none = "no customer has spoken about this stage yet", "–"
            elif claimed is None:
                check, none = "the map sets no emotion: take it from what customers said", "–"
            else:
                values = [e["emotion"] for e in here]
                off = [v for v in values if abs(v - claimed) > 1]
                if not off:
                    check = "agrees"
                else:
                    one = len(off) == 1
                    side = (("feels" if one else "feel") + " worse than" if all(v < claimed for v in off) else
                            ("feels" if one else "feel") + " better than" if all(v > claimed for v in off) else
                            "disagrees with" if one else "disagree with")
                    check = (f"differs: {len(off)} of {len(values)} customer{'s' if len(values) != 1 else ''} "
                             f"{side} what the map says")
                none = "–"
            rows.append({"journey": j["label"] or j["id"], "stage": stage["name"], "map": emotion_label(claimed),
                         "said": told, "none": none, "check": check})
    unplaced = [{"label": emotion_label(e["emotion"]), "stage": e["stage"], "question_id": e["question_id"]}
                for e in said if e["stage"] not in placed]
    return {"rows": rows, "unplaced": unplaced if rows else [], "interviewed": interviewed}


def consultant(results: Results) -> Section:
    """The "For the consultant only" section of the consultant's document.

    Parameters
    ----------
    results : Results
        The full results (``<slug>.consultant.json``), not the client's view.

    Returns
    -------
    Section
        Stakeholder map by name, red flags, respondents left out, warnings, what to collect, and
        the journey map's emotions beside what customers said.
    """
    return Section(TITLE, ANCHOR, [render_template("consultant.html.j2", **context(results)),
                                   render_template("consultant_emotions.html.j2", **emotion_rows(results))])
