"""Survey exports of Qualtrics, LimeSurvey, Jotform and German Google Forms, read without settings.

Every fixture under tests/fixtures/exports/<tool>/ holds the six people of survey/hand in the
tool's own layout (header rows, metadata columns, answer labels), so each must read into exactly
the hand-written canonical frame of survey/hand: the same rating in every cell (S1 5,5,1,...;
S2 blank,4,4,...; S3 ten 1s; M1 all 3; M2 2,2,5,...; M3 4,4,1,...), the same teams (3 sales,
3 marketing) and levels (S1 and M1 leaders, the rest staff). Sum of all ratings by hand:
S1 19x5 + 5x1 = 100, S2 22x4 = 88, S3 10x1 = 10, M1 24x3 = 72, M2 5x5 + 19x2 = 63,
M3 19x4 + 5x1 = 81; total 414. The check is on the frame, not on
the scores, so it does not depend on the scoring rules (minimum group size, exclusions). A
Qualtrics survey preview with every answer at 1 sits in the Qualtrics files: were it counted,
there would be 7 rows. S2 answered "don't know" twice in the Qualtrics and German files.
"""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from helpers.content.instrument import INSTRUMENT_V1, load_instrument
from helpers.engagement.survey import read_survey
from tests.conftest import FIXTURES

EXPORTS = FIXTURES / "exports"


@pytest.fixture(scope="module")
def instrument():
    return load_instrument(INSTRUMENT_V1)  # expectations worked out on version 1, which stays readable


def _errors(problems):
    return [p for p in problems if p.is_error]


@pytest.mark.parametrize("folder, fmt, excluded, team_header, level_header", [
    ("qualtrics/choice_text_csv", "qualtrics", "R_2a2Xk9pLmQ7vW3e2", "Which team are you in?", "Do you manage people?"),
    ("qualtrics/choice_text_xlsx", "qualtrics", "R_2a2Xk9pLmQ7vW3e2", "Which team are you in?", "Do you manage people?"),
    ("qualtrics/numeric_xlsx", "qualtrics", "R_2a2Xk9pLmQ7vW3e2", "Department", "Seniority"),
    ("qualtrics/legacy_csv", "qualtrics_legacy", "R_1Lm2Qx8Zk2Tq4Np2", "Which team are you in?", "What is your level?"),
    ("limesurvey/full_headings", "limesurvey", "3", "Which team do you work in?", "Do you manage people?"),
    ("limesurvey/code_headings", "limesurvey", "3", "team", "G01Q02"),
    ("jotform/submissions_csv", "jotform", "5902183746100002", "Which team are you in?", "Do you manage people?"),
    ("google_forms/german", "google_forms", "row 4", "In welchem Team arbeiten Sie?", "Führungskraft?"),
])
def test_tool_exports_read_like_the_hand_count(instrument, folder, fmt, excluded, team_header, level_header):
    survey, problems = read_survey(EXPORTS / folder, instrument)
    hand, _ = read_survey(FIXTURES / "survey/hand", instrument)
    assert _errors(problems) == []
    assert survey.attrs["format"] == fmt
    assert len(survey) == 6  # the Qualtrics preview is not a respondent
    ids = instrument.ids
    assert survey[ids].equals(hand[ids])  # every rating, blanks in the same cells
    assert survey["team"].tolist() == ["sales"] * 3 + ["marketing"] * 3
    assert survey["level"].tolist() == ["leader", "staff", "staff"] * 2
    assert survey["respondent"][2] == excluded  # the third person: ten answers, all 1
    assert int(survey[ids].notna().sum(axis=1)[2]) == 10 and float(survey[ids].sum().sum()) == 414.0
    assert survey.attrs["columns"]["team"][0] == team_header
    assert survey.attrs["columns"]["level"][0] == level_header


def test_qualtrics_metadata_columns_are_not_answers(instrument):
    survey, problems = read_survey(EXPORTS / "qualtrics/choice_text_csv", instrument)
    messages = " ".join(str(p) for p in problems)
    for meta in ("Finished", "Progress", "Duration", "Response Type", "Recorded Date", "Location Latitude",
                 "Distribution Channel", "User Language", "External Data Reference"):
        assert meta not in messages
    # the only notes: the preview left out, the free-text question ignored
    assert len(problems) == 2
    assert "1 Qualtrics preview" in problems[0].message and "Survey Preview" in problems[0].message
    assert "Anything else" in str(problems[1]) and problems[1].severity == "warning"


def test_dont_know_is_missing_and_counted_per_respondent(instrument):
    for folder in ("qualtrics/choice_text_csv", "google_forms/german"):
        survey, _ = read_survey(EXPORTS / folder, instrument)
        assert survey.attrs["dont_know"] == [0, 2, 0, 0, 0, 0]  # S2: goals_1 and handoff_1
        assert survey.loc[1, ["goals_1", "handoff_1"]].isna().all()


def test_qualtrics_numeric_export_is_mapped_with_a_note(instrument):
    survey, problems = read_survey(EXPORTS / "qualtrics/numeric_xlsx", instrument)
    note = [p for p in problems if "numeric values" in p.message]
    assert len(note) == 1 and note[0].severity == "warning"
    assert "code 1 is read as strongly disagree" in note[0].message and "Use choice text" in note[0].hint


def test_qualtrics_numeric_codes_of_another_scale_are_one_clear_error(instrument):
    survey, problems = read_survey(EXPORTS / "qualtrics/numeric_seven_point", instrument)
    errors = _errors(problems)
    assert survey is None and len(errors) == 1
    assert "Qualtrics numeric values (1, 3, 4, 5, 7)" in errors[0].message
    assert "cannot be told" in errors[0].message and "'Use choice text'" in errors[0].hint


def test_qualtrics_numeric_team_codes_name_the_tool_and_the_fix(instrument):
    survey, problems = read_survey(EXPORTS / "qualtrics/numeric_team_codes", instrument)
    errors = _errors(problems)
    assert survey is None
    assert [e.field for e in errors] == ["Which team are you in?", "Do you manage people?"]
    assert all("numeric codes (1, 2)" in e.message and "Qualtrics with 'Use choice text'" in e.hint for e in errors)


def test_qualtrics_with_its_text_row_deleted_names_the_fix(tmp_path, instrument):
    lines = (EXPORTS / "qualtrics/choice_text_csv/survey.csv").read_text(encoding="utf-8-sig").splitlines()
    (tmp_path / "survey.csv").write_text("\n".join([lines[0], *lines[2:]]) + "\n")  # row 2 deleted by hand
    survey, problems = read_survey(tmp_path, instrument)
    errors = _errors(problems)
    assert survey is None
    assert any("looks like a Qualtrics export" in e.message and "keep all its header rows" in e.hint for e in errors)
    assert not any("rename it to a statement id" in e.hint for e in errors)  # not one line per Q3_x column


def test_limesurvey_question_codes_are_one_clear_error(instrument):
    survey, problems = read_survey(EXPORTS / "limesurvey/sq_codes_headings", instrument)
    assert survey is None and len(_errors(problems)) == 1
    assert "LimeSurvey export" in problems[0].message and "'Full question text'" in problems[0].hint


def test_limesurvey_metadata_lastpage_is_ignored(instrument):
    _, problems = read_survey(EXPORTS / "limesurvey/code_headings", instrument)
    assert problems == []  # id, submitdate, lastpage (2), startlanguage, seed, startdate, datestamp


def test_level_found_by_its_answers_whatever_the_header(tmp_path, instrument):
    ids = instrument.ids
    rows = [["respondent", "team", "Are you...?", *ids],
            ["a", "sales", "Manager", *["4"] * len(ids)],
            ["b", "sales", "Individual contributor", *["2"] * len(ids)],
            ["c", "marketing", "Individual contributor", *["3"] * len(ids)]]
    (tmp_path / "survey.csv").write_text("\n".join(",".join(r) for r in rows) + "\n")
    survey, problems = read_survey(tmp_path, instrument)
    assert problems == []
    assert survey["level"].tolist() == ["leader", "staff", "staff"]
    assert survey.attrs["columns"]["level"] == ("Are you...?", "100% of its answers are leader or staff words")


@pytest.mark.parametrize("header, yes, no", [
    ("Do you manage people?", "Yes", "No"), ("Führungskraft?", "Ja", "Nein"),
    ("Avez-vous une équipe à gérer ?", "Oui", "Non"), ("¿Tiene personas a cargo?", "Sí", "No"),
    ("Geeft u leiding aan een team?", "Ja", "Nee"),
])
def test_yes_no_to_a_manages_people_question_is_the_level(tmp_path, instrument, header, yes, no):
    ids = instrument.ids
    rows = [["respondent", "team", header, *ids], ["a", "sales", yes, *["4"] * len(ids)],
            ["b", "marketing", no, *["2"] * len(ids)]]
    (tmp_path / "survey.csv").write_text("\n".join(",".join(f'"{c}"' for c in r) for r in rows) + "\n")
    survey, problems = read_survey(tmp_path, instrument)
    assert _errors(problems) == []
    assert survey["level"].tolist() == ["leader", "staff"]


@pytest.mark.parametrize("labels", [
    ["Stimme überhaupt nicht zu", "Stimme nicht zu", "Weder noch", "Stimme zu", "Stimme voll und ganz zu"],
    ["Pas du tout d'accord", "Pas d'accord", "Ni d'accord ni pas d'accord", "D'accord", "Tout à fait d'accord"],
    ["Totalmente en desacuerdo", "En desacuerdo", "Ni de acuerdo ni en desacuerdo", "De acuerdo", "Totalmente de acuerdo"],
    ["Helemaal oneens", "Oneens", "Neutraal", "Eens", "Helemaal eens"],
])
def test_agreement_labels_in_four_more_languages(tmp_path, instrument, labels):
    ids = instrument.ids
    rows = [["respondent", "team", *ids]] + [[f"r{k}", "sales", *[lab] * len(ids)] for k, lab in enumerate(labels)]
    (tmp_path / "survey.csv").write_text("\n".join(",".join(f'"{c}"' for c in r) for r in rows) + "\n")
    survey, problems = read_survey(tmp_path, instrument)
    assert problems == []
    assert survey["goals_1"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]


@pytest.mark.parametrize("team, expected", [("Vertrieb", "sales"), ("Ventes", "sales"), ("Ventas", "sales"),
                                            ("Verkoop", "sales"), ("Marketingabteilung", "marketing")])
def test_team_words_in_other_languages(tmp_path, instrument, team, expected):
    ids = instrument.ids
    (tmp_path / "survey.csv").write_text(f"respondent,team,{','.join(ids)}\na,{team},{','.join(['3'] * len(ids))}\n")
    survey, problems = read_survey(tmp_path, instrument)
    assert problems == [] and survey["team"].tolist() == [expected]


def test_unknown_label_set_gives_one_line_per_column(tmp_path, instrument):
    ids = instrument.ids
    italian = ["Completamente in disaccordo", "In disaccordo", "Né d'accordo né in disaccordo", "D'accordo"]
    rows = [["respondent", "team", *ids]] + [[f"r{k}", "sales", *[italian[k % 4]] * len(ids)] for k in range(16)]
    (tmp_path / "survey.csv").write_text("\n".join(",".join(f'"{c}"' for c in r) for r in rows) + "\n")
    survey, problems = read_survey(tmp_path, instrument)
    assert survey is None
    assert len(problems) == len(ids)  # one per column, not 16 x 24 cells
    first = problems[0]
    assert first.field == "goals_1" and first.row is None
    assert first.message == ("column goals_1: 16 answers in a language or scale not recognised: "
                             "'Completamente in disaccordo', 'In disaccordo', 'Né d'accordo né in disaccordo', ...")
    assert "English, German, French, Spanish or Dutch" in first.hint


def test_a_typo_is_still_reported_on_its_row(tmp_path, instrument):
    ids = instrument.ids
    rows = [["respondent", "team", *ids], ["a", "sales", "Agre", *["4"] * (len(ids) - 1)]]
    (tmp_path / "survey.csv").write_text("\n".join(",".join(r) for r in rows) + "\n")
    _, problems = read_survey(tmp_path, instrument)
    assert [(p.row, p.message) for p in problems] == [(2, "'Agre' is not a rating")]


def test_empty_template_next_to_an_xlsx_is_ignored_with_a_note(instrument):
    survey, problems = read_survey(EXPORTS / "microsoft_forms/next_to_template", instrument)
    assert survey is not None and survey.attrs["source"] == "survey.xlsx" and len(survey) == 6
    assert len(problems) == 1 and problems[0].severity == "warning"
    assert problems[0].file == "survey.csv" and "only the empty template" in problems[0].message


def test_template_as_workbook_new_writes_it_next_to_an_xlsx(tmp_path, instrument):
    from helpers.engagement.scaffold import write_collection_kit

    write_collection_kit(tmp_path, instrument)  # survey.csv with the template header
    shutil.copy(EXPORTS / "qualtrics/choice_text_xlsx/survey.xlsx", tmp_path / "survey.xlsx")
    survey, problems = read_survey(tmp_path, instrument)
    assert survey is not None and survey.attrs["format"] == "qualtrics"
    assert not _errors(problems)


def test_a_filled_csv_next_to_an_xlsx_is_still_an_error(tmp_path, instrument):
    ids = instrument.ids
    (tmp_path / "survey.csv").write_text(f"respondent,team,level,{','.join(ids)}\na,sales,,{','.join(['3'] * len(ids))}\n")
    wb = openpyxl.Workbook()
    wb.save(tmp_path / "survey.xlsx")
    survey, problems = read_survey(tmp_path, instrument)
    assert survey is None and "both survey.csv and survey.xlsx" in problems[0].message


def test_team_answers_in_an_unknown_language_are_one_line(tmp_path, instrument):
    ids = instrument.ids
    teams = ["Vendite", "Vendite estero", "Vendite Italia", "Ufficio vendite", "Reparto vendite"]
    rows = [["respondent", "team", *ids]] + [[f"r{k}", t, *["3"] * len(ids)] for k, t in enumerate(teams)]
    (tmp_path / "survey.csv").write_text("\n".join(",".join(r) for r in rows) + "\n")
    survey, problems = read_survey(tmp_path, instrument)
    assert survey is None and len(problems) == 1
    assert problems[0].message == ("column team: 5 answers not recognised as sales or marketing: "
                                   "'Vendite', 'Vendite estero', 'Vendite Italia', 'Ufficio vendite', ...")


def test_check_says_which_layout_and_which_team_and_level_columns(capsys):
    from helpers.cli import main

    main(["check", str(EXPORTS / "qualtrics/choice_text_csv")])
    out = capsys.readouterr().out
    assert ("survey: read survey.csv as Qualtrics; team from column 'Which team are you in?' (its header names "
            "the team); level from column 'Do you manage people?' (its question asks whether the respondent "
            "manages people: yes = leader, no = staff); 2 \"don't know\" answers kept as missing") in out
