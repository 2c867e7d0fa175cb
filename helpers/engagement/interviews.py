"""Interview files: ``interviews/<slug>.yaml`` named, read and validated.

One file per interview (schema pinned in the team contract). :func:`read_interviews` reads every
file of an engagement's ``interviews/`` folder and reports every problem at once, each with the
file, the line and the field; :func:`interview_path` names a new file after the interviewee
(a second interview with the same name gets ``-2``). :mod:`helpers.discovery` synthesizes the
interviews and re-exports everything public here. Pure: no widgets, no plotting, no printing.
"""

from __future__ import annotations
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from helpers.fileio import compose_yaml, load_yaml_text, read_yaml
from helpers.problems import Problem
from datetime import date, datetime
import yaml
from helpers.content.question_bank import CUSTOM_ID
from helpers.vocabulary import DIMENSIONS, EMOTION_LABELS, INFLUENCE_ALIASES, INFLUENCES, LEVELS, SPIN_TYPES, TAGS, TEAM_ALIASES, TEAMS, choice_of, default_audience, text_of
from helpers.content.question_bank import QuestionBank, journey_stage_ids, load_questions
from helpers.fileio import read_text
from helpers.problems import warning
from helpers.formatting import slugify


INTERVIEW_FIELDS = ("interviewee", "team", "role", "level", "influence", "date", "audience", "answers",
                    "internal_notes", "named_by_title", "quotes_checked")


ANSWER_FIELDS = ("question", "text", "answer", "tags", "share", "skipped", "spin", "dimension", "emotion", "stage")


#: The journey map's emotion scale: -2 (very unhappy) .. +2 (delighted).
EMOTIONS: tuple[int, ...] = tuple(EMOTION_LABELS)




@dataclass(frozen=True)
class Answer:
    """One entry of an interview's ``answers`` list.

    ``text`` is the question text for custom questions (and, with ``spin`` and ``dimension``, the
    v1 question behind a retired id). ``emotion`` (-2..+2, customer interviews) is how the customer
    said that part of the journey felt; None when not recorded. ``stage`` is the journey stage the
    answer is about when the consultant recorded it (a question asking for "the best moment" names
    no stage of its own); :func:`journey_stage_of` gives the stage the emotion belongs to.
    """

    question: str
    answer: str = ""
    text: str = ""
    tags: tuple[str, ...] = ()
    share: bool = False
    skipped: bool = False
    spin: str | None = None
    dimension: str | None = None
    emotion: int | None = None
    stage: str | None = None


def journey_stage_of(answer: Answer, bank: QuestionBank) -> str | None:
    """The journey stage an answer is about: its own ``stage``, else its question's ``journey_stage``."""
    if answer.stage:
        return answer.stage
    q = bank.questions.get(answer.question)
    return q.journey_stage if q is not None else None


@dataclass(frozen=True)
class Interview:
    """One interview file, validated. ``file`` is relative to the engagement folder."""

    file: str
    interviewee: str
    team: str
    role: str = ""
    level: str | None = None
    influence: str | None = None
    date: str | None = None
    audience: str = "executive"
    answers: tuple[Answer, ...] = ()
    internal_notes: str = ""
    #: The person agreed to be quoted by job title; otherwise quotes name their function only.
    named_by_title: bool = False
    #: The consultant showed the person their shared answers as the handout prints them, and they
    #: agreed although the words may be recognised (a small team, a sentence naming a role).
    quotes_checked: bool = False


def _stored_name(path: Path) -> str:
    try:
        data = load_yaml_text(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return ""
    return str(data.get("interviewee") or "").strip() if isinstance(data, dict) else ""


def find_interviews(folder: Path, name: str) -> list[Path]:
    """Interview files of ``folder`` for ``name``: files whose interviewee is ``name``, or named ``<name>.yaml``.

    Sorted by file name, so ``dana-whitfield.yaml`` comes before ``dana-whitfield-2.yaml``.
    """
    sub = Path(folder) / "interviews"
    if not sub.is_dir():
        return []
    wanted = str(name).strip().casefold()
    found = [p for p in sub.glob("*.yaml")
             if p.stem == str(name).strip() or _stored_name(p).casefold() == wanted]
    return sorted(found, key=lambda p: (len(p.stem), p.stem))


def interview_path(folder: Path, name: str, *, new: bool = False) -> Path:
    """Where the interview with ``name`` lives: the existing file, or a free ``<slug>[-n].yaml``.

    Parameters
    ----------
    folder : Path
        The engagement folder.
    name : str
        The interviewee's name, or the stem of an existing file (``"dana-whitfield-2"``).
    new : bool
        Always return a file name not yet taken (a second person with the same name), so two
        different interviews never share a file.
    """
    sub = Path(folder) / "interviews"
    if not new:
        existing = find_interviews(folder, name)
        if existing:
            return existing[0]
    base = slugify(name, "interview")
    candidate, n = sub / f"{base}.yaml", 1
    while candidate.exists():
        n += 1
        candidate = sub / f"{base}-{n}.yaml"
    return candidate


# ------------------------------------------------------------------------------------- reading
def _line_map(text: str) -> dict[tuple[Any, ...], int]:
    """Editor line (1-based) of every key and list item of a YAML text, by path."""
    try:
        root = compose_yaml(text)
    except yaml.YAMLError:
        return {}
    lines: dict[tuple[Any, ...], int] = {}

    def walk(node: Any, path: tuple[Any, ...], line: int) -> None:
        lines[path] = line
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, path + (key.value,), key.start_mark.line + 1)
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                walk(value, path + (i,), value.start_mark.line + 1)

    if root is not None:
        walk(root, (), 1)
    return lines


@lru_cache(maxsize=1)
def _template_stages() -> tuple[str, ...]:
    """Stage ids of the journey template, read once per process."""
    return journey_stage_ids()


def _answer(item: Any, i: int, rel: str, at: Any, bank: QuestionBank) -> tuple[Answer | None, list[Problem]]:
    """Validate one entry of ``answers`` (``i`` is its 0-based index)."""
    where = f"answers[{i + 1}]"
    if not isinstance(item, dict):
        return None, [Problem(rel, f"{where} is not a mapping", "each answer needs `question:` and `answer:` keys",
                              row=at("answers", i), field="answers")]
    problems: list[Problem] = []
    err = lambda key, msg, hint: problems.append(Problem(rel, msg, hint, row=at("answers", i, key) or at("answers", i),
                                                         field=f"{where}.{key}"))
    qid = text_of(item.get("question"))
    qtext = text_of(item.get("text"))
    if not qid:
        err("question", "the question id is missing",
            "write the bank id (e.g. sl_p_02) or custom_<n> for your own question")
    elif CUSTOM_ID.match(qid) and not qtext:
        err("text", f"{qid} is your own question but has no text", "write the question under `text:`")
    elif not CUSTOM_ID.match(qid) and qid not in bank.questions and qid not in bank.retired:
        if qtext:
            problems.append(warning(rel, f"question {qid} is not in the question bank; kept as your own question",
                                    "rename it custom_<n> to silence this", row=at("answers", i, "question"),
                                    field=f"{where}.question"))
        else:
            err("question", f"unknown question id {qid!r}",
                "use an id from templates/spin_questions.yaml, or custom_<n> with the question under `text:`")
    tags_raw = item.get("tags") or []
    if isinstance(tags_raw, str):
        tags_raw = [t for t in re.split(r"[,\s]+", tags_raw) if t]
    if not isinstance(tags_raw, list):
        err("tags", "tags must be a list", f"write e.g. tags: [pain, quote] using {', '.join(TAGS)}")
        tags_raw = []
    tags = tuple(dict.fromkeys(text_of(t).lower() for t in tags_raw))
    for t in tags:
        if t not in TAGS:
            err("tags", f"unknown tag {t!r}", f"use only: {', '.join(TAGS)}")
    flags = {}
    for key in ("share", "skipped"):
        value = item.get(key)
        if value is not None and not isinstance(value, bool):
            err(key, f"{key} must be true or false, not {value!r}", f"write `{key}: true` or `{key}: false`")
        flags[key] = value is True
    spin = choice_of(item.get("spin"), SPIN_TYPES)
    dim = choice_of(item.get("dimension"), DIMENSIONS)
    if spin and spin.startswith("?"):
        err("spin", f"unknown SPIN type {spin[1:]!r}", f"use one of: {', '.join(SPIN_TYPES)}")
    if dim and dim.startswith("?"):
        err("dimension", f"unknown dimension {dim[1:]!r}", f"use one of: {', '.join(DIMENSIONS)}")
    emotion = item.get("emotion")
    if emotion is not None and (isinstance(emotion, bool) or emotion not in EMOTIONS):
        err("emotion", f"emotion must be a whole number from -2 (very unhappy) to +2 (delighted), not {emotion!r}",
            "write e.g. `emotion: -1`, or leave it out")
        emotion = None
    stage = item.get("stage")
    known = _template_stages() if stage is not None else ()
    if stage is not None and not (isinstance(stage, str) and re.fullmatch(r"[a-z][a-z0-9_]*", stage.strip())):
        err("stage", f"stage must be the id of a journey stage, not {stage!r}",
            f"write e.g. `stage: onboarding` (the template's stages: {', '.join(known) or 'see journey.yaml'})")
        stage = None
    stage = stage.strip() if isinstance(stage, str) else None
    if stage and known and stage not in known:
        problems.append(warning(rel, f"stage {stage!r} is not a stage of the journey template",
                                f"use one of {', '.join(known)}, or the id of a stage your journey.yaml adds",
                                row=at("answers", i, "stage"), field=f"{where}.stage"))
    q = bank.questions.get(qid)
    if emotion is not None and not stage and (q is None or not q.journey_stage):
        problems.append(warning(rel, f"the emotion of {qid or where} names no journey stage, so it cannot be set "
                                "beside the journey map", "add `stage:` with the stage the customer was talking about",
                                row=at("answers", i, "emotion"), field=f"{where}.stage"))
    answer = item.get("answer")
    if isinstance(answer, bool):  # YAML reads a bare yes / no as a boolean
        answer = "Yes" if answer else "No"
    if isinstance(answer, (dict, list)):
        err("answer", "the answer must be text",
            "put the answer in quotes on one line, or use `answer: |` for several lines")
        answer = None
    for key in item:
        if key not in ANSWER_FIELDS:
            problems.append(warning(rel, f"unknown key {key!r} is ignored",
                                    f"check the spelling; keys are: {', '.join(ANSWER_FIELDS)}",
                                    row=at("answers", i, key), field=f"{where}.{key}"))
    if any(p.is_error for p in problems):
        return None, problems
    old = bank.retired.get(qid)
    if old is not None:  # a v1 question whose id the bank retired: read as what was asked
        qtext, spin, dim = qtext or old.question.text, spin or old.question.spin, dim or old.question.dimension
    return Answer(qid, text_of(answer), qtext, tuple(t for t in tags if t in TAGS), flags["share"], flags["skipped"],
                  spin, dim, int(emotion) if emotion is not None else None, stage), problems


def read_interview(path: Path, rel: str, bank: QuestionBank | None = None) -> tuple[Interview | None, list[Problem]]:
    """Read and validate one interview file.

    Parameters
    ----------
    path : Path
        The YAML file.
    rel : str
        Its name relative to the engagement folder, shown in messages (``interviews/ana.yaml``).
    bank : QuestionBank, optional
        Defaults to the bundled question bank.

    Returns
    -------
    (interview, problems)
        ``interview`` is None when the file has an error; warnings do not block.
    """
    bank = bank or load_questions()
    data, problems = read_yaml(path, rel)
    if data is None:
        return None, problems
    if not isinstance(data, dict):
        return None, [Problem(rel, "does not hold interview fields",
                              "start with `interviewee: <name>` and `team: sales`, one field per line")]
    text, _ = read_text(path, rel)
    lines = _line_map(text or "")
    at = lambda *keys: lines.get(tuple(keys))
    err = lambda key, msg, hint: problems.append(Problem(rel, msg, hint, row=at(key), field=key))
    name = text_of(data.get("interviewee"))
    if not name:
        err("interviewee", "the interviewee's name is missing", "add e.g. `interviewee: Dana Whitfield`")
    team = choice_of(data.get("team"), TEAMS, TEAM_ALIASES)
    if team is None or team.startswith("?"):
        err("team", "the team is missing" if team is None else f"unknown team {team[1:]!r}",
            f"use one of: {', '.join(TEAMS)}")
    level = choice_of(data.get("level"), LEVELS)
    if level and level.startswith("?"):
        err("level", f"unknown level {level[1:]!r}", "use leader or staff, or leave it out")
    influence = choice_of(data.get("influence"), INFLUENCES, INFLUENCE_ALIASES)
    if influence and influence.startswith("?"):
        err("influence", f"unknown buying-influence role {influence[1:]!r}", f"use one of: {', '.join(INFLUENCES)}")
    when = data.get("date")
    if isinstance(when, datetime):
        when = when.date()
    if isinstance(when, str) and when.strip():
        try:
            when = date.fromisoformat(when.strip())
        except ValueError:
            err("date", f"date {when!r} is not a date", "write it as YYYY-MM-DD, e.g. 2026-09-14")
    elif when is not None and not isinstance(when, date) and not (isinstance(when, str)):
        err("date", f"date {when!r} is not a date", "write it as YYYY-MM-DD, e.g. 2026-09-14")
    audience = text_of(data.get("audience"))
    if audience and audience not in bank.audiences:
        err("audience", f"unknown audience {audience!r}", f"use one of: {', '.join(bank.audiences)}")
    notes = data.get("internal_notes")
    if notes is not None and not isinstance(notes, str):
        notes = str(notes)
    raw_answers = data.get("answers")
    if raw_answers is None:
        raw_answers = []
    if not isinstance(raw_answers, list):
        err("answers", "answers must be a list", "write one `- question: ...` entry per question asked")
        raw_answers = []
    answers: list[Answer] = []
    seen: set[str] = set()
    for i, item in enumerate(raw_answers):
        ans, found = _answer(item, i, rel, at, bank)
        problems.extend(found)
        if ans is not None:
            if ans.question in seen and not ans.skipped:
                problems.append(warning(rel, f"question {ans.question} appears twice; both answers are kept",
                                        "merge the two entries if that was a slip", row=at("answers", i),
                                        field="answers"))
            seen.add(ans.question)
            answers.append(ans)
    named = data.get("named_by_title", False)
    if not isinstance(named, bool):
        err("named_by_title", f"named_by_title must be true or false, not {named!r}",
            "write `named_by_title: true` only when the person agreed to be quoted by job title")
        named = False
    checked = data.get("quotes_checked", False)
    if not isinstance(checked, bool):
        err("quotes_checked", f"quotes_checked must be true or false, not {checked!r}",
            "write `quotes_checked: true` only after the person has seen their shared answers as the handout prints them")
        checked = False
    for key in data:
        if key not in INTERVIEW_FIELDS:
            problems.append(warning(rel, f"unknown field {key!r} is ignored",
                                    f"check the spelling; fields are: {', '.join(INTERVIEW_FIELDS)}",
                                    row=at(key), field=str(key)))
    if any(p.is_error for p in problems):
        return None, problems
    return Interview(rel, name, team or "other", text_of(data.get("role")), level, influence,
                     when.isoformat() if isinstance(when, date) else None,
                     audience or default_audience(team, level), tuple(answers), text_of(notes), named,
                     checked), problems


def read_interviews(folder: Path, questions: QuestionBank | None = None) -> tuple[list[Interview], list[Problem]]:
    """Read every ``interviews/*.yaml`` of an engagement folder; all problems of all files at once.

    Returns ``([], [])`` when the folder has no ``interviews/`` sub-folder. Files that start with
    a dot (temporary files of an interrupted save) are ignored.
    """
    sub = Path(folder) / "interviews"
    if not sub.is_dir():
        return [], []
    interviews: list[Interview] = []
    problems: list[Problem] = []
    files = sorted(p for p in sub.iterdir() if p.suffix.lower() in {".yaml", ".yml"} and not p.name.startswith("."))
    for path in files:
        interview, found = read_interview(path, f"interviews/{path.name}", questions)
        problems.extend(found)
        if interview is not None:
            interviews.append(interview)
    return interviews, problems
