"""The SPIN question bank (``templates/spin_questions.yaml``) and the vocabulary of interviews.

Loaded and validated like client data: a broken bank is a list of problems, not a traceback.
Two versions are read. Version 1 has ``audiences``, ``spin_types``, ``dimensions`` and
``questions`` (``id``, ``audience``, ``spin``, ``dimension``, ``text``, ``follow_up``,
``listening``). Version 2 adds, per question, ``builds_on`` (an Implication question follows up
Problem questions of the same audience, and is offered only when one of them raised a problem),
``climate`` (the answer helps read the leadership climate), ``journey_stage`` and ``emotion``
(the customer interview guide); and at the top, ``retired`` (v1 questions whose ids are no longer
used, so interviews recorded with v1 still read) and ``climates`` (the C-suite patterns, for the
consultant only: never shown to the client).
"""

from __future__ import annotations
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from helpers import TEMPLATES
from helpers.fileio import read_yaml
from helpers.content.errors import cached_loader
from helpers.problems import Problem, warning
from helpers.vocabulary import AUDIENCES, DIMENSIONS, SPIN_TYPES


DEFAULT_BANK = TEMPLATES / "spin_questions.yaml"
#: The journey template whose stage ids ``journey_stage`` may name.
JOURNEY_TEMPLATE = TEMPLATES / "journey.yaml"

#: Ids of the consultant's own questions (not in the bank).
CUSTOM_ID = re.compile(r"^custom_\d+$")

#: Bank versions this loader reads (a file without ``version`` is version 1).
VERSIONS: tuple[int, ...] = (1, 2)
#: The audience of the customer interview guide (the only one with ``journey_stage`` and ``emotion``).
CUSTOMER_AUDIENCE = "customer"
#: Id prefix of each audience; version 2 ids are ``<prefix>_<s|p|i|n>_<nn>``.
ID_PREFIXES: dict[str, str] = {"sales_leader": "sl", "salesperson": "sp", "marketing_leader": "ml",
                               "marketer": "mk", "executive": "ex", "customer_success": "cs",
                               "technical_buyer": "tb", "customer": "cu"}
#: The letter of each SPIN type in a version-2 id.
SPIN_LETTERS: dict[str, str] = {"situation": "s", "problem": "p", "implication": "i", "need_payoff": "n"}

TOP_KEYS = ("version", "audiences", "spin_types", "dimensions", "questions", "retired", "climates")
QUESTION_KEYS = ("id", "audience", "spin", "dimension", "text", "follow_up", "listening", "builds_on",
                 "climate", "journey_stage", "emotion")
RETIRED_KEYS = ("id", "audience", "spin", "dimension", "text", "replaced_by", "reason")
CLIMATE_KEYS = ("id", "label", "summary", "sounds_like", "signals", "implies", "revealed_by")


@dataclass(frozen=True)
class Question:
    """One question of the bank.

    ``id``, ``audience``, ``spin`` type, ``dimension``, ``text``, ``follow_up`` and ``listening``
    (one of the three listening questions) are in every version. Version 2 adds ``builds_on``
    (Problem questions an Implication question follows up), ``climate`` (the answer helps read
    the leadership climate), ``journey_stage`` and ``emotion`` (customer guide: the journey stage
    the answer belongs to; record how that part felt, -2..+2) and ``retired`` (a v1 question kept
    only to read old interviews; see :attr:`QuestionBank.retired`).
    """

    id: str
    audience: str
    spin: str
    dimension: str
    text: str
    follow_up: str = ""
    listening: bool = False
    builds_on: tuple[str, ...] = ()
    climate: bool = False
    journey_stage: str | None = None
    emotion: bool = False
    retired: bool = False


@dataclass(frozen=True)
class RetiredQuestion:
    """A version-1 question whose id the bank no longer uses.

    ``question`` carries the v1 text, SPIN type and dimension (``retired=True``), so an answer
    recorded with v1 is still read as what was asked; ``replaced_by`` is the question that now
    does its job, ``reason`` why it was retired.
    """

    question: Question
    replaced_by: str
    reason: str = ""


@dataclass(frozen=True)
class Climate:
    """A C-suite climate the interviews may point to. Consultant only: never in a client output.

    ``sounds_like`` are cue phrases, ``signals`` observable signs, ``implies`` what it means for
    the plan, ``revealed_by`` the ids of the ``climate: true`` questions whose answers show it.
    """

    id: str
    label: str
    summary: str
    sounds_like: tuple[str, ...]
    signals: tuple[str, ...]
    implies: str
    revealed_by: tuple[str, ...]


@dataclass(frozen=True)
class QuestionBank:
    """The SPIN question bank: questions by id plus labels for audiences, SPIN types and dimensions.

    ``retired`` maps a retired v1 id to its :class:`RetiredQuestion`; ``climates`` are the
    consultant-only C-suite patterns.
    """

    questions: dict[str, Question]
    audiences: dict[str, str]
    spin_types: dict[str, str]
    dimensions: dict[str, str]
    version: int = 1
    retired: dict[str, RetiredQuestion] = field(default_factory=dict)
    climates: tuple[Climate, ...] = ()

    def for_audience(self, audience: str) -> list[Question]:
        """Questions for ``audience``: in SPIN order (situation, problem, implication, need-payoff).

        A journey guide (an audience whose questions name journey stages, i.e. the customer
        guide) keeps the file's order, which follows the journey.
        """
        qs = [q for q in self.questions.values() if q.audience == audience]
        if any(q.journey_stage for q in qs):
            return qs
        return sorted(qs, key=lambda q: SPIN_TYPES.index(q.spin))

    def lookup(self, question_id: str) -> Question | None:
        """The question with this id, a retired one included (``retired=True``); None when unknown."""
        if question_id in self.questions:
            return self.questions[question_id]
        old = self.retired.get(question_id)
        return old.question if old is not None else None

    def climate(self, climate_id: str) -> Climate | None:
        """The climate with this id, or None."""
        return next((c for c in self.climates if c.id == climate_id), None)


# ------------------------------------------------------------------------------------- question bank
def journey_stage_ids(path: Path | None = None) -> tuple[str, ...]:
    """Stage ids of every journey in the journey template (``awareness`` ... ``advocacy``), in order.

    Empty when the template cannot be read (then ``journey_stage`` values are not checked).
    """
    data, _ = read_yaml(Path(path) if path is not None else JOURNEY_TEMPLATE, "journey.yaml")
    journeys = data.get("journeys") if isinstance(data, dict) else None
    ids: list[str] = []
    for journey in journeys if isinstance(journeys, list) else []:
        stages = journey.get("stages") if isinstance(journey, dict) else None
        for stage in stages if isinstance(stages, list) else []:
            if isinstance(stage, dict) and isinstance(stage.get("id"), str):
                ids.append(stage["id"])
    return tuple(dict.fromkeys(ids))


def read_question_bank(path: Path | None = None, journey: Path | None = None) -> tuple[QuestionBank | None, list[Problem]]:
    """Read and validate a question bank file (version 1 or 2).

    Parameters
    ----------
    path : Path, optional
        Defaults to ``templates/spin_questions.yaml``.
    journey : Path, optional
        The journey template whose stage ids ``journey_stage`` may name; defaults to
        ``templates/journey.yaml``.

    Returns
    -------
    (bank, problems)
        ``bank`` is None when there is any error; warnings (unknown keys) do not block.
    """
    p = Path(path) if path is not None else DEFAULT_BANK
    rel = p.name
    data, problems = read_yaml(p, rel)
    if data is None:
        return None, problems
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        return None, [Problem(rel, "has no list of questions",
                              "start the file with `questions:` and one entry per question")]
    version = data.get("version", 1)
    if isinstance(version, bool) or version not in VERSIONS:
        problems.append(Problem(rel, f"version {version!r} is not one this workbook reads",
                                f"write version: {VERSIONS[-1]} (or leave it out for a version-1 file)", field="version"))
        version = 1
    audiences = {str(k): str(v) for k, v in (data.get("audiences") or {a: a for a in AUDIENCES}).items()}
    spin_types = {s: str((data.get("spin_types") or {}).get(s, s.replace("_", "-").capitalize())) for s in SPIN_TYPES}
    dimensions = {d: str((data.get("dimensions") or {}).get(d, d.capitalize())) for d in DIMENSIONS}
    stage_ids = journey_stage_ids(journey)
    questions: dict[str, Question] = {}
    for i, q in enumerate(data["questions"], start=1):
        question = _question(q, i, audiences, stage_ids, int(version), rel, problems)
        if question is None:
            continue
        if question.id in questions:
            problems.append(Problem(rel, f"question id {question.id} is used twice", "give every question its own id",
                                    field="id"))
        else:
            questions[question.id] = question
    problems += _check_builds_on(questions, int(version), rel)
    retired = _retired(data.get("retired"), audiences, questions, rel, problems)
    climates = _climates(data.get("climates"), questions, rel, problems)
    problems += [warning(rel, f"unknown key {key!r} is ignored", f"check the spelling; keys are: {', '.join(TOP_KEYS)}",
                         field=str(key)) for key in data if key not in TOP_KEYS]
    if any(p.is_error for p in problems):
        return None, problems
    return QuestionBank(questions, audiences, spin_types, dimensions, int(version), retired, climates), problems


def _flag(q: dict[str, Any], key: str, where: str, rel: str, problems: list[Problem]) -> bool:
    """A true/false key of a question (false when absent)."""
    value = q.get(key, False)
    if value is None or isinstance(value, bool):
        return value is True
    problems.append(Problem(rel, f"{where}: {key} must be true or false, not {value!r}",
                            f"write `{key}: true`, or leave it out", field=key))
    return False


def _strings(value: Any) -> tuple[str, ...] | None:
    """A list of non-empty strings, e.g. question ids (a single string is accepted); None when it is not one."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return None
    return tuple(v.strip() for v in value)


def _question(q: Any, i: int, audiences: dict[str, str], stage_ids: tuple[str, ...], version: int, rel: str,
              problems: list[Problem]) -> Question | None:
    """Validate one entry of ``questions`` (``i`` is its 1-based position); None when it has an error."""
    where = f"question {i}"
    if not isinstance(q, dict):
        problems.append(Problem(rel, f"{where} is not a mapping", "give id, audience, spin, dimension and text"))
        return None
    before = len([p for p in problems if p.is_error])
    qid = str(q.get("id") or "").strip()
    where = f"{where} ({qid or 'no id'})"
    checks = [("id", qid, None), ("audience", q.get("audience"), tuple(audiences)),
              ("spin", q.get("spin"), SPIN_TYPES), ("dimension", q.get("dimension"), DIMENSIONS),
              ("text", str(q.get("text") or "").strip(), None)]
    for key, value, allowed in checks:
        if not value or (allowed is not None and value not in allowed):
            hint = f"use one of: {', '.join(allowed)}" if allowed else f"give the {key}"
            problems.append(Problem(rel, f"{where}: {key} is missing or unknown ({value!r})", hint, field=key))
    if CUSTOM_ID.match(qid):
        problems.append(Problem(rel, f"question id {qid} is reserved for the consultant's own questions",
                                "pick another id", field="id"))
    audience, spin = q.get("audience"), q.get("spin")
    prefix, letter = ID_PREFIXES.get(str(audience)), SPIN_LETTERS.get(str(spin))
    if version >= 2 and qid and prefix and letter and not re.fullmatch(rf"{prefix}_{letter}_\d+", qid):
        problems.append(Problem(rel, f"{where}: the id does not fit a {spin} question for {audience}",
                                f"use {prefix}_{letter}_<nn>; a question that changes its SPIN type or audience gets a "
                                "new id and its old id goes under `retired:`", field="id"))
    builds_on: tuple[str, ...] = ()
    if "builds_on" in q:
        found = _strings(q["builds_on"])
        if found is None:
            problems.append(Problem(rel, f"{where}: builds_on must be a list of question ids",
                                    "write e.g. `builds_on: [sl_p_05]`", field="builds_on"))
        else:
            builds_on = found
    stage = q.get("journey_stage")
    if stage is not None:
        if audience != CUSTOMER_AUDIENCE:
            problems.append(Problem(rel, f"{where}: journey_stage is only for the customer interview guide",
                                    f"remove it, or set audience: {CUSTOMER_AUDIENCE}", field="journey_stage"))
        elif stage_ids and stage not in stage_ids:
            problems.append(Problem(rel, f"{where}: journey_stage {stage!r} is not a stage of the journey template",
                                    f"use one of: {', '.join(stage_ids)}", field="journey_stage"))
    emotion = _flag(q, "emotion", where, rel, problems)
    if emotion and audience != CUSTOMER_AUDIENCE:
        problems.append(Problem(rel, f"{where}: emotion is only recorded in the customer interview guide",
                                f"remove it, or set audience: {CUSTOMER_AUDIENCE}", field="emotion"))
    listening, climate = _flag(q, "listening", where, rel, problems), _flag(q, "climate", where, rel, problems)
    for key in q:
        if key not in QUESTION_KEYS:
            problems.append(warning(rel, f"{where}: unknown key {key!r} is ignored",
                                    f"check the spelling; keys are: {', '.join(QUESTION_KEYS)}", field=str(key)))
    if len([p for p in problems if p.is_error]) > before:
        return None
    return Question(qid, str(audience), str(spin), str(q["dimension"]), str(q["text"]).strip(),
                    str(q.get("follow_up") or "").strip(), listening, builds_on, climate,
                    str(stage) if stage is not None else None, emotion)


def _check_builds_on(questions: dict[str, Question], version: int, rel: str) -> list[Problem]:
    """Implication questions follow up Problem questions of the same audience (required in version 2)."""
    problems: list[Problem] = []
    for q in questions.values():
        if q.spin != "implication":
            if q.builds_on:
                problems.append(Problem(rel, f"question {q.id} is a {q.spin} question but has builds_on",
                                        "only implication questions build on a problem; remove builds_on",
                                        field="builds_on"))
            continue
        if not q.builds_on and version >= 2:
            problems.append(Problem(rel, f"implication question {q.id} does not say which problem it builds on",
                                    f"add builds_on: [<problem question id of {q.audience}>] and start the text "
                                    "\"You mentioned ...\"", field="builds_on"))
        for target in q.builds_on:
            other = questions.get(target)
            if other is None:
                problems.append(Problem(rel, f"question {q.id} builds on {target!r}, which is not in the bank",
                                        "name a problem question of the same audience", field="builds_on"))
            elif other.spin != "problem" or other.audience != q.audience:
                problems.append(Problem(rel, f"question {q.id} builds on {target}, a {other.spin} question for "
                                        f"{other.audience}", f"name a problem question for {q.audience}",
                                        field="builds_on"))
    return problems


def _retired(raw: Any, audiences: dict[str, str], questions: dict[str, Question], rel: str,
             problems: list[Problem]) -> dict[str, RetiredQuestion]:
    """``retired``: v1 questions whose ids are no longer used."""
    if raw is None:
        return {}
    if not isinstance(raw, list):
        problems.append(Problem(rel, "retired must be a list", "write one `- id: ...` entry per retired question",
                                field="retired"))
        return {}
    out: dict[str, RetiredQuestion] = {}
    for i, r in enumerate(raw, start=1):
        if not isinstance(r, dict):
            problems.append(Problem(rel, f"retired question {i} is not a mapping",
                                    "give id, audience, spin, dimension, text and replaced_by", field="retired"))
            continue
        rid = str(r.get("id") or "").strip()
        where = f"retired question {i} ({rid or 'no id'})"
        bad = False
        checks = [("id", rid, None), ("audience", r.get("audience"), tuple(audiences)),
                  ("spin", r.get("spin"), SPIN_TYPES), ("dimension", r.get("dimension"), DIMENSIONS),
                  ("text", str(r.get("text") or "").strip(), None)]
        for key, value, allowed in checks:
            if not value or (allowed is not None and value not in allowed):
                hint = f"use one of: {', '.join(allowed)}" if allowed else f"copy the v1 question's {key}"
                problems.append(Problem(rel, f"{where}: {key} is missing or unknown ({value!r})", hint,
                                        field=f"retired.{key}"))
                bad = True
        replaced = str(r.get("replaced_by") or "").strip()
        if replaced not in questions:
            problems.append(Problem(rel, f"{where}: replaced_by {replaced or None!r} is not a question of the bank",
                                    "name the question that now does its job", field="retired.replaced_by"))
            bad = True
        if rid in questions:
            problems.append(Problem(rel, f"question id {rid} is retired and must not be used again",
                                    "give the question a new id (interviews recorded with the old id would land on it)",
                                    field="id"))
            bad = True
        if rid in out:
            problems.append(Problem(rel, f"retired id {rid} is listed twice", "keep one entry", field="retired"))
            bad = True
        for key in r:
            if key not in RETIRED_KEYS:
                problems.append(warning(rel, f"{where}: unknown key {key!r} is ignored",
                                        f"check the spelling; keys are: {', '.join(RETIRED_KEYS)}", field=str(key)))
        if not bad:
            old = Question(rid, str(r["audience"]), str(r["spin"]), str(r["dimension"]), str(r["text"]).strip(),
                           retired=True)
            out[rid] = RetiredQuestion(old, replaced, str(r.get("reason") or "").strip())
    return out


def _climates(raw: Any, questions: dict[str, Question], rel: str, problems: list[Problem]) -> tuple[Climate, ...]:
    """``climates``: the consultant-only C-suite patterns."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(Problem(rel, "climates must be a list", "write one `- id: ...` entry per climate",
                                field="climates"))
        return ()
    out: list[Climate] = []
    for i, c in enumerate(raw, start=1):
        if not isinstance(c, dict):
            problems.append(Problem(rel, f"climate {i} is not a mapping", f"give {', '.join(CLIMATE_KEYS)}",
                                    field="climates"))
            continue
        cid = str(c.get("id") or "").strip()
        where = f"climate {i} ({cid or 'no id'})"
        before = len(problems)
        for key in ("id", "label", "summary", "implies"):
            if not isinstance(c.get(key), str) or not c[key].strip():
                problems.append(Problem(rel, f"{where}: {key} is missing", f"write the {key} as text",
                                        field=f"climates.{key}"))
        lists: dict[str, tuple[str, ...]] = {}
        for key in ("sounds_like", "signals", "revealed_by"):
            found = _strings(c.get(key))
            if not found:
                problems.append(Problem(rel, f"{where}: {key} must be a non-empty list of text",
                                        f"write `{key}:` followed by `- ...` lines", field=f"climates.{key}"))
            lists[key] = found or ()
        for qid in lists["revealed_by"]:
            q = questions.get(qid)
            if q is None:
                problems.append(Problem(rel, f"{where}: revealed_by names {qid!r}, which is not a question of the bank",
                                        "name questions marked `climate: true`", field="climates.revealed_by"))
            elif not q.climate:
                problems.append(Problem(rel, f"{where}: revealed_by names {qid}, which is not marked climate: true",
                                        f"add `climate: true` to {qid}, or remove it from revealed_by",
                                        field="climates.revealed_by"))
        if cid and any(x.id == cid for x in out):
            problems.append(Problem(rel, f"climate id {cid} is used twice", "give every climate its own id",
                                    field="climates.id"))
        for key in c:
            if key not in CLIMATE_KEYS:
                problems.append(warning(rel, f"{where}: unknown key {key!r} is ignored",
                                        f"check the spelling; keys are: {', '.join(CLIMATE_KEYS)}", field=str(key)))
        if not any(p.is_error for p in problems[before:]):
            out.append(Climate(cid, c["label"].strip(), c["summary"].strip(), lists["sounds_like"],
                               lists["signals"], c["implies"].strip(), lists["revealed_by"]))
    return tuple(out)


#: The question bank (default ``templates/spin_questions.yaml``); raises
#: :class:`~helpers.content.errors.ContentInvalid` when it is broken.
load_questions = cached_loader(read_question_bank, DEFAULT_BANK, depends=(JOURNEY_TEMPLATE,))
