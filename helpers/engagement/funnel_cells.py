"""Text cells of a funnel export, as Python strings or as Arrow strings, handled alike.

A large UTF-8 CSV export is read by pyarrow (:func:`helpers.fileio.read_table` with ``arrow=True``):
its cells stay Arrow strings (``pd.ArrowDtype(pa.string())``) instead of one Python object per cell.
The funnel reader asks the questions below of a column of cells; each answers the same for both
kinds of column, and turns Arrow cells into Python strings only for the few cells that need Python's
own rules (``str.strip``) or a message. :func:`fixed_dates` reads ISO dates of one fixed shape
(``2026-03-15 14:07``) straight from the Arrow buffer, as ``pd.to_datetime`` with that format reads them.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd


#: The ISO formats read by :func:`fixed_dates`, as the shape of the text they read.
FIXED_SHAPES: dict[str, str] = {"%Y-%m-%d %H:%M": "YYYY-MM-DD hh:mm", "%Y-%m-%d %H:%M:%S": "YYYY-MM-DD hh:mm:ss",
                                "%Y-%m-%dT%H:%M:%S": "YYYY-MM-DDThh:mm:ss", "%Y-%m-%d": "YYYY-MM-DD"}


def arrow_of(cells: pd.Series) -> Any:
    """The cells' Arrow array (a ``pyarrow.ChunkedArray``) when they are Arrow strings, else None."""
    dtype = cells.dtype
    if isinstance(dtype, pd.ArrowDtype) and str(dtype.pyarrow_dtype) in ("string", "large_string"):
        return cells.array.__arrow_array__()
    return None


def release_arrow_memory() -> None:
    """Give back to the system the memory Arrow keeps for reuse once the cells it held are gone.

    Arrow's allocator holds freed memory for a while; the funnel frame is what stays of a large
    export, so the text it was read from should not count towards the process's memory.
    """
    import sys

    if "pyarrow" in sys.modules:  # nothing to give back when no file was read by pyarrow
        import pyarrow as pa

        pa.default_memory_pool().release_unused()


def texts(cells: pd.Series) -> np.ndarray:
    """The cells as an array of Python strings (``dtype=object``)."""
    arrow = arrow_of(cells)
    if arrow is None:
        return cells.to_numpy(dtype=object)
    return np.asarray(arrow.to_numpy(zero_copy_only=False), dtype=object)


def as_text(cells: pd.Series) -> pd.Series:
    """The cells as a Series of Python strings, same index (a no-op for such a Series)."""
    if arrow_of(cells) is None:
        return cells
    return pd.Series(texts(cells), index=cells.index, dtype=object)


def _buffers(chunk: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(offsets, data)`` of an Arrow string array, as NumPy views (no copy): cell i is ``data[offsets[i]:offsets[i + 1]]``."""
    width = np.int64 if str(chunk.type) == "large_string" else np.int32
    buffers = chunk.buffers()
    offsets = np.frombuffer(buffers[1], dtype=width)[chunk.offset:chunk.offset + len(chunk) + 1]
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, dtype=np.uint8)
    return offsets, data


def _lengths(arrow: Any) -> np.ndarray:
    """Each cell's length in bytes (0 for a null), from the offsets (no copy of the text).

    One Arrow call over the column (0.7 ms a million cells), not a NumPy difference per block
    (about 110 blocks: 2 ms).
    """
    import pyarrow.compute as pc

    if not arrow.num_chunks:
        return np.zeros(0, dtype=np.int64)
    lengths = pc.binary_length(arrow)
    if lengths.null_count:
        lengths = lengths.fill_null(0)
    return np.asarray(lengths.to_numpy())


def _edge_bytes(arrow: Any) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's first and last byte (0 for a blank cell)."""
    firsts, lasts = [], []
    for chunk in arrow.chunks:
        offsets, data = _buffers(chunk)
        filled = offsets[1:] > offsets[:-1]
        first = np.zeros(len(chunk), dtype=np.uint8)
        last = np.zeros(len(chunk), dtype=np.uint8)
        first[filled] = data[offsets[:-1][filled]]
        last[filled] = data[offsets[1:][filled] - 1]
        firsts.append(first)
        lasts.append(last)
    if not firsts:
        return np.zeros(0, dtype=np.uint8), np.zeros(0, dtype=np.uint8)
    return np.concatenate(firsts), np.concatenate(lasts)


def _not_printable(byte: np.ndarray) -> np.ndarray:
    """True for a byte that is not printable ASCII (a space, a control character, part of a non-ASCII character)."""
    return (byte < 0x21) | (byte > 0x7E)


def nonblank(cells: pd.Series) -> np.ndarray:
    """True where a cell is not ``""`` (one comparison over the array; Arrow cells: from their lengths)."""
    arrow = arrow_of(cells)
    if arrow is None:
        return cells.to_numpy(dtype=object) != ""
    return _lengths(arrow) > 0


def stripped(cells: pd.Series) -> pd.Series:
    """The cells without surrounding spaces (Python's ``str.strip``), as Python strings.

    Arrow cells: only those that start or end with something other than printable ASCII are
    stripped, by Python (which knows more spaces than Arrow does), so the result is what
    ``str.strip`` gives on every cell.
    """
    arrow = arrow_of(cells)
    if arrow is None:
        return pd.Series([c.strip() for c in cells.to_numpy(dtype=object)], index=cells.index, dtype=object)
    out = texts(cells)
    first, last = _edge_bytes(arrow)
    edge = np.flatnonzero((_not_printable(first) | _not_printable(last)) & (_lengths(arrow) > 0))
    if len(edge):
        out[edge] = [c.strip() for c in out[edge]]
    return pd.Series(out, index=cells.index, dtype=object)


def blank_after_strip(cells: pd.Series) -> np.ndarray:
    """True where a cell holds nothing but spaces (or nothing): ``not cell.strip()``."""
    arrow = arrow_of(cells)
    if arrow is None:
        return np.array([not c.strip() for c in cells.to_numpy(dtype=object)], dtype=bool)
    first, _ = _edge_bytes(arrow)
    lengths = _lengths(arrow)
    maybe = np.flatnonzero(_not_printable(first) & (lengths > 0))  # a cell of spaces starts with one
    out = lengths == 0
    if len(maybe):
        out[maybe] = [not c.strip() for c in _take(arrow, maybe)]
    return out


def factorized(cells: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, distinct)``: each cell's position in the distinct values (Python strings), as ``pd.factorize``."""
    arrow = arrow_of(cells)
    if arrow is None:
        codes, distinct = pd.factorize(cells.to_numpy(dtype=object), use_na_sentinel=False)
        return np.asarray(codes), np.asarray(distinct, dtype=object)
    import pyarrow as pa

    encoded = (arrow.combine_chunks() if arrow.num_chunks else pa.array([], pa.string())).dictionary_encode()
    codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.intp)
    return codes, np.asarray(encoded.dictionary.to_numpy(zero_copy_only=False), dtype=object)


def whole_numbers(cells: pd.Series) -> np.ndarray | None:
    """Each cell as an integer, when every cell is a whole number of 1 to 18 digits with no leading zero; else None.

    Such cells are equal exactly when their numbers are (CRM record ids usually are such numbers),
    so repeats can be found on integers instead of on a million Python strings. Arrow cells only.
    The bytes are checked here (digits only, no leading zero, 1 to 18 of them: what is left is
    exactly a number below 10**18); Arrow's cast then reads them, without the GIL (it alone would
    also take a sign or ``0x``).
    """
    arrow = arrow_of(cells)
    if arrow is None or not len(arrow):
        return None
    import pyarrow as pa

    chunk = arrow.combine_chunks() if arrow.num_chunks != 1 else arrow.chunk(0)
    offsets, data = _buffers(chunk)
    lengths = np.diff(offsets)
    if int(lengths.min()) < 1 or int(lengths.max()) > 18:
        return None
    text = data[offsets[0]:offsets[-1]]
    if int(text.min()) < 48 or int(text.max()) > 57:
        return None  # a byte that is not a digit, "0" to "9" (two passes over the bytes, no copy)
    if bool(((data[offsets[:-1]] == 48) & (lengths > 1)).any()):
        return None  # a leading zero: "007" is not "7"
    return np.asarray(chunk.cast(pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)


def taken(cells: pd.Series, at: np.ndarray) -> np.ndarray:
    """The cells at positions ``at`` as Python strings."""
    arrow = arrow_of(cells)
    if arrow is None:
        return cells.to_numpy(dtype=object)[at]
    return _take(arrow, at)


def _take(arrow: Any, at: np.ndarray) -> np.ndarray:
    """The cells of a ``ChunkedArray`` at positions ``at`` (ascending or not) as Python strings.

    Taken from the slice that spans them: a ``ChunkedArray``'s ``take`` first joins every block
    of the column (a million cells, some 110 blocks: 4-14 ms, and a copy of the column's text
    each time), where the slice holding a sample of 200 leading cells is one block (0.3 ms).
    """
    at = np.asarray(at, dtype=np.int64)
    if not len(at):
        return np.zeros(0, dtype=object)
    low = int(at.min())
    span = arrow.slice(low, int(at.max()) + 1 - low)
    return np.asarray(span.take(at - low).to_numpy(zero_copy_only=False), dtype=object)


def fixed_dates_apply(formats: list[str] | tuple[str, ...]) -> bool:
    """Whether :func:`fixed_dates` may read ahead of the other formats of ``formats``.

    It may when no other format can read text of an ISO shape: the others start with a day or
    month (``%d/%m/%Y``, ``%m/%d/%Y %I:%M %p``, ``%b %d, %Y``), as every bundled CRM mapping's do.
    """
    return all(f in FIXED_SHAPES or re.match(r"%[dmbB][^%]", f) for f in formats)


def _grid_dates(grid: np.ndarray, shape: str) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``grid`` (one cell's bytes per row, all of ``shape``'s width) read as dates: ``(ok, stamps)``."""
    columns = np.ascontiguousarray(grid.T)  # one contiguous row per character position
    ok = np.ones(len(grid), dtype=bool)
    for j, ch in enumerate(shape):
        if ch in "YMDhms":
            ok &= (columns[j] - np.uint8(48)) < 10  # "0".."9" (other bytes wrap around)
        else:
            ok &= columns[j] == ord(ch)

    def number(digits: np.ndarray, letter: str) -> np.ndarray:  # the digits at ``letter``'s places
        value = np.zeros(len(grid), dtype=np.int32)
        for j in (j for j, ch in enumerate(shape) if ch == letter):
            value *= 10
            value += digits[j]
            value -= 48
        return value

    year, month, day, hour, minute, second = (number(columns, c) for c in "YMDhms")
    del columns
    ok &= (year >= 1700) & (year <= 2200) & (month >= 1) & (month <= 12) & (day >= 1)
    ok &= (hour < 24) & (minute < 60) & (second < 60)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    ok &= day <= _MONTH_DAYS[np.clip(month, 0, 12)] + (leap & (month == 2))
    # days since 1970-01-01 of a (proleptic Gregorian) date: H. Hinnant's days_from_civil
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    days = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
    seconds = days.astype(np.int64) * 86400 + (hour * 3600 + minute * 60 + second)
    return ok, (seconds * 1_000_000_000).astype("datetime64[ns]")


#: Cells read by :func:`_grid_dates` at once (its work arrays stay a few MB for any file).
_ROWS_AT_ONCE = 1 << 17


_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)


def _cast_dates(cells: Any, grid: np.ndarray, shape: str) -> np.ndarray | None:
    """``cells`` (Arrow strings, each a row of ``grid``) as ``datetime64[ns]`` when every one is a date of ``shape``; else None.

    The separators are checked on the bytes (Arrow's ISO 8601 reading would also take a ``T``
    for the space); Arrow's cast then reads every cell, without the GIL, and refuses the whole
    column for one that is not a date (no such day, hour 24, minute 60, a letter, a year a
    ``datetime64[ns]`` cannot hold), and a year outside 1700-2200 is refused here: then None,
    and :func:`_grid_dates` finds which cells are dates.
    """
    import pyarrow as pa

    for j, ch in enumerate(shape):
        if ch not in "YMDhms" and not bool((grid[:, j] == ord(ch)).all()):
            return None
    try:  # in seconds (the shapes hold none smaller): pyarrow before 23 wraps a nanosecond overflow (9999-12-31)
        read = cells.cast(pa.timestamp("s"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if read.null_count:  # a null entry with text behind it: not a cell this function reads
        return None
    stamps = np.asarray(read.to_numpy(zero_copy_only=False), dtype="datetime64[s]")
    if len(stamps) and (stamps.min() < _FIRST or stamps.max() >= _AFTER_LAST):
        return None  # a year outside 1700-2200, as :func:`_grid_dates` leaves to pandas
    return stamps.astype("datetime64[ns]")


_FIRST, _AFTER_LAST = np.datetime64("1700-01-01", "s"), np.datetime64("2201-01-01", "s")


def fixed_dates(arrow: Any, fmt: str) -> tuple[np.ndarray, np.ndarray]:
    """Cells of exactly ISO shape ``FIXED_SHAPES[fmt]``, read from the Arrow buffer without Python strings.

    Returns
    -------
    (positions, stamps)
        Positions of the cells read and their ``datetime64[ns]`` values: only cells of exactly
        that shape, with a real calendar day, hours under 24, minutes and seconds under 60 and a
        year from 1700 to 2200, each as ``pd.to_datetime(cell, format=fmt)`` reads it. Every other
        cell is left to ``pd.to_datetime``.

    When every cell of that width is such a date (a clean export), Arrow's cast reads them all at
    once (:func:`_cast_dates`: 0.044 instead of 0.056 s for a million, and without the GIL);
    otherwise their bytes are read here (:func:`_grid_dates`), which finds the ones that are.
    """
    import pyarrow as pa

    shape = FIXED_SHAPES[fmt]
    width = len(shape)
    found: list[np.ndarray] = []
    stamps: list[np.ndarray] = []
    start = 0
    for chunk in ([arrow.combine_chunks()] if arrow.num_chunks > 1 else arrow.chunks):  # one pass, not one per block
        offsets, data = _buffers(chunk)
        lengths = np.diff(offsets)
        at = np.flatnonzero(lengths == width)
        if len(at):
            picked = chunk
            if len(at) == int(np.count_nonzero(lengths)):  # every other cell blank: the text is one block
                grid = data[offsets[0]:offsets[-1]].reshape(-1, width)
                if len(at) != len(chunk):
                    picked = chunk.filter(pa.array(lengths == width))
            else:
                picked = chunk.take(pa.array(at))
                picked_offsets, picked_data = _buffers(picked)
                grid = picked_data[picked_offsets[0]:picked_offsets[-1]].reshape(-1, width)
            cast = _cast_dates(picked, grid, shape)
            if cast is not None:  # every cell a date: Arrow read them all
                found.append(at + start)
                stamps.append(cast)
            else:
                for first in range(0, len(grid), _ROWS_AT_ONCE):  # a few MB of work arrays at a time
                    ok, values = _grid_dates(grid[first:first + _ROWS_AT_ONCE], shape)
                    found.append(at[first:first + _ROWS_AT_ONCE][ok] + start)
                    stamps.append(values[ok])
        start += len(chunk)
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype="datetime64[ns]")
    return np.concatenate(found), np.concatenate(stamps)
