"""Reading the dates of a funnel export, and the messages about cells that are not dates.

:func:`parse_dates` tries each strptime format in turn; :func:`day_month_order` decides, per file,
whether dates written with slashes or dots (``03/04/2026``) are day first or month first: a cell
that can only be day-first (``15/03/2026``) makes the whole file day-first, one that can only be
month-first (``03/15/2026``) month-first; both in one file is an error, so no cell is read in the
other order without a word. :func:`row_problems` turns a mask of flagged rows into problems with
spreadsheet row numbers. :mod:`helpers.funnel_import` uses these and re-exports them.
"""

from __future__ import annotations
from functools import partial
from typing import Any, Callable, Literal
import numpy as np
import pandas as pd
from helpers.engagement.funnel_cells import FIXED_SHAPES, arrow_of, as_text, fixed_dates, fixed_dates_apply, nonblank, taken, texts
from helpers.problems import Problem


#: Date formats tried in order when no CRM mapping names its own (ISO first).
DEFAULT_DATE_FORMATS: tuple[str, ...] = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S",
                                         "%Y-%m-%d", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y")


MAX_ROW_PROBLEMS = 10


SAMPLE = 200  # cells tried first when choosing date formats


#: A date written with slashes or dots, day and month in either order: groups (first, second, year).
NUMERIC_DATE = r"^\s*(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})\b"


ISO_DATE = r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\b"


def in_ns_range(stamps: pd.Series | pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Naive datetimes as ``datetime64[ns]``, NaT for a date that type cannot hold (before 1677-09-21 or after 2262-04-11).

    ``pd.to_datetime(..., errors="coerce")`` makes such a date NaT in pandas 2; pandas 3 reads it
    at a coarser resolution (``datetime64[us]``), which would not convert to nanoseconds. Either way
    the cell is then an unread date, reported as such.
    """
    values = pd.DatetimeIndex(stamps)
    if values.unit != "ns":
        inside = (values >= pd.Timestamp.min) & (values <= pd.Timestamp.max)
        values = pd.DatetimeIndex(values.where(inside)).as_unit("ns")
    return values


def parse_dates(values: pd.Series, formats: list[str] | tuple[str, ...]) -> pd.Series:
    """Parse text dates trying each strptime format in turn; unparsed cells stay NaT.

    Parameters
    ----------
    values : Series of str
        Cells as text ("" for blank): Python strings, or Arrow strings (then cells of the ISO
        shapes of :data:`helpers.engagement.funnel_cells.FIXED_SHAPES` are read from the Arrow
        buffer, to the same values).
    formats : list of str
        Formats tried in order on the cells still unparsed; formats that fit none of a sample of
        the cells are tried last. Leftovers are retried without surrounding spaces or a trailing
        zone name ("UTC", "GMT", "Z"), then as ISO 8601.

    Returns
    -------
    Series of datetime64[ns]
        Same index as ``values``.
    """
    arrow = arrow_of(values)
    cells = values.to_numpy(dtype=object) if arrow is None else None
    every: np.ndarray | None = None  # Arrow cells as Python strings, made once when many are needed

    def text_at(at: np.ndarray) -> np.ndarray:
        nonlocal every
        if cells is not None:
            return cells[at]
        if len(at) <= SAMPLE:
            return taken(values, at)
        if every is None:
            every = texts(values)
        return every[at]

    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
    todo = nonblank(values)  # positions still to read; the work is done on arrays, not on index labels
    fast = arrow is not None and fixed_dates_apply(formats)

    def attempt(text: Callable[[np.ndarray], np.ndarray], where: np.ndarray, sample: int | None) -> None:
        """Each format in turn on the cells (at positions ``where``, ``text(positions)``) still unread."""
        for fmt in formats:
            if not todo.any():
                return
            at = where[todo[where]]
            if sample and len(at) > sample and \
                    in_ns_range(pd.to_datetime(text(at[:sample]), format=fmt, errors="coerce")).isna().all():
                continue
            if fast and fmt in FIXED_SHAPES and len(where) == len(todo):  # ISO cells of one shape, from the buffer
                got, stamps = fixed_dates(arrow, fmt)
                new = todo[got]
                out[got[new]] = stamps[new]
                todo[got[new]] = False
                at = where[todo[where]]
                if not len(at):
                    continue
            parsed = in_ns_range(pd.to_datetime(text(at), format=fmt, errors="coerce")).to_numpy()
            read = ~np.isnat(parsed)
            out[at[read]] = parsed[read]
            todo[at[read]] = False

    everywhere = np.arange(len(values))
    attempt(text_at, everywhere, SAMPLE)
    attempt(text_at, everywhere, None)
    if todo.any():  # few cells: strip spaces and zone names, then formats again and ISO 8601
        where = np.flatnonzero(todo)
        text = pd.Series(text_at(where), dtype=object).str.strip().str.replace(r"(?i)\s*(utc|gmt|z)$", "", regex=True)
        stripped = text.to_numpy(dtype=object)
        todo[where[stripped == ""]] = False
        position = np.full(len(values), -1, dtype=np.int64)
        position[where] = np.arange(len(where))
        attempt(lambda at: stripped[position[at]], where, None)
        pending = todo[where]
        if pending.any():
            iso = pd.to_datetime(pd.Series(stripped[pending], dtype=object), format="ISO8601", errors="coerce", utc=True)
            out[where[pending]] = in_ns_range(iso.dt.tz_localize(None)).to_numpy()
    return pd.Series(out, index=values.index)


def day_month_order(cells: dict[str, pd.Series]) -> tuple[str | None, dict[str, tuple[str, Any, str]]]:
    """Which order the file writes day and month in, from the cells that can only be read one way.

    Parameters
    ----------
    cells : dict
        Date column -> its cells (text) that are not ISO dates.

    Returns
    -------
    (order, examples)
        ``order`` is ``"day"``, ``"month"`` or None (no cell decides it, or both occur);
        ``examples`` maps each order seen to ``(column, index label, cell)`` of its first cell.
    """
    examples: dict[str, tuple[str, Any, str]] = {}
    for col, values in cells.items():
        heads = values.str.slice(0, 10)  # a date's first 10 characters: few distinct values to examine
        uniq = pd.Series(heads.unique(), dtype=object)  # Python strings (pandas 3's ``str`` keeps an empty extract as text)
        parts = uniq.str.extract(NUMERIC_DATE).apply(pd.to_numeric, errors="coerce")
        first, second, year = parts[0], parts[1], parts[2].where(parts[2] >= 100, parts[2] + 2000)

        def real(day: pd.Series, month: pd.Series) -> pd.Series:  # a day the calendar has (31/02 votes for nothing)
            days = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce")
            return pd.Series(in_ns_range(days).notna(), index=days.index)

        for which, only in (("day", (first > 12) & (second <= 12) & real(first, second)),
                            ("month", (second > 12) & (first <= 12) & real(second, first))):
            deciding = uniq[only.to_numpy(dtype=bool, na_value=False)]
            if len(deciding) and which not in examples:
                at = values.index[np.flatnonzero(heads.isin(deciding).to_numpy())[0]]
                examples[which] = (col, at, str(values.loc[at]))
    order = next(iter(examples)) if len(examples) == 1 else None
    return order, examples


def ordered_formats(formats: list[str], order: str | None) -> list[str]:
    """Formats with every slash/dot date read in ``order`` (``"day"``: %d/%m, ``"month"``: %m/%d)."""
    if order is None:
        return formats
    pairs = [("%m/%d", "%d/%m"), ("%m.%d", "%d.%m")]
    out: list[str] = []
    for fmt in formats:
        for month_first, day_first in pairs:
            target = day_first if order == "day" else month_first
            fmt = fmt.replace(month_first, target).replace(day_first, target)
        if fmt not in out:
            out.append(fmt)
    return out


def _no_such_day(cells: pd.Series) -> pd.Series:
    """True where a cell is shaped like a date whose day does not exist (``31/02/2026``, ``2026-02-30``)."""
    iso = cells.str.extract(ISO_DATE).apply(pd.to_numeric, errors="coerce")
    num = cells.str.extract(NUMERIC_DATE).apply(pd.to_numeric, errors="coerce")
    iso_bad = iso[1].between(1, 12) & iso[2].between(1, 31)
    num_bad = (num[0].between(1, 12) | num[1].between(1, 12)) & num[0].between(1, 31) & num[1].between(1, 31)
    return (iso_bad | num_bad).fillna(False).astype(bool)


def filled(values: pd.Series) -> pd.Series:
    """True where a text cell is not ``""`` (compared on the array: a million cells in a few milliseconds)."""
    return pd.Series(nonblank(values), index=values.index)


def unread_cells(values: pd.Series, parsed: pd.Series) -> pd.Series:
    """True where a cell holds text (not just spaces) that did not parse; strips only those few cells."""
    bad = parsed.isna() & filled(values)
    if bad.any():
        bad.loc[bad] = as_text(values[bad]).str.strip().ne("")
    return bad


def row_problems(mask: pd.Series, rel: str, field: str, message: str, hint: str,
                  severity: Literal["error", "warning"] = "error", detail: Callable[[np.ndarray], list[str]] | None = None) -> list[Problem]:
    """One problem per flagged row (first few; ``detail(positions)`` adds each row's values), then a summary line.

    Rows are the index label + 2 (header = row 1), so a reader that keeps file lines in the index
    reports them even after blank lines.
    """
    where = np.flatnonzero(mask.to_numpy())
    rows = (np.asarray(mask.index[where], dtype=int) + 2).tolist()
    shown = where[:MAX_ROW_PROBLEMS]
    texts = [message] * len(shown) if detail is None else [f"{message} ({d})" for d in detail(shown)]
    out = [Problem(rel, t, hint, row=r, field=field, severity=severity) for r, t in zip(rows, texts)]
    if len(rows) > MAX_ROW_PROBLEMS:
        out.append(Problem(rel, f"{len(rows) - MAX_ROW_PROBLEMS} more rows have the same problem "
                                f"(rows {', '.join(map(str, rows[MAX_ROW_PROBLEMS:MAX_ROW_PROBLEMS + 5]))} ...)",
                           hint, field=field, severity=severity))
    return out


def quoted_cells(cells: pd.Series, at: np.ndarray) -> list[str]:
    """The cells at positions ``at``, each in quotes (the ``detail`` of :func:`row_problems`)."""
    return [f"'{v}'" for v in cells.iloc[at]]


def date_problems(cells: pd.Series, bad: pd.Series, rel: str, col: str, crm: str | None,
                   example: str) -> list[Problem]:
    """Errors for unreadable date cells: days missing from the calendar apart from other text."""
    # only the few unreadable cells are examined
    impossible = _no_such_day(as_text(cells[bad])).reindex(cells.index, fill_value=False).astype(bool)
    other = bad & ~impossible
    fmt_hint = (f"correct the cell in {crm} or in the file; dates as the {crm} export writes them "
                f"(e.g. {example}) or as YYYY-MM-DD HH:MM are read" if crm else
                "write dates as YYYY-MM-DD or YYYY-MM-DD HH:MM (or set crm: to the CRM that exported the file)")
    out: list[Problem] = []
    if impossible.any():
        out += row_problems(impossible, rel, col, "no such day in the calendar",
                             "check the day and the month; " + fmt_hint,
                             detail=partial(quoted_cells, cells))
    if other.any():
        out += row_problems(other, rel, col, "not a date I can read", fmt_hint,
                             detail=partial(quoted_cells, cells))
    return out
