"""Atomic writes and forgiving readers."""

from __future__ import annotations

import os
import stat

import pytest

from helpers import report
from helpers.report import SECTIONS
from helpers.fileio import atomic_write_text, read_table, read_yaml, sniff_delimiter


def test_atomic_write_leaves_no_temp_file_and_normal_permissions(tmp_path) -> None:
    target = tmp_path / "sub" / "notes.yaml"
    atomic_write_text(target, "a: 1\n")
    atomic_write_text(target, "a: 2\n")
    assert target.read_text() == "a: 2\n"
    assert [p.name for p in target.parent.iterdir()] == ["notes.yaml"]
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch) -> None:
    target = tmp_path / "plan.yaml"
    atomic_write_text(target, "old\n")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write_text(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.yaml"]


def test_an_impossible_yaml_date_stays_text(tmp_path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("date: 2026-13-01\nok: 2026-01-31\n")
    data, problems = read_yaml(path, "x.yaml")
    assert problems == [] and data["date"] == "2026-13-01" and str(data["ok"]) == "2026-01-31"


@pytest.mark.parametrize("text, sep", [("a,b\n1,2", ","), ("a;b;c\n", ";"),
                                       ("a\tb\n", "\t"), ('"Q1, really";"Q2, too"\n', ";"), ("single\n", ",")])
def test_delimiter_sniffing(text, sep) -> None:
    assert sniff_delimiter(text) == sep


def test_semicolon_csv_from_european_excel_reads(tmp_path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("respondent;team\nJosé;Sales\n".encode("cp1252"))
    frame, problems = read_table(path, "t.csv")
    assert problems == [] and frame.to_dict("records") == [{"respondent": "José", "team": "Sales"}]


def test_report_sections_are_functions_even_after_their_module_is_imported() -> None:
    import helpers.report.funnel  # noqa: F401  (would shadow a lazily looked-up function)

    for name in SECTIONS:
        assert callable(getattr(report, name)), name


def test_row_numbers_survive_blank_lines(make_engagement) -> None:
    from helpers.engagement.load import load
    from tests.conftest import survey_csv

    rows = [("S1", "sales", "staff", [4] * 24), ("M1", "marketing", "staff", [3] * 24),
            ("S2", "sales", "staff", [9] + [3] * 23)]
    text = survey_csv(rows).replace("\nM1,", "\n\nM1,")  # a blank line before M1: S2 is on line 5
    eng, problems = load(make_engagement({"survey.csv": text}))
    assert eng is None
    assert [p.row for p in problems.errors] == [5], [str(p) for p in problems]


def test_an_optional_yaml_file_that_is_absent_is_no_problem(tmp_path) -> None:
    assert read_yaml(tmp_path / "plan.yaml", "plan.yaml", missing_ok=True) == (None, [])
    data, problems = read_yaml(tmp_path / "plan.yaml", "plan.yaml")
    assert data is None and problems and problems[0].file == "plan.yaml"


def test_a_large_csv_read_column_by_column_is_the_frame_pandas_reads_whole(tmp_path, monkeypatch) -> None:
    """Pieces of 3 rows joined column by column: same cells, blank lines, ragged rows and row numbers."""
    import pandas as pd

    from helpers import fileio

    lines = ["lead_id,created_at,source,note"]
    for i in range(20):
        lines.append(f'L{i},2026-03-{i + 1:02d} 09:00,"Web, paid",ok {i}' if i % 4 else f"L{i},2026-03-{i + 1:02d},,")
        if i % 7 == 3:
            lines.append("")  # a blank line: dropped, but row numbers keep counting it
    lines.append("L99,2026-04-01")  # a short row
    path = tmp_path / "funnel.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole, problems = read_table(path, "funnel.csv")
    assert problems == [] and whole is not None
    monkeypatch.setattr(fileio, "CSV_CHUNK_ROWS", 3)
    pieces, problems = read_table(path, "funnel.csv")
    assert problems == [] and pieces is not None
    pd.testing.assert_frame_equal(pieces, whole)
    assert pieces.loc[pieces["lead_id"] == "L99", "note"].tolist() == [""]
    assert pieces.index[pieces["lead_id"] == "L5"].tolist() == [5 + 1]  # one blank line above it
    only, _ = read_table(path, "funnel.csv", usecols=lambda name: name != "note")
    assert only is not None and list(only.columns) == ["lead_id", "created_at", "source"]


@pytest.mark.parametrize("name, data", [
    ("blank lines and a row of empty cells", b"lead_id,created_at,note\nL1,2026-03-01,a\n\nL2,2026-03-02,b\n,,\nL3,,c\n\n"),
    ("a quoted cell over two lines, CRLF", b'lead_id,created_at,note\r\nL1,2026-03-01,"two\r\nlines"\r\nL2, 2026-03-02 ,"a, b"\r\nL3,NA,null'),
    ("UTF-8 with byte-order mark, semicolons", "\ufefflead_id;created_at;note\nL1;2026-03-01;Zoë\nL2;;\n".encode("utf-8")),
    ("a repeated header among the columns read", b"lead_id,created_at,lead_id\nL1,2026-03-01,x\n"),
    ("a short row", b"lead_id,created_at,note\nL1,2026-03-01\nL2,2026-03-02,b\n"),
])
def test_pyarrow_reads_the_frame_the_c_parser_reads(tmp_path, name, data) -> None:
    """Same columns, cells and row numbers with ``arrow=True``; pyarrow leaves to the C parser what it reads otherwise."""
    import pandas as pd

    path = tmp_path / "funnel.csv"
    path.write_bytes(data)
    wanted = {"lead_id", "created_at", "note"}
    by_c, problems = read_table(path, "funnel.csv", usecols=lambda n: n.strip().lower() in wanted)
    by_arrow, arrow_problems = read_table(path, "funnel.csv", usecols=lambda n: n.strip().lower() in wanted, arrow=True)
    assert by_c is not None and by_arrow is not None and problems == arrow_problems == []
    pd.testing.assert_frame_equal(by_arrow.astype(object), by_c)
    fallback = name.startswith(("a repeated", "a short"))
    assert (by_arrow["created_at"].dtype == object) == fallback


@pytest.mark.parametrize("tail, encoding", [
    ("Zoë Müller,café\n".encode("utf-8"), "utf-8"),
    ("Zoë Müller,café\n".encode("cp1252"), "cp1252"),  # one byte that UTF-8 cannot read, far down the file
    (b"\xed\xa0\x80 surrogate,x\n", "cp1252"),  # an encoded surrogate is not UTF-8 for Python either
    (b"\xc0\xaf overlong,x\n", "cp1252"),
    ("emoji \U0001F600,x\n".encode("utf-8"), "utf-8"),
])
def test_the_encoding_of_a_large_export_is_judged_on_every_byte(tmp_path, tail, encoding) -> None:
    """The last row decides: a file that is UTF-8 except for one late row is read as cp1252, as Python's decoder judges it."""
    path = tmp_path / "funnel.csv"
    path.write_bytes(b"lead_id,note\n" + b"".join(b"L%d,plain\n" % i for i in range(5000)) + tail)
    frame, problems = read_table(path, "funnel.csv", arrow=True)
    assert problems == [] and frame is not None
    assert frame.iloc[-1].tolist() == tail.decode(encoding).rstrip("\n").split(",")
