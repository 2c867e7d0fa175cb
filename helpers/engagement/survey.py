"""Read a survey file in any supported layout and turn it into the canonical survey frame.

Accepted layouts, detected from the header without any flag:

* **canonical** – ``respondent, team, level, <statement ids...>`` (what ``workbook survey`` writes);
* **Google Forms** – CSV whose first column is ``Timestamp``; headers are the question texts
  (a grid question gives ``Title [row text]``);
* **Microsoft Forms** – XLSX with ``ID``, ``Start time``, ``Completion time``, ``Email``, ``Name``;
* **SurveyMonkey** – CSV with two header rows (question, then sub-question or ``Response``);
* **Typeform** – CSV with ``#`` (or ``Response ID``) and ``Submit Date (UTC)``/``Network ID``.

Statement columns match by statement id or by statement text, ignoring case, punctuation and
surrounding whitespace. Answers may be numbers (1-5) or labels ("Strongly agree", any case; the
vocabulary is in :mod:`helpers.survey_labels`). Title rows above the header are skipped (messages
keep the spreadsheet's row numbers); a workbook is read from its first sheet naming a statement.
Every cell or column that cannot be used becomes a :class:`~helpers.problems.Problem`; all are
reported together. Nothing here writes files.
"""

from __future__ import annotations
import csv
import io
import re
from pathlib import Path
import numpy as np
import pandas as pd
from helpers.problems import Problem, warning
import difflib
from typing import TYPE_CHECKING
from helpers.fileio import read_table, read_text
from helpers.engagement.survey_labels import LEVEL_WORDS, RATING_HINT, SEVEN_POINT, TEAM_WORDS, map_words, norm, norm_series, parse_ratings, seven_point_labels
if TYPE_CHECKING:  # pragma: no cover
    from helpers.content.instrument import Instrument
from helpers.content.instrument import Instrument


def read_survey(folder: Path, instrument: Instrument) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read ``survey.csv`` or ``survey.xlsx`` of an engagement folder (canonical or a tool export).

    Returns
    -------
    (survey, problems)
        None and no problem when there is no survey file (or only the blank template);
        otherwise the frame ``respondent, team, level, <statement ids>`` (floats 1-5 or NaN),
        or None when there is any error. ``survey.attrs["source"]`` names the file and
        ``survey.attrs["format"]`` the layout that was detected.
    """
    return read_folder(Path(folder), instrument)


#: Headers written by the survey tools that carry no answers (normalised).
METADATA = {
    "timestamp", "email address", "email", "e mail", "name", "full name", "start time",
    "completion time", "last modified time", "collector id", "start date", "end date",
    "ip address", "first name", "last name", "response type", "start date utc", "stage date utc",
    "submit date utc", "network id", "tags", "ending", "score", "total score", "language",
    "duration", "respondent id", "response id", "id", "total points", "quiz feedback", "points",
    "feedback", "hidden fields", "",
}


RESPONDENT_HEADERS = ("respondent", "respondent id", "response id", "id", "#",
                      "email address", "email")


SURVEY_FILES = ("survey.csv", "survey.xlsx")


_SM_SUBLABELS = {"response", "open ended response", "open-ended response"}


def _id_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(text).strip().lower())


def detect(header: list[str], second: list[str] | None) -> str:
    """Name the tool that wrote a table from its header row(s).

    Returns one of ``"surveymonkey"``, ``"microsoft_forms"``, ``"typeform"``,
    ``"google_forms"``, ``"canonical"`` or ``"generic"``.
    """
    h = {norm(c) for c in header}
    if {"respondent id", "collector id"} <= h or (
            second is not None and any(norm(c) in _SM_SUBLABELS for c in second)):
        return "surveymonkey"
    if {"id", "start time", "completion time"} <= h:
        return "microsoft_forms"
    if ("#" in h or "response id" in h) and h & {"submit date utc", "network id", "start date utc"}:
        return "typeform"
    if header and norm(header[0]) == "timestamp":
        return "google_forms"
    if {"respondent", "team"} <= h:
        return "canonical"
    return "generic"


def _candidates(label: str) -> list[str]:
    """Texts a header may stand for: itself, ``[bracketed]`` part, the part after a separator."""
    out = [label]
    m = re.search(r"\[([^\]]+)\]\s*$", label)
    if m:
        out.append(m.group(1))
    for sep in (" - ", ":", ".", "|", "\n"):
        if sep in label.strip().rstrip(".:"):
            out.append(label.strip().rstrip(".:").split(sep)[-1])
    out.append(re.sub(r"^\s*q?\d+[.):]\s*", "", label, flags=re.I))
    return out


def _match_columns(labels: list[str], instrument: "Instrument") -> dict[int, str]:
    by_id = {s.id: s.id for s in instrument.statements}
    by_text = {norm(s.text): s.id for s in instrument.statements}
    found: dict[int, str] = {}
    for i, label in enumerate(labels):
        for cand in _candidates(label):
            sid = by_id.get(_id_key(cand)) or by_text.get(norm(cand))
            if sid:
                found[i] = sid
                break
    return found


def _looks_like_ratings(cells: pd.Series) -> bool:
    present = cells[cells.astype(str).str.strip() != ""]
    if present.empty:
        return False
    _, reason = parse_ratings(present)
    return bool((reason == "").mean() >= 0.8)


def read_folder(folder: Path, instrument: "Instrument") -> tuple[pd.DataFrame | None, list[Problem]]:
    """Find and read the survey file of an engagement folder (see :func:`helpers.survey.read_survey`)."""
    present = [name for name in SURVEY_FILES if (folder / name).is_file()]
    if not present:
        return None, []
    if len(present) > 1:
        return None, [Problem(present[1], "there are both survey.csv and survey.xlsx",
                              "keep only the one holding the answers")]
    rel = present[0]
    path = folder / rel
    if rel.endswith(".csv") and _is_blank_template(path, instrument):
        return None, []
    frame, problems, fmt = read_export(path, rel, instrument)
    if frame is not None:
        frame.attrs.update(source=rel, format=fmt)
    return frame, problems


def _is_blank_template(path: Path, instrument: "Instrument") -> bool:
    """Whether the file is exactly the header `workbook survey` writes (nothing collected yet)."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace").strip()
    return text == ",".join(["respondent", "team", "level", *instrument.ids])


def read_export(path: Path, rel: str, instrument: "Instrument") -> tuple[pd.DataFrame | None, list[Problem], str]:
    """Read one survey file (canonical or a tool export) into the canonical survey frame.

    Parameters
    ----------
    path : Path
        ``survey.csv`` or ``survey.xlsx``.
    rel : str
        The file name shown in messages.
    instrument : Instrument
        Statements to match columns against.

    Returns
    -------
    (frame, problems, format)
        ``frame`` has ``respondent``, ``team``, ``level`` and one float column per statement id
        (NaN when unanswered); it is None when there is any error. ``format`` names the layout.
    """
    grid, problems = _read_grid(path, rel, instrument)
    if grid is None:
        return None, problems, "unknown"
    skip = _title_rows(grid)  # title or blank rows Excel users put above the header
    grid = grid.iloc[skip:]
    header = grid.iloc[0].tolist()
    second = grid.iloc[1].tolist() if len(grid) > 1 else None
    fmt = detect(header, second)
    n_head = 2 if fmt == "surveymonkey" else 1
    head_row = skip + 1  # the header as the spreadsheet numbers it
    if fmt == "surveymonkey":
        top = pd.Series(header).replace("", np.nan).ffill().fillna("").tolist()
        subs = second or [""] * len(header)
        real = [bool(s) and norm(s) not in _SM_SUBLABELS for s in subs]
        # a matrix row: its question title with the row text in brackets
        labels = [f"{t} [{s}]" if r else t for t, s, r in zip(top, subs, real)]
        shown = [f"{t} / {s}" if r else t for t, s, r in zip(top, subs, real)]
        primary = [s if r else t for t, s, r in zip(top, subs, real)]
    else:
        labels = shown = primary = header
    data = grid.iloc[n_head:]
    data = data[(data != "").any(axis=1)]
    rows = pd.Series(data.index + 1, index=data.index)  # spreadsheet row numbers
    if data.empty and [c for c in header if c] == ["respondent", "team", "level", *instrument.ids]:
        return None, problems, fmt  # the collection template, however Excel saved it: no survey yet
    if data.empty:
        return None, [Problem(rel, "has a header but no answers",
                              "add one row per respondent below the header")], fmt

    stmt_cols = _match_columns(labels, instrument)
    problems += _duplicate_matches(rel, stmt_cols, shown, skip + n_head)
    keys = [norm(lab) for lab in primary]
    free = [i for i in range(len(labels)) if i not in stmt_cols]
    resp_col = next((i for h in RESPONDENT_HEADERS for i in free if keys[i] == h), None)
    free = [i for i in free if i != resp_col]
    team_col = _role_column(keys, free, data, "team", ("team", "department", "function"), TEAM_WORDS)
    free_l = [i for i in free if i != team_col]
    level_col = _role_column(keys, free_l, data, "level", ("level", "seniority", "role", "position"),
                             LEVEL_WORDS)
    used = set(stmt_cols) | {c for c in (resp_col, team_col, level_col) if c is not None}
    ids = [s.id for s in instrument.statements]
    missing = [s for s in ids if s not in stmt_cols.values()]
    for i in free:
        if i in used or (fmt != "canonical" and _is_metadata(keys[i])):
            continue
        problems.append(_unmatched(rel, shown[i], data[i], skip + n_head, missing or ids, instrument))
    if team_col is None:
        problems.append(Problem(rel, "has no team column", "add a column 'team' with sales or "
                                "marketing for each respondent", row=head_row))
    if not stmt_cols:
        problems.append(Problem(rel, "no column matches a statement of the instrument",
                                "name the columns by statement id (goals_1, ...) or by the exact "
                                "statement text in templates/instrument.yaml", row=head_row))
    if stmt_cols and missing:
        problems.append(warning(rel, f"no column for {len(missing)} statement(s): "
                                f"{', '.join(missing)}; they are left out of the scores",
                                "add the missing statements to the survey next time", row=head_row))
    if team_col is None or not stmt_cols:
        return None, problems, fmt

    out = pd.DataFrame(index=data.index)
    resp = data[resp_col] if resp_col is not None else pd.Series("", index=data.index)
    out["respondent"] = resp.where(resp != "", "row " + rows.astype(str)).astype(str)
    team = map_words(data[team_col], TEAM_WORDS)
    bad = team.isna()
    problems += [Problem(rel, "team is blank" if not v else f"team '{v}' is not sales or marketing",
                         "write sales or marketing (this survey compares the two teams)",
                         row=int(r), field=shown[team_col])
                 for r, v in zip(rows[bad], data.loc[bad, team_col])]
    out["team"] = team.astype("str")
    if level_col is not None:
        cells = data[level_col]
        level = map_words(cells, LEVEL_WORDS)
        bad = level.isna() & (cells != "")
        problems += [Problem(rel, f"level '{v}' is not leader or staff",
                             "write leader (manages people) or staff, or leave it blank",
                             row=int(r), field=shown[level_col])
                     for r, v in zip(rows[bad], cells[bad])]
        out["level"] = level.astype(object).where(level.notna(), np.nan)  # blank stays missing, not "nan"
    else:
        out["level"] = pd.Series(np.nan, index=data.index, dtype="str")
    problems += _rating_problems(rel, data, stmt_cols, shown, rows, out)
    problems += _duplicate_respondents(rel, out["respondent"], rows)
    if any(p.is_error for p in problems):
        return None, problems, fmt
    out = out.reindex(columns=["respondent", "team", "level", *ids])
    out[ids] = out[ids].astype(float)
    out = out.reset_index(drop=True)
    out.attrs["asked"] = [s for s in ids if s in stmt_cols.values()]
    out.attrs["rows"] = [int(r) for r in rows]  # spreadsheet row of each respondent
    return out, problems, fmt


def _is_metadata(key: str) -> bool:
    return key in METADATA or re.fullmatch(r"custom (data|variable) ?\d*", key) is not None


def _role_column(keys: list[str], free: list[int], data: pd.DataFrame, exact: str,
                 words: tuple[str, ...], values: dict[str, str]) -> int | None:
    """The column holding team (or level): named exactly so, else the best-filled candidate.

    Candidates are headers containing one of ``words``; failing that, any other column whose
    answers are mostly recognised values (e.g. "Are you a leader or staff?").
    """
    for i in free:
        if keys[i] == exact:
            return i
    others = [i for i in free if not _is_metadata(keys[i])]
    named = [i for i in others if any(w in keys[i].split() for w in words)]
    fill = {i: float(map_words(data[i], values, partial=bool(named)).notna().mean())  # unnamed: exact words
            for i in named or others}
    best = max(fill, key=lambda i: fill[i], default=None)
    if best is None or (not named and fill[best] < 0.8):
        return None
    return best


def _duplicate_matches(rel: str, stmt_cols: dict[int, str], shown: list[str], n_head: int) -> list[Problem]:
    seen: dict[str, int] = {}
    out: list[Problem] = []
    for i, sid in stmt_cols.items():
        if sid in seen:
            out.append(Problem(rel, f"columns '{shown[seen[sid]]}' and '{shown[i]}' both match "
                               f"statement {sid}", "keep one column per statement", row=n_head,
                               field=shown[i]))
        else:
            seen[sid] = i
    return out


def _unmatched(rel: str, label: str, cells: pd.Series, head_row: int, ids: list[str],
               instrument: "Instrument") -> Problem:
    """An error when the column looks like a statement (id-like name, statement-like text or
    ratings), else a warning (a free-text or extra question is ignored).

    ``ids`` are the statement ids to suggest from (those without a column, when any).
    """
    close = difflib.get_close_matches(_id_key(label), ids, n=1, cutoff=0.75)
    guess = f"did you mean {close[0]}? " if close else ""
    if not close:
        texts = {norm(s.text): s for s in instrument.statements if s.id in ids}
        matches = [difflib.get_close_matches(norm(c), list(texts), n=1, cutoff=0.8)
                   for c in _candidates(label) if norm(c)]
        near = [m[0] for m in matches if m]
        if near:
            st = texts[near[0]]
            close = [st.id]
            guess = f"did you mean {st.id} ('{st.text}')? "
    if close or _looks_like_ratings(cells):
        return Problem(rel, "column does not match any statement of the instrument",
                       f"{guess}rename it to a statement id or to the statement's exact text in "
                       "templates/instrument.yaml, or delete the column", row=head_row, field=label)
    return warning(rel, "column is not a statement of the instrument and is ignored",
                   "nothing to do if it is a free-text or extra question", row=head_row, field=label)


def _title_rows(grid: pd.DataFrame) -> int:
    """How many rows above the header hold a title or nothing (at most one filled cell each)."""
    filled = (grid.head(10) != "").sum(axis=1).to_numpy()
    above = np.flatnonzero(filled >= 2)
    return int(above[0]) if above.size else 0


def _ragged_csv(path: Path, rel: str) -> pd.DataFrame | None:
    """A CSV whose rows differ in length (a title line above the header), padded with ''."""
    text, _ = read_text(path, rel)
    if text is None:
        return None
    lines = text.splitlines()[:10]
    sep = max((",", ";", "\t"), key=lambda d: max((ln.count(d) for ln in lines), default=0))
    rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    width = max((len(r) for r in rows), default=0)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype="str") if width else None


def _read_grid(path: Path, rel: str, instrument: "Instrument") -> tuple[pd.DataFrame | None, list[Problem]]:
    """All cells of the survey table as stripped text, columns numbered from 0.

    In a workbook with several sheets, the first sheet whose header matches a statement is
    used (e.g. answers on a "Responses" sheet behind a "Notes" sheet); otherwise the first sheet.
    """
    sheets: list[str | int] = [0]
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        try:
            sheets = list(pd.ExcelFile(path, engine="openpyxl").sheet_names) or [0]
        except Exception:  # unreadable workbook: read_table reports it
            sheets = [0]
    first: tuple[pd.DataFrame | None, list[Problem]] | None = None
    for sheet in sheets:
        grid, problems = read_table(path, rel, header=None, sheet=sheet)
        if grid is None and path.suffix.lower() == ".csv" and problems:
            grid = _ragged_csv(path, rel) if "cannot be read as a table" in problems[0].message else None
            problems = [] if grid is not None else problems
        if grid is not None:
            grid = grid.apply(lambda c: c.str.strip())
            grid.columns = range(grid.shape[1])
        if first is None:
            first = (grid, problems)
        if grid is None or len(sheets) == 1:
            continue
        top = grid.iloc[_title_rows(grid):].head(2)
        if any(_match_columns(top.iloc[r].tolist(), instrument) for r in range(len(top))):
            return grid, problems
    assert first is not None
    return first


def _rating_problems(rel: str, data: pd.DataFrame, stmt_cols: dict[int, str], shown: list[str],
                     rows: pd.Series, out: pd.DataFrame) -> list[Problem]:
    cols = list(stmt_cols)
    long = data[cols].melt(ignore_index=False, var_name="col", value_name="raw")
    value, reason = parse_ratings(long["raw"])
    long = long.assign(value=value, reason=reason, row=rows.reindex(long.index).to_numpy())
    wide = long.pivot(columns="col", values="value")
    for i, sid in stmt_cols.items():
        out[sid] = wide[i].reindex(out.index).astype(float)
    bad = long[long["reason"] != ""].sort_values(["row", "col"])
    what = {"range": "rating {v} is outside 1-5", "fraction": "rating {v} is not a whole number",
            "not_a_rating": "'{v}' is not a rating"}
    out_p = [Problem(rel, what[r].format(v=v), RATING_HINT, row=int(row), field=shown[c])
             for r, v, row, c in zip(bad["reason"], bad["raw"], bad["row"], bad["col"])]
    clash = seven_point_labels(long["raw"])
    if clash:
        hit = long[norm_series(long["raw"]).isin(SEVEN_POINT)].sort_values(["row", "col"]).iloc[0]
        shown_clash = ", ".join(f"'{c}'" for c in clash)
        out_p.insert(0, Problem(
            rel, f"'{hit['raw']}' is a point of a 7-point scale: the answers use {shown_clash} side "
            "by side, which cannot all be scored on 1-5", "collect the answers on the 5-point scale "
            "(Strongly disagree, Disagree, Neither agree nor disagree, Agree, Strongly agree, or "
            "1-5), or recode every answer to 1-5 in the file", row=int(hit["row"]),
            field=shown[hit["col"]]))
    return out_p


def _duplicate_respondents(rel: str, respondent: pd.Series, rows: pd.Series) -> list[Problem]:
    dup = respondent.duplicated(keep="first")
    if not dup.any():
        return []
    first = rows.groupby(respondent).min()
    return [Problem(rel, f"respondent '{r}' appears more than once (first on row {int(first[r])})",
                    "keep one row per person (delete the older answer) or give each a distinct id",
                    row=int(row), field="respondent")
            for r, row in zip(respondent[dup], rows[dup])]
