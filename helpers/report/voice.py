"""Handout section "Voice of the teams": what the interviews said, in the client's own words.

Built from ``results["discovery"]`` only (see :mod:`helpers.discovery` for its schema). That
dict already holds nothing but shared answers, so this section can only ever show quotes the
consultant marked ``share: true``; internal notes never reach it.
"""

from __future__ import annotations

from typing import Any

from helpers.report.section import Section, missing_message, render_template

TITLE = "Voice of the teams"
ANCHOR = "voice"
DEFAULT_MISSING = ("No interviews recorded yet. Interview people from both teams, including both "
                   "team leaders, to hear the pains, their costs and the needs in their own words.")
TEAM_HEADINGS = (("sales", "Voice of sales"), ("marketing", "Voice of marketing"),
                 ("executive", "Voice of leadership"), ("other", "Other voices"))
SPIN_LABELS = {"situation": "Situation", "problem": "Problem", "implication": "Implication",
               "need_payoff": "Need-payoff"}
ROLE_LABELS = {"economic": "Economic buyer", "user": "User buyers", "technical": "Technical buyers",
               "coach": "Coach"}
ROLE_HINTS = {"economic": "gives the final yes and can veto", "user": "live with the change every day",
              "technical": "can say no, not yes", "coach": "guides us from the inside"}


ROLE_SINGULAR = {"economic": "economic buyer", "user": "user buyer", "technical": "technical buyer", "coach": "coach"}
#: Roles whose holders the handout does not name: a coach guides the consultant from the inside.
CONFIDENTIAL_ROLES = frozenset({"coach"})


def _by_title(person: dict[str, Any]) -> dict[str, Any]:
    """A stakeholder as the handout shows them: by job title (as quotes are), never by name."""
    team = str(person.get("team") or "").strip()
    title = str(person.get("role") or "").strip() or (f"Member of the {team} team" if team else "Unnamed stakeholder")
    return {"title": title, "influence": person.get("influence"), "interviewed": bool(person.get("interviewed"))}


def client_flags(flags: list[dict[str, Any]], people: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Red flags worth the client's attention, worded by job title.

    Bookkeeping flags (a role not recorded, notes not found, someone missing from the list) are
    the consultant's to fix and stay out of the handout; people are named by their job title.
    """
    titles = {p.get("name"): _by_title(p)["title"] for p in people}
    out = []
    for f in flags:
        code, role = f.get("code"), f.get("role")
        label = ROLE_SINGULAR.get(role or "", "stakeholder")
        if code == "uncovered_role" and role not in CONFIDENTIAL_ROLES:
            text = f"Nobody has been identified as the {label} yet: the plan needs to know who plays that part."
        elif code == "economic_not_interviewed":
            text = f"The economic buyer ({titles.get(f.get('person'), 'final decision-maker')}) has not been interviewed yet."
        elif code == "several_economic":
            text = "More than one person is seen as the economic buyer; agree who gives the final yes."
        elif code == "role_not_interviewed" and role not in CONFIDENTIAL_ROLES:
            text = f"No {label} has been interviewed yet."
        elif code == "team_not_interviewed":
            text = str(f.get("message") or "")
        else:
            continue
        out.append({"code": str(code), "message": text})
    return out


def context(discovery: dict[str, Any]) -> dict[str, Any]:
    """The template context for a ``results["discovery"]`` dict: plain lists ready to print."""
    teams = discovery.get("teams") or {}
    quotes = discovery.get("quotes") or {}
    # an answer tagged implication or need is shown once, in its own list below the voices
    voices = [{"team": team, "heading": heading,
               "quotes": [q for q in quotes.get(team) or [] if not {"implication", "need"} & set(q.get("tags") or [])]}
              for team, heading in TEAM_HEADINGS if quotes.get(team) or team in ("sales", "marketing")]
    labels = discovery.get("dimension_labels") or {}
    pain_rows = [{"label": labels.get(dim, dim), "sales": info.get("sales", 0), "marketing": info.get("marketing", 0),
                  "leadership": info.get("executive", 0) + info.get("other", 0), "interviews": info.get("interviews", 0)}
                 for dim, info in sorted((discovery.get("pain_dimensions") or {}).items(),
                                         key=lambda kv: (-kv[1].get("interviews", 0), -kv[1].get("answers", 0)))]
    spin_rows = [{"label": labels.get(dim, dim), **{s: row.get(s, 0) for s in SPIN_LABELS}, "total": row.get("total", 0)}
                 for dim, row in (discovery.get("by_dimension") or {}).items() if row.get("total")]
    people = [_by_title(p) for p in discovery.get("stakeholders") or []]
    roles = [{"label": ROLE_LABELS[r], "hint": ROLE_HINTS[r], "confidential": r in CONFIDENTIAL_ROLES,
              "people": [p for p in people if p.get("influence") == r]} for r in ROLE_LABELS]
    unmapped = [p for p in people if not p.get("influence")]
    return {
        "n": discovery.get("interviews", 0), "teams": teams, "answered": discovery.get("answered", 0),
        "shared": discovery.get("shared", 0), "voices": voices, "pain_rows": pain_rows,
        "implications": discovery.get("implications") or [], "needs": discovery.get("needs") or [],
        "spin_labels": SPIN_LABELS, "spin_rows": spin_rows, "by_spin": discovery.get("by_spin") or {},
        "roles": roles, "unmapped": unmapped,
        "red_flags": client_flags(discovery.get("red_flags") or [], discovery.get("stakeholders") or []),
    }


def voice(results: dict[str, Any]) -> Section:
    """The "Voice of the teams" handout section.

    Parameters
    ----------
    results : dict
        The results dict; uses ``results["discovery"]``.

    Returns
    -------
    Section
        Shared quotes by team, the pains each team raised most, implications, needs, where the
        interviews went (dimension by SPIN type) and the stakeholder map with its red flags; or a
        one-line section saying what to collect when there are no interviews.
    """
    discovery = results.get("discovery")
    if not discovery:
        return Section.missing(TITLE, ANCHOR, missing_message(results, "discovery", DEFAULT_MISSING))
    html = render_template("voice.html.j2", **context(discovery))
    if not discovery.get("interviews"):
        html = render_template("_missing.html.j2", message=missing_message(results, "discovery", DEFAULT_MISSING)) + html
    return Section(TITLE, ANCHOR, [html])
