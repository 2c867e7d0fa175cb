"""The C-suite climate reading: which of the three patterns the interviews point to, with quotes.

Interviews are written here; the bank is the reviewed version-2 fixture (its ``climates``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.analysis.climate import MIXED, POINTS_TO, UNCLEAR, read_climate
from helpers.analysis.discovery import synthesize
from helpers.content.question_bank import QuestionBank, read_question_bank
from helpers.engagement.interviews import Answer, Interview
from helpers.report.consultant import consultant
from helpers.results import client_view, results_with

V2 = Path(__file__).resolve().parent.parent / "fixtures" / "content" / "spin_questions_v2.yaml"


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    found, problems = read_question_bank(V2)
    assert found is not None and problems == []
    return found


def _iv(name: str, team: str, role: str, *answers: tuple[str, str], share: bool = False) -> Interview:
    return Interview(f"{name}.yaml", name, team, role, "leader",
                     answers=tuple(Answer(q, a, share=share) for q, a in answers))


SALES_DRIVER = [
    _iv("Ana Ruiz", "marketing", "Head of Marketing",
        ("ml_s_06", "Since the reorganisation marketing reports to the sales VP. No excuses, he says."),
        ("ml_p_07", "The board liked that it saved headcount and two salaries.")),
    _iv("Bo Lind", "sales", "VP Sales", ("sl_s_06", "One person owns the number now, and that is me.")),
    _iv("Cy Park", "sales", "Account Executive", ("sl_p_08", "Sales and marketing never get on, anywhere I have worked.")),
]


def test_two_interviews_with_sales_driver_cues_point_to_it_with_their_quotes(bank: QuestionBank) -> None:
    reading = read_climate(SALES_DRIVER, bank)
    assert reading is not None
    assert (reading["verdict"], reading["pattern"], reading["label"]) == (POINTS_TO, "sales_driver", "The Sales Driver")
    first = reading["patterns"][0]
    assert (first["id"], first["interviews"]) == ("sales_driver", 2)
    assert [(e["interviewee"], e["question_id"]) for e in first["evidence"]] == [
        ("Ana Ruiz", "ml_s_06"), ("Ana Ruiz", "ml_p_07"), ("Bo Lind", "sl_s_06")]
    fatalists = next(p for p in reading["patterns"] if p["id"] == "fatalists")
    assert fatalists["interviews"] == 1 and fatalists["evidence"][0]["speaker"] == "Account Executive"


def test_one_interview_or_a_tie_is_no_verdict(bank: QuestionBank) -> None:
    one = read_climate(SALES_DRIVER[1:], bank)  # Bo (sales driver) and Cy (fatalist): one each
    assert one is not None and (one["verdict"], one["pattern"]) == (UNCLEAR, None)
    tie = read_climate([*SALES_DRIVER, _iv("Di Fox", "executive", "CEO",
                                           ("ex_s_05", "Honestly they are like oil and water, always were."))], bank)
    assert tie is not None and (tie["verdict"], tie["pattern"]) == (MIXED, None)


def test_naming_the_teams_or_one_shared_word_is_not_evidence(bank: QuestionBank) -> None:
    plain = [_iv("Ed Moss", "sales", "VP Sales", ("sl_s_06", "I would like more support from marketing on decks.")),
             _iv("Flo Kim", "marketing", "CMO", ("ml_s_06", "Sales and marketing both report to the CEO."))]
    reading = read_climate(plain, bank)
    assert reading is not None and reading["verdict"] == UNCLEAR
    assert all(p["interviews"] == 0 for p in reading["patterns"])


def test_no_climates_in_the_bank_means_no_reading(bank: QuestionBank) -> None:
    from dataclasses import replace
    assert read_climate(SALES_DRIVER, replace(bank, climates=())) is None
    assert read_climate([], bank) is None


def test_climate_reading_is_in_the_consultant_document_only(bank: QuestionBank) -> None:
    discovery = synthesize(SALES_DRIVER, [], bank)
    assert discovery is not None and discovery["climate"] is not None
    results = results_with(discovery=discovery)
    html = consultant(results).html()
    assert "Leadership climate" in html and "The interviews point to <strong>The Sales Driver</strong>" in html
    assert "saved headcount and two salaries" in html  # unshared, but the consultant's own notes
    assert "Ana Ruiz" in html
    view = client_view(results)
    assert view["discovery"] is not None and view["discovery"]["climate"] is None
    assert "Sales Driver" not in str(view) and "saved headcount" not in str(view)
