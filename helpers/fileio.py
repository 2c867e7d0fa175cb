"""File input and output shared by every module: atomic writes and forgiving readers.

Writes go to a temporary file in the same folder and are renamed into place, so a crash or
a kernel restart never leaves a half-written file. Readers turn expected mistakes (bad YAML,
an empty file, a Latin-1 CSV from Excel) into :class:`~helpers.problems.Problem` values.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from helpers.problems import Problem


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder, then rename).

    Parameters
    ----------
    path : path-like
        Destination; parent folders are created.
    data : bytes
        The whole new content.

    Returns
    -------
    Path
        The destination path.
    """
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the file the usual permissions
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dest


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically; see :func:`atomic_write_bytes`."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def dump_yaml(data: Any) -> str:
    """Serialise ``data`` as block-style YAML that keeps key order and unicode."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


def atomic_write_yaml(path: str | os.PathLike[str], data: Any) -> Path:
    """Write ``data`` as YAML to ``path`` atomically."""
    return atomic_write_text(path, dump_yaml(data))


def atomic_write_json(path: str | os.PathLike[str], data: Any) -> Path:
    """Write ``data`` as indented UTF-8 JSON to ``path`` atomically."""
    return atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


class _Loader(yaml.SafeLoader):
    """Safe YAML loader that keeps an impossible date (``2026-13-01``) as text.

    PyYAML raises a bare ValueError for such a value; keeping it as a string lets the
    validators report it with the field's name and how to fix it.
    """


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def load_yaml_text(text: str) -> Any:
    """Parse YAML text safely (dates that do not exist stay text); raises ``yaml.YAMLError``."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


def read_yaml(path: str | os.PathLike[str], rel: str, missing_ok: bool = False) -> tuple[Any, list[Problem]]:
    """Read a YAML file, reporting syntax errors and empty files as problems.

    Parameters
    ----------
    path : path-like
        The file to read.
    rel : str
        The name to show in messages (relative to the engagement folder).
    missing_ok : bool
        For optional files (``journey.yaml``, ``plan.yaml``): a file that does not exist gives
        ``(None, [])`` instead of a problem.

    Returns
    -------
    (data, problems)
        ``data`` is None when the file could not be used.
    """
    if missing_ok and not Path(path).exists():
        return None, []
    text, problems = read_text(path, rel)
    if text is None:
        return None, problems
    try:
        data = load_yaml_text(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or "not valid YAML"
        return None, [Problem(rel, f"YAML syntax error: {what}",
                              "check indentation and quoting near this line (text with a colon needs quotes)",
                              row=row)]
    if data is None:
        return None, [Problem(rel, "the file is empty", "fill it in or delete it")]
    return data, []


def decode(raw: bytes) -> str:
    """Decode bytes written by a spreadsheet or survey tool: UTF-8 (with or without BOM), else cp1252/Latin-1."""
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def read_text(path: str | os.PathLike[str], rel: str) -> tuple[str | None, list[Problem]]:
    """Read a text file in any common encoding; an empty or unreadable file is a problem."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return None, [Problem(rel, f"cannot be read ({exc.strerror})", "check the file exists and is not open elsewhere")]
    text = decode(raw)
    if not text.strip():
        return None, [Problem(rel, "the file is empty", "fill it in or delete it")]
    return text, []


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV export: comma, semicolon (European Excel) or tab, from its header line."""
    header = re.sub(r'"[^"]*"', "", text.split("\n", 1)[0])  # commas inside quoted headers do not count
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def read_table(path: str | os.PathLike[str], rel: str, header: int | list[int] | None = 0,
               sheet: int | str = 0) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read a CSV or Excel file with every cell as text (blank cells as ``""``).

    Parameters
    ----------
    path : path-like
        A ``.csv`` / ``.txt`` / ``.tsv`` or ``.xlsx`` / ``.xlsm`` file; CSV delimiter (comma,
        semicolon, tab) is detected.
    rel : str
        The name to show in messages.
    header : int, list of int or None
        Passed to pandas (``[0, 1]`` for two header rows).
    sheet : int or str
        Sheet of an Excel workbook.

    Returns
    -------
    (frame, problems)
        ``frame`` is None when the file could not be used. Blank lines are dropped, but the index
        keeps counting file lines: a data row's spreadsheet row is its index + 2 (header = row 1).
    """
    p = Path(path)
    kw: dict[str, Any] = dict(header=header, dtype=str, keep_default_na=False, na_filter=False)
    try:
        if p.suffix.lower() in {".xlsx", ".xlsm"}:
            frame = pd.read_excel(p, sheet_name=sheet, engine="openpyxl", **kw)
        else:
            text, problems = read_text(p, rel)
            if text is None:
                return None, problems
            # Blank lines are kept while reading, so the index still counts file lines (row numbers in
            # messages match the spreadsheet), then dropped below.
            frame = pd.read_csv(io.StringIO(text), sep=sniff_delimiter(text), engine="c",
                                skip_blank_lines=False, **kw)
    except (ValueError, OSError, pd.errors.ParserError, KeyError, IndexError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, [Problem(rel, f"cannot be read as a table ({first})",
                              "save it as CSV (UTF-8) or Excel .xlsx with one header row")]
    except Exception as exc:  # openpyxl raises its own types for corrupt workbooks
        if type(exc).__module__.startswith(("openpyxl", "zipfile")):
            return None, [Problem(rel, f"is not a readable Excel workbook ({exc})", "re-save it from Excel as .xlsx")]
        raise
    if frame.empty and len(frame.columns) == 0:
        return None, [Problem(rel, "the file is empty", "fill it in or delete it")]
    frame = frame.fillna("").astype(str)
    frame = frame[(frame != "").any(axis=1)]  # blank lines; the index keeps each row's place in the file
    if isinstance(frame.columns, pd.MultiIndex):
        return frame, []
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, []
