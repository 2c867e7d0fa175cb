"""The bundled SPIN question bank: every audience and question type, in order; every mistake reported."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from helpers.content.question_bank import load_questions, read_question_bank
from helpers.vocabulary import AUDIENCES, DIMENSIONS, SPIN_TYPES


def test_bank_has_every_audience_and_spin_type() -> None:
    bank, problems = read_question_bank()
    assert bank is not None and problems == []
    assert len(bank.questions) >= 60
    pairs = Counter((q.audience, q.spin) for q in bank.questions.values())
    assert set(bank.audiences) <= set(AUDIENCES)
    for audience in bank.audiences:  # the bank's own audiences (the v2 bank adds three)
        if audience == "customer":  # a short journey guide (situation, problem, need-payoff), not a SPIN call
            assert pairs[(audience, "implication")] == 0 and pairs[(audience, "situation")] >= 3
            continue
        for spin in SPIN_TYPES:
            assert pairs[(audience, spin)] >= 3, (audience, spin)
    assert {q.dimension for q in bank.questions.values()} == set(DIMENSIONS)
    assert "sl_p_02" in bank.questions  # the id used in the contract's example


def test_bank_holds_the_listening_questions_for_every_audience() -> None:
    bank = load_questions()
    for audience in bank.audiences:
        if audience == "customer":  # customers are asked about their journey, not about the other team
            continue
        listening = [q for q in bank.questions.values() if q.audience == audience and q.listening]
        texts = " ".join(q.text.lower() for q in listening)
        assert "frustrat" in texts, audience
        assert "two or three" in texts, audience
        assert "help" in texts, audience


def test_for_audience_is_in_spin_order() -> None:
    qs = load_questions().for_audience("marketer")
    order = [SPIN_TYPES.index(q.spin) for q in qs]
    assert order == sorted(order) and len(qs) >= 12


def test_broken_bank_reports_every_problem(tmp_path: Path) -> None:
    (tmp_path / "bank.yaml").write_text(
        "questions:\n"
        "  - {id: a_1, audience: sales_leader, spin: probing, dimension: goals, text: Why not}\n"
        "  - {id: a_1, audience: nobody, spin: problem, dimension: goals, text: Why not}\n"
        "  - {id: custom_3, audience: marketer, spin: problem, dimension: goals, text: Why not}\n", encoding="utf-8")
    bank, problems = read_question_bank(tmp_path / "bank.yaml")
    assert bank is None
    text = "\n".join(map(str, problems))
    assert "spin is missing or unknown ('probing')" in text
    assert "audience is missing or unknown ('nobody')" in text
    assert "custom_3 is reserved" in text
