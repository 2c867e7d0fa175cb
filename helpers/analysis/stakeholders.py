"""The stakeholder map: people by Miller Heiman buying-influence role, with red flags.

Part of :mod:`helpers.discovery` (see its docstring for the output schema). Pure: no I/O.
"""

from __future__ import annotations
from typing import TYPE_CHECKING, Any, TypedDict
from helpers.vocabulary import INFLUENCE_ALIASES, INFLUENCE_LABELS, INFLUENCES, TEAM_ALIASES, TEAMS, choice_of, text_of
if TYPE_CHECKING:
    from helpers.engagement.interviews import Interview


class Stakeholder(TypedDict):
    """A person at the client: from the stakeholder list (``listed``), an interview, or both.

    ``team`` and ``influence`` are None when not recorded (or not one of the known values).
    """

    name: str
    role: str
    team: str | None
    influence: str | None
    interviewed: bool
    listed: bool


class RoleCoverage(TypedDict):
    """Who holds one buying-influence role, and which of them were interviewed."""

    people: list[str]
    interviewed: list[str]


class RedFlag(TypedDict):
    """A gap in the stakeholder map (``code`` as listed in :mod:`helpers.analysis.discovery`)."""

    code: str
    message: str
    role: str | None
    person: str | None


class StakeholderMap(TypedDict):
    """The stakeholder map: people, who covers each influence role, and the red flags."""

    people: list[Stakeholder]
    roles: dict[str, RoleCoverage]
    red_flags: list[RedFlag]


def stakeholder_map(interviews: list[Interview], stakeholders: list[dict[str, Any]]) -> StakeholderMap:
    """People by buying-influence role, merged from the stakeholder list and the interviews.

    Returns
    -------
    StakeholderMap
        ``people``, ``roles`` and ``red_flags``: the ``stakeholders``, ``roles`` and ``red_flags``
        of the discovery synthesis (see the :mod:`helpers.analysis.discovery` docstring).
    """
    people: dict[str, dict[str, Any]] = {}
    for s in stakeholders:
        influence = choice_of(s.get("influence"), INFLUENCES, INFLUENCE_ALIASES)
        team = choice_of(s.get("team"), TEAMS, TEAM_ALIASES)
        people[text_of(s["name"]).casefold()] = {
            "name": text_of(s["name"]), "role": text_of(s.get("role")),
            "team": team if team and not team.startswith("?") else None,
            "influence": influence if influence and not influence.startswith("?") else None,
            "interviewed": s.get("interviewed") is True, "listed": True, "_file": False}
    for iv in interviews:
        if iv.audience == "customer":  # the client's customer: a voice for the journey, not a player in the sale
            continue
        p = people.setdefault(iv.interviewee.casefold(), {
            "name": iv.interviewee, "role": iv.role, "team": iv.team, "influence": None,
            "interviewed": True, "listed": False, "_file": True})
        p.update(interviewed=True, _file=True, influence=iv.influence or p["influence"],
                 role=p["role"] or iv.role, team=p["team"] or iv.team)
    flags: list[RedFlag] = []

    def flag(code: str, msg: str, role: str | None = None, person: str | None = None) -> None:
        flags.append({"code": code, "message": msg, "role": role, "person": person})

    roles: dict[str, RoleCoverage] = {r: {"people": [p["name"] for p in people.values() if p["influence"] == r],
                 "interviewed": [p["name"] for p in people.values() if p["influence"] == r and p["interviewed"]]}
             for r in INFLUENCES}
    for r in INFLUENCES:
        label = INFLUENCE_LABELS[r].lower()
        if not roles[r]["people"]:
            flag("uncovered_role", f"Nobody is mapped as the {label} yet: find out who plays that part.", role=r)
        elif r == "economic":
            if len(roles[r]["people"]) > 1:
                flag("several_economic", f"{len(roles[r]['people'])} people are mapped as the economic buyer "
                     f"({', '.join(roles[r]['people'])}); usually one person gives the final yes.", role=r)
            for name in roles[r]["people"]:
                if name not in roles[r]["interviewed"]:
                    flag("economic_not_interviewed", f"The economic buyer, {name}, has not been interviewed.",
                         role=r, person=name)
        elif not roles[r]["interviewed"]:
            flag("role_not_interviewed", f"No {label} has been interviewed ({', '.join(roles[r]['people'])}).", role=r)
    for p in people.values():
        if p["influence"] is None:
            flag("influence_unknown", f"The buying-influence role of {p['name']} is not recorded.", person=p["name"])
        if not p["listed"] and stakeholders:
            flag("new_player", f"{p['name']} was interviewed but is not on the stakeholder list.", person=p["name"])
        if p["listed"] and p["interviewed"] and not p["_file"]:
            flag("interview_missing", f"{p['name']} is marked as interviewed but no interview notes were found.",
                 person=p["name"])
    for team in ("sales", "marketing"):
        if not any(iv.team == team for iv in interviews):
            flag("team_not_interviewed", f"No one from {team} has been interviewed yet: the {team} view is missing.")
    listed: list[Stakeholder] = [{"name": p["name"], "role": p["role"], "team": p["team"], "influence": p["influence"],
                                  "interviewed": p["interviewed"], "listed": p["listed"]} for p in people.values()]
    return {"people": listed, "roles": roles, "red_flags": flags}
