"""Interview files read against the version-2 question bank: customer emotions and retired v1 ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import TEMPLATES
from helpers.content.question_bank import QuestionBank, read_question_bank
from helpers.engagement.interviews import read_interview, read_interviews

V2_BANK = Path(__file__).resolve().parent.parent / "fixtures" / "content" / "spin_questions_v2.yaml"


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    loaded, problems = read_question_bank(V2_BANK)
    assert problems == [] and loaded is not None
    return loaded


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "interviews" / "ana-customer.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


def test_a_customer_interview_records_how_each_part_felt(tmp_path: Path, bank: QuestionBank) -> None:
    path = write(tmp_path, "interviewee: Ana Customer\nteam: other\naudience: customer\nanswers:\n"
                           "  - question: cu_s_01\n    answer: A webinar.\n    emotion: 1\n"
                           "  - question: cu_s_04\n    answer: Nobody knew our setup.\n    emotion: -2\n"
                           "  - question: cu_p_01\n    answer: Pricing.\n")
    interview, problems = read_interview(path, "interviews/ana-customer.yaml", bank)
    assert problems == [] and interview is not None
    assert interview.audience == "customer"
    assert [a.emotion for a in interview.answers] == [1, -2, None]


@pytest.mark.parametrize("value", ["3", "-5", "yes", "'happy'", "0.5"])
def test_an_emotion_off_the_scale_is_an_error_on_its_line(tmp_path: Path, bank: QuestionBank, value: str) -> None:
    path = write(tmp_path, "interviewee: Ana Customer\nteam: other\naudience: customer\nanswers:\n"
                           f"  - question: cu_s_01\n    answer: A webinar.\n    emotion: {value}\n")
    interview, problems = read_interview(path, "interviews/ana-customer.yaml", bank)
    assert interview is None
    shown = [str(p) for p in problems]
    assert len(shown) == 1
    assert shown[0].startswith("interviews/ana-customer.yaml:7: answers[1].emotion: emotion must be a whole number "
                               "from -2 (very unhappy) to +2 (delighted)")
    assert shown[0].endswith("write e.g. `emotion: -1`, or leave it out")


def test_an_interview_recorded_with_v1_reads_as_what_was_asked(tmp_path: Path, bank: QuestionBank) -> None:
    path = write(tmp_path, "interviewee: Owen Pritchard\nteam: sales\nlevel: leader\nanswers:\n"
                           "  - question: sl_i_01\n    answer: Net new bookings.\n    tags: [pain]\n"
                           "  - question: sl_p_02\n    answer: Half are students.\n")
    interview, problems = read_interview(path, "interviews/ana-customer.yaml", bank)
    assert problems == [] and interview is not None
    old, kept = interview.answers
    assert (old.text, old.spin, old.dimension) == (
        "Which two or three goals would hurt you most if you missed them this quarter?", "implication", "goals")
    assert (kept.text, kept.spin, kept.dimension) == ("", None, None)  # a current question: the bank has it


def test_the_demo_interviews_recorded_with_v1_read_cleanly_with_the_v2_bank(bank: QuestionBank) -> None:
    folders = sorted(p for p in (TEMPLATES / "demo").iterdir() if (p / "interviews").is_dir())
    assert folders
    retired_answers = 0
    for folder in folders:
        interviews, problems = read_interviews(folder, bank)
        assert problems == [], (folder.name, [str(p) for p in problems])
        for answer in (a for iv in interviews for a in iv.answers if a.question in bank.retired):
            old = bank.retired[answer.question].question
            assert (answer.text, answer.spin, answer.dimension) == (old.text, old.spin, old.dimension)
            retired_answers += 1
    assert retired_answers > 0
