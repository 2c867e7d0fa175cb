"""Reader of ``engagement.yaml``: who the client is, the wave's date, SLA, CRM mapping, people, settings.

Besides the required ``client``, ``consultant``, ``date`` and ``industry``, the file may set:
``previous`` (the earlier wave's folder), ``sla`` (see :mod:`helpers.engagement.sla`),
``currency`` (ISO 4217), ``crm`` and ``columns`` (how to read the funnel export),
``lead_sources`` (who sourced the leads of each source value), ``survey`` (``invited`` per team),
``confidentiality`` (``min_group``), ``stakeholders``, ``logo``, ``deck`` (``template``: the
consultant's own ``.pptx`` for the readout deck) and ``notes``.
"""

from __future__ import annotations
import datetime as dt
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from helpers import TEMPLATES
from helpers.content.crm import bundled_crms
from helpers.content.errors import ContentInvalid
from helpers.content.lead_sources import LeadSourceMap, load_lead_sources, parse_lead_sources
from helpers.engagement.activities import ActivitySettings
from helpers.engagement.folders import ENGAGEMENT_FILE, is_engagement
from helpers.engagement.sla import Sla, read_sla
from helpers.fileio import read_yaml
from helpers.problems import Problem, warning
from helpers.textsafe import IMAGE_MAX_BYTES, safe_image
from helpers.vocabulary import (CURRENCIES, CURRENCY_SYMBOLS, INFLUENCES, MIN_GROUP_DEFAULT, MIN_GROUP_FLOOR,
                                SURVEY_TEAMS)




REQUIRED_FIELDS = ("client", "consultant", "date", "industry")


OPTIONAL_FIELDS = ("previous", "sla", "currency", "crm", "columns", "activities", "lead_sources", "survey",
                   "confidentiality", "stakeholders", "logo", "deck", "notes")
DECK_TEMPLATE_MAX_BYTES = 50 * 1024 * 1024
"""The largest ``.pptx`` accepted as a deck template."""


@dataclass(frozen=True)
class SurveySettings:
    """``survey:`` in ``engagement.yaml``.

    Attributes
    ----------
    invited : dict of str to int
        How many people were asked to answer, per survey team (``sales``, ``marketing``); a team
        the file does not give is absent (its response rate is unknown).
    """

    invited: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Confidentiality:
    """``confidentiality:`` in ``engagement.yaml``.

    Attributes
    ----------
    min_group : int
        The smallest group whose results a client may see (default 5, never below 3); smaller
        groups are suppressed wherever a client can see them.
    """

    min_group: int = MIN_GROUP_DEFAULT


@dataclass(frozen=True)
class EngagementMeta:
    """What ``engagement.yaml`` says about the engagement.

    Attributes
    ----------
    client, consultant, industry : str
        Display strings (client-typed: always escaped in a handout).
    date : datetime.date
        Date of this assessment wave.
    previous : Path or None
        Absolute path of the earlier wave's folder, when this is a follow-up.
    sla_rule : Sla
        The speed-to-lead rule, typed: status (``agreed`` | ``proposed``, default proposed), hours,
        attempts, the clock it is measured on, and the calculator inputs.
    currency : str or None
        ISO 4217 code of every amount (``EUR``, ``GBP``, ``USD``); None: amounts carry no symbol.
    crm : str or None
        Name of a bundled CRM column mapping (``hubspot``, ``salesforce``).
    columns : dict
        The consultant's own mapping of a CRM export's column names onto ours.
    lead_sources : LeadSourceMap
        Who sourced the leads of each source value: ``templates/lead_sources.yaml`` with the
        engagement's ``lead_sources:`` on top.
    survey : SurveySettings
        How many people were invited to the survey, per team.
    confidentiality : Confidentiality
        The minimum reporting group.
    stakeholders : list of dict
        People at the client (name, role, team, influence, interviewed).
    logo : Path or None
        Logo image for the handout cover: a regular PNG, JPEG, GIF or WebP file (checked by its
        content) of at most 2 MB inside the engagement folder, as its resolved path.
    deck_template : Path or None
        The consultant's own PowerPoint file whose theme the readout deck uses (``deck:
        {template: ours.pptx}``), inside the engagement folder, as its resolved path.
    activities : ActivitySettings
        How to read the activity export (``activities: {columns: ..., types: ...}``).
    """

    client: str
    consultant: str
    date: dt.date
    industry: str
    previous: Path | None = None
    sla_rule: Sla = field(default_factory=Sla)
    currency: str | None = None
    crm: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    lead_sources: LeadSourceMap = field(default_factory=LeadSourceMap)
    survey: SurveySettings = field(default_factory=SurveySettings)
    confidentiality: Confidentiality = field(default_factory=Confidentiality)
    stakeholders: list[dict[str, Any]] = field(default_factory=list)
    logo: Path | None = None
    deck_template: Path | None = None
    activities: ActivitySettings = field(default_factory=ActivitySettings)

    @property
    def sla(self) -> dict[str, Any]:
        """The SLA numbers as a mapping (``response_hours``, ``attempts``, ``attempt_days`` and any
        calculator inputs), as the funnel analysis reads them; see :meth:`Sla.as_mapping`."""
        return self.sla_rule.as_mapping()


def _text(data: dict[str, Any], key: str, problems: list[Problem], required: bool) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(Problem(ENGAGEMENT_FILE, f"'{key}' is missing",
                                    f"add a line like `{key}: ...` (see the README, Engagement folder)", field=key))
        else:
            problems.append(warning(ENGAGEMENT_FILE, f"'{key}' is empty", f"fill in `{key}:`; the handout cover shows it",
                                    field=key))
        return ""
    if isinstance(value, (dict, list)):
        problems.append(Problem(ENGAGEMENT_FILE, f"'{key}' must be plain text, not a list or mapping",
                                f"write `{key}: some text`", field=key))
        return ""
    return str(value).strip()


def _date(value: Any, problems: list[Problem]) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        if value not in (None, ""):
            problems.append(Problem(ENGAGEMENT_FILE, f"date {value!r} is not an ISO date",
                                    "write it as YYYY-MM-DD, e.g. `date: 2026-11-24`", field="date"))
        return dt.date(1970, 1, 1)


def _currency(value: Any, problems: list[Problem]) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    hint = "write the three-letter ISO 4217 code, e.g. currency: EUR (or GBP, USD)"
    if not isinstance(value, str):
        problems.append(Problem(ENGAGEMENT_FILE, f"{value!r} is not a currency code", hint, field="currency"))
        return None
    code = value.strip().upper()
    if code in CURRENCIES:
        return code
    symbol = CURRENCY_SYMBOLS.get(value.strip())
    if symbol:
        hint = f"write the code rather than the symbol: currency: {symbol}"
    problems.append(Problem(ENGAGEMENT_FILE, f"{value.strip()!r} is not an ISO 4217 currency code", hint,
                            field="currency"))
    return None


def _mapping(value: Any, key: str, example: str, problems: list[Problem]) -> Mapping[Any, Any] | None:
    """``value`` when it is a mapping (None when absent); otherwise None and an error naming ``key``."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        problems.append(Problem(ENGAGEMENT_FILE, f"'{key}' must be a mapping", f"write e.g. {example}", field=key))
        return None
    return value


def _unknown_keys(value: Mapping[Any, Any], key: str, known: tuple[str, ...], problems: list[Problem]) -> None:
    for name in value:
        if str(name) not in known:
            problems.append(warning(ENGAGEMENT_FILE, f"unknown key '{name}' is ignored",
                                    f"known keys: {', '.join(known)}", field=f"{key}.{name}"))


def _whole(value: Any) -> int | None:
    """A whole number written as 20, 20.0 or "20"; None for anything else (booleans included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _survey(value: Any, problems: list[Problem]) -> SurveySettings:
    example = "`survey:` then an indented `invited: {sales: 20, marketing: 12}`"
    data = _mapping(value, "survey", example, problems)
    if data is None:
        return SurveySettings()
    _unknown_keys(data, "survey", ("invited",), problems)
    invited_raw = _mapping(data.get("invited"), "survey.invited", "`invited: {sales: 20, marketing: 12}`",
                           problems)
    invited: dict[str, int] = {}
    for team_raw, count_raw in (invited_raw or {}).items():
        team = str(team_raw).strip().lower()
        where = f"survey.invited.{team_raw}"
        if team not in SURVEY_TEAMS:
            problems.append(Problem(ENGAGEMENT_FILE, f"'{team_raw}' is not a survey team",
                                    f"give the number invited per team: {', '.join(SURVEY_TEAMS)}", field=where))
            continue
        if team in invited:
            problems.append(Problem(ENGAGEMENT_FILE, f"'{team_raw}' is given twice", "keep one line per team",
                                    field=where))
            continue
        count = _whole(count_raw)
        if count is None or count < 1:
            problems.append(Problem(ENGAGEMENT_FILE, f"{count_raw!r} is not a positive whole number",
                                    f"write how many people were asked to answer, e.g. {team}: 20", field=where))
            continue
        invited[team] = count
    return SurveySettings(invited=invited)


def _confidentiality(value: Any, problems: list[Problem]) -> Confidentiality:
    data = _mapping(value, "confidentiality", f"`confidentiality:` then an indented `min_group: {MIN_GROUP_DEFAULT}`",
                    problems)
    if data is None or data.get("min_group") is None:
        if data is not None:
            _unknown_keys(data, "confidentiality", ("min_group",), problems)
        return Confidentiality()
    _unknown_keys(data, "confidentiality", ("min_group",), problems)
    raw = data["min_group"]
    number = _whole(raw)
    if number is None:
        problems.append(Problem(ENGAGEMENT_FILE, f"{raw!r} is not a whole number",
                                f"write e.g. min_group: {MIN_GROUP_DEFAULT}", field="confidentiality.min_group"))
        return Confidentiality()
    if number < MIN_GROUP_FLOOR:
        problems.append(Problem(ENGAGEMENT_FILE,
                                f"{raw!r} is below {MIN_GROUP_FLOOR}: in a smaller group a person can work out "
                                "a colleague's answers from the group's result",
                                f"write min_group: {MIN_GROUP_FLOOR} or more "
                                f"({MIN_GROUP_DEFAULT} is the usual setting)",
                                field="confidentiality.min_group"))
        return Confidentiality()
    return Confidentiality(min_group=number)


def _lead_sources(value: Any, problems: list[Problem]) -> LeadSourceMap:
    try:
        defaults = load_lead_sources()
    except ContentInvalid as exc:
        defaults = LeadSourceMap()
        problems.extend(p.as_warning() for p in exc.problems)
        problems.append(warning(ENGAGEMENT_FILE, "the default lead-source mapping cannot be used, so only "
                                                 "this file's lead_sources are known",
                                "fix templates/lead_sources.yaml (see the warnings above)", field="lead_sources"))
    own, found = parse_lead_sources(value, ENGAGEMENT_FILE, "lead_sources")
    problems.extend(found)
    return defaults.overridden_by(own)


def _logo(value: Any, folder: Path, problems: list[Problem]) -> Path | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        problems.append(Problem(ENGAGEMENT_FILE, f"{value!r} is not a file name",
                                "write the image's file name, e.g. logo: logo.png", field="logo"))
        return None
    name = value.strip()
    found = safe_image(name, folder, IMAGE_MAX_BYTES, rel=ENGAGEMENT_FILE, field="logo")
    if isinstance(found, Problem):
        problems.append(found)
        return None
    return (Path(folder) / name).resolve()


def deck_template_problem(path: Path) -> str | None:
    """Why ``path`` cannot be a deck template, or None when it is a usable ``.pptx`` file.

    Checks the name (``.pptx``), that it is a regular file of at most
    :data:`DECK_TEMPLATE_MAX_BYTES`, and that it is a PowerPoint package (a zip holding
    ``ppt/presentation.xml``); it does not open the slides.
    """
    path = Path(path)
    if path.suffix.lower() != ".pptx":
        return f"'{path.name}' is not a .pptx file (save the template as a PowerPoint presentation, .pptx)"
    if not path.is_file():
        return f"'{path.name}' does not exist"
    if path.stat().st_size > DECK_TEMPLATE_MAX_BYTES:
        return f"'{path.name}' is larger than {DECK_TEMPLATE_MAX_BYTES // (1024 * 1024)} MB"
    try:
        with zipfile.ZipFile(path) as package:
            if "ppt/presentation.xml" not in package.namelist():
                return f"'{path.name}' is not a PowerPoint presentation (no ppt/presentation.xml inside)"
    except (zipfile.BadZipFile, OSError):
        return f"'{path.name}' is not a PowerPoint presentation (not a .pptx package)"
    return None


def _deck(value: Any, folder: Path, problems: list[Problem]) -> Path | None:
    example = "`deck:` then an indented `template: our-theme.pptx`"
    data = _mapping(value, "deck", example, problems)
    if data is None:
        return None
    _unknown_keys(data, "deck", ("template",), problems)
    name = data.get("template")
    if name is None or (isinstance(name, str) and not name.strip()):
        return None
    if not isinstance(name, str):
        problems.append(Problem(ENGAGEMENT_FILE, f"{name!r} is not a file name",
                                "write the template's file name, e.g. template: our-theme.pptx", field="deck.template"))
        return None
    path = (Path(folder) / name.strip()).resolve()
    try:
        path.relative_to(Path(folder).resolve())
    except ValueError:
        problems.append(Problem(ENGAGEMENT_FILE, f"'{name.strip()}' is outside the engagement folder",
                                "copy the template into the engagement folder and give its name",
                                field="deck.template"))
        return None
    reason = deck_template_problem(path)
    if reason is not None:
        problems.append(Problem(ENGAGEMENT_FILE, reason,
                                "put a .pptx file in the engagement folder and give its name, "
                                "or remove `deck:` to use the default theme", field="deck.template"))
        return None
    return path


def _sla_rule(value: Any, problems: list[Problem]) -> Sla:
    sla, found = read_sla(value, ENGAGEMENT_FILE)
    problems.extend(found)
    return sla


def _stakeholders(value: Any, problems: list[Problem]) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(ENGAGEMENT_FILE, "'stakeholders' must be a list",
                                "write one `- name: ...` entry per person", field="stakeholders"))
        return []
    people = []
    for i, person in enumerate(value, start=1):
        where = f"stakeholders[{i}]"
        if not isinstance(person, dict) or not person.get("name"):
            problems.append(Problem(ENGAGEMENT_FILE, "this person needs at least a name",
                                    "write `- name: ...` with role, team and influence below it", field=where))
            continue
        influence = str(person.get("influence") or "").strip().lower() or None
        if influence and influence not in INFLUENCES:
            problems.append(Problem(ENGAGEMENT_FILE, f"influence {influence!r} is unknown",
                                    f"use one of {', '.join(INFLUENCES)}", field=f"{where}.influence"))
            influence = None
        people.append({"name": str(person["name"]), "role": str(person.get("role") or ""),
                       "team": str(person.get("team") or ""), "influence": influence,
                       "interviewed": bool(person.get("interviewed", False))})
    return people


def _activities(value: Any, problems: list[Problem]) -> ActivitySettings:
    """``activities: {columns: {Their header: lead_id}, types: [Call, Email]}``: how to read the activity export."""
    if value is None:
        return ActivitySettings()
    hint = "write e.g. `activities:` then `  columns: {Related contact: lead_id}` and `  types: [Call, Email]`"
    if not isinstance(value, dict):
        problems.append(Problem(ENGAGEMENT_FILE, "'activities' must be a mapping", hint, field="activities"))
        return ActivitySettings()
    for key in value:
        if key not in ("columns", "types"):
            problems.append(warning(ENGAGEMENT_FILE, f"unknown key '{key}' under activities is ignored",
                                    "known keys: columns, types", field=f"activities.{key}"))
    columns = value.get("columns") or {}
    if not isinstance(columns, dict):
        problems.append(Problem(ENGAGEMENT_FILE, "'activities.columns' must map their headers onto ours", hint,
                                field="activities.columns"))
        columns = {}
    types = value.get("types") or []
    if isinstance(types, str):
        types = [types]
    if not isinstance(types, list) or not all(isinstance(t, (str, int)) for t in types):
        problems.append(Problem(ENGAGEMENT_FILE, "'activities.types' must be a list of activity types", hint,
                                field="activities.types"))
        types = []
    return ActivitySettings(columns={str(k): str(v) for k, v in columns.items()},
                            types=tuple(str(t) for t in types))


def read_meta(folder: Path) -> tuple[EngagementMeta | None, list[Problem]]:
    """Read and validate ``engagement.yaml``.

    Parameters
    ----------
    folder : Path
        The engagement folder.

    Returns
    -------
    (meta, problems)
        ``meta`` is None when the file is missing or unusable.
    """
    path = folder / ENGAGEMENT_FILE
    if not path.is_file():
        return None, [Problem(ENGAGEMENT_FILE, f"not found in {folder.name}/",
                              "every engagement folder needs one; create it with `workbook new DIR --client NAME`")]
    data, problems = read_yaml(path, ENGAGEMENT_FILE)
    if data is None:
        return None, problems
    if not isinstance(data, dict):
        return None, [Problem(ENGAGEMENT_FILE, "must be a mapping of `key: value` lines",
                              "start with `client: Client name` (see the README, Engagement folder)")]
    for key in data:
        if key not in REQUIRED_FIELDS + OPTIONAL_FIELDS:
            problems.append(warning(ENGAGEMENT_FILE, f"unknown key '{key}' is ignored",
                                    f"known keys: {', '.join(REQUIRED_FIELDS + OPTIONAL_FIELDS)}", field=str(key)))
    client = _text(data, "client", problems, required=True)
    consultant = _text(data, "consultant", problems, required=False)
    industry = _text(data, "industry", problems, required=False)
    if "date" not in data:
        problems.append(Problem(ENGAGEMENT_FILE, "'date' is missing",
                                "add the date of this wave as `date: YYYY-MM-DD`", field="date"))
    date = _date(data.get("date"), problems)

    previous = None
    if data.get("previous"):
        previous = (folder / str(data["previous"])).resolve()
        if not is_engagement(previous):
            problems.append(Problem(ENGAGEMENT_FILE, f"previous wave folder '{data['previous']}' has no engagement.yaml",
                                    "give the path of the earlier wave's folder, relative to this folder",
                                    field="previous"))
            previous = None
        elif previous == folder.resolve():
            problems.append(Problem(ENGAGEMENT_FILE, "'previous' points at this same folder",
                                    "point it at the earlier wave's folder", field="previous"))
            previous = None

    columns = data.get("columns") or {}
    crm_named = data.get("crm")
    if isinstance(columns, str) and columns.strip() and not crm_named:
        crm_named, columns = columns, {}  # `columns: hubspot` names a bundled mapping: read it as `crm:`
    if not isinstance(columns, dict):
        problems.append(Problem(ENGAGEMENT_FILE, "'columns' must map their column names onto ours",
                                "write e.g. `columns:` then `  Create Date: created_at`, or `crm: hubspot`",
                                field="columns"))
        columns = {}
    crm = str(crm_named).strip().lower() if crm_named else None
    if crm and (crm not in bundled_crms()):  # a plain bundled name: never a path to another folder's file
        known = sorted(p.stem for p in (TEMPLATES / "crm").glob("*.yaml"))
        problems.append(Problem(ENGAGEMENT_FILE, f"crm {crm!r} has no bundled mapping",
                                f"use one of {', '.join(known) or 'none'} or map columns yourself under `columns:`",
                                field="crm"))
        crm = None

    meta = EngagementMeta(client=client, consultant=consultant, date=date, industry=industry, previous=previous,
                          sla_rule=_sla_rule(data.get("sla"), problems),
                          currency=_currency(data.get("currency"), problems), crm=crm,
                          columns={str(k): str(v) for k, v in columns.items()},
                          lead_sources=_lead_sources(data.get("lead_sources"), problems),
                          survey=_survey(data.get("survey"), problems),
                          confidentiality=_confidentiality(data.get("confidentiality"), problems),
                          stakeholders=_stakeholders(data.get("stakeholders"), problems),
                          logo=_logo(data.get("logo"), folder, problems),
                          deck_template=_deck(data.get("deck"), folder, problems),
                          activities=_activities(data.get("activities"), problems))
    return meta, problems
