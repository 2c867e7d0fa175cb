"""Everything that writes engagement files: a new folder (``workbook new``) and the survey collection kit."""

from __future__ import annotations
import csv
import io
from functools import lru_cache
from pathlib import Path
import jinja2
from helpers import TEMPLATES
from helpers.fileio import atomic_write_text, dump_yaml
from helpers.engagement.survey import SURVEY_FILES
import datetime as dt
from helpers.content.instrument import Instrument, load_instrument
from helpers.engagement.meta import is_engagement
from helpers.engagement.meta import ENGAGEMENT_FILE
from helpers.vocabulary import MIN_GROUP_DEFAULT, MIN_GROUP_FLOOR, SLA_DEFAULTS


def write_collection_kit(folder: Path, instrument: Instrument) -> list[Path]:
    """Write what the client needs to collect answers: a CSV template and a printable questionnaire.

    ``survey.csv`` (header ``respondent,team,level,<ids>``) is written only when the folder has
    no survey yet; otherwise the template goes to ``survey_template.csv``. ``questionnaire.html``
    is self-contained (no network), with print styles.

    Returns
    -------
    list of Path
        The files written.
    """
    folder = Path(folder)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(["respondent", "team", "level", *instrument.ids])
    has_survey = any((folder / name).exists() for name in SURVEY_FILES)
    target = folder / ("survey_template.csv" if has_survey else "survey.csv")
    written = [atomic_write_text(target, buf.getvalue())]
    html = _kit_environment().get_template("questionnaire.html.j2").render(
        instrument=instrument, scale=instrument.scale or {1: "Strongly disagree", 2: "Disagree",
                                                          3: "Neither agree nor disagree",
                                                          4: "Agree", 5: "Strongly agree"},
        groups=[(d, label, [s for s in instrument.statements if s.dimension == d])
                for d, label in instrument.dimensions.items()])
    written.append(atomic_write_text(folder / "questionnaire.html", html))
    return written


@lru_cache(maxsize=1)
def _kit_environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES / "survey")),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def engagement_yaml(client: str, consultant: str = "", industry: str = "", date: dt.date | None = None,
                    currency: str | None = None) -> str:
    """The text of a new ``engagement.yaml``: every field with its default and a short comment.

    Settings not known yet (working hours, invited counts, lead-source overrides, logo) are
    written as commented-out examples, so the file is valid for ``workbook check`` as it stands.

    Parameters
    ----------
    client, consultant, industry : str
        Written as given (quoted by YAML where needed).
    date : datetime.date, optional
        Date of the wave; today by default.
    currency : str, optional
        ISO 4217 code; without it the line is a commented-out example.
    """
    head = dump_yaml({"client": client, "consultant": consultant, "date": date or dt.date.today(),
                      "industry": industry})
    money = (f"{dump_yaml({'currency': currency.strip().upper()}).rstrip():<31} # ISO 4217 code of every amount"
             if currency and currency.strip() else
             "# currency: EUR                # ISO 4217 code of every amount (EUR, GBP, USD ...); "
             "without it amounts show no symbol")
    hours, attempts, days = (int(SLA_DEFAULTS[k]) for k in ("response_hours", "attempts", "attempt_days"))
    return f"""\
# Engagement settings; the README ("Engagement folder") explains every field.
{head}{money}

# The speed-to-lead rule (SLA) between marketing and sales, and the clock it is measured on.
sla:
  status: proposed              # proposed until both heads have agreed the rule; then write: agreed
  response_hours: {hours:<13} # sales responds to a marketing-qualified lead within this many hours
  attempts: {attempts:<19} # and tries to reach it this many times ...
  attempt_days: {days:<15} # ... within this many days (working days on the business clock)
  clock: calendar               # calendar | business (only working hours on working days count)
  # working_hours: "08:00-18:00"             # business clock: the client's working day
  # working_days: [mon, tue, wed, thu, fri]
  # holidays: [2026-12-25, 2026-12-26]       # days off besides the weekend
  # holiday_country: GB-ENG                  # adds that country's public holidays
  # timezone: Europe/London                  # how to read export times that carry no time zone
  # revenue_goal: 2400000                    # revenue calculator: new revenue targeted per period
  # average_deal_size: 30000                 # default: from the won deals in the export
  # period_months: 12                        # the period revenue_goal covers

# Who sourced a lead, by the export's source value: marketing | sales | partner | other.
# HubSpot's and Salesforce's standard values are mapped already (templates/lead_sources.yaml).
# lead_sources:
#   Offline Sources: sales

# How many people were asked to answer the survey, per team (gives the response rate):
# survey:
#   invited: {{sales: 20, marketing: 12}}

confidentiality:
  min_group: {MIN_GROUP_DEFAULT:<18} # fewer answers than this: the group is not shown (never below {MIN_GROUP_FLOOR})

# logo: logo.png                # for the handout cover: PNG, JPEG, GIF or WebP in this folder, at most 2 MB

stakeholders: []
"""


def scaffold(folder: str | Path, client: str, consultant: str = "", industry: str = "",
             date: dt.date | None = None, currency: str | None = None) -> list[Path]:
    """Create a new engagement folder from ``templates/``.

    Writes ``engagement.yaml`` (see :func:`engagement_yaml`), an empty ``interviews/`` folder and
    the survey collection kit (a CSV template and a printable questionnaire). The journey editor
    starts from ``templates/journey.yaml`` when the consultant first opens it, so no generic
    journey can reach a handout by accident. Refuses to touch an existing engagement.

    Parameters
    ----------
    folder : path-like
        The new folder (created; must not already hold an engagement.yaml).
    client : str
        Client display name.
    consultant, industry : str
        Filled into engagement.yaml when given.
    date : datetime.date, optional
        Date of the wave; today by default.
    currency : str, optional
        ISO 4217 code of the client's amounts (``EUR``); left as a commented example when not given.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    FileExistsError
        When the folder already holds an engagement.
    """
    target = Path(folder)
    if is_engagement(target):
        raise FileExistsError(f"{target} already holds an engagement.yaml")
    text = engagement_yaml(client, consultant=consultant, industry=industry, date=date, currency=currency)
    written = [atomic_write_text(target / ENGAGEMENT_FILE, text)]
    (target / "interviews").mkdir(parents=True, exist_ok=True)
    written.extend(write_collection_kit(target, load_instrument()))
    return written
