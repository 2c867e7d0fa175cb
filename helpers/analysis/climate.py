"""The C-suite climate the interviews point to (consultant only; never in a client output).

Seed 003 of the domain primer names three ways leadership frames the two functions: **the
Fatalists** (the conflict is accepted as a fact of business), **the Recovering Marketeers**
(everything put under marketing) and **the Sales Driver** (marketing put under the sales VP).
The question bank (version 2) describes each under ``climates``: cue phrases (``sounds_like``),
observable signs, what it implies for the plan, and the ``climate: true`` questions whose answers
reveal it.

The reading is a pointer for the consultant, not a measurement:

* an answer (given, not skipped) is **evidence** for a climate when it says one of the climate's
  cue phrases in substance: it holds at least half (and at least two) of the phrase's content
  words; a phrase with fewer than two content words must be said word for word. Generic words
  of this domain ("sales", "marketing", "team") do not count, so an answer does not match merely
  by naming the teams;
* a climate is **pointed to** when answers from at least :data:`MIN_INTERVIEWS` interviews are
  evidence for it and it has evidence from more interviews than any other climate;
  ``mixed`` when two or more climates tie at the top with that much evidence; otherwise
  ``no clear pattern``.

Every piece of evidence is quoted with the question it answered, so the consultant can judge it.
Unshared answers are quoted too: this reading is only ever in the consultant's document.
Pure: no files, no printing.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TypedDict

from helpers.content.question_bank import QuestionBank
from helpers.engagement.interviews import Interview
from helpers.vocabulary import speaker

#: Interviews a climate needs evidence from before the reading points to it.
MIN_INTERVIEWS = 2
#: Verdicts of the reading.
POINTS_TO, MIXED, UNCLEAR = "points to", "mixed", "no clear pattern"

#: Words that carry no signal for a climate (common English, and this domain's own vocabulary).
_STOP = frozenset("""
a an the and or but if of to in on at by for with from into over under about as is are was were be been being
it its it's this that these those there their they them theyre we our us you your i me my he she his her
do does did done have has had just only very much more most some any all every each no not nor now then than
so too also can could would should will may might must get got gets like one two what when where which who how
sales sale marketing marketer marketers team teams people company business work lead leads
""".split())


class ClimateEvidence(TypedDict):
    """One answer that fits a climate: what was said, by whom (role and team), to which question."""

    text: str
    interviewee: str
    speaker: str
    question_id: str
    question: str
    cue: str
    shared: bool


class ClimatePattern(TypedDict):
    """One climate with the interviews and answers that fit it."""

    id: str
    label: str
    summary: str
    signals: list[str]
    implies: str
    interviews: int
    evidence: list[ClimateEvidence]


class ClimateReading(TypedDict):
    """``results["discovery"]["climate"]``: which pattern the interviews point to.

    ``verdict`` is :data:`POINTS_TO`, :data:`MIXED` or :data:`UNCLEAR`; ``pattern`` the id of the
    climate pointed to (None otherwise); ``asked`` how many answers to the bank's climate
    questions were given; ``patterns`` every climate, most evidence first.
    """

    verdict: str
    pattern: str | None
    label: str | None
    asked: int
    patterns: list[ClimatePattern]


def _words(text: str) -> list[str]:
    """Content words of ``text``: lower case, no accents or punctuation, no stop words."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    plain = re.sub(r"[\u2019']", "", plain)
    return [w for w in re.findall(r"[a-z0-9]+", plain) if w not in _STOP and len(w) > 2]


def _plain(text: str) -> str:
    """``text`` lower case, without accents, apostrophes or punctuation, single-spaced."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(re.findall(r"[a-z0-9]+", re.sub(r"[\u2019']", "", plain)))


def _matches(answer: str, words: set[str], phrase: str, cue: list[str]) -> bool:
    """Whether an answer says the cue phrase in substance (see the module docstring).

    ``answer`` and ``phrase`` are plain text (:func:`_plain`), ``words`` the answer's content
    words, ``cue`` the phrase's. A phrase with fewer than two content words ("Marketing is there
    to support sales.") matches only when said word for word: one word alone is no evidence.
    """
    distinct = set(cue)
    if len(distinct) < 2:
        return bool(phrase) and f" {phrase} " in f" {answer} "
    return sum(w in words for w in distinct) >= max(2, (len(distinct) + 1) // 2)


def read_climate(interviews: list[Interview], bank: QuestionBank) -> ClimateReading | None:
    """Which C-suite climate the interviews point to, with the answers that show it.

    Parameters
    ----------
    interviews : list of Interview
        The engagement's interviews.
    bank : QuestionBank
        A bank with ``climates`` (version 2).

    Returns
    -------
    ClimateReading or None
        None when the bank describes no climate or there is no interview.
    """
    if not bank.climates or not interviews:
        return None
    climate_questions = {q.id for q in bank.questions.values() if q.climate}
    asked = 0
    patterns: list[ClimatePattern] = []
    cues = {c.id: [(phrase, _plain(phrase), _words(phrase)) for phrase in c.sounds_like] for c in bank.climates}
    found: dict[str, list[tuple[int, ClimateEvidence]]] = {c.id: [] for c in bank.climates}
    for k, iv in enumerate(interviews):
        for ans in iv.answers:
            if ans.skipped or not ans.answer:
                continue
            asked += ans.question in climate_questions
            words, said = set(_words(ans.answer)), _plain(ans.answer)
            q = bank.lookup(ans.question)
            for climate in bank.climates:
                cue = next((phrase for phrase, plain, w in cues[climate.id] if _matches(said, words, plain, w)), None)
                if cue is None:
                    continue
                found[climate.id].append((k, {
                    "text": ans.answer, "interviewee": iv.interviewee,
                    "speaker": iv.role or speaker(iv.team, iv.level),
                    "question_id": ans.question, "question": q.text if q is not None else ans.text,
                    "cue": cue, "shared": ans.share}))
    for climate in bank.climates:
        hits = found[climate.id]
        patterns.append({"id": climate.id, "label": climate.label, "summary": climate.summary,
                         "signals": list(climate.signals), "implies": climate.implies,
                         "interviews": len({k for k, _ in hits}), "evidence": [e for _, e in hits]})
    patterns.sort(key=lambda p: -p["interviews"])
    top = [p for p in patterns if p["interviews"] == patterns[0]["interviews"] and p["interviews"] >= MIN_INTERVIEWS]
    if len(top) == 1:
        return {"verdict": POINTS_TO, "pattern": top[0]["id"], "label": top[0]["label"], "asked": asked,
                "patterns": patterns}
    return {"verdict": MIXED if top else UNCLEAR, "pattern": None, "label": None, "asked": asked,
            "patterns": patterns}
