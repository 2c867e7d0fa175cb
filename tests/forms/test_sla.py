"""The response-rule form: writes only the ``sla:`` block, checked by the handout's own reader."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers.engagement.load import load
from helpers.forms.sla import SlaForm, open_form, replace_block
from tests.conftest import FIXTURES

HEAD = "# Kept: the consultant's own comment.\nclient: Nordlicht Software GmbH  # the client\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "nordlicht"
    shutil.copytree(FIXTURES / "engagements" / "small", target)
    text = (target / "engagement.yaml").read_text(encoding="utf-8")
    (target / "engagement.yaml").write_text(
        HEAD + text.replace("client: Nordlicht Software GmbH\n", "") +
        "sla:\n  response_hours: 24   # old comment inside the block\n\n  attempts: 5\n"
        "notes: stays after the block\n", encoding="utf-8")
    return target


def _form(folder: Path) -> SlaForm:
    form = open_form(folder)
    assert isinstance(form, SlaForm)
    return form


def test_an_agreed_business_hours_rule_is_saved_and_read_back(folder: Path) -> None:
    form = _form(folder)
    assert form.status.value == "proposed" and form.hours.value == 24 and form.attempts.value == 5
    assert (form.hours.description, form.attempt_days.description) == ("Respond within (h)", "within (days)")
    form.status.value, form.hours.value, form.clock.value = "agreed", 4, "business"
    # the labels say what the numbers count on this clock
    assert (form.hours.description, form.attempt_days.description) == ("Respond in (work h)", "within (work days)")
    form.country.value, form.attempt_days.value = "GB-ENG", 10
    assert form.save() and "agreed" in form.message.value
    text = (folder / "engagement.yaml").read_text(encoding="utf-8")
    assert text.startswith(HEAD) and "notes: stays after the block" in text  # the rest untouched
    assert "old comment inside the block" not in text and text.count("sla:") == 1
    eng, problems = load(folder)
    assert eng is not None, problems
    rule = eng.meta.sla_rule
    assert (rule.status, rule.response_hours, rule.clock.clock, rule.clock.holiday_country) == \
        ("agreed", 4, "business", "GB-ENG")
    assert rule.clock.working_days == ("mon", "tue", "wed", "thu", "fri")


def test_a_rule_the_reader_refuses_writes_nothing_and_says_why(folder: Path) -> None:
    before = (folder / "engagement.yaml").read_bytes()
    form = _form(folder)
    form.clock.value, form.working_hours.value = "business", "18:00-08:00"
    assert not form.save()
    assert "Not saved" in form.message.value and "beside the field" in form.message.value
    note = form.notes["working_hours"].value  # beside the Working hours field, in the form's words
    assert "18:00-08:00" in note and "type them as from-to, e.g. 08:00-18:00" in note and "working_hours" not in note
    assert form.notes["response_hours"].value == ""
    assert (folder / "engagement.yaml").read_bytes() == before


def test_the_block_is_appended_when_there_is_none() -> None:
    assert replace_block("client: X", "sla:\n  attempts: 4\n") == "client: X\nsla:\n  attempts: 4\n"


def test_a_wrong_path_creates_nothing(tmp_path: Path) -> None:
    shown = open_form(tmp_path / "nowhere")
    assert "nowhere" in shown.value and not (tmp_path / "nowhere").exists()
