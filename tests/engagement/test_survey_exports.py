"""Reading survey files: each tool's export layout, labels, and every mistake reported at once.

The export fixtures (tests/fixtures/survey/<tool>/) hold the same six people as survey/hand
(see tests/analysis/test_survey.py), so each must score exactly the same: overall 72.7, sales 85.5,
marketing 60.0, one respondent (the third) left out.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from helpers.analysis.survey import score
from helpers.content.instrument import INSTRUMENT_V1, load_instrument
from helpers.engagement.survey import detect, read_survey
from helpers.engagement.survey_labels import norm
from tests.analysis.test_survey import tripled
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def instrument():
    return load_instrument(INSTRUMENT_V1)  # expectations worked out on version 1, which stays readable


@pytest.fixture
def ids(instrument):
    return instrument.ids


@pytest.mark.parametrize("folder, fmt, excluded", [
    ("survey/hand", "canonical", "S3"),
    ("survey/latin1", "canonical", "S\u00f8ren Dahl"),
    ("survey/google_forms", "google_forms", "omar.haddad@example.com"),
    ("survey/microsoft_forms", "microsoft_forms", "3"),
    ("survey/surveymonkey", "surveymonkey", "11800000274"),
    ("survey/typeform", "typeform", "z3n7f5c8eq1j6ukb"),
])
def test_every_layout_scores_like_the_hand_computed_survey(instrument, folder, fmt, excluded):
    survey, problems = read_survey(FIXTURES / folder, instrument)
    assert [p for p in problems if p.is_error] == []
    assert survey.attrs["format"] == fmt
    assert list(survey.columns[:3]) == ["respondent", "team", "level"]
    # 2 sales and 3 marketing: below any minimum reporting group, so score every respondent three
    # times (same means) with min_group 3 to check the figures
    part, _ = score(tripled(survey), instrument, min_group=3)
    assert (part["index"], part["teams"]["sales"]["index"], part["teams"]["marketing"]["index"]) == (72.7, 85.5, 60.0)
    assert part["respondents"]["excluded"] == [f"{excluded}-{k}" for k in range(3)]
    # leaders vs staff within teams: sales 100 - 70.9, marketing 60 - 60 -> 14.5 (levels given in every layout)
    assert part["levels"]["gap"] == 14.5


def test_free_text_question_is_reported_not_dropped_silently(instrument):
    _, problems = read_survey(FIXTURES / "survey/google_forms", instrument)
    assert len(problems) == 1 and problems[0].severity == "warning"
    assert "Anything else you would like to tell us?" in str(problems[0])


def test_surveymonkey_rows_count_both_header_rows(instrument, tmp_path):
    text = (FIXTURES / "survey/surveymonkey" / "survey.csv").read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    lines[2] = lines[2].replace("Strongly agree", "Strongly agreed", 1)  # first respondent
    (tmp_path / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    survey, problems = read_survey(tmp_path, instrument)
    assert survey is None
    [p] = problems
    # header rows are 1 and 2; lines[2] is the first respondent: row 3
    assert p.row == 3 and "'Strongly agreed' is not a rating" in p.message
    assert p.field.endswith("/ Sales and marketing are working towards the same revenue target.")


def _write(tmp_path: Path, header: list[str], rows: list[list[str]], name: str = "survey.csv",
           encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    (tmp_path / name).write_bytes(buf.getvalue().encode(encoding))
    return tmp_path


def _row(resp: str, team: str, n: int, value: str = "3", level: str = "") -> list[str]:
    return [resp, team, level] + [value] * n


def test_all_mistakes_are_reported_at_once_with_rows_and_fields(tmp_path, instrument, ids):
    header = ["respondent", "team", "level", *ids]
    r2 = _row("A", "sales", len(ids))
    r2[3] = "7"                        # rating 7 on goals_1
    r3 = _row("B", "finance", len(ids))  # unknown team
    r3[4] = "lots"                     # text in a number, goals_2
    r4 = _row("A", "marketing", len(ids), level="intern")  # duplicate respondent + bad level
    r4[5] = "3.5"
    survey, problems = read_survey(_write(tmp_path, header, [r2, r3, r4]), instrument)
    assert survey is None
    got = {(p.row, p.field, p.message) for p in problems}
    assert (2, "goals_1", "rating 7 is outside 1-5") in got
    assert (3, "goals_2", "'lots' is not a rating") in got
    assert (3, "team", "team 'finance' is not sales or marketing") in got
    assert (4, "level", "level 'intern' is not leader or staff") in got
    assert (4, "goals_3", "rating 3.5 is not a whole number") in got
    assert (4, "respondent", "respondent 'A' appears more than once (first on row 2)") in got
    assert all(p.hint for p in problems)
    assert str(next(p for p in problems if p.field == "goals_1")).startswith(
        "survey.csv:2: goals_1: rating 7 is outside 1-5; use a whole number")


@pytest.mark.parametrize("wrong", ["gaols_1", "goals_one", "Goals-1x"])
def test_wrong_column_name_is_an_error_with_a_suggestion(tmp_path, instrument, ids, wrong):
    header = ["respondent", "team", "level", *ids]
    header[3] = wrong
    survey, problems = read_survey(_write(tmp_path, header, [_row("A", "sales", len(ids))]), instrument)
    assert survey is None
    err = next(p for p in problems if p.is_error)
    assert err.row == 1 and err.field == wrong
    assert "does not match any statement" in err.message and "did you mean goals_1?" in err.hint
    assert any(p.severity == "warning" and "goals_1" in p.message for p in problems)  # now missing


def test_unmatched_rating_column_in_an_export_is_an_error(tmp_path, instrument):
    texts = [s.text for s in instrument.statements]
    header = ["Timestamp", "Team", *texts, "Our brand is great"]
    rows = [["2026/09/14 9:00:00", "Sales", *["Agree"] * len(texts), "Agree"]]
    survey, problems = read_survey(_write(tmp_path, header, rows), instrument)
    assert survey is None
    [p] = problems
    assert p.field == "Our brand is great" and "does not match any statement" in p.message


def test_columns_match_by_text_ignoring_case_punctuation_and_spaces(tmp_path, instrument):
    texts = [s.text for s in instrument.statements]
    header = ["Timestamp", "Team", *[f"  {t.upper().rstrip('.')}!  " for t in texts]]
    rows = [["2026/09/14", "marketing", *["5 - Strongly agree"] * len(texts)],
            ["2026/09/15", "Sales", *["strongly AGREE"] * (len(texts) - 1), "N/A"]]
    survey, problems = read_survey(_write(tmp_path, header, rows), instrument)
    assert problems == []
    assert survey.attrs["format"] == "google_forms"
    assert survey.iloc[0, 3:].tolist() == [5.0] * len(texts)
    assert survey.iloc[1, -1] != survey.iloc[1, -1]  # N/A is no answer (NaN)
    assert survey["respondent"].tolist() == ["row 2", "row 3"]


def test_unknown_label_is_an_error(tmp_path, instrument, ids):
    rows = [_row("A", "sales", len(ids), value="Kind of")]
    survey, problems = read_survey(_write(tmp_path, ["respondent", "team", "level", *ids], rows), instrument)
    assert survey is None and len(problems) == len(ids)
    assert problems[0].message == "'Kind of' is not a rating"


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"respondent,team,level,goals_1\n", "has a header but no answers"),
])
def test_empty_files(tmp_path, instrument, content, message):
    (tmp_path / "survey.csv").write_bytes(content)
    survey, problems = read_survey(tmp_path, instrument)
    assert survey is None and message in problems[0].message


def test_no_survey_file_is_not_a_problem(tmp_path, instrument):
    assert read_survey(tmp_path, instrument) == (None, [])


def test_both_csv_and_xlsx_is_an_error(tmp_path, instrument):
    (tmp_path / "survey.csv").write_text("respondent,team\n")
    (tmp_path / "survey.xlsx").write_bytes(b"")
    survey, problems = read_survey(tmp_path, instrument)
    assert survey is None and "both survey.csv and survey.xlsx" in problems[0].message


def test_missing_team_column_is_an_error(tmp_path, instrument, ids):
    survey, problems = read_survey(_write(tmp_path, ["respondent", *ids], [["A", *["3"] * len(ids)]]),
                                   instrument)
    assert survey is None and any("no team column" in p.message for p in problems)


def test_bom_and_team_spellings(tmp_path, instrument, ids):
    rows = [_row("A", "Sales Team", len(ids), level="Manager"),
            _row("B", "MARKETING", len(ids), level="Individual contributor")]
    folder = _write(tmp_path, ["\ufeffrespondent", "team", "level", *ids], rows)
    survey, problems = read_survey(folder, instrument)
    assert problems == []
    assert survey["team"].tolist() == ["sales", "marketing"]
    assert survey["level"].tolist() == ["leader", "staff"]


def test_canonical_xlsx_with_numbers(tmp_path, instrument, ids):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["respondent", "team", "level", *ids])
    ws.append(["A", "sales", "staff", *[4] * len(ids)])
    ws.append(["B", "marketing", None, *[2.0] * len(ids)])
    wb.save(tmp_path / "survey.xlsx")
    survey, problems = read_survey(tmp_path, instrument)
    assert problems == []
    assert survey.attrs["format"] == "canonical"
    assert survey["goals_1"].tolist() == [4.0, 2.0]
    assert survey["level"].isna().tolist() == [False, True]


def test_detect_and_norm():
    assert detect(["Timestamp", "Q"], None) == "google_forms"
    assert detect(["ID", "Start time", "Completion time", "Email", "Name"], None) == "microsoft_forms"
    assert detect(["Respondent ID", "Collector ID"], ["", ""]) == "surveymonkey"
    assert detect(["#", "Q", "Submit Date (UTC)"], None) == "typeform"
    assert detect(["respondent", "team"], None) == "canonical"
    assert norm("  Don\u2019t   BLAME, each other! ") == "dont blame each other"


def test_surveymonkey_xlsx_export(tmp_path, instrument):
    text = (FIXTURES / "survey/surveymonkey" / "survey.csv").read_text(encoding="utf-8-sig")
    wb = openpyxl.Workbook()
    for row in csv.reader(io.StringIO(text)):
        wb.active.append([cell or None for cell in row])
    wb.save(tmp_path / "survey.xlsx")
    survey, problems = read_survey(tmp_path, instrument)
    assert [p for p in problems if p.is_error] == []
    assert survey.attrs["format"] == "surveymonkey" and len(survey) == 6
    assert score(tripled(survey), instrument, min_group=3)[0]["index"] == 72.7
