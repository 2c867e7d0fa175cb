"""Funnel cells as Arrow strings: every answer is the one Python strings give, every date the one pandas reads.

A UTF-8 export is read by pyarrow; any other file (Windows-1252, UTF-16, rows of another length)
by pandas' C parser. Both must give the consultant the same funnel and the same messages.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from helpers.engagement.funnel import read_funnel
from helpers.engagement.funnel_cells import (FIXED_SHAPES, blank_after_strip, factorized, fixed_dates, fixed_dates_apply, taken,
                                             nonblank, stripped, whole_numbers)
from helpers.engagement.funnel_dates import day_month_order, parse_dates
from helpers.fileio import read_table

ODD = ["", " ", "  A-1 ", "\xa0B\xa0", "\u2003C", "D\x1c", "\t", "\u3000", "Ünïcode", " Zoë ", "plain", "E\n", "\x85"]


def _both(cells: list[str]) -> tuple[pd.Series, pd.Series]:
    """The same cells as Python strings and as Arrow strings (in three blocks, as pyarrow reads a file)."""
    arrow = pa.chunked_array([pa.array(cells[:4], pa.string()), pa.array([], pa.string()), pa.array(cells[4:], pa.string())])
    return pd.Series(cells, dtype=object), pd.Series(pd.arrays.ArrowExtensionArray(arrow))


def test_arrow_cells_strip_and_compare_as_python_strings_do() -> None:
    python, arrow = _both(ODD)
    assert arrow.dtype == pd.ArrowDtype(pa.string())
    assert list(stripped(arrow)) == [c.strip() for c in ODD] == list(stripped(python))
    assert list(blank_after_strip(arrow)) == [not c.strip() for c in ODD] == list(blank_after_strip(python))
    assert list(nonblank(arrow)) == [c != "" for c in ODD] == list(nonblank(python))
    codes, distinct = factorized(pd.Series(["b", "a", "b", "", "a"], dtype=pd.ArrowDtype(pa.string())))
    assert list(distinct[codes]) == ["b", "a", "b", "", "a"] and len(distinct) == 3


def _iso_cells(fmt: str, n: int, seed: int) -> list[str]:
    """``n`` cells of ``fmt``'s shape with every field sometimes out of range, blanks and near-misses."""
    rng = np.random.default_rng(seed)
    y, mo, d = rng.integers(1650, 2300, n), rng.integers(0, 14, n), rng.integers(0, 33, n)
    h, mi, se = rng.integers(0, 26, n), rng.integers(0, 62, n), rng.integers(0, 62, n)
    shape = FIXED_SHAPES[fmt]
    cells = []
    for i in range(n):
        text = f"{y[i]:04d}-{mo[i]:02d}-{d[i]:02d}"
        if "hh" in shape:
            text += ("T" if "T" in shape else " ") + f"{h[i]:02d}:{mi[i]:02d}" + (f":{se[i]:02d}" if "ss" in shape else "")
        cells.append(text if i % 4 else "")
    return cells + ["2024-02-29 10:00", "2023-02-29 10:00", "1900-02-29", "2000-02-29", "2026-1-05 10:00", "2026/01/05",
                    "2026-01-05 10:00Z", "2026-01-0510:00", "20\uff126-01-05", "abcd-ef-gh", " 2026-01-05"]


@pytest.mark.parametrize("fmt", sorted(FIXED_SHAPES))
def test_iso_dates_read_from_the_arrow_buffer_are_the_dates_pandas_reads(fmt: str) -> None:
    cells = _iso_cells(fmt, 20_000, seed=len(fmt))
    _, arrow = _both(cells)
    at, stamps = fixed_dates(arrow.array.__arrow_array__(), fmt)
    parsed = pd.to_datetime(pd.Series(cells, dtype=object), format=fmt, errors="coerce")
    # a date datetime64[ns] cannot hold is NaT: pandas 2 coerces it so, pandas 3 reads it in microseconds
    expected = np.asarray(parsed.where((parsed >= pd.Timestamp.min) & (parsed <= pd.Timestamp.max)).astype("datetime64[ns]"))
    assert (stamps == expected[at]).all()  # never another date than pandas reads
    years = np.array([int(c[:4]) if c[:4].isdigit() else 0 for c in cells])
    usual = ~np.isnat(expected) & (years >= 1700) & (years <= 2200)
    left = usual.copy()
    left[at] = False
    # pandas alone reads only leap seconds (:60, :61), a one-digit month and full-width digits
    assert all(c.endswith((":60", ":61")) or c in ("2026-1-05 10:00", "20\uff126-01-05")
               for c in np.array(cells, dtype=object)[left])
    assert usual.sum() - left.sum() == len(at) > 5_000


@pytest.mark.parametrize("fmt", sorted(FIXED_SHAPES))
def test_a_column_of_clean_iso_dates_is_read_whole_and_one_odd_cell_reads_as_pandas_does(fmt: str) -> None:
    """Every cell a date of the shape: read at once (Arrow's cast); one cell Arrow's ISO reading would take
    another way (a ``T`` for the space), a year outside 1700-2200, or no such day: each cell as pandas reads it."""
    rng = np.random.default_rng(11)
    stamps = pd.Timestamp("1990-01-01") + pd.to_timedelta(rng.integers(0, 40 * 365 * 86400, 5_000), unit="s")
    clean = [t.strftime(fmt) for t in stamps] + [""] * 7
    odd = {"%Y-%m-%d %H:%M": "2026-03-15T14:07", "%Y-%m-%d %H:%M:%S": "2026-03-15T14:07:00",
           "%Y-%m-%dT%H:%M:%S": "2026-03-15 14:07:00", "%Y-%m-%d": "2026-02-29"}[fmt]
    far = pd.Timestamp("2250-06-01 10:00:00").strftime(fmt)
    # beyond datetime64[ns]: pyarrow before 23 wrapped them into the 19th century when cast to nanoseconds
    beyond = [fmt.replace("%Y", "9999").replace("%m", "12").replace("%d", "31").replace("%H", "00").replace("%M", "00").replace("%S", "00"),
              fmt.replace("%Y", "0001").replace("%m", "01").replace("%d", "01").replace("%H", "00").replace("%M", "00").replace("%S", "00")]
    for cells in (clean, clean + [odd], clean + [far], clean + beyond[:1], clean + beyond[1:]):
        _, arrow = _both(cells)
        at, read = fixed_dates(arrow.array.__arrow_array__(), fmt)
        expected = np.asarray(pd.to_datetime(pd.Series(cells, dtype=object), format=fmt, errors="coerce"),
                              dtype="datetime64[ns]")
        assert (read == expected[at]).all()
        assert len(at) == len(stamps)  # the clean cells, never the odd one or the year 2250 (pandas reads that)
    assert fixed_dates(_both(clean)[1].array.__arrow_array__(), fmt)[1][0] == np.datetime64(pd.Timestamp(clean[0]))


def test_parse_dates_gives_the_same_dates_for_arrow_and_python_cells() -> None:
    cells = (_iso_cells("%Y-%m-%d %H:%M", 3_000, seed=7) + ["03/15/2026 14:07", "03/15/2026", " 2026-03-15 UTC",
                                                           "2026-03-15T14:07:00Z", "yesterday", "15/03/2026"]) * 2
    python, arrow = _both(cells)
    for formats in (["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"],
                    ["%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
                    ["%d/%m/%Y", "%Y-%m-%d %H:%M"]):
        pd.testing.assert_series_equal(parse_dates(arrow, formats), parse_dates(python, formats))
    assert fixed_dates_apply(["%m/%d/%Y %I:%M %p", "%Y-%m-%d", "%b %d, %Y %I:%M %p", "%d.%m.%Y"])
    assert not fixed_dates_apply(["%Y-%d-%m", "%Y-%m-%d"])  # reads ISO-shaped text another way: pandas alone


def test_a_date_datetime64_ns_cannot_hold_is_unread_on_pandas_2_and_3() -> None:
    """A typo year (2291, 1653) is NaT, then reported as unreadable: pandas 3 reads it in microseconds, never an error."""
    cells = ["2291-11-03 10:00", "1653-10-30", "2026-03-15 14:07", "15/03/2300", "03/04/2026", ""]
    python, arrow = _both(cells)
    for values in (python, arrow):
        got = parse_dates(values, ["%Y-%m-%d %H:%M", "%Y-%m-%d", "%d/%m/%Y"])
        assert str(got.dtype) == "datetime64[ns]"
        assert got.isna().tolist() == [True, True, False, True, False, True]
    # no vote for day first from a day beyond 2262, and no date cells at all decide nothing
    assert day_month_order({"c": pd.Series(["15/03/2300", "03/04/2026"], dtype=object)}) == (None, {})
    assert day_month_order({"c": pd.Series([], dtype=str)}) == (None, {})
    assert day_month_order({"c": pd.Series(["15/03/2026"], dtype=str)})[0] == "day"


def _hubspot_rows() -> list[list[str]]:
    """A HubSpot contacts export with one of each fault a consultant meets, some of them more than ten times."""
    rows = [["Record ID", "Company Name", "Create Date", "Original Source", "Lead Status",
             "Became a Marketing Qualified Lead Date", "Became a Sales Qualified Lead Date",
             "Became a Customer Date", "Date of first engagement", "Number of Sales Activities", "Recent Deal Amount"]]
    for i in range(40):
        rows.append([f"{1000 + i}", "Müller Pumpen GmbH", f"2026-03-{1 + i % 28:02d} 09:{i:02d}", "Organic Search",
                     "Open", f"2026-04-{1 + i % 28:02d} 10:00" if i % 2 else "", "", "", f"2026-04-{2 + i % 27:02d} 08:15" if i % 2 else "",
                     str(i % 6), "n/a" if i < 12 else (f"{40000 + i}" if i % 5 == 0 else "")])
    rows += [[" 2001 ", "Zoë & Co", "2026-05-02 10:00", "\xa0Paid Search ", "Unqualified", "2026-05-01 10:00", "", "", "", "3", ""],
             ["2002", "", "", "Referrals", "New", "", "", "", "", "1", ""],
             ["1003", "", "2026-05-04 10:00", "Referrals", "New", "", "", "", "", "", ""],
             ["2003", "", "2026-02-30 10:00", "Direct Traffic", "", "", "", "", "", "", ""],
             ["2004", "", "2026-05-05 10:00", "", "", "soon", "", "", "", "", "$12,500.00"],
             ["2005", "", "2026-05-06 10:00", "Offline Sources", "", "", "15/05/2026 10:00", "", "", "", ""],
             ["2006", "", "2026-05-07 10:00", "Offline Sources", "", "", "", "2026-09-01 12:00", "", "two", "EUR 18.000,00"],
             ["2007", "", "2026-05-08 10:00", "Direct Traffic", "", "   ", "", "", " later ", "", ""]]
    return rows


def _write(folder: Path, rows: list[list[str]], encoding: str) -> Path:
    folder.mkdir(parents=True)
    text = "".join(",".join(f'"{c}"' if "," in c else c for c in r) + "\r\n" for r in rows)
    (folder / "funnel.csv").write_bytes(text.encode(encoding))
    return folder


def test_a_faulty_export_gives_the_same_funnel_and_messages_by_pyarrow_and_by_the_c_parser(tmp_path) -> None:
    rows = _hubspot_rows()
    read = {}
    for name, encoding in (("utf-8", "utf-8"), ("utf-8-bom", "utf-8-sig"), ("windows-1252", "cp1252"), ("utf-16", "utf-16")):
        folder = _write(tmp_path / name, rows, encoding)
        read[name] = read_funnel(folder, "hubspot", {})
    by_arrow = read_table(tmp_path / "utf-8" / "funnel.csv", "funnel.csv", arrow=True)[0]
    by_c = read_table(tmp_path / "windows-1252" / "funnel.csv", "funnel.csv", arrow=True)[0]
    assert by_arrow is not None and by_c is not None
    assert isinstance(by_arrow["Record ID"].dtype, pd.ArrowDtype) and by_c["Record ID"].dtype == object
    frame, problems = read["utf-8"]
    assert frame is None  # the impossible day and the unreadable date are errors
    messages = [(p.row, p.field, p.severity, p.message) for p in problems]
    assert (45, "created_at", "error", "no such day in the calendar ('2026-02-30 10:00')") in messages
    assert (46, "mql_at", "error", "not a date I can read ('soon')") in messages
    assert (None, "amount", "warning", "2 more rows have the same problem (rows 12, 13 ...)") in messages
    # a date cell of spaces is blank, not unreadable; one of a word is unreadable, with its spaces shown
    assert [m for m in messages if m[0] == 49] == [(49, "first_response_at", "error", "not a date I can read (' later ')")]
    for name in ("utf-8-bom", "windows-1252", "utf-16"):
        assert read[name][0] is None and read[name][1] == problems, name


def test_a_usable_export_gives_identical_frames_by_pyarrow_and_by_the_c_parser(tmp_path) -> None:
    rows = [r for r in _hubspot_rows() if r[2] != "2026-02-30 10:00" and r[5] != "soon" and r[8] != " later "]
    read = {name: read_funnel(_write(tmp_path / name, rows, encoding), "hubspot", {})
            for name, encoding in (("utf-8", "utf-8"), ("windows-1252", "cp1252"), ("utf-16", "utf-16"))}
    frame, problems = read["utf-8"]
    assert frame is not None
    assert frame.attrs["excluded_rows"] == 3  # no creation date, a repeated id, an MQL before creation
    assert list(frame.loc[frame["lead_id"] == "2001", "source"]) == []  # its MQL is before creation: left out
    assert frame["source"].iloc[-1] == "Offline Sources" and frame["amount"].iloc[-1] == 18000.0
    assert frame["sql_at"].notna().sum() == 1  # 15/05/2026 read day first: the whole file is day first
    assert [p.message for p in problems if p.field == "attempts"] == ["not a number; left blank ('two')"]
    for name in ("windows-1252", "utf-16"):
        other, other_problems = read[name]
        pd.testing.assert_frame_equal(frame, other)
        assert frame.attrs == other.attrs and other_problems == problems, name


def test_rows_of_another_length_are_read_by_the_c_parser_with_the_same_row_numbers(tmp_path) -> None:
    folder = tmp_path / "ragged"
    folder.mkdir()
    (folder / "funnel.csv").write_text("lead_id,created_at,source\nA,2026-01-02,web\n\nB,2026-01-03\nC,yesterday,web\n",
                                       encoding="utf-8")
    assert read_table(folder / "funnel.csv", "funnel.csv", arrow=True)[0]["lead_id"].dtype == object
    frame, problems = read_funnel(folder, None, {})
    assert frame is None and [(p.row, p.message) for p in problems] == [(5, "not a date I can read ('yesterday')")]


def test_record_ids_that_are_plain_numbers_are_compared_as_numbers_and_others_as_text() -> None:
    _, ids = _both(["1000001", "42", "1000001", "7", "999999999999999999"])
    assert list(whole_numbers(ids)) == [1000001, 42, 1000001, 7, 999999999999999999]
    for other in (["1", "01"], ["1", "1 "], ["1", ""], ["1", "A1"], ["1", "1234567890123456789"], ["1", "١"]):
        assert whole_numbers(_both(other)[1]) is None, other  # "01" is not "1": compared as text


def test_a_repeated_record_id_is_reported_the_same_whether_ids_are_numbers_or_text(tmp_path) -> None:
    for ids, name in ((["1001", "1002", "1001"], "numbers"), (["1001", "1002", "01001", " 1001"], "text")):
        rows = [["Record ID", "Create Date"]] + [[i, "2026-03-02 09:00"] for i in ids]
        frame, problems = read_funnel(_write(tmp_path / name, rows, "utf-8"), "hubspot", {})
        assert frame is not None and len(frame) == (2 if name == "numbers" else 3)
        assert [(p.row, p.message) for p in problems if p.field == "lead_id"] == [
            (4 if name == "numbers" else 5, "the same lead id appears again; the repeat is left out")]


@pytest.mark.parametrize("text", [
    "Record ID,Create Date,Original Source\n",
    " Record ID , Create Date ,Original Source\n1,2026-03-01 10:00,Web\n2,2026-03-02 10:00,\n",
    "Leads report\nExported 2026-03-01\n\nRecord ID,Create Date,Original Source\n1,2026-03-01 10:00,Web\n",
    "Record ID,Create Date,Original Source\n1,2026-03-01 10:00,Web,\n2,2026-03-02 10:00,Ads,\n",
    "Record ID,Create Date,Original Source\n1,2026-03-01 10:00,Web\nGrand Totals (1 records),,\n",
], ids=["header only", "spaces around headers", "title rows", "trailing commas", "report footer"])
def test_odd_exports_read_the_same_by_pyarrow_and_by_the_c_parser(tmp_path, text) -> None:
    read = []
    for encoding in ("utf-8", "utf-16"):
        folder = tmp_path / encoding
        folder.mkdir()
        (folder / "funnel.csv").write_bytes(text.encode(encoding))
        read.append(read_funnel(folder, "hubspot", {}))
    (frame, problems), (other, other_problems) = read
    assert problems == other_problems and problems
    assert (frame is None) == (other is None)
    if frame is not None and other is not None:
        pd.testing.assert_frame_equal(frame, other)
        assert frame.attrs == other.attrs


def test_cells_taken_from_a_column_of_many_blocks_are_the_cells_at_those_places() -> None:
    cells = [f"cell {i}" for i in range(50)]
    python, arrow = _both(cells)
    for at in ([0, 1, 2], [3, 4, 5], [49, 0, 4, 4], [7], []):
        assert list(taken(arrow, np.array(at, dtype=np.int64))) == list(taken(python, np.array(at, dtype=np.int64))) \
            == [cells[i] for i in at]
