"""A large funnel export read ahead (helpers.engagement.funnel_ahead, helpers.fileio.read_ahead).

``workbook check`` starts parsing ``funnel.csv`` before pandas is imported; the funnel reader then
takes that table. What a consultant must not notice: the frame, the problems and the check's
output are the same as without reading ahead, and a file edited after the reading started is
read as it is now.
"""

from __future__ import annotations

import io
import os
import shutil
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from helpers import cli, fileio
from helpers.engagement.funnel import read_funnel
from helpers.engagement.funnel_ahead import read_funnel_ahead
from helpers.fileio import forget_read_ahead, read_ahead, read_table
from tests.conftest import FIXTURES


@pytest.fixture(autouse=True)
def small_files_too(monkeypatch: pytest.MonkeyPatch):
    """Read ahead the small fixture files as well (the real threshold is 8 MB)."""
    monkeypatch.setattr(fileio, "READ_AHEAD_MIN_BYTES", 0)
    yield
    forget_read_ahead()


def hubspot_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "client"
    shutil.copytree(FIXTURES / "crm" / "hubspot", folder)
    return folder


def tables_taken(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For each read of the file, whether the table read ahead was the one used (filled as reads happen)."""
    taken: list[bool] = []
    real = fileio._taken_ahead

    def spy(*args: object) -> object:
        table = real(*args)  # type: ignore[arg-type]
        taken.append(table is not None)
        return table

    monkeypatch.setattr(fileio, "_taken_ahead", spy)
    return taken


def test_the_funnel_read_ahead_is_the_funnel_read_now(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = hubspot_folder(tmp_path)
    now, now_problems = read_funnel(folder, "hubspot", {})
    taken = tables_taken(monkeypatch)
    assert read_funnel_ahead(folder)
    ahead, ahead_problems = read_funnel(folder, "hubspot", {})
    assert taken == [True]
    assert now is not None and ahead is not None
    pd.testing.assert_frame_equal(ahead, now)
    assert ahead.attrs == now.attrs and ahead_problems == now_problems


def test_an_export_in_the_readers_own_column_names_is_read_once(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Columns named as the reader names them (``rejected_at`` appears in no mapping file) are read ahead too."""
    folder = tmp_path / "client"
    folder.mkdir()
    (folder / "engagement.yaml").write_text("client: A\nconsultant: B\ndate: 2026-03-31\nindustry: C\n",
                                            encoding="utf-8")
    (folder / "funnel.csv").write_text("lead_id,created_at,mql_at,rejected_at,status\n"
                                       "L1,2026-03-01,2026-03-02,2026-03-03,Rejected\n"
                                       "L2,2026-03-04,,,Open\n", encoding="utf-8")
    taken = tables_taken(monkeypatch)
    assert read_funnel_ahead(folder)
    frame, problems = read_funnel(folder, None, {})
    assert taken == [True]
    assert frame is not None and frame["rejected_at"].notna().tolist() == [True, False]


def test_a_file_edited_after_the_reading_started_is_read_as_it_is_now(tmp_path: Path) -> None:
    path = tmp_path / "funnel.csv"
    path.write_text("lead_id,created_at\nL1,2026-03-01\n", encoding="utf-8")
    assert read_ahead(path, lambda name: True)
    fileio._AHEAD[path.resolve()].done.wait()  # read ahead in full before the edit
    path.write_text("lead_id,created_at\nL1,2026-03-01\nL2,2026-03-02\n", encoding="utf-8")
    frame, problems = read_table(path, "funnel.csv", arrow=True)
    assert problems == [] and frame is not None
    assert frame["lead_id"].tolist() == ["L1", "L2"]


def test_a_file_replaced_by_one_of_the_same_size_and_time_is_read_as_it_is_now(tmp_path: Path) -> None:
    """``cp -p``, unzip or a sync client can put another file in place with the same size and date."""
    path = tmp_path / "funnel.csv"
    path.write_text("lead_id,status,created_at\nL1,Open,2026-03-01\n", encoding="utf-8")
    assert read_ahead(path, lambda name: True)
    fileio._AHEAD[path.resolve()].done.wait()
    before = path.stat()
    other = tmp_path / "new.csv"
    other.write_text("lead_id,status,created_at\nL1,Lost,2026-03-01\n", encoding="utf-8")  # same size
    os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(other, path)
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    frame, problems = read_table(path, "funnel.csv", arrow=True)
    assert problems == [] and frame is not None
    assert frame["status"].tolist() == ["Lost"]


def test_a_reading_ahead_without_a_wanted_column_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "funnel.csv"
    path.write_text("lead_id,created_at,source\nL1,2026-03-01,Web\n", encoding="utf-8")
    assert read_ahead(path, lambda name: name != "source")
    frame, problems = read_table(path, "funnel.csv", arrow=True)
    assert problems == [] and frame is not None
    assert list(frame.columns) == ["lead_id", "created_at", "source"] and frame["source"].tolist() == ["Web"]


def test_only_a_utf8_text_file_is_read_ahead(tmp_path: Path) -> None:
    utf16 = tmp_path / "funnel.csv"
    utf16.write_text("lead_id,created_at\nL1,2026-03-01\n", encoding="utf-16")
    assert not read_ahead(utf16, lambda name: True)
    assert not read_ahead(tmp_path / "missing.csv", lambda name: True)


def test_check_says_the_same_with_the_funnel_read_ahead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = hubspot_folder(tmp_path)

    def check() -> str:
        out = io.StringIO()
        with redirect_stdout(out):
            cli.main(["check", str(folder)])
        return out.getvalue()

    taken = tables_taken(monkeypatch)
    with_ahead = check()
    assert taken == [True]
    monkeypatch.setattr(fileio, "READ_AHEAD_MIN_BYTES", 10**12)
    without = check()
    assert taken == [True, False]
    assert "funnel: 6 leads" in with_ahead
    assert with_ahead == without


def test_a_file_over_the_row_limit_is_not_read_ahead(tmp_path: Path) -> None:
    """A file the limits refuse is refused as before, and never parsed into memory ahead of that."""
    path = tmp_path / "funnel.csv"
    path.write_text("lead_id,created_at\n" + "".join(f"L{i},2026-03-01\n" for i in range(30)), encoding="utf-8")
    assert read_ahead(path, lambda name: True, max_rows=20)
    ahead = fileio._AHEAD[path.resolve()]
    ahead.done.wait()
    assert ahead.result[0] is None
    frame, problems = read_table(path, "funnel.csv", arrow=True, max_rows=20)
    assert frame is None and "more than the 20 rows" in problems[0].message


def test_a_file_read_by_the_c_parser_lets_the_reading_ahead_go(tmp_path: Path) -> None:
    """Windows-1252 only in a column not read ahead: the file is read as Windows-1252, and the table is dropped."""
    path = tmp_path / "funnel.csv"
    path.write_bytes("lead_id,created_at,note\nL1,2026-03-01,café\n".encode("cp1252"))
    assert read_ahead(path, lambda name: name != "note")
    fileio._AHEAD[path.resolve()].done.wait()
    frame, problems = read_table(path, "funnel.csv", arrow=True)
    assert problems == [] and frame is not None and frame["note"].tolist() == ["café"]
    assert path.resolve() not in fileio._AHEAD


@pytest.mark.parametrize("piece", [7, 64, 8 * 1024 * 1024])
def test_line_breaks_and_quotes_are_counted_across_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          piece: int) -> None:
    """The count before reading ahead sees every line break and a quote in the last piece, whatever the piece size."""
    monkeypatch.setattr(fileio, "_COUNT_PIECE", piece)
    path = tmp_path / "funnel.csv"
    body = "".join(f"{i},web,2026-03-{1 + i % 28:02d}\n" for i in range(500))
    path.write_text("lead_id,source,created_at\n" + body + '501,"web, paid",2026-03-02', encoding="utf-8")
    assert fileio._scan(path, 10_000) == (501, True, True)
    path.write_text("lead_id,source,created_at\n" + body, encoding="utf-8")
    assert fileio._scan(path, 10_000) == (501, False, True)
    assert fileio._scan(path, 500) is None  # past the most allowed: stops, says so


@pytest.mark.parametrize("piece", [1, 2, 3, 7, 8, 9, 10, 64])
def test_utf8_is_judged_across_pieces_as_on_the_whole_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           piece: int) -> None:
    """Characters of two to four bytes cut by the end of a piece are still valid; a stray byte or a
    character cut by the end of the file is not, as Python's own decoder judges the whole file."""
    monkeypatch.setattr(fileio, "_COUNT_PIECE", piece)
    path = tmp_path / "funnel.csv"
    text = "lead_id,source\n" + "".join(f"{i},Café Müller ✓ 𝔘 Ωmega\n" for i in range(40))
    cases = {"valid": text.encode("utf-8"),
             "stray byte": text.encode("utf-8")[:200] + b"\xe9" + text.encode("utf-8")[200:],
             "cut at the end": text.encode("utf-8") + "𝔘".encode("utf-8")[:3],
             "a surrogate": text.encode("utf-8") + b"\xed\xa0\x80\n",
             "overlong": text.encode("utf-8") + b"\xc0\xaf\n"}
    for name, data in cases.items():
        path.write_bytes(data)
        try:
            data.decode("utf-8")
            expected = True
        except UnicodeDecodeError:
            expected = False
        assert expected == (name == "valid")
        assert fileio._scan(path, 10_000) == (data.count(b"\n"), False, expected), name


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of bytes of each read of a table's file (whole or head) from now on."""
    reads: list[int] = []
    for name in ("_read_bytes", "_read_head"):
        real = getattr(fileio, name)

        def counting(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
            raw, problems = _real(*args, **kwargs)
            reads.append(len(raw or b""))
            return raw, problems

        monkeypatch.setattr(fileio, name, counting)
    return reads


def test_a_large_utf8_export_read_ahead_is_not_read_again_in_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader takes the table, the line count and the encoding found ahead and reads only the head
    of the file, even when a character straddles the end of the head; a file found not to be UTF-8
    throughout is read in full and as Windows-1252, as without."""
    reads = _count_reads(monkeypatch)
    path = tmp_path / "funnel.csv"
    header = "lead_id,owner,created_at\n"
    body = "".join(f"{i},Müller,2026-03-{1 + i % 28:02d}\n" for i in range(20_000))
    offset = (header + body).encode("utf-8").rfind("ü".encode("utf-8"), 0, fileio._HEAD)
    pad = fileio._HEAD - 1 - offset  # shift the rows so that a ü starts on the head's last byte
    body = "".join(f"{i},{'x' * pad if i == 0 else ''}Müller,2026-03-{1 + i % 28:02d}\n" for i in range(20_000))
    data = (header + body).encode("utf-8")
    assert data[fileio._HEAD - 1:fileio._HEAD + 1] == "ü".encode("utf-8")
    path.write_bytes(data)
    expected, _ = read_table(path, "funnel.csv", arrow=True)
    reads.clear()
    assert read_ahead(path, lambda name: True)
    frame, problems = read_table(path, "funnel.csv", arrow=True)
    assert problems == [] and frame is not None
    assert frame.astype(object).equals(expected.astype(object)) and frame["owner"].iloc[-1] == "Müller"
    assert reads == [fileio._HEAD] and path.stat().st_size > 4 * fileio._HEAD

    path.write_bytes(data + "1,Müller,2026-03-01\n".encode("cp1252"))
    reads.clear()
    assert read_ahead(path, lambda name: True)
    frame, problems = read_table(path, "funnel.csv", arrow=True)
    assert problems == [] and frame is not None
    assert reads == [path.stat().st_size]
    assert frame["owner"].iloc[1] == "MÃ¼ller" and frame["owner"].iloc[-1] == "Müller"  # the whole file as Windows-1252


def test_a_file_replaced_while_its_head_is_read_is_read_again_in_full(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Replaced by a Windows-1252 file of the same size just as the reader takes its head: read as that file."""
    path = tmp_path / "funnel.csv"
    rows = "".join(f"{i},M{'ü' if i % 2 else 'u'}ller,2026-03-01\n" for i in range(3000))
    utf8 = ("lead_id,owner,created_at\n" + rows).encode("utf-8")
    other = ("lead_id,owner,created_at\n" + rows).encode("cp1252")
    other = other + b" " * (len(utf8) - len(other))  # same size
    path.write_bytes(utf8)
    assert read_ahead(path, lambda name: True)
    fileio._AHEAD[path.resolve()].done.wait()
    real = fileio._read_head

    def replaced(*args: Any, **kwargs: Any) -> Any:
        (tmp_path / "new.csv").write_bytes(other)
        os.replace(tmp_path / "new.csv", path)
        return real(*args, **kwargs)

    monkeypatch.setattr(fileio, "_read_head", replaced)
    frame, problems = read_table(path, "funnel.csv", arrow=True)
    monkeypatch.undo()
    assert problems == [] and frame is not None
    expected, _ = read_table(path, "funnel.csv", arrow=True)  # the new file, nothing read ahead
    assert frame.astype(object).equals(expected.astype(object)) and frame["owner"].iloc[1] == "Müller"


def test_a_quoted_line_break_read_ahead_reads_as_without(tmp_path: Path) -> None:
    """The line breaks and quotes counted ahead stand for the file's own: a cell holding a line break
    (quoted) is one cell, and the rows and their numbers are those of a reading without the read-ahead."""
    path = tmp_path / "funnel.csv"
    rows = "".join(f'L{i},2026-03-01,"Web\nform {i}"\n' if i % 3 == 0 else f"L{i},2026-03-01,Web\n" for i in range(60))
    path.write_text("lead_id,created_at,source\n" + rows + "\n" + "L99,2026-03-02,Fair\n", encoding="utf-8")
    now, now_problems = read_table(path, "funnel.csv", arrow=True)
    assert read_ahead(path, lambda name: True)
    fileio._AHEAD[path.resolve()].done.wait()
    found = fileio._AHEAD[path.resolve()].result[0]
    assert found is not None and (found.scan.quoted, found.scan.newlines) == (True, path.read_bytes().count(b"\n"))
    ahead, ahead_problems = read_table(path, "funnel.csv", arrow=True)
    assert now is not None and ahead is not None and ahead_problems == now_problems
    assert ahead["source"].tolist() == now["source"].tolist() and ahead["source"].tolist()[3] == "Web\nform 3"
    assert ahead.index.tolist() == now.index.tolist()
