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
from helpers.engagement.survey_labels import KNOWN_LANGUAGES, LEVEL_WORDS, MANAGES_PEOPLE, RATING_HINT, SEVEN_POINT, TEAM_WORDS, YES_NO, dont_know_cells, map_words, norm, norm_series, parse_ratings, seven_point_labels
from helpers.engagement.survey_layouts import FORMAT_NAMES, LABEL_HINT, NO_STATEMENT_HINT, QUALTRICS_NOT_RESPONSES, detect, header_layout, is_metadata, numeric_codes
from helpers.content.instrument import earlier_instrument
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


RESPONDENT_HEADERS = ("respondent", "respondent id", "response id", "responseid", "id", "#",
                      "submission id", "email address", "email")


SURVEY_FILES = ("survey.csv", "survey.xlsx")


def _id_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(text).strip().lower())


def _candidates(label: str) -> list[str]:
    """Texts a header may stand for: itself, ``[bracketed]`` part, the part after a separator."""
    out = [label]
    m = re.search(r"\[([^\]]+)\]\s*$", label)
    if m:
        out.append(m.group(1))
    bare = label.strip().rstrip(".:")
    for sep in (" - ", ":", ".", "|", "\n", ">>", "-"):
        if sep in bare:
            parts = bare.split(sep)
            out += [sep.join(parts[k:]) for k in range(1, len(parts))]  # "Question - Statement"
    out.append(re.sub(r"^\s*q?\d+[.):]\s*", "", label, flags=re.I))
    return out


def _match_columns(labels: list[str], instrument: "Instrument") -> dict[int, str]:
    by_id = {s.id: s.id for s in instrument.statements}
    by_id.update({s.id.replace("_", ""): s.id for s in instrument.statements})  # LimeSurvey codes: goals1
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
    """Find and read the survey file of an engagement folder (see :func:`read_survey`).

    A ``survey.csv`` holding only the template header (as ``workbook new`` writes it) is ignored
    when a ``survey.xlsx`` is present, with a note; two files with answers are an error.
    """
    present = [name for name in SURVEY_FILES if (folder / name).is_file()]
    if not present:
        return None, []
    notes: list[Problem] = []
    if len(present) > 1:
        if not _is_blank_template(folder / "survey.csv", instrument):
            return None, [Problem(present[1], "there are both survey.csv and survey.xlsx",
                                  "keep only the one holding the answers")]
        notes.append(warning("survey.csv", "holds only the empty template, so survey.xlsx is read instead",
                             "delete survey.csv to silence this note"))
        present = ["survey.xlsx"]
    rel = present[0]
    path = folder / rel
    if rel.endswith(".csv") and _is_blank_template(path, instrument):
        return None, []
    frame, problems, fmt = read_export(path, rel, instrument)
    used = instrument
    older = earlier_instrument(instrument)
    if older is not None and (frame is None or frame.attrs.get("asked") != instrument.ids):
        # an export of a wave surveyed on version 1: read it as it was asked when that fits better
        old_frame, old_problems, old_fmt = read_export(path, rel, older)
        errors = lambda found: sum(p.is_error for p in found)  # noqa: E731
        if errors(old_problems) < errors(problems) or (
                frame is not None and old_frame is not None and errors(old_problems) == errors(problems)
                and len(old_frame.attrs["asked"]) > len(frame.attrs["asked"])):
            frame, problems, fmt, used = old_frame, old_problems, old_fmt, older
    if frame is not None:
        frame.attrs.update(source=rel, format=fmt, instrument_version=used.version)
        if used is not instrument:
            problems = [warning(rel, f"the columns are the statements of instrument version {used.version}, so the "
                                f"survey is read and scored on version {used.version} (as it was asked)",
                                f"nothing to do; new surveys use version {instrument.version} "
                                "(`workbook survey` writes its template)"), *problems]
    return frame, notes + problems


def _is_blank_template(path: Path, instrument: "Instrument") -> bool:
    """Whether the file is exactly the header `workbook survey` writes (nothing collected yet)."""
    try:
        text = path.read_bytes()[:100_000].decode("utf-8-sig", errors="replace").strip()
    except OSError:
        return False
    lines = [ln.strip().rstrip(",;") for ln in text.splitlines() if ln.strip().strip(",;")]
    header = ["respondent", "team", "level", *instrument.ids]
    return len(lines) == 1 and re.split(r"[,;\t]", lines[0]) == header


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
        ``frame.attrs`` also holds ``columns`` ({"team"/"level": (header, why it was taken)})
        ``dont_know`` (per respondent, how many statements were answered "don't know") and
        ``dont_know_by_statement`` (statement id -> positions of the respondents who answered
        "don't know" to it). A "don't know" is not a rating: it is NaN in the frame (never scored)
        and counted here.
    """
    grid, problems = _read_grid(path, rel, instrument)
    if grid is None:
        return None, problems, "unknown"
    skip = _title_rows(grid)  # title or blank rows Excel users put above the header
    grid = grid.iloc[skip:]
    header = grid.iloc[0].tolist()
    second = grid.iloc[1].tolist() if len(grid) > 1 else None
    third = grid.iloc[2].tolist() if len(grid) > 2 else None
    fmt = detect(header, second, third)
    layout = header_layout(fmt, header, second, third)
    n_head = layout.rows
    head_row = skip + 1  # the header as the spreadsheet numbers it
    labels, shown, primary = layout.labels, layout.shown, layout.primary
    data = grid.iloc[n_head:]
    data = data[(data != "").any(axis=1)]
    if data.empty and [c for c in header if c] == ["respondent", "team", "level", *instrument.ids]:
        return None, problems, fmt  # the collection template, however Excel saved it: no survey yet
    if data.empty:
        return None, [Problem(rel, "has a header but no answers",
                              "add one row per respondent below the header")], fmt
    keys = [norm(lab) for lab in primary]
    data, left_out = _drop_test_responses(rel, fmt, data, keys)
    problems += left_out
    rows = pd.Series(data.index + 1, index=data.index)  # spreadsheet row numbers

    stmt_cols = {i: sid for i, sid in _match_columns(labels, instrument).items() if not layout.metadata[i]}
    problems += _duplicate_matches(rel, stmt_cols, shown, skip + n_head)
    free = [i for i in range(len(labels)) if i not in stmt_cols]
    resp_col = next((i for h in RESPONDENT_HEADERS for i in free if keys[i] == h), None)
    free = [i for i in free if i != resp_col]
    roles = [i for i in free if not layout.metadata[i] and not is_metadata(keys[i])]
    team_col, team_why = _role_column(keys, roles, data, "team", ("team", "department", "function",
                                                                  "abteilung", "bereich", "equipe", "equipo",
                                                                  "afdeling"), TEAM_WORDS)
    level_col, level_why = _level_column(keys, [i for i in roles if i != team_col], data)
    used = set(stmt_cols) | {c for c in (resp_col, team_col, level_col) if c is not None}
    ids = [s.id for s in instrument.statements]
    missing = [s for s in ids if s not in stmt_cols.values()]
    tool = FORMAT_NAMES.get(fmt, fmt)
    if not stmt_cols and fmt in NO_STATEMENT_HINT:  # headed by question codes: one message, not one per column
        problems.append(Problem(rel, f"looks like a {tool} export, but no column is headed by a statement "
                                "of the instrument", NO_STATEMENT_HINT[fmt], row=head_row))
    else:
        for i in free:
            if i in used or layout.metadata[i]:
                continue
            problems.append(_unmatched(rel, shown[i], data[i], skip + n_head, missing or ids, instrument))
    if team_col is None:
        problems.append(Problem(rel, "has no team column", "add a column 'team' with sales or "
                                "marketing for each respondent", row=head_row))
    if not stmt_cols and fmt not in NO_STATEMENT_HINT:
        problems.append(Problem(rel, "no column matches a statement of the instrument",
                                "name the columns by statement id (goals_1, ...) or by the exact "
                                "statement text in templates/instrument.yaml", row=head_row))
    if stmt_cols and missing:
        problems.append(warning(rel, f"no column for {len(missing)} statement(s): "
                                f"{', '.join(missing)}; they are left out of the scores",
                                "add the missing statements to the survey next time", row=head_row))
    if team_col is None or not stmt_cols:
        return None, problems, fmt

    data = data.copy()
    numeric = _numeric_export(rel, fmt, data, list(stmt_cols), head_row)
    problems += numeric
    out = pd.DataFrame(index=data.index)
    resp = data[resp_col] if resp_col is not None else pd.Series("", index=data.index)
    out["respondent"] = resp.where(resp != "", "row " + rows.astype(str)).astype(str)
    team = map_words(data[team_col], TEAM_WORDS)
    problems += _role_problems(rel, fmt, data[team_col], team, rows, shown[team_col], "team",
                               "write sales or marketing (this survey compares the two teams)", blank_bad=True)
    out["team"] = team.astype("str")
    if level_col is not None:
        cells = data[level_col]
        level = _level_values(cells, level_why)
        problems += _role_problems(rel, fmt, cells, level, rows, shown[level_col], "level",
                                   "write leader (manages people) or staff, or leave it blank")
        out["level"] = level.astype(object).where(level.notna(), np.nan)  # blank stays missing, not "nan"
    else:
        out["level"] = pd.Series(np.nan, index=data.index, dtype="str")
    ratings: dict[str, np.ndarray] = {}
    if not any(p.is_error for p in numeric):  # codes of an unknown scale: one message, not one per cell
        ratings, found = _rating_problems(rel, data, stmt_cols, shown, rows, fmt)
        problems += found
    problems += _duplicate_respondents(rel, out["respondent"], rows)
    if any(p.is_error for p in problems):
        return None, problems, fmt
    unsure_cells = dont_know_cells(data[list(stmt_cols)])
    unsure = unsure_cells.sum(axis=1)
    unasked = np.full(len(out), np.nan)
    scores = pd.DataFrame({sid: ratings.get(sid, unasked) for sid in ids}, index=out.index, dtype=float)
    out = pd.concat([out, scores], axis=1).reset_index(drop=True)  # one frame, not one insert per statement
    out.attrs["asked"] = [s for s in ids if s in stmt_cols.values()]
    out.attrs["rows"] = [int(r) for r in rows]  # spreadsheet row of each respondent
    out.attrs["dont_know"] = [int(n) for n in unsure]
    # per statement, the positions (0-based, in this frame) of the respondents who answered "don't know"
    out.attrs["dont_know_by_statement"] = {sid: [int(k) for k in np.flatnonzero(unsure_cells[i].to_numpy())]
                                           for i, sid in stmt_cols.items()}
    out.attrs["columns"] = {"team": (shown[team_col], team_why),
                            **({"level": (shown[level_col], level_why)} if level_col is not None else {})}
    return out, problems, fmt


def _drop_test_responses(rel: str, fmt: str, data: pd.DataFrame, keys: list[str]) -> tuple[pd.DataFrame, list[Problem]]:
    """Without Qualtrics survey previews, test and spam responses (its ``Status`` column)."""
    if not fmt.startswith("qualtrics"):
        return data, []
    col = next((i for i, k in enumerate(keys) if k in ("response type", "status")), None)
    if col is None:
        return data, []
    test = norm_series(data[col]).isin(QUALTRICS_NOT_RESPONSES)
    if not test.any():
        return data, []
    kinds = ", ".join(sorted(set(data.loc[test, col])))
    return data[~test], [warning(rel, f"{int(test.sum())} Qualtrics preview, test or spam response(s) "
                                 f"(Status {kinds}) are left out", "nothing to do; they are not real answers")]


def _numeric_export(rel: str, fmt: str, data: pd.DataFrame, cols: list[int], head_row: int) -> list[Problem]:
    """Map a Qualtrics numeric export's answer codes onto 1-5 in ``data`` (in place), or say why not."""
    if not fmt.startswith("qualtrics"):
        return []
    shift, codes = numeric_codes(data[cols])
    if not codes:
        return []  # choice text
    shown = ", ".join(map(str, codes))
    if shift is None:
        return [Problem(rel, f"the answers are Qualtrics numeric values ({shown}) that fit no 5-point agreement "
                        "scale, so which code is which answer cannot be told", LABEL_HINT[fmt], row=head_row)]
    if shift:
        block = data[cols]
        shifted = block.apply(lambda c: pd.Series(pd.to_numeric(c, errors="coerce"), index=c.index)
                              .add(shift).astype("Int64").astype(str))
        data[cols] = block.where(block == "", shifted)
    low = codes[0]
    return [warning(rel, f"the answers are Qualtrics numeric values; code {low} is read as strongly disagree and "
                    f"code {low + 4} as strongly agree (Qualtrics numbers the choices in the order they are listed)",
                    "if the scale listed 'Strongly agree' first, " + LABEL_HINT[fmt], row=head_row)]


def _role_problems(rel: str, fmt: str, cells: pd.Series, mapped: pd.Series, rows: pd.Series, field: str,
                   role: str, hint: str, blank_bad: bool = False) -> list[Problem]:
    """Team or level answers not recognised: one line per row, or one summary line for the column."""
    bad = mapped.isna() & ((cells != "") | blank_bad)
    if not bad.any():
        return []
    valid = "sales or marketing" if role == "team" else "leader or staff"
    typed = cells[bad & (cells != "")]
    if typed.str.fullmatch(r"\d+").all() and len(typed) and fmt in LABEL_HINT:
        return [Problem(rel, f"the {role} answers are numeric codes ({', '.join(sorted(set(typed))[:5])}), "
                        f"not {valid}", LABEL_HINT[fmt].split(", or recode")[0] + f"; or {hint}", field=field)]
    if typed.nunique() > 2 and len(typed) > 3:
        sample = ", ".join(f"'{v}'" for v in list(dict.fromkeys(typed))[:4])
        return [Problem(rel, f"column {field}: {len(typed)} answers not recognised as {valid}: {sample}, ...",
                        f"{hint}; answers in {KNOWN_LANGUAGES} are read", field=field)]
    what = {"team": lambda v: "team is blank" if not v else f"team '{v}' is not sales or marketing",
            "level": lambda v: f"level '{v}' is not leader or staff"}[role]
    return [Problem(rel, what(v), hint, row=int(r), field=field)
            for r, v in zip(rows[bad], cells[bad])]


def _role_column(keys: list[str], free: list[int], data: pd.DataFrame, exact: str,
                 words: tuple[str, ...], values: dict[str, str]) -> tuple[int | None, str]:
    """The column holding team (or level), and why: named exactly so, else the best-filled candidate.

    Candidates are headers containing one of ``words``; failing that, any other column whose
    answers are mostly recognised values (e.g. "Are you a leader or staff?").
    """
    for i in free:
        if keys[i] == exact:
            return i, f"its header is '{exact}'"
    named = [i for i in free if any(w in keys[i].split() for w in words)]
    fill = {i: float(map_words(data[i], values, partial=bool(named)).notna().mean())  # unnamed: exact words
            for i in named or free}
    best = max(fill, key=lambda i: fill[i], default=None)
    if best is None or (not named and fill[best] < 0.8):
        return None, ""
    if named:
        return best, f"its header names the {exact}"
    kinds = {"team": "sales or marketing", "level": "leader or staff"}.get(exact, exact)
    return best, f"{fill[best]:.0%} of its answers are {kinds} words"


def _level_column(keys: list[str], free: list[int], data: pd.DataFrame) -> tuple[int | None, str]:
    """The level column: by header, else by content (leader/staff words, or yes/no to "Do you manage people?")."""
    col, why = _role_column(keys, free, data, "level", ("level", "seniority", "role", "position"), LEVEL_WORDS)
    if col is not None and (why.startswith("its header is") or map_words(data[col], LEVEL_WORDS).notna().mean() >= 0.5):
        return col, why
    asks = [i for i in free if any(q in keys[i] for q in MANAGES_PEOPLE)]
    given = {i: data[i][data[i] != ""] for i in asks}
    yes_no = {i: float(norm_series(v).isin(YES_NO).mean() or 0) for i, v in given.items()}
    best = max(yes_no, key=lambda i: yes_no[i], default=None)
    if best is not None and (yes_no[best] >= 0.8 or given[best].str.fullmatch(r"\d+").all()):
        # numeric codes (a Qualtrics numeric export) are reported as such by the caller
        return best, "its question asks whether the respondent manages people: yes = leader, no = staff"
    by_words = {i: float(map_words(data[i], LEVEL_WORDS).notna().mean()) for i in free if i != col}
    best = max(by_words, key=lambda i: by_words[i], default=None)
    if best is not None and by_words[best] >= 0.8:
        return best, f"{by_words[best]:.0%} of its answers are leader or staff words"
    return col, why


def _level_values(cells: pd.Series, why: str) -> pd.Series:
    """Leader/staff for each answer: yes/no when the question asks about managing people."""
    level = map_words(cells, LEVEL_WORDS)
    if "manages people" in why:
        level = level.where(level.notna(), norm_series(cells).map(YES_NO).astype(object))
    return level


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
            grid = grid.map(lambda v: v.strip() if isinstance(v, str) else np.nan)  # as Series.str.strip
            grid.columns = pd.RangeIndex(grid.shape[1])
        if first is None:
            first = (grid, problems)
        if grid is None or len(sheets) == 1:
            continue
        top = grid.iloc[_title_rows(grid):].head(2)
        if any(_match_columns(top.iloc[r].tolist(), instrument) for r in range(len(top))):
            return grid, problems
    assert first is not None
    return first


#: A column with more unrecognised answers than this gets one summary line instead of one per cell.
SUMMARY_AFTER = 3


def _rating_problems(rel: str, data: pd.DataFrame, stmt_cols: dict[int, str], shown: list[str],
                     rows: pd.Series, fmt: str = "canonical") -> tuple[dict[str, np.ndarray], list[Problem]]:
    """Each statement's ratings (float, NaN when unanswered or not a rating) and the problems of its cells.

    A statement matched by two columns takes its ratings from the last one. Problems are in
    spreadsheet order (row, then column); a column with more than :data:`SUMMARY_AFTER` answers
    that are not ratings gets one summary line instead.
    """
    cols = list(stmt_cols)
    block = data[cols].to_numpy(dtype=object)  # one row per respondent, one column per statement column
    value, reason = parse_ratings(pd.Series(block.ravel(), dtype=object))
    values = value.to_numpy(dtype=float).reshape(block.shape)
    reasons = reason.to_numpy(dtype=object).reshape(block.shape)
    last = {sid: j for j, sid in enumerate(stmt_cols.values())}
    ratings = {sid: values[:, j] for sid, j in last.items()}
    row_of, col_of = rows.to_numpy(dtype=np.int64), np.asarray(cols, dtype=np.int64)
    at_row, at_col = np.nonzero(reasons != "")
    order = np.lexsort((col_of[at_col], row_of[at_row]))  # spreadsheet order: by row, then column
    bad = [(str(reasons[r, j]), block[r, j], int(row_of[r]), int(col_of[j]))
           for r, j in zip(at_row[order], at_col[order])]
    per_col: dict[int, list[str]] = {}
    for why, raw, _, c in bad:
        if why == "not_a_rating":
            per_col.setdefault(c, []).append(str(raw))
    summarised = {c for c, cells in per_col.items() if len(cells) > SUMMARY_AFTER}
    what = {"range": "rating {v} is outside 1-5", "fraction": "rating {v} is not a whole number",
            "not_a_rating": "'{v}' is not a rating"}
    out_p = [Problem(rel, what[why].format(v=raw), RATING_HINT, row=row, field=shown[c])
             for why, raw, row, c in bad if c not in summarised]
    hint = LABEL_HINT.get(fmt, "recode the answers to 1-5 (or to the English labels, e.g. 'Agree') in the file")
    for c in sorted(summarised):
        cells = per_col[c]
        sample = ", ".join(f"'{v}'" for v in list(dict.fromkeys(cells))[:3])
        out_p.append(Problem(rel, f"column {shown[c]}: {len(cells)} answers in a language or scale not "
                             f"recognised: {sample}, ...", f"labels of the 5-point agreement scale in "
                             f"{KNOWN_LANGUAGES} are read; {hint}", field=shown[c]))
    by_column = pd.Series(block.ravel(order="F"), dtype=object)  # column by column, as the answers are read
    clash = seven_point_labels(by_column)
    if clash:
        seven = norm_series(by_column).isin(SEVEN_POINT).to_numpy().reshape(block.shape, order="F")
        at_row, at_col = np.nonzero(seven)
        first = np.lexsort((col_of[at_col], row_of[at_row]))[0]
        r, j = at_row[first], at_col[first]
        shown_clash = ", ".join(f"'{c}'" for c in clash)
        out_p.insert(0, Problem(
            rel, f"'{block[r, j]}' is a point of a 7-point scale: the answers use {shown_clash} side "
            "by side, which cannot all be scored on 1-5", "collect the answers on the 5-point scale "
            "(Strongly disagree, Disagree, Neither agree nor disagree, Agree, Strongly agree, or "
            "1-5), or recode every answer to 1-5 in the file", row=int(row_of[r]),
            field=shown[int(col_of[j])]))
    return ratings, out_p


def _duplicate_respondents(rel: str, respondent: pd.Series, rows: pd.Series) -> list[Problem]:
    dup = respondent.duplicated(keep="first")
    if not dup.any():
        return []
    first = rows.groupby(respondent).min()
    return [Problem(rel, f"respondent '{r}' appears more than once (first on row {int(first[r])})",
                    "keep one row per person (delete the older answer) or give each a distinct id",
                    row=int(row), field="respondent")
            for r, row in zip(respondent[dup], rows[dup])]
