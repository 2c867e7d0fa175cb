"""Finding the table in a funnel export: the header row, the sheet, the columns that count.

CRM report exports put title and filter lines above the header (a Salesforce "Formatted report"
has its header on row 9), workbooks can hold a pivot or summary sheet before the data, and
Dynamics 365 hides system columns. :func:`read_export_table` returns the table whose header
names one of the columns the caller can map, read as a survey is read:

* title rows above the header are skipped (row numbers in messages stay the spreadsheet's);
* in a workbook, the first sheet whose header names a mapped column is read;
* hidden columns of a workbook are ignored, except Dynamics 365's "(Do Not Modify) ..." columns,
  which the export hides although the first one holds the record id.

Reading and its limits are :func:`helpers.fileio.read_table`'s; nothing here writes files.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd

from helpers.fileio import read_table, read_text, sheet_names, sniff_delimiter
from helpers.problems import Problem


#: Rows examined for the header (title and filter lines above it).
HEADER_SEARCH_ROWS = 20


#: Hidden columns kept all the same (the Dynamics 365 export hides its record id).
KEEP_HIDDEN = r"^\(do not modify\)"


@dataclass
class TableInfo:
    """Where the table was found: the sheet, the header's spreadsheet row, the hidden columns left out."""

    sheet: str | None = None
    header_row: int | None = 1  # None while searching: no header found
    hidden: list[str] = field(default_factory=list)


def _header_at(grid: pd.DataFrame, names: set[str], least: int = 1) -> int | None:
    """Position of the first row (of the first few) with ``least`` cells naming mapped columns."""
    for pos in range(min(HEADER_SEARCH_ROWS, len(grid))):
        if sum(str(c).strip().lower() in names for c in grid.iloc[pos]) >= least:
            return pos
    return None


def _unique(headers: list[str]) -> list[str]:
    """Header cells as pandas names them: blank -> ``Unnamed: j``, a repeat -> ``name.1``."""
    seen: dict[str, int] = {}
    out = []
    for j, h in enumerate(headers):
        name = h.strip() or f"Unnamed: {j}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _frame_below(grid: pd.DataFrame, pos: int, drop: set[int]) -> pd.DataFrame:
    """The rows below the header at ``pos``, columns named by it; index = spreadsheet row - 2."""
    keep = [j for j in range(grid.shape[1]) if j not in drop]
    body = grid.iloc[pos + 1:, keep]
    body = body[(body != "").any(axis=1)]
    frame = pd.DataFrame(body.to_numpy(), columns=_unique([str(grid.iat[pos, j]) for j in keep]),
                         index=body.index - 1)  # grid index i is spreadsheet row i + 1
    blank = [c for c in frame.columns if c.startswith("Unnamed: ") and frame[c].eq("").all()]
    return frame.drop(columns=blank)


def _ragged_csv(path: Path, rel: str) -> pd.DataFrame | None:
    """A CSV whose rows differ in length (title lines above the header), padded with ''."""
    text, _ = read_text(path, rel)
    if text is None:
        return None
    rows = list(csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text[:65536])))
    width = max((len(r) for r in rows), default=0)
    if not width:
        return None
    grid = pd.DataFrame([[c.strip() for c in r] + [""] * (width - len(r)) for r in rows], dtype="str")
    return grid[(grid != "").any(axis=1)]


def _sheet_member(z: zipfile.ZipFile, index: int) -> str | None:
    """The zip member of the ``index``-th sheet, from the workbook's own index."""
    try:
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError):
        return None
    targets = {r.get("Id"): r.get("Target") or "" for r in rels}
    sheets = [s for s in book.iter() if s.tag.rsplit("}", 1)[-1] == "sheet"]
    if not 0 <= index < len(sheets):
        return None
    rid = next((v for k, v in sheets[index].attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
    target = targets.get(rid, "")
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def hidden_columns(path: Path, index: int) -> set[int]:
    """Positions (from 0 = column A) of the columns a workbook's ``index``-th sheet hides."""
    try:
        with zipfile.ZipFile(path) as z:
            member = _sheet_member(z, index)
            if member is None or member not in z.NameToInfo:
                return set()
            with z.open(member) as fh:
                head = fh.read(256 * 1024).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return set()
    head = head.split("<sheetData", 1)[0]  # <cols> comes before the data
    out: set[int] = set()
    for tag in re.findall(r"<(?:\w+:)?col\b[^>]*>", head):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', tag))
        if attrs.get("hidden") in ("1", "true") and attrs.get("min", "").isdigit():
            out |= set(range(int(attrs["min"]) - 1, int(attrs.get("max") or attrs["min"])))
    return out


def read_export_table(path: Path, rel: str, names: set[str],
                      arrow: bool = False) -> tuple[pd.DataFrame | None, list[Problem], TableInfo]:
    """The funnel table of an export, its header found by the column names a mapping knows.

    Parameters
    ----------
    path : Path
        ``funnel.csv`` or ``funnel.xlsx``.
    rel : str
        The name shown in messages.
    names : set of str
        Column names (lower case) that any mapping in play can use. When the header is the first
        row of a CSV file, only these columns are read.
    arrow : bool
        A UTF-8 CSV file whose header is its first row is read by pyarrow, cells as Arrow strings
        (``read_table(arrow=True)``; other files as without it).

    Returns
    -------
    (frame, problems, info)
        ``frame`` as :func:`helpers.fileio.read_table` returns it with ``header=0`` (text cells,
        index = spreadsheet row - 2), or None with the reading problem. When no row of any sheet
        names a known column, the first row of the first sheet is the header (and the caller
        reports the missing columns).
    """
    info = TableInfo()
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        frame, problems = read_table(path, rel, usecols=lambda name: name.strip().lower() in names, arrow=arrow)
        if frame is not None and any(c.strip().lower() in names for c in frame.columns):
            return frame, problems, info
        frame, problems = read_table(path, rel)  # no known header on row 1: look at the whole file
        grid, grid_problems = read_table(path, rel, header=None)
        if grid is None and grid_problems and "cannot be read as a table" in grid_problems[0].message:
            grid = _ragged_csv(path, rel)
        if grid is not None:
            grid = grid.apply(lambda c: c.str.strip())
            pos = _header_at(grid, names)
            if pos is not None and pos > 0:
                info.header_row = int(grid.index[pos]) + 1
                return _frame_below(grid, pos, set()), [], info
        return frame, problems, info
    names_found = sheet_names(path)
    sheets: list[int | str] = list(names_found) if names_found else [0]
    # a header naming two mapped columns beats one naming a single one (a pivot's "Stage")
    for least in (2, 1):
        found = _read_sheets(path, rel, names, sheets, least)
        if found[0] is not None and found[2].header_row is not None:
            return found[0], found[1], found[2]
    first = _read_sheets(path, rel, names, sheets[:1], 10**6)  # none names a column: the first sheet
    return first[0], first[1], first[2] if first[2].header_row is not None else TableInfo()


def _read_sheets(path: Path, rel: str, names: set[str], sheets: list[int | str],
                 least: int) -> tuple[pd.DataFrame | None, list[Problem], TableInfo]:
    """The first of ``sheets`` with a header row naming ``least`` mapped columns (else the first sheet, header row 1)."""
    first: tuple[pd.DataFrame | None, list[Problem], TableInfo] | None = None
    for index, sheet in enumerate(sheets):
        grid, problems = read_table(path, rel, header=None, sheet=sheet)
        if grid is None:
            if first is None:
                first = (None, problems, TableInfo(header_row=None))
            continue
        grid = grid.apply(lambda c: c.str.strip())
        grid.columns = range(grid.shape[1])
        hidden = hidden_columns(path, index)
        pos = _header_at(grid, names, least)
        hidden = {j for j in hidden if j < grid.shape[1] and not (
            pos is not None and re.match(KEEP_HIDDEN, str(grid.iat[pos, j]).strip(), re.I))}
        found = TableInfo(sheet=str(sheet), header_row=int(grid.index[pos]) + 1 if pos is not None else None,
                          hidden=[str(grid.iat[pos if pos is not None else 0, j]) for j in sorted(hidden)])
        if pos is not None:
            return _frame_below(grid, pos, hidden), problems, found
        if first is None:
            first = (_frame_below(grid, 0, hidden) if len(grid) else None, problems, found)
    return first if first is not None else (None, [], TableInfo(header_row=None))
