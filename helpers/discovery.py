"""SPIN discovery interviews: the question bank, interview files, and their synthesis.

The consultant interviews people on both sides with SPIN questions (Situation, Problem,
Implication, Need-payoff; Rackham 1988) and records each interview in
``interviews/<slug>.yaml`` (schema pinned in the team contract). This module loads and
validates the question bank (``templates/spin_questions.yaml``) and the interview files, and
condenses them into the ``discovery`` part of the results dict. It is pure: no widgets, no
plotting, no printing. The bank itself lives in :mod:`helpers.discovery_bank` and the stakeholder
map in :mod:`helpers.discovery_stakeholders`; both are re-exported here.

Confidentiality: only answers with ``share: true`` carry their text into the output of
:func:`synthesize`. Unshared answers contribute counts only, and ``internal_notes`` never
leave the interview file. Quotes are attributed by team and job title, never by name.

Schema of :func:`synthesize` (``results["discovery"]``; JSON-serialisable; None when there are
neither interviews nor stakeholders). Team keys are ``sales``, ``marketing``, ``executive``,
``other``; SPIN keys ``situation``, ``problem``, ``implication``, ``need_payoff``; dimension keys
are the eight instrument dimensions plus ``other`` (a consultant's own question with no
dimension); shares are fractions 0..1 rounded to 4 decimals::

    {
      "interviews": 5,                                  # interview files
      "teams": {"sales": 2, "marketing": 2, "executive": 1, "other": 0},   # interviews per team
      "answered": 41,                                   # non-empty, non-skipped answers
      "shared": 9,                                      # of which the client may see
      "dimension_labels": {"goals": "Shared goals", ...},
      "by_dimension": {"handoff": {"situation": 2, "problem": 5, "implication": 3,
                                   "need_payoff": 1, "total": 11}, ...},   # every dimension key present
      "by_spin": {"situation": 10, "problem": 14, "implication": 9, "need_payoff": 8},
      "tags": {"pain": {"answers": 12, "interviews": 4, "share": 0.8}, "implication": {...},
               "need": {...}, "quote": {...}},          # share = interviews raising it / interviews
      "tags_by_team": {"sales": {"pain": 7, "implication": 3, "need": 2, "quote": 3}, ...},
      "pains": {"sales": [{"dimension": "handoff", "label": "Lead hand-off", "answers": 4,
                           "interviews": 2, "share": 1.0}, ...],   # answers tagged pain, most raised first
                "marketing": [...], "executive": [...], "other": [...]},
      "pain_dimensions": {"handoff": {"answers": 6, "interviews": 4, "share": 0.8, "sales": 4,
                                      "marketing": 2, "executive": 0, "other": 0}, ...},  # only dims with pains
      "quotes": {"sales": [Quote, ...], "marketing": [...], "executive": [...], "other": [...]},
      "implications": [Quote, ...],                     # shared answers tagged implication
      "needs": [Quote, ...],                            # shared answers tagged need
      "stakeholders": [{"name": "Dana Whitfield", "role": "VP Sales", "team": "sales",
                        "influence": "economic" | "user" | "technical" | "coach" | None,
                        "interviewed": True, "listed": True}],   # listed: in engagement.yaml
      "roles": {"economic": {"people": ["Dana Whitfield"], "interviewed": ["Dana Whitfield"]},
                "user": {...}, "technical": {...}, "coach": {...}},
      "uncovered_roles": ["technical"],                 # influence roles nobody holds
      "economic_buyer_interviewed": True | False | None,   # None: no economic buyer known
      "red_flags": [{"code": "...", "message": "plain words", "role": str | None,
                     "person": str | None}],
    }

    Quote = {"text": "the answer as said", "team": "sales", "role": "VP Sales" (job title),
             "level": "leader" | "staff" | None, "question": "the question asked",
             "question_id": "sl_p_02", "spin": "problem" | ... | None,
             "dimension": "handoff", "label": "Lead hand-off", "tags": ["pain", "quote"]}

Red-flag codes: ``uncovered_role`` (an influence role nobody holds), ``economic_not_interviewed``,
``several_economic`` (Miller Heiman expects one economic buyer), ``role_not_interviewed`` (a role
held only by people not interviewed), ``influence_unknown`` (a person with no role recorded),
``team_not_interviewed`` (no interview from sales or from marketing), ``new_player`` (an
interviewee missing from the engagement's stakeholder list), ``interview_missing`` (a stakeholder
marked interviewed with no interview file).

A quote is a shared answer tagged ``quote``, or a shared answer tagged neither ``implication`` nor
``need`` (those go to their own lists).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from helpers.discovery_bank import (ANSWER_FIELDS, AUDIENCES, CUSTOM_ID, DEFAULT_BANK, DIMENSIONS, INFLUENCE_ALIASES,
                                    INFLUENCE_LABELS, INFLUENCES, INTERVIEW_FIELDS, LEVELS, SPIN_TYPES, TAGS,
                                    TEAM_ALIASES, TEAMS, Question, QuestionBank, choice_of, default_audience,
                                    load_questions, read_question_bank, text_of)
from helpers.discovery_stakeholders import stakeholder_map
from helpers.fileio import read_text, read_yaml
from helpers.problems import Problem, warning

__all__ = ["ANSWER_FIELDS", "AUDIENCES", "CUSTOM_ID", "DEFAULT_BANK", "DIMENSIONS", "INFLUENCE_LABELS", "INFLUENCES",
           "INTERVIEW_FIELDS", "LEVELS", "SPIN_TYPES", "TAGS", "TEAMS", "Answer", "Interview", "Question",
           "QuestionBank", "default_audience", "find_interviews", "interview_path", "load_questions",
           "read_interview", "read_interviews", "read_question_bank", "slugify", "stakeholder_map", "synthesize"]


@dataclass(frozen=True)
class Answer:
    """One entry of an interview's ``answers`` list (``text`` is the question text for custom questions)."""

    question: str
    answer: str = ""
    text: str = ""
    tags: tuple[str, ...] = ()
    share: bool = False
    skipped: bool = False
    spin: str | None = None
    dimension: str | None = None


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


# ------------------------------------------------------------------------------------- file names
def slugify(name: str) -> str:
    """A file-name-safe slug of a person's name: ``"Dana Whitfield" -> "dana-whitfield"``."""
    ascii_name = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "interview"


def _stored_name(path: Path) -> str:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
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
    base = slugify(name)
    candidate, n = sub / f"{base}.yaml", 1
    while candidate.exists():
        n += 1
        candidate = sub / f"{base}-{n}.yaml"
    return candidate


# ------------------------------------------------------------------------------------- reading
def _line_map(text: str) -> dict[tuple[Any, ...], int]:
    """Editor line (1-based) of every key and list item of a YAML text, by path."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
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
    elif not CUSTOM_ID.match(qid) and qid not in bank.questions:
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
    return Answer(qid, text_of(answer), qtext, tuple(t for t in tags if t in TAGS), flags["share"], flags["skipped"],
                  spin, dim), problems


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
    for key in data:
        if key not in INTERVIEW_FIELDS:
            problems.append(warning(rel, f"unknown field {key!r} is ignored",
                                    f"check the spelling; fields are: {', '.join(INTERVIEW_FIELDS)}",
                                    row=at(key), field=str(key)))
    if any(p.is_error for p in problems):
        return None, problems
    return Interview(rel, name, team or "other", text_of(data.get("role")), level, influence,
                     when.isoformat() if isinstance(when, date) else None,
                     audience or default_audience(team, level), tuple(answers), text_of(notes)), problems


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


# ------------------------------------------------------------------------------------- synthesis
def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _resolve(ans: Answer, bank: QuestionBank) -> tuple[str, str | None, str]:
    """(question text, SPIN type, dimension) of an answer; own questions use their own keys."""
    q = bank.questions.get(ans.question)
    if q is not None and not CUSTOM_ID.match(ans.question):
        return q.text, q.spin, q.dimension
    return ans.text, ans.spin, ans.dimension or "other"


def synthesize(interviews: list[Interview], stakeholders: list[dict] | None,
               questions: QuestionBank | None = None) -> dict | None:
    """Condense interviews and the stakeholder list into ``results["discovery"]``.

    Parameters
    ----------
    interviews : list of Interview
        From :func:`read_interviews`.
    stakeholders : list of dict
        ``engagement.yaml`` stakeholders: ``name, role, team, influence, interviewed``.
    questions : QuestionBank, optional
        Defaults to the bundled bank.

    Returns
    -------
    dict or None
        See the module docstring for the schema; None when there are neither interviews nor
        stakeholders. Only answers marked ``share: true`` carry their text into it.
    """
    stakeholders = [s for s in (stakeholders or []) if isinstance(s, dict) and text_of(s.get("name"))]
    if not interviews and not stakeholders:
        return None
    bank = questions or load_questions()
    labels = {**bank.dimensions, "other": "Other"}
    n = len(interviews)
    team_n = {t: sum(iv.team == t for iv in interviews) for t in TEAMS}
    by_dim = {d: {**{s: 0 for s in SPIN_TYPES}, "total": 0} for d in labels}
    by_spin = {s: 0 for s in SPIN_TYPES}
    tag_answers = {t: 0 for t in TAGS}
    tag_ivs: dict[str, set[int]] = {t: set() for t in TAGS}
    tags_by_team = {team: {t: 0 for t in TAGS} for team in TEAMS}
    pain_counts: dict[tuple[str, str], int] = {}
    pain_ivs: dict[tuple[str, str], set[int]] = {}
    quotes: dict[str, list[dict]] = {t: [] for t in TEAMS}
    implications: list[dict] = []
    needs: list[dict] = []
    answered = shared = 0
    for k, iv in enumerate(interviews):
        for ans in iv.answers:
            if ans.skipped or not ans.answer:
                continue
            answered += 1
            qtext, spin, dim = _resolve(ans, bank)
            by_dim[dim]["total"] += 1
            if spin:
                by_dim[dim][spin] += 1
                by_spin[spin] += 1
            for t in ans.tags:
                tag_answers[t] += 1
                tag_ivs[t].add(k)
                tags_by_team[iv.team][t] += 1
            if "pain" in ans.tags:
                key = (iv.team, dim)
                pain_counts[key] = pain_counts.get(key, 0) + 1
                pain_ivs.setdefault(key, set()).add(k)
            if not ans.share:
                continue  # unshared: counted above, its words stay in the file
            shared += 1
            quote = {"text": ans.answer, "team": iv.team, "role": iv.role, "level": iv.level, "question": qtext,
                     "question_id": ans.question, "spin": spin, "dimension": dim, "label": labels[dim],
                     "tags": list(ans.tags)}
            if "implication" in ans.tags:
                implications.append(quote)
            if "need" in ans.tags:
                needs.append(quote)
            if "quote" in ans.tags or not {"implication", "need"} & set(ans.tags):
                quotes[iv.team].append(quote)
    order = list(labels)
    pains = {team: sorted(({"dimension": d, "label": labels[d], "answers": c, "interviews": len(pain_ivs[(t, d)]),
                            "share": _share(len(pain_ivs[(t, d)]), team_n[team])}
                           for (t, d), c in pain_counts.items() if t == team),
                          key=lambda p: (-p["answers"], -p["interviews"], order.index(p["dimension"])))
             for team in TEAMS}
    pain_dimensions = {}
    for d in order:
        ivs = set().union(*(pain_ivs.get((t, d), set()) for t in TEAMS))
        if ivs:
            pain_dimensions[d] = {"answers": sum(pain_counts.get((t, d), 0) for t in TEAMS),
                                  "interviews": len(ivs), "share": _share(len(ivs), n),
                                  **{t: pain_counts.get((t, d), 0) for t in TEAMS}}
    people, roles, flags = stakeholder_map(interviews, stakeholders)
    economic = roles["economic"]
    return {
        "interviews": n, "teams": team_n, "answered": answered, "shared": shared,
        "dimension_labels": labels, "by_dimension": by_dim, "by_spin": by_spin,
        "tags": {t: {"answers": tag_answers[t], "interviews": len(tag_ivs[t]), "share": _share(len(tag_ivs[t]), n)}
                 for t in TAGS},
        "tags_by_team": tags_by_team, "pains": pains, "pain_dimensions": pain_dimensions,
        "quotes": quotes, "implications": implications, "needs": needs,
        "stakeholders": people, "roles": roles,
        "uncovered_roles": [r for r in INFLUENCES if not roles[r]["people"]],
        "economic_buyer_interviewed": bool(economic["interviewed"]) if economic["people"] else None,
        "red_flags": flags,
    }
