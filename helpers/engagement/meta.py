"""Reader of ``engagement.yaml``: who the client is, the wave's date, SLA, CRM mapping, people."""

from __future__ import annotations
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from helpers import TEMPLATES
from helpers.fileio import read_yaml
from helpers.problems import Problem, warning
from helpers.vocabulary import INFLUENCES, SLA_DEFAULTS


ENGAGEMENT_FILE = "engagement.yaml"


def is_engagement(folder: Path) -> bool:
    """True when ``folder`` holds an ``engagement.yaml``."""
    return (Path(folder) / ENGAGEMENT_FILE).is_file()


REQUIRED_FIELDS = ("client", "consultant", "date", "industry")


OPTIONAL_FIELDS = ("previous", "sla", "crm", "columns", "stakeholders", "logo", "notes")


LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg", ".gif", ".webp")


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
    sla : dict
        Service-level settings, defaults filled in (``response_hours`` 24, ``attempts`` 5,
        ``attempt_days`` 14, plus any calculator inputs the consultant added).
    crm : str or None
        Name of a bundled CRM column mapping (``hubspot``, ``salesforce``).
    columns : dict
        The consultant's own mapping of a CRM export's column names onto ours.
    stakeholders : list of dict
        People at the client (name, role, team, influence, interviewed).
    logo : Path or None
        Logo image for the handout cover.
    """

    client: str
    consultant: str
    date: dt.date
    industry: str
    previous: Path | None = None
    sla: dict[str, Any] = field(default_factory=lambda: dict(SLA_DEFAULTS))
    crm: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    stakeholders: list[dict[str, Any]] = field(default_factory=list)
    logo: Path | None = None


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


def _sla(value: Any, problems: list[Problem]) -> dict[str, Any]:
    sla: dict[str, Any] = dict(SLA_DEFAULTS)
    if value is None:
        return sla
    if not isinstance(value, dict):
        problems.append(Problem(ENGAGEMENT_FILE, "'sla' must be a mapping",
                                "write e.g. `sla:` then an indented `response_hours: 24`", field="sla"))
        return sla
    for key, raw in value.items():
        try:
            number = float(raw)
        except (TypeError, ValueError):
            problems.append(Problem(ENGAGEMENT_FILE, f"sla.{key} = {raw!r} is not a number",
                                    "write a plain number, e.g. `response_hours: 24`", field=f"sla.{key}"))
            continue
        if number < 0:
            problems.append(Problem(ENGAGEMENT_FILE, f"sla.{key} = {raw} is negative",
                                    "use a positive number", field=f"sla.{key}"))
            continue
        sla[str(key)] = number
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
    if not isinstance(columns, dict):
        problems.append(Problem(ENGAGEMENT_FILE, "'columns' must map their column names onto ours",
                                "write e.g. `columns:` then `  Create Date: created_at`", field="columns"))
        columns = {}
    crm = str(data["crm"]).strip().lower() if data.get("crm") else None
    if crm and not (TEMPLATES / "crm" / f"{crm}.yaml").is_file():
        known = sorted(p.stem for p in (TEMPLATES / "crm").glob("*.yaml"))
        problems.append(Problem(ENGAGEMENT_FILE, f"crm {crm!r} has no bundled mapping",
                                f"use one of {', '.join(known) or 'none'} or map columns yourself under `columns:`",
                                field="crm"))
        crm = None

    logo = None
    if data.get("logo"):
        logo = folder / str(data["logo"])
        if not logo.is_file() or logo.suffix.lower() not in LOGO_SUFFIXES:
            problems.append(warning(ENGAGEMENT_FILE, f"logo '{data['logo']}' is not an image file in this folder",
                                    "put a PNG, JPEG or SVG next to engagement.yaml; the cover shows no logo meanwhile",
                                    field="logo"))
            logo = None

    meta = EngagementMeta(client=client, consultant=consultant, date=date, industry=industry, previous=previous,
                          sla=_sla(data.get("sla"), problems), crm=crm,
                          columns={str(k): str(v) for k, v in columns.items()},
                          stakeholders=_stakeholders(data.get("stakeholders"), problems), logo=logo)
    return meta, problems
