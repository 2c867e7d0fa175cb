"""The SPIN question bank (``templates/spin_questions.yaml``) and the vocabulary of interviews.

Loaded and validated like client data: a broken bank is a list of problems, not a traceback.
Part of :mod:`helpers.discovery`, which re-exports everything here.
"""

from __future__ import annotations
import re
from dataclasses import dataclass
from pathlib import Path
from helpers import TEMPLATES
from helpers.fileio import read_yaml
from helpers.content.errors import cached_loader
from helpers.problems import Problem
from helpers.vocabulary import AUDIENCES, DIMENSIONS, SPIN_TYPES


DEFAULT_BANK = TEMPLATES / "spin_questions.yaml"


#: Ids of the consultant's own questions (not in the bank).
CUSTOM_ID = re.compile(r"^custom_\d+$")


@dataclass(frozen=True)
class Question:
    """One question of the bank: ``id``, ``audience``, ``spin`` type, ``dimension``, ``text``, ``follow_up``."""

    id: str
    audience: str
    spin: str
    dimension: str
    text: str
    follow_up: str = ""
    listening: bool = False


@dataclass(frozen=True)
class QuestionBank:
    """The SPIN question bank: questions by id plus labels for audiences, SPIN types and dimensions."""

    questions: dict[str, Question]
    audiences: dict[str, str]
    spin_types: dict[str, str]
    dimensions: dict[str, str]

    def for_audience(self, audience: str) -> list[Question]:
        """Questions for ``audience`` in SPIN order (situation, problem, implication, need-payoff)."""
        qs = [q for q in self.questions.values() if q.audience == audience]
        return sorted(qs, key=lambda q: SPIN_TYPES.index(q.spin))


# ------------------------------------------------------------------------------------- question bank
def read_question_bank(path: Path | None = None) -> tuple[QuestionBank | None, list[Problem]]:
    """Read and validate a question bank file.

    Parameters
    ----------
    path : Path, optional
        Defaults to ``templates/spin_questions.yaml``.

    Returns
    -------
    (bank, problems)
        ``bank`` is None when there is any error.
    """
    p = Path(path) if path is not None else DEFAULT_BANK
    rel = p.name
    data, problems = read_yaml(p, rel)
    if data is None:
        return None, problems
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        return None, [Problem(rel, "has no list of questions",
                              "start the file with `questions:` and one entry per question")]
    audiences = {str(k): str(v) for k, v in (data.get("audiences") or {a: a for a in AUDIENCES}).items()}
    spin_types = {s: str((data.get("spin_types") or {}).get(s, s.replace("_", "-").capitalize())) for s in SPIN_TYPES}
    dimensions = {d: str((data.get("dimensions") or {}).get(d, d.capitalize())) for d in DIMENSIONS}
    questions: dict[str, Question] = {}
    for i, q in enumerate(data["questions"], start=1):
        where = f"question {i}"
        if not isinstance(q, dict):
            problems.append(Problem(rel, f"{where} is not a mapping", "give id, audience, spin, dimension and text"))
            continue
        qid = str(q.get("id") or "").strip()
        checks = [("id", qid, None), ("audience", q.get("audience"), tuple(audiences)),
                  ("spin", q.get("spin"), SPIN_TYPES), ("dimension", q.get("dimension"), DIMENSIONS),
                  ("text", str(q.get("text") or "").strip(), None)]
        bad = False
        for key, value, allowed in checks:
            if not value or (allowed is not None and value not in allowed):
                hint = f"use one of: {', '.join(allowed)}" if allowed else f"give the {key}"
                problems.append(Problem(rel, f"{where} ({qid or 'no id'}): {key} is missing or unknown ({value!r})",
                                        hint, field=key))
                bad = True
        if qid in questions:
            problems.append(Problem(rel, f"question id {qid} is used twice", "give every question its own id",
                                    field="id"))
            bad = True
        if CUSTOM_ID.match(qid):
            problems.append(Problem(rel, f"question id {qid} is reserved for the consultant's own questions",
                                    "pick another id", field="id"))
            bad = True
        if not bad:
            questions[qid] = Question(qid, q["audience"], q["spin"], q["dimension"], str(q["text"]).strip(),
                                      str(q.get("follow_up") or "").strip(), bool(q.get("listening", False)))
    if any(p.is_error for p in problems):
        return None, problems
    return QuestionBank(questions, audiences, spin_types, dimensions), problems


#: The question bank (default ``templates/spin_questions.yaml``); raises
#: :class:`~helpers.content.errors.ContentInvalid` when it is broken.
load_questions = cached_loader(read_question_bank, DEFAULT_BANK)
