"""Who owns a play at this client: the playbook's role matched to the people in ``engagement.yaml``.

The playbook names roles (``CMO``, ``CSO``, ``both``, ``CIO``, ``RevOps``, ``CEO``); clients name
people with job titles ("Marketing Manager", "Sales Director", "Managing Director"). A role is
matched to the most senior person whose title fits it, so a small firm's Marketing Manager is its
head of marketing. When nobody fits, the owner is the role in plain words and ``found`` is False:
the plan form asks the consultant, and no role the client does not have is invented.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict


class Owner(TypedDict):
    """A play's owner at the client: who it is in words, and whether a person was found for every role."""

    name: str
    found: bool
    people: list[str]


#: Title patterns per role (case-insensitive, on whole words).
ROLE_PATTERNS: dict[str, re.Pattern[str]] = {
    "CMO": re.compile(r"\b(cmo|marketing|brand|communications?)\b", re.I),
    "CSO": re.compile(r"\b(cso|cro|sales|commercial|business development|account management)\b", re.I),
    "CIO": re.compile(r"\b(cio|cto|it|information|technology|systems|digital|data)\b", re.I),
    "RevOps": re.compile(r"\b(rev ?ops|revenue operations|sales operations|marketing operations|crm)\b", re.I),
    "CEO": re.compile(r"\b(ceo|chief executive|managing director|md|owner|founder|president|general manager|"
                      r"managing partner|senior partner)\b", re.I),
}

#: Team names (``team:`` in engagement.yaml) that place a person in a role when the title is vague.
ROLE_TEAMS: dict[str, str] = {"CMO": "marketing", "CSO": "sales"}

#: Seniority words, most senior first: the owner is the most senior person who fits.
SENIORITY: tuple[re.Pattern[str], ...] = (
    re.compile(r"\b(chief|c[a-z]o|owner|founder|president|managing director|partner)\b", re.I),
    re.compile(r"\b(vp|vice president|director|head)\b", re.I),
    re.compile(r"\b(manager|lead|leader)\b", re.I),
)

#: The role in plain words, for the handout when no person fits.
ROLE_WORDS: dict[str, str] = {
    "CMO": "the head of marketing",
    "CSO": "the head of sales",
    "CIO": "the person responsible for IT and the CRM",
    "RevOps": "the person who keeps the CRM",
    "CEO": "the chief executive",
}


def _seniority(title: str) -> int:
    return next((rank for rank, pattern in enumerate(SENIORITY) if pattern.search(title)), len(SENIORITY))


def holder(role: str, people: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The most senior person whose title (or, for the two heads, team) fits a role; None when nobody does.

    Parameters
    ----------
    role : str
        ``CMO``, ``CSO``, ``CIO``, ``RevOps`` or ``CEO``.
    people : sequence of mapping
        The stakeholders of ``engagement.yaml`` (``name``, ``role``, ``team``, ...).

    Returns
    -------
    mapping or None
        The stakeholder entry.
    """
    pattern = ROLE_PATTERNS.get(role)
    if pattern is None:
        return None
    fits = [p for p in people if pattern.search(str(p.get("role") or ""))]
    if not fits and role in ROLE_TEAMS:
        fits = [p for p in people if str(p.get("team") or "").strip().lower() == ROLE_TEAMS[role]]
    if role == "CIO":   # a sales or marketing title mentioning "digital" or "data" is not the IT lead
        fits = [p for p in fits if not ROLE_PATTERNS["CMO"].search(str(p.get("role") or ""))
                and not ROLE_PATTERNS["CSO"].search(str(p.get("role") or ""))] or []
    if not fits:
        return None
    return min(fits, key=lambda p: (_seniority(str(p.get("role") or "")), str(p.get("name") or "")))


def _named(person: Mapping[str, Any]) -> str:
    title = str(person.get("role") or "").strip()
    return f"{person['name']} ({title})" if title else str(person["name"])


def owner(role: str, people: Sequence[Mapping[str, Any]]) -> Owner:
    """The owner of a play at this client, from its playbook role.

    ``both`` is the heads of sales and marketing together. A role that is not one of the
    playbook's (the consultant wrote a person's name in plan.yaml) is kept as written.

    Parameters
    ----------
    role : str
        The playbook's (or plan.yaml's) owner.
    people : sequence of mapping
        The stakeholders of ``engagement.yaml``.

    Returns
    -------
    Owner
        ``name`` in words ("Dana Reyes (Marketing Manager) and Tom Hale (Sales Director)";
        "the head of sales" when nobody fits), ``found`` False when any role has nobody,
        ``people`` the names found.
    """
    roles = ["CMO", "CSO"] if role == "both" else [role]
    if any(r not in ROLE_PATTERNS for r in roles):
        return {"name": role, "found": True, "people": []}
    parts, names, found = [], [], True
    for r in roles:
        person = holder(r, people)
        if person is None:
            found = False
            parts.append(ROLE_WORDS[r])
        elif str(person["name"]) not in names:
            names.append(str(person["name"]))
            parts.append(_named(person))
    return {"name": " and ".join(parts), "found": found, "people": names}
