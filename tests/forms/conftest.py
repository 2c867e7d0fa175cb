"""Fixtures shared by the form tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers.content.question_bank import QuestionBank, read_question_bank
from tests.conftest import FIXTURES

#: The version-2 question bank fixture (audiences for customers, technical buyers, ...).
V2 = FIXTURES / "content" / "spin_questions_v2.yaml"


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    """The v2 question bank, read and checked once per module."""
    found, problems = read_question_bank(V2)
    assert found is not None and problems == []
    return found


@pytest.fixture
def engagement(tmp_path: Path) -> Path:
    """An engagement folder holding only the interview fixtures' ``engagement.yaml`` (its stakeholders)."""
    folder = tmp_path / "acme"
    folder.mkdir()
    shutil.copy(FIXTURES / "interviews/good" / "engagement.yaml", folder / "engagement.yaml")
    return folder
