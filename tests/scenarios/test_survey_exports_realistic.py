"""Realistic survey-tool exports, written independently of the other fixtures, scored by hand.

The fixtures tests/fixtures/survey/realistic_<tool>/ hold the same seven people, each exported the
way the tool really does it: Google Forms (Timestamp, Email Address, a grid question
"Title [row]" with labels in mixed case, a free-text question), Microsoft Forms (XLSX: ID, Start
time, Completion time, Email, Name, Last modified time), SurveyMonkey (CSV, two header rows:
Respondent ID ... Custom Data 1, then "Response" / matrix rows) and Typeform (#, questions,
Start Date (UTC), Submit Date (UTC), Network ID, Tags). Statement headers were retyped with other
case, missing full stops, extra spaces or a "?". The team question is "Which team are you part
of?" (Sales / Marketing) and the level question "What best describes your role?" ("Manager /
team lead" / "Individual contributor"). survey/realistic_hand is the same data in canonical form.

Hand arithmetic (24 statements; reverse-keyed: goals_3, handoff_3, communication_3, planning_3,
enablement_3, each scoring 6 - r):

* S1 sales leader, all 4: 19 x 4 + 5 x 2 = 86; 86 / 24 = 3.58333; index 71.6667
* S2 sales staff, 5 (reverse 1): all score 5; index 100
* S3 sales staff, answered 12 of 24 (goals..customer), all 3: index 60 (exactly half: kept)
* S4 sales staff, answered 11 of 24: left out
* M1 marketing leader, 2 (reverse 4): all score 2; index 40
* M2 marketing staff, goals_1 5, goals_2 4, goals_3 2 (-> 4), the rest 3: 76 / 24; index 63.3333
* M3 marketing staff, 4 everywhere, culture blank, handoff_3 5 (-> 1):
  16 x 4 + (2 + 1 + 2 + 2 + 2) = 73 over 21; index 69.5238
* sales (71.6667 + 100 + 60) / 3 = 77.2222 -> 77.2; marketing (40 + 63.3333 + 69.5238) / 3
  = 57.6190 -> 57.6; overall (77.2222 + 57.6190) / 2 = 67.4206 -> 67.4, Aligned; gap 19.6
* leaders (71.6667 + 40) / 2 = 55.8; staff (100 + 60 + 63.3333 + 69.5238) / 4 = 73.2; gap -17.4
* sales dimensions: goals/handoff/communication (3.3333 + 5 + 3) / 3 x 20 = 75.6; customer
  (4 + 5 + 3) / 3 x 20 = 80.0; planning/enablement (3.3333 + 5) / 2 x 20 = 83.3;
  technology/culture (4 + 5) / 2 x 20 = 90.0
* marketing dimensions: goals (2 + 4.3333 + 3.3333) / 3 x 20 = 64.4; handoff (2 + 3 + 3) / 3 x 20
  = 53.3; communication/planning/enablement (2 + 3 + 3.3333) / 3 x 20 = 55.6; customer/technology
  (2 + 3 + 4) / 3 x 20 = 60.0; culture (2 + 3) / 2 x 20 = 50.0
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from helpers.analysis.survey import score
from helpers.content.instrument import INSTRUMENT_V1, load_instrument
from helpers.engagement.load import load
from helpers.engagement.survey import read_survey
from helpers.report.scorecard import scorecard
from helpers.results import compute
from tests.analysis.test_survey import tripled
from tests.conftest import FIXTURES

TOOLS = {"survey/realistic_hand": ("canonical", "S4"),
         "survey/realistic_gforms": ("google_forms", "omar.haddad@kessler.example"),
         "survey/realistic_msforms": ("microsoft_forms", "4"),
         "survey/realistic_smonkey": ("surveymonkey", "11482930131"),
         "survey/realistic_typeform": ("typeform", "q8w3e7r6t5y4u3i2o1p0as")}
SALES_DIMS = {"goals": 75.6, "handoff": 75.6, "communication": 75.6, "customer": 80.0,
              "planning": 83.3, "enablement": 83.3, "technology": 90.0, "culture": 90.0}
MKT_DIMS = {"goals": 64.4, "handoff": 53.3, "communication": 55.6, "customer": 60.0,
            "planning": 55.6, "enablement": 55.6, "technology": 60.0, "culture": 50.0}


@pytest.fixture(scope="module")
def instrument():
    return load_instrument(INSTRUMENT_V1)  # expectations worked out on version 1, which stays readable


def _rows(folder: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO((FIXTURES / folder / "survey.csv").read_text(encoding="utf-8"))))


def _engagement(tmp_path: Path, grid: list[list[str]], src: str = "survey/realistic_hand",
                sep: str = ",") -> Path:
    folder = tmp_path / "eng"
    folder.mkdir()
    shutil.copy(FIXTURES / src / "engagement.yaml", folder / "engagement.yaml")
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(grid)
    (folder / "survey.csv").write_text(buf.getvalue(), encoding="utf-8")
    return folder


@pytest.mark.parametrize("folder", list(TOOLS))
def test_each_realistic_export_scores_the_hand_computed_numbers(folder, instrument):
    fmt, excluded = TOOLS[folder]
    frame, problems = read_survey(FIXTURES / folder, instrument)
    assert frame is not None, [str(p) for p in problems]
    assert frame.attrs["format"] == fmt
    assert all(p.severity == "warning" for p in problems)
    r, _ = score(tripled(frame), instrument, min_group=3)
    assert (r["index"], r["stage"], r["gap"]) == (67.4, "Aligned", 19.6)
    # scored three times over (same means; 2-4 per team is below any minimum reporting group)
    assert r["respondents"] == {"total": 21, "used": 18, "excluded": [f"{excluded}-{k}" for k in range(3)]}
    assert (r["teams"]["sales"]["index"], r["teams"]["marketing"]["index"]) == (77.2, 57.6)
    assert r["teams"]["sales"]["dimensions"] == SALES_DIMS
    assert r["teams"]["marketing"]["dimensions"] == MKT_DIMS
    assert r["dimensions"]["handoff"]["index"] == 64.4 and r["dimensions"]["handoff"]["gap"] == 22.2
    assert r["dimensions"]["culture"]["index"] == 70.0 and r["dimensions"]["culture"]["gap"] == 40.0
    assert r["levels"]["leader"] == {"index": 55.8, "n": 6, "suppressed": False}
    # within teams: sales 71.7 - 80.0, marketing 40.0 - 66.4 -> mean -17.4
    assert r["levels"]["staff"] == {"index": 73.2, "n": 12, "suppressed": False} and r["levels"]["gap"] == -17.4
    goals_1 = next(s for s in r["statements"] if s["id"] == "goals_1")
    assert (goals_1["n"], goals_1["mean"], goals_1["sales"], goals_1["marketing"]) == (18, 3.83, 4.0, 3.67)
    assert goals_1["counts"] == {"1": 0, "2": 3, "3": 3, "4": 6, "5": 6}


@pytest.mark.parametrize("folder", ["survey/realistic_gforms", "survey/realistic_smonkey"])
def test_handout_shows_the_hand_computed_numbers(folder):
    eng, problems = load(FIXTURES / folder)
    assert eng is not None, [str(p) for p in problems]
    results = compute(eng)
    html = scorecard(results).html()
    # 3 and 3 respondents: below the minimum reporting group of 5, so no score reaches the handout
    assert "No team reached 5 answers, so no score is shown." in html
    assert "67.4" not in html and "77.2" not in html and "57.6" not in html and "55.8" not in html
    assert "Sales: fewer than 5 answers: not shown, to protect anonymity." in html
    assert "kessler.example" not in html  # respondents are never named in the handout
    assert "40 to under 60 Defined" in html


def test_one_team_only_says_comparison_impossible(tmp_path, instrument):
    grid = _rows("survey/realistic_hand")
    folder = _engagement(tmp_path, [grid[0]] + [r for r in grid[1:] if r[1] == "sales"])
    frame, _ = read_survey(folder, instrument)
    r, problems = score(tripled(frame), instrument, min_group=3)
    assert r["index"] == 77.2 and r["comparison_possible"] is False and r["gap"] is None
    assert any("no marketing respondent" in str(p) for p in problems)
    html = scorecard(r).html()
    assert "comparison between sales and marketing is" in html and "the sales team's view" in html


def test_indexes_round_half_up_after_all_arithmetic(instrument):
    # S1 answers 20 statements, scored 5 x 4 + 15 x 3 = 65 -> 65.0; M1 all 3 -> 60.0;
    # M2 answers 20, scored 2 + 19 x 3 = 59 -> 59.0; marketing 59.5; overall 62.25 -> 62.3
    ids = list(instrument.ids)
    rev = {s.id for s in instrument.statements if s.reverse}

    def rated(scored: dict[str, float]) -> list[float]:
        return [(6 - scored[i] if i in rev else scored[i]) if i in scored else np.nan for i in ids]
    s1 = {i: 4.0 if k < 5 else 3.0 for k, i in enumerate(ids[:20])}
    m1 = dict.fromkeys(ids, 3.0)
    m2 = {i: 2.0 if k == 0 else 3.0 for k, i in enumerate(ids[:20])}
    frame = pd.DataFrame([rated(s1), rated(m1), rated(m2)], columns=ids)
    frame.insert(0, "level", pd.Series([np.nan] * 3, dtype="str"))
    frame.insert(0, "team", ["sales", "marketing", "marketing"])
    frame.insert(0, "respondent", ["S1", "M1", "M2"])
    frame.attrs["asked"] = ids
    r, _ = score(tripled(frame), instrument, min_group=3)
    assert (r["teams"]["sales"]["index"], r["teams"]["marketing"]["index"]) == (65.0, 59.5)
    assert r["index"] == 62.3 and r["gap"] == 5.5


def test_level_and_team_spellings_people_really_choose(tmp_path, instrument):
    grid = _rows("survey/realistic_gforms")
    grid[1][2], grid[5][2] = "Sales Dept", "MARKETING TEAM"
    grid[2][3], grid[3][3], grid[6][3] = "Account Executive", "Non-manager", "Team Lead"
    frame, problems = read_survey(_engagement(tmp_path, grid, "survey/realistic_gforms"), instrument)
    assert frame is not None, [str(p) for p in problems]
    assert frame["team"].tolist() == ["sales"] * 4 + ["marketing"] * 3
    assert frame["level"].tolist() == ["leader", "staff", "staff", "staff", "leader", "leader", "staff"]


def test_label_case_and_spaces_are_accepted(tmp_path, instrument):
    grid = _rows("survey/realistic_gforms")
    grid[1][4], grid[2][5], grid[3][6] = "Agree ", " strongly AGREE", "neither AGREE nor disagree"
    frame, problems = read_survey(_engagement(tmp_path, grid, "survey/realistic_gforms"), instrument)
    assert frame is not None, [str(p) for p in problems]
    assert (frame.loc[0, "goals_1"], frame.loc[1, "goals_2"], frame.loc[2, "goals_3"]) == (4.0, 5.0, 3.0)


def test_seven_point_labels_are_an_error_naming_row_and_column(tmp_path, instrument):
    grid = _rows("survey/realistic_gforms")
    grid[2][5] = "Somewhat agree"  # the file also holds plain "Agree"
    frame, problems = read_survey(_engagement(tmp_path, grid, "survey/realistic_gforms"), instrument)
    assert frame is None
    err = [p for p in problems if p.severity == "error"]
    assert len(err) == 1 and err[0].row == 3 and "[When results disappoint" in err[0].field
    assert "7-point scale" in err[0].message and "'Somewhat agree'" in err[0].message
    assert "5-point scale" in err[0].hint


def test_somewhat_labels_alone_are_a_five_point_scale(tmp_path, instrument):
    grid = _rows("survey/realistic_hand")
    labels = {"1": "Strongly disagree", "2": "Somewhat disagree", "3": "Neutral",
              "4": "Somewhat agree", "5": "Strongly agree"}
    grid = [grid[0]] + [r[:3] + [labels.get(c, c) for c in r[3:]] for r in grid[1:]]
    frame, problems = read_survey(_engagement(tmp_path, grid), instrument)
    assert frame is not None, [str(p) for p in problems]
    assert score(tripled(frame), instrument, min_group=3)[0]["index"] == 67.4


def test_free_text_column_in_canonical_file_is_a_warning(tmp_path, instrument):
    grid = _rows("survey/realistic_hand")
    grid = [r + ["comment" if i == 0 else ("great survey" if i == 2 else "")] for i, r in enumerate(grid)]
    frame, problems = read_survey(_engagement(tmp_path, grid), instrument)
    assert frame is not None
    assert [(p.severity, p.field, p.row) for p in problems] == [("warning", "comment", 1)]
    assert "ignored" in str(problems[0])


def test_reworded_statement_suggests_the_statement(tmp_path, instrument):
    grid = _rows("survey/realistic_gforms")
    grid[0][5] = grid[0][5].replace("together rather than", "together instead of")
    frame, problems = read_survey(_engagement(tmp_path, grid, "survey/realistic_gforms"), instrument)
    assert frame is None
    err = next(p for p in problems if p.severity == "error")
    assert err.row == 1 and "instead of blaming" in err.field
    assert "did you mean goals_2 ('When results disappoint" in err.hint


def test_xlsx_with_a_title_row_reports_spreadsheet_rows(tmp_path, instrument):
    src = FIXTURES / "survey/realistic_msforms"
    wb = openpyxl.load_workbook(src / "survey.xlsx")
    ws = wb.active
    ws.insert_rows(1)
    ws["A1"] = "Alignment survey - responses"
    ws.cell(row=4, column=9).value = 7  # second respondent, first statement
    folder = tmp_path / "eng"
    folder.mkdir()
    shutil.copy(src / "engagement.yaml", folder / "engagement.yaml")
    wb.save(folder / "survey.xlsx")
    frame, problems = read_survey(folder, instrument)
    assert frame is None
    err = [p for p in problems if p.severity == "error"]
    assert [(p.row, p.message) for p in err] == [(4, "rating 7 is outside 1-5")]
    assert [p.row for p in problems if p.severity == "warning"] == [2]  # "Any other comments?"


def test_answers_on_a_later_sheet_are_found(tmp_path, instrument):
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["Exported for the Kessler engagement"])
    ws = wb.create_sheet("Responses")
    for r in _rows("survey/realistic_hand"):
        ws.append([float(c) if c.isdigit() else (c or None) for c in r])
    folder = tmp_path / "eng"
    folder.mkdir()
    shutil.copy(FIXTURES / "survey/realistic_hand" / "engagement.yaml", folder / "engagement.yaml")
    wb.save(folder / "survey.xlsx")
    frame, problems = read_survey(folder, instrument)
    assert frame is not None, [str(p) for p in problems]
    assert score(tripled(frame), instrument, min_group=3)[0]["index"] == 67.4


@pytest.mark.parametrize("sep, tail", [(";", []), (",", [[""] * 27, [""] * 27])])
def test_template_saved_by_excel_still_means_no_survey_yet(tmp_path, instrument, sep, tail):
    header = ["respondent", "team", "level", *instrument.ids]
    frame, problems = read_survey(_engagement(tmp_path, [header, *tail], sep=sep), instrument)
    assert frame is None and problems == []


def test_broken_cells_name_file_row_column_and_fix(tmp_path, instrument):
    grid = _rows("survey/realistic_hand")
    grid[2][5] = "7"
    grid[3][10] = "4.5"
    grid.append(grid[1][:])  # S1 again
    grid.append([""] * len(grid[0]))  # empty row at the end: ignored
    frame, problems = read_survey(_engagement(tmp_path, grid), instrument)
    assert frame is None
    shown = [str(p) for p in problems]
    assert shown[0].startswith("survey.csv:3: goals_3: rating 7 is outside 1-5; use a whole number")
    assert shown[1].startswith("survey.csv:4: communication_2: rating 4.5 is not a whole number")
    assert shown[2].startswith("survey.csv:9: respondent: respondent 'S1' appears more than once "
                               "(first on row 2)")
    assert len(shown) == 3


def test_csv_with_a_title_line_above_the_header(tmp_path, instrument):
    grid = _rows("survey/realistic_hand")
    grid[2][3] = "9"  # S2, goals_1
    folder = _engagement(tmp_path, [["Kessler alignment survey results"], [], *grid])
    frame, problems = read_survey(folder, instrument)
    assert frame is None
    assert [str(p) for p in problems][0].startswith("survey.csv:5: goals_1: rating 9 is outside 1-5")
    grid[2][3] = "5"
    shutil.rmtree(folder)
    frame, problems = read_survey(_engagement(tmp_path, [["Kessler results"], *grid]), instrument)
    assert frame is not None and score(tripled(frame), instrument, min_group=3)[0]["index"] == 67.4


def test_homemade_label_spellings(tmp_path, instrument):
    grid = _rows("survey/realistic_hand")
    labels = {"1": "Disagree strongly", "3": "Neither agree or disagree", "5": "Agree strongly"}
    grid = [grid[0]] + [r[:3] + [labels.get(c, c) for c in r[3:]] for r in grid[1:]]
    frame, problems = read_survey(_engagement(tmp_path, grid), instrument)
    assert frame is not None, [str(p) for p in problems]
    assert score(tripled(frame), instrument, min_group=3)[0]["index"] == 67.4


def test_job_title_question_is_not_taken_for_the_level(tmp_path, instrument):
    grid = _rows("survey/realistic_gforms")
    titles = ["Job title", "Account Executive", "Sales Manager", "SDR", "Key Account Manager",
              "Head of Marketing", "Content Marketer", "Marketing Manager"]
    grid = [r[:3] + [t] + r[4:] for r, t in zip(grid, titles)]  # replaces the level question
    frame, problems = read_survey(_engagement(tmp_path, grid, "survey/realistic_gforms"), instrument)
    assert frame is not None, [str(p) for p in problems]
    assert frame["level"].isna().all()
    assert any(p.field == "Job title" and p.severity == "warning" for p in problems)
