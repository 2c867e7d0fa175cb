"""Writing engagement files: a new engagement folder, the survey collection kit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from helpers.content.instrument import read_instrument
from helpers.engagement.load import load
from helpers.engagement.scaffold import scaffold, write_collection_kit
from helpers.engagement.survey import read_survey
from tests.engagement.test_load import messages


def test_scaffold_writes_a_folder_that_checks_clean(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    written = scaffold(folder, "Acme Ltd", consultant="Priya Raman", industry="Logistics",
                       date=dt.date(2026, 11, 2))
    assert (folder / "engagement.yaml") in written
    eng, problems = load(folder)
    assert eng is not None, messages(problems)
    assert eng.meta.client == "Acme Ltd" and eng.survey is None
    with pytest.raises(FileExistsError):
        scaffold(folder, "Other")


def test_collection_kit_writes_template_and_questionnaire(tmp_path, instrument):
    written = write_collection_kit(tmp_path, instrument)
    assert [p.name for p in written] == ["survey.csv", "questionnaire.html"]
    header = (tmp_path / "survey.csv").read_text().strip().split(",")
    assert header == ["respondent", "team", "level", *instrument.ids]
    html = (tmp_path / "questionnaire.html").read_text()
    assert "http" not in html  # prints offline, nothing fetched
    # every statement, under its dimension, with five boxes to tick from 1 to 5
    for statement in instrument.statements:
        row = html.split(f'<span class="id">{statement.id}</span>')[0].rsplit("<tr><td>", 1)[1]
        assert row == f"{statement.text} "
    assert html.count('<td class="rate"><span class="box" title="') == 5 * len(instrument.statements)
    assert html.count("<th>5<br>Strongly agree</th>") == len({s.dimension for s in instrument.statements})
    # the blank template is not a survey yet
    assert read_survey(tmp_path, instrument) == (None, [])


def test_collection_kit_never_overwrites_a_survey(tmp_path, instrument):
    (tmp_path / "survey.csv").write_text("respondent,team\nA,sales\n")
    written = write_collection_kit(tmp_path, instrument)
    assert (tmp_path / "survey.csv").read_text() == "respondent,team\nA,sales\n"
    assert written[0].name == "survey_template.csv"


def test_questionnaire_escapes_statement_text(tmp_path):
    inst = tmp_path / "instrument.yaml"
    inst.write_text("dimensions: {goals: Goals <b>}\nstatements:\n"
                    "  - {id: goals_1, dimension: goals, text: '<script>alert(1)</script>', reverse: false}\n")
    instrument, problems = read_instrument(inst)
    assert problems == []
    write_collection_kit(tmp_path / "kit", instrument)
    html = (tmp_path / "kit" / "questionnaire.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html
