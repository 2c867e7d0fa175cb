"""Everything that writes engagement files: a new folder (``workbook new``) and the survey collection kit."""

from __future__ import annotations
import csv
import io
from functools import lru_cache
from pathlib import Path
import jinja2
from helpers import TEMPLATES
from helpers.fileio import atomic_write_text
from helpers.engagement.survey import SURVEY_FILES
import datetime as dt
from helpers.fileio import atomic_write_yaml
from helpers.content.instrument import Instrument, load_instrument
from helpers.engagement.meta import is_engagement
from helpers.engagement.meta import ENGAGEMENT_FILE


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


def scaffold(folder: str | Path, client: str, consultant: str = "", industry: str = "",
             date: dt.date | None = None) -> list[Path]:
    """Create a new engagement folder from ``templates/``.

    Writes ``engagement.yaml``, an empty ``interviews/`` folder and the survey collection kit
    (a CSV template and a printable questionnaire). The journey editor starts from
    ``templates/journey.yaml`` when the consultant first opens it, so no generic journey can
    reach a handout by accident. Refuses to touch an existing engagement.

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
    meta = {
        "client": client,
        "consultant": consultant,
        "date": (date or dt.date.today()).isoformat(),
        "industry": industry,
        "sla": {"response_hours": 24, "attempts": 5, "attempt_days": 14},
        "stakeholders": [],
    }
    written = [atomic_write_yaml(target / ENGAGEMENT_FILE, meta)]
    (target / "interviews").mkdir(parents=True, exist_ok=True)
    written.extend(write_collection_kit(target, load_instrument()))
    return written
