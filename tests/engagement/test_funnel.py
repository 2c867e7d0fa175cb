"""Reading funnel.csv: dates, column mappings, bad rows reported with their row, the file never modified."""

from __future__ import annotations

from pathlib import Path

from helpers.analysis.funnel import metrics
from helpers.engagement.funnel import read_funnel
from tests.conftest import FIXTURES

SMALL = FIXTURES / "funnel/small"


def test_no_funnel_file_is_not_a_problem(tmp_path):
    assert read_funnel(tmp_path, None, {}) == (None, [])


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "funnel.csv").write_text(text, encoding="utf-8")
    return folder


def test_unparsable_dates_and_missing_columns_are_errors(tmp_path):
    f = _write(tmp_path / "a", "lead_id,created_at,mql_at\nA,2026-01-02,2026-01-03\nB,yesterday,\nC,2026-01-05,31.02.2026\n")
    frame, problems = read_funnel(f, None, {})
    assert frame is None
    assert [(p.row, p.field, p.severity) for p in problems] == [(3, "created_at", "error"), (4, "mql_at", "error")]
    assert problems[0].message == "not a date I can read ('yesterday')" and "YYYY-MM-DD" in problems[0].hint
    f = _write(tmp_path / "b", "id,created\n1,2026-01-02\n")
    frame, problems = read_funnel(f, None, {})
    assert frame is None
    assert {p.field for p in problems} == {"lead_id", "created_at"}
    assert all("missing" in p.message and "columns:" in p.hint for p in problems)


def test_own_column_mapping_and_unknown_targets(tmp_path):
    f = _write(tmp_path / "c", "Id,Created,Channel\n1,2026-01-02,web\n2,2026-01-03,\n")
    frame, problems = read_funnel(f, None, {"Id": "lead_id", "Created": "created_at", "Channel": "source"})
    assert problems == [] and list(frame["source"]) == ["web", "unknown"]
    frame, problems = read_funnel(f, None, {"Id": "lead_id", "Created": "created_at", "Nope": "source",
                                            "Channel": "channel"})
    assert frame is None
    messages = " | ".join(p.message for p in problems)
    assert "'Nope' is not a column of funnel.csv" in messages and "unknown column 'channel'" in messages


def test_unknown_crm_is_a_problem(tmp_path):
    f = _write(tmp_path / "d", "lead_id,created_at\n1,2026-01-02\n")
    frame, problems = read_funnel(f, "copper", {})  # no bundled mapping (pipedrive now has one)
    assert frame is None and problems[0].field == "crm" and "hubspot" in problems[0].hint


def test_many_bad_rows_are_summarised(tmp_path):
    rows = "\n".join(f"{i},not a date" for i in range(30))
    frame, problems = read_funnel(_write(tmp_path / "e", "lead_id,created_at\n" + rows + "\n"), None, {})
    assert frame is None and len(problems) == 11 and "20 more rows" in problems[-1].message


def test_duplicates_and_blank_creation_are_left_out(tmp_path):
    f = _write(tmp_path / "f", "lead_id,created_at\n1,2026-01-02\n1,2026-01-02\n2,\n3,2026-01-04\n")
    frame, problems = read_funnel(f, None, {})
    assert list(frame["lead_id"]) == ["1", "3"] and frame.attrs["excluded_rows"] == 2
    assert sorted((p.row, p.field) for p in problems) == [(3, "lead_id"), (4, "created_at")]
    m = metrics(frame, {})
    assert m["stages"] == [{"id": "created", "label": "Inquiry", "count": 2}]
    assert m["response"] is None and m["handoff"] is None and m["biggest_leak"] is None


def test_input_file_is_not_modified(tmp_path):
    before = (SMALL / "funnel.csv").read_bytes()
    read_funnel(SMALL, None, {})
    assert (SMALL / "funnel.csv").read_bytes() == before


def test_repeated_values_are_read_alike_however_often_they_repeat(tmp_path):
    """Stages, statuses and activity counts are converted once per distinct value: every cell still reads as itself."""
    rows = ["Record ID,Create Date,Deal Stage,Close Date,Number of Sales Activities,Amount"]
    stages = ["Closed won", "Closed won ", "closedwon", "Closed lost", "Appointment scheduled"]
    counts = ["3", "3", " 3", "three", ""]
    for i in range(60):  # enough repeats that each column is converted by distinct value
        rows.append(f"{i},2026-01-02 09:00,{stages[i % 5]},2026-02-0{1 + i % 5} 10:00,{counts[i % 5]},"
                    + ('"$12,500.00"' if i % 3 == 0 else "12500" if i % 3 == 1 else ""))
    frame, problems = read_funnel(_write(tmp_path / "r", "\n".join(rows) + "\n"), "hubspot", {})
    assert frame is not None
    assert frame.attrs["outcomes"] == {"won": {"Closed won": 24, "closedwon": 12}, "lost": {"Closed lost": 12}}
    assert int(frame["won_at"].notna().sum()) == 36 and int(frame["lost_at"].notna().sum()) == 12
    assert frame["attempts"].iloc[:3].tolist() == [3.0, 3.0, 3.0] and frame["attempts"].iloc[3:5].isna().all()
    assert set(frame["amount"].dropna()) == {12500.0} and int(frame["amount"].isna().sum()) == 20
    assert [(p.field, p.message) for p in problems if p.field == "attempts"][0] == (
        "attempts", "not a number; left blank ('three')")
