"""The layouts survey tools export: which tool wrote a table, where its header ends, what to ignore.

:func:`detect` names the tool from the header row(s); :func:`header_layout` turns the header
rows into one label per column (the text matched against the statements), the number of header
rows and which columns are the tool's own metadata. Recognised without any setting:

* **Qualtrics** – CSV/TSV or XLSX with three header rows (question ids ``Q2_1``, then the
  question texts ``Question - Statement``, then ``{"ImportId":...}``), or the legacy layout with
  two (``V1``…``V10`` or ``ResponseID``/``ResponseSet``, then the texts); answers as choice text
  or numeric values (mapped onto the agreement scale by :func:`numeric_codes`);
* **LimeSurvey** – ``id, submitdate, lastpage, startlanguage, seed, …`` (or their full-text
  headings ``Response ID, Date submitted, Last page, …``), arrays as ``Question [Statement]``;
* **Jotform** – ``Submission Date`` plus the field labels (``Submission ID``/``IP`` ignored);
* **SurveyMonkey**, **Microsoft Forms**, **Typeform**, **Google Forms** and the canonical file.

Nothing here reads files; :mod:`helpers.engagement.survey` reads the grid and builds the frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from helpers.engagement.survey_labels import norm


#: Headers written by the survey tools that carry no answers (normalised).
METADATA = {
    "timestamp", "email address", "email", "e mail", "name", "full name", "start time",
    "completion time", "last modified time", "collector id", "start date", "end date",
    "ip address", "first name", "last name", "response type", "start date utc", "stage date utc",
    "submit date utc", "network id", "tags", "ending", "score", "total score", "language",
    "duration", "respondent id", "response id", "id", "total points", "quiz feedback", "points",
    "feedback", "hidden fields", "",
    # Qualtrics (first header row, then the second), incl. the legacy V1..V10 columns
    "startdate", "enddate", "status", "ipaddress", "progress", "duration in seconds", "finished",
    "recordeddate", "responseid", "recipientlastname", "recipientfirstname", "recipientemail",
    "externalreference", "externaldatareference", "locationlatitude", "locationlongitude",
    "locationaccuracy", "distributionchannel", "userlanguage", "responseset", "emailaddress",
    "recorded date", "recipient last name", "recipient first name", "recipient email",
    "external data reference", "external reference", "location latitude", "location longitude",
    "location accuracy", "distribution channel", "user language", "response set",
    # LimeSurvey (question-code headings, then full-text headings)
    "submitdate", "lastpage", "startlanguage", "seed", "token", "datestamp", "ipaddr", "refurl",
    "interviewtime", "date submitted", "last page", "start language", "access code",
    "date started", "date last action", "referrer url", "total time",
    # Jotform
    "submission date", "submission id", "submission ip", "last update date", "submission url",
    "submission edit url", "edit link", "edit submission", "ip",
}


#: Google Forms' first column in English, German, French, Spanish and Dutch (normalised).
TIMESTAMP = {"timestamp", "zeitstempel", "horodateur", "marca temporal", "tijdstempel"}


METADATA |= TIMESTAMP | {"e mail adresse", "adresse e mail", "direccion de correo electronico", "e mailadres"}


#: First-header-row names that only a Qualtrics export has (normalised).
_QUALTRICS_IDS = {"responseid", "startdate", "enddate", "recordeddate", "distributionchannel",
                  "userlanguage", "externalreference", "finished"}


#: Second-header-row texts of a Qualtrics export (normalised): the row holds question texts.
_QUALTRICS_TEXTS = {"start date", "end date", "response type", "ip address", "progress",
                    "duration in seconds", "finished", "recorded date", "response id",
                    "responseid", "responseset", "response set", "status", "startdate", "enddate"}


#: Tool-specific advice when no column matches a statement (the usual cause: the export's
#: headings are question codes, not the statement texts).
NO_STATEMENT_HINT = {
    "qualtrics": "export again from Qualtrics (Data & Analysis > Export & Import > Export data, CSV or "
                 "Excel) and keep all its header rows: the second one holds the statement texts",
    "qualtrics_legacy": "export again from Qualtrics and keep both header rows: the second one holds the "
                        "statement texts",
    "limesurvey": "export again from LimeSurvey (Responses > Export) with Headings: 'Full question text', "
                  "so each column is headed by its statement",
    "jotform": "label each field in Jotform with the statement text, or rename the columns to statement ids",
}


#: Tool-specific advice for answers that are codes or labels the reader does not know.
LABEL_HINT = {
    "qualtrics": "export again from Qualtrics with 'Use choice text' (Data & Analysis > Export & Import > "
                 "Export data), or recode every answer to 1-5",
    "qualtrics_legacy": "export again from Qualtrics with 'Use choice text', or recode every answer to 1-5",
    "limesurvey": "export again from LimeSurvey (Responses > Export) with Responses: 'Full answers', "
                  "or recode every answer to 1-5",
}


#: Names of the layouts as the check output shows them.
FORMAT_NAMES = {
    "canonical": "canonical survey file", "generic": "table with one column per statement",
    "google_forms": "Google Forms", "microsoft_forms": "Microsoft Forms", "surveymonkey": "SurveyMonkey",
    "typeform": "Typeform", "qualtrics": "Qualtrics", "qualtrics_legacy": "Qualtrics (legacy export)",
    "limesurvey": "LimeSurvey", "jotform": "Jotform",
}


_SM_SUBLABELS = {"response", "open ended response", "open-ended response"}


#: Qualtrics response types (choice text and numeric) that are not real answers.
QUALTRICS_NOT_RESPONSES = {"survey preview", "survey test", "spam", "preview spam", "imported spam",
                           "1", "2", "8", "9", "12"}


def _is_import_id_row(row: list[str] | None) -> bool:
    return row is not None and sum(str(c).lstrip().startswith('{"ImportId"') for c in row) >= 2


def _is_qualtrics_text_row(row: list[str] | None) -> bool:
    return row is not None and len({norm(c) for c in row} & _QUALTRICS_TEXTS) >= 2


def detect(header: list[str], second: list[str] | None, third: list[str] | None = None) -> str:
    """Name the tool that wrote a table from its header row(s).

    Returns one of ``"qualtrics"``, ``"qualtrics_legacy"``, ``"limesurvey"``, ``"jotform"``,
    ``"surveymonkey"``, ``"microsoft_forms"``, ``"typeform"``, ``"google_forms"``,
    ``"canonical"`` or ``"generic"``.
    """
    h = {norm(c) for c in header}
    legacy_ids = sum(bool(re.fullmatch(r"V\d{1,2}", str(c).strip())) for c in header) >= 5
    if legacy_ids or {"responseid", "responseset"} <= h:
        return "qualtrics_legacy"
    if _is_import_id_row(third) or _is_import_id_row(second) or len(h & _QUALTRICS_IDS) >= 3:
        return "qualtrics"
    if {"lastpage", "startlanguage"} <= h or {"last page", "start language"} <= h:
        return "limesurvey"
    if "submission date" in h and (h & {"submission id", "submission ip", "last update date"}
                                   or header and norm(header[0]) == "submission date"):
        return "jotform"
    if {"respondent id", "collector id"} <= h or (
            second is not None and any(norm(c) in _SM_SUBLABELS for c in second)):
        return "surveymonkey"
    if {"id", "start time", "completion time"} <= h:
        return "microsoft_forms"
    if ("#" in h or "response id" in h) and h & {"submit date utc", "network id", "start date utc"}:
        return "typeform"
    if header and norm(header[0]) in TIMESTAMP:
        return "google_forms"
    if {"respondent", "team"} <= h:
        return "canonical"
    return "generic"


@dataclass
class Layout:
    """How a tool's header rows read: one label per column and which columns are metadata."""

    fmt: str
    rows: int                 # header rows above the first answer
    labels: list[str]         # matched against the statements
    shown: list[str]          # named in messages
    primary: list[str]        # the column's own heading (respondent/team/level headers)
    metadata: list[bool]      # the tool's own columns, never answers


def header_layout(fmt: str, header: list[str], second: list[str] | None,
                  third: list[str] | None) -> Layout:
    """Labels, header-row count and metadata columns of a table written by ``fmt``."""
    if fmt == "surveymonkey":
        top: list[str] = []
        for cell in header:  # a question's title heads the first of its columns only
            top.append(cell if cell or not top else top[-1])
        subs = second or [""] * len(header)
        real = [bool(s) and norm(s) not in _SM_SUBLABELS for s in subs]
        # a matrix row: its question title with the row text in brackets
        labels = [f"{t} [{s}]" if r else t for t, s, r in zip(top, subs, real)]
        shown = [f"{t} / {s}" if r else t for t, s, r in zip(top, subs, real)]
        primary = [s if r else t for t, s, r in zip(top, subs, real)]
        meta = [is_metadata(norm(p)) for p in primary]
        return Layout(fmt, 2, labels, shown, primary, meta)
    if fmt in ("qualtrics", "qualtrics_legacy"):
        texts = second if second is not None and (fmt == "qualtrics_legacy" or _is_qualtrics_text_row(second)
                                                  or _is_import_id_row(third)) else None
        import_row = third if texts is not None else second  # {"ImportId":...}, also when the texts were deleted
        rows = 1 + (texts is not None) + _is_import_id_row(import_row)
        labels = [t if t else h for h, t in zip(header, texts)] if texts is not None else list(header)
        meta = [is_metadata(norm(t)) or is_metadata(norm(h)) or bool(re.fullmatch(r"Q_\w+|V\d{1,2}", h.strip()))
                for h, t in zip(header, labels)]
        return Layout(fmt, rows, labels, labels, labels, meta)
    meta = [is_metadata(norm(h)) for h in header] if fmt != "canonical" else [False] * len(header)
    if fmt == "limesurvey":  # timings: interviewtime, groupTime123, G01Q01Time
        meta = [m or bool(re.fullmatch(r"(?i)grouptime\d+|\w+time|group time.*|question time.*", h.strip()))
                for m, h in zip(meta, header)]
    return Layout(fmt, 1, list(header), list(header), list(header), meta)


def is_metadata(key: str) -> bool:
    """Whether a normalised header names a column a survey tool adds (dates, ids, scores...)."""
    return key in METADATA or re.fullmatch(r"custom (data|variable) ?\d*", key) is not None


def numeric_codes(cells: pd.DataFrame) -> tuple[int | None, list[int]]:
    """How to shift a numeric export's answer codes onto 1-5, from every statement cell at once.

    Parameters
    ----------
    cells : DataFrame
        The statement columns as text.

    Returns
    -------
    (shift, codes)
        ``codes`` are the distinct whole numbers used (empty when some answer is not a whole
        number: a choice-text export). ``shift`` is added to every code: 0 for codes within 1-5,
        1 for 0-4 (with a 0), 3 for -2..2 (with a negative); None when the codes fit no 5-point
        scale (e.g. 1-7, or a "don't know" coded 6 or -99), so the scale cannot be told.
    """
    values = pd.Series(cells.to_numpy().ravel()).astype(str).str.strip()
    values = values[values != ""]
    if values.empty or not values.str.fullmatch(r"-?\d+").all():
        return 0, []
    codes = sorted({int(v) for v in values})
    low, high = codes[0], codes[-1]
    if low >= 1 and high <= 5:
        return 0, codes
    if low == 0 and high <= 4:
        return 1, codes
    if -2 <= low < 0 and high <= 2:
        return 3, codes
    return None, codes
