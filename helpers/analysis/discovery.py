"""SPIN discovery interviews: the question bank, interview files, and their synthesis.

The consultant interviews people on both sides with SPIN questions (Situation, Problem,
Implication, Need-payoff; Rackham 1988) and records each interview in
``interviews/<slug>.yaml`` (schema pinned in the team contract). This module loads and
validates the question bank (``templates/spin_questions.yaml``) and the interview files, and
condenses them into the ``discovery`` part of the results dict. It is pure: no widgets, no
plotting, no printing. The bank itself lives in :mod:`helpers.discovery_bank`, reading and
validating the interview files in :mod:`helpers.discovery_files` and the stakeholder map in
:mod:`helpers.discovery_stakeholders`; all three are re-exported here.

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
      "team_interviews": 5,                             # of which the client's own people (not audience: customer)
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
                           "interviews": 2, "share": 1.0}, ...],   # answers tagged pain, most raised first;
                                                                   # a customer's answers are not counted
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
      "climate": ClimateReading | None,                 # consultant only (helpers.analysis.climate);
                                                        # None without climates in the bank
      "customer_emotions": [CustomerEmotion, ...],      # consultant only: how customers said each
                                                        # journey stage felt, in interview order
    }

    CustomerEmotion = {"stage": "onboarding" | None, "emotion": -2..2, "question_id": "cu_s_04",
                       "question": "the question asked", "text": "the answer" (only when shared, else ""),
                       "shared": bool}

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
from collections import Counter
from typing import Any, TypedDict
from helpers.content.question_bank import CUSTOM_ID
from helpers.vocabulary import INFLUENCES, QUOTE_GROUP, SPIN_TYPES, TAGS, TEAMS, quote_speaker, text_of
from helpers.content.question_bank import QuestionBank, load_questions
from helpers.engagement.interviews import Answer, Interview, journey_stage_of
from helpers.analysis.stakeholders import RedFlag, RoleCoverage, Stakeholder, stakeholder_map
from helpers.analysis.climate import ClimateReading, read_climate


#: First words of an answer that only makes sense with its question ("Not much, honestly.").
ANSWER_OPENERS = re.compile(r"^(yes|no|not|none|nothing|never|maybe|probably|perhaps|honestly|it|that|this|those|"
                            r"they|them|both|neither|either|sometimes|rarely|often|about|around|only|depends|"
                            r"it's|that's|because|mostly|mainly|definitely|absolutely|sure|well|hard to say)\b", re.I)

#: Answers shorter than this many words are shown under their question.
SHORT_ANSWER_WORDS = 12


def needs_question(text: str) -> bool:
    """Whether a quote reads as a fragment without its question: short, or opening with a reply word."""
    words = text.split()
    return len(words) < SHORT_ANSWER_WORDS or bool(ANSWER_OPENERS.match(text.strip().lstrip("\"'\u201c\u2018")))


class Quote(TypedDict):
    """A shared answer as the client may read it: attributed by function, never by name.

    ``role`` (the job title) is filled only when the interview records ``named_by_title: true``;
    ``speaker`` is what the handout prints ("A seller", or the job title with consent).
    ``level``, ``question_id`` and ``question`` are None in the client's view
    (:func:`helpers.results.client_view`), ``question`` except where the handout prints it
    (:func:`needs_question`): each interview guide has its own questions, so they would say which
    of a team's interviewees spoke.
    """

    text: str
    team: str
    role: str
    speaker: str
    level: str | None
    question: str | None
    question_id: str | None
    spin: str | None
    dimension: str
    label: str
    tags: list[str]


class CustomerEmotion(TypedDict):
    """How a customer said one part of the journey felt (an interview answer with ``emotion``).

    ``stage`` is the journey stage the answer is about (None when neither the answer nor its
    question names one); ``text`` carries the answer only when it is shared (``share: true``).
    """

    stage: str | None
    emotion: int
    question_id: str
    question: str
    text: str
    shared: bool


class TagCount(TypedDict):
    """Answers carrying a tag, the interviews they come from, and that as a share of all interviews."""

    answers: int
    interviews: int
    share: float


class PainRow(TypedDict):
    """A dimension one team raised pains about: answers tagged pain, interviews, share of the team's interviews."""

    dimension: str
    label: str
    answers: int
    interviews: int
    share: float


class PainDimension(TypedDict):
    """Pains about one dimension across all teams, with the answers per team."""

    answers: int
    interviews: int
    share: float
    sales: int
    marketing: int
    executive: int
    other: int


class DiscoverySynthesis(TypedDict):
    """``results["discovery"]``: the interviews condensed (schema in the module docstring)."""

    interviews: int
    team_interviews: int
    teams: dict[str, int]
    answered: int
    shared: int
    dimension_labels: dict[str, str]
    by_dimension: dict[str, dict[str, int]]
    by_spin: dict[str, int]
    tags: dict[str, TagCount]
    tags_by_team: dict[str, dict[str, int]]
    pains: dict[str, list[PainRow]]
    pain_dimensions: dict[str, PainDimension]
    quotes: dict[str, list[Quote]]
    implications: list[Quote]
    needs: list[Quote]
    stakeholders: list[Stakeholder]
    roles: dict[str, RoleCoverage]
    uncovered_roles: list[str]
    economic_buyer_interviewed: bool | None
    red_flags: list[RedFlag]
    attribution_checks: list[str]
    climate: ClimateReading | None
    customer_emotions: list[CustomerEmotion]


# ------------------------------------------------------------------------------------- synthesis
def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _resolve(ans: Answer, bank: QuestionBank) -> tuple[str, str | None, str]:
    """(question text, SPIN type, dimension) of an answer; own questions use their own keys."""
    q = bank.questions.get(ans.question)
    if q is not None and not CUSTOM_ID.match(ans.question):
        return q.text, q.spin, q.dimension
    return ans.text, ans.spin, ans.dimension or "other"


def synthesize(interviews: list[Interview], stakeholders: list[dict[str, Any]] | None,
               questions: QuestionBank | None = None) -> DiscoverySynthesis | None:
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
    own_n = sum(iv.audience != "customer" for iv in interviews)  # the client's own people
    team_n = {t: sum(iv.team == t for iv in interviews) for t in TEAMS}
    level_n = Counter((iv.team, iv.level) for iv in interviews)
    guide_n = Counter((iv.team, iv.audience) for iv in interviews)  # interviews per team and question guide
    by_dim = {d: {**{s: 0 for s in SPIN_TYPES}, "total": 0} for d in labels}
    by_spin = {s: 0 for s in SPIN_TYPES}
    tag_answers = {t: 0 for t in TAGS}
    tag_ivs: dict[str, set[int]] = {t: set() for t in TAGS}
    tags_by_team = {team: {t: 0 for t in TAGS} for team in TEAMS}
    pain_counts: dict[tuple[str, str], int] = {}
    pain_ivs: dict[tuple[str, str], set[int]] = {}
    quotes: dict[str, list[Quote]] = {t: [] for t in TEAMS}
    implications: list[Quote] = []
    needs: list[Quote] = []
    answered = shared = 0
    held_back: dict[str, int] = {}   # executive name -> shared answers not quoted (see below)
    unchecked: dict[str, int] = {}   # interviewee -> shared answers held until the speaker has seen them
    held_why: dict[str, list[str]] = {}  # interviewee -> why those answers could be traced to them
    to_check: dict[str, list[Quote]] = {t: [] for t in TEAMS}   # quoted, not yet seen by their speaker
    emotions: list[CustomerEmotion] = []
    for k, iv in enumerate(interviews):
        for ans in iv.answers:
            if ans.skipped or (not ans.answer and ans.emotion is None):
                continue
            qtext, spin, dim = _resolve(ans, bank)
            if ans.emotion is not None:
                emotions.append({"stage": journey_stage_of(ans, bank), "emotion": ans.emotion,
                                 "question_id": ans.question, "question": qtext,
                                 "text": ans.answer if ans.share else "", "shared": ans.share})
            if not ans.answer:
                continue
            answered += 1
            by_dim[dim]["total"] += 1
            if spin:
                by_dim[dim][spin] += 1
                by_spin[spin] += 1
            for t in ans.tags:
                tag_answers[t] += 1
                tag_ivs[t].add(k)
                tags_by_team[iv.team][t] += 1
            if "pain" in ans.tags and iv.audience != "customer":  # the client's own teams' pains only
                key = (iv.team, dim)
                pain_counts[key] = pain_counts.get(key, 0) + 1
                pain_ivs.setdefault(key, set()).add(k)
            if not ans.share:
                continue  # unshared: counted above, its words stay in the file
            shared += 1
            if iv.team == "executive" and not iv.named_by_title and team_n["executive"] < QUOTE_GROUP:
                # "a member of the leadership team" is one or two people the client can name: an
                # executive is quoted only with consent to be named by title
                held_back[iv.interviewee] = held_back.get(iv.interviewee, 0) + 1
                continue
            traced = ("they are quoted by job title" if iv.named_by_title else
                      "few people of their team were interviewed" if team_n[iv.team] < QUOTE_GROUP else
                      "the words name a role" if POINTING.search(ans.answer) else
                      # each interview guide asks its own questions on its own topics, and the
                      # question bank is public: a quote's topic, its kind of question and (above a
                      # short answer) the question itself say which guide it came from, so it
                      # points to one of the few people interviewed with that guide
                      "its question and topic come from an interview guide fewer than "
                      f"{QUOTE_GROUP} people of their team answered"
                      if guide_n[(iv.team, iv.audience)] < QUOTE_GROUP else "")
            if not iv.quotes_checked and traced:
                # words that can be traced to one person reach the client only once that person
                # has seen them as printed (``quotes_checked: true`` in the interview)
                unchecked[iv.interviewee] = unchecked.get(iv.interviewee, 0) + 1
                if traced not in held_why.setdefault(iv.interviewee, []):
                    held_why[iv.interviewee].append(traced)
                continue
            quote: Quote = {"text": ans.answer, "team": iv.team, "role": iv.role if iv.named_by_title else "",
                            "speaker": iv.role if iv.named_by_title and iv.role else quote_speaker(
                                iv.team, iv.level, level_n[(iv.team, iv.level)]),
                            "level": iv.level, "question": qtext,
                     "question_id": ans.question, "spin": spin, "dimension": dim, "label": labels[dim],
                     "tags": list(ans.tags)}
            if "implication" in ans.tags:
                implications.append(quote)
            if "need" in ans.tags:
                needs.append(quote)
            if "quote" in ans.tags or not {"implication", "need"} & set(ans.tags):
                quotes[iv.team].append(quote)
            if not iv.quotes_checked:
                to_check[iv.team].append(quote)
    order = list(labels)

    def rank(item: tuple[tuple[str, str], int]) -> tuple[int, int, int]:  # most answers, then interviews, then bank order
        (t, d), c = item
        return -c, -len(pain_ivs[(t, d)]), order.index(d)

    pains: dict[str, list[PainRow]] = {team: [{"dimension": d, "label": labels[d], "answers": c, "interviews": len(pain_ivs[(t, d)]),
                     "share": _share(len(pain_ivs[(t, d)]), team_n[team])}
                    for (t, d), c in sorted((kc for kc in pain_counts.items() if kc[0][0] == team), key=rank)]
             for team in TEAMS}
    pain_dimensions: dict[str, PainDimension] = {}
    for d in order:
        ivs: set[int] = set().union(*(pain_ivs.get((t, d), set()) for t in TEAMS))
        if ivs:
            per_team = {t: pain_counts.get((t, d), 0) for t in TEAMS}
            pain_dimensions[d] = {"answers": sum(per_team.values()), "interviews": len(ivs),
                                  "share": _share(len(ivs), own_n), "sales": per_team["sales"],
                                  "marketing": per_team["marketing"], "executive": per_team["executive"],
                                  "other": per_team["other"]}
    people = stakeholder_map(interviews, stakeholders)
    roles = people["roles"]
    economic = roles["economic"]
    return {
        "interviews": n, "team_interviews": own_n, "teams": team_n, "answered": answered, "shared": shared,
        "dimension_labels": labels, "by_dimension": by_dim, "by_spin": by_spin,
        "tags": {t: {"answers": tag_answers[t], "interviews": len(tag_ivs[t]), "share": _share(len(tag_ivs[t]), n)}
                 for t in TAGS},
        "tags_by_team": tags_by_team, "pains": pains, "pain_dimensions": pain_dimensions,
        "quotes": quotes, "implications": implications, "needs": needs,
        "stakeholders": people["people"], "roles": roles,
        "uncovered_roles": [r for r in INFLUENCES if not roles[r]["people"]],
        "economic_buyer_interviewed": bool(economic["interviewed"]) if economic["people"] else None,
        "red_flags": people["red_flags"],
        "attribution_checks": attribution_checks(to_check, team_n) + [
            f"Leadership: {count} shared answer{'s' if count != 1 else ''} from {name} {'are' if count != 1 else 'is'} "
            f"not quoted in the handout: with {team_n['executive']} executive{'s' if team_n['executive'] != 1 else ''} "
            "interviewed, \u201ca member of the leadership team\u201d names the speaker. If they agree to be quoted "
            "by title, set named_by_title: true in their interview file."
            for name, count in held_back.items()] + [
            f"Quotes held back: {count} shared answer{'s' if count != 1 else ''} from {name} "
            f"{'are' if count != 1 else 'is'} not in the handout, because "
            f"{' and '.join(held_why[name])}"
            " and could be traced to them. Show them their shared answers as the handout prints them; if they agree, "
            "tick \u201cQuotes checked with the speaker\u201d (quotes_checked: true in their interview file)."
            for name, count in unchecked.items()],
        "climate": read_climate(interviews, bank),
        "customer_emotions": emotions,
    }


#: Words in a shared answer that can point to the person who said it (a title, "my team", the owner).
POINTING = re.compile(r"\b(VP|vice[- ]president|CEO|CFO|CMO|CRO|CIO|COO|founder|owner|head of \w+|director|"
                      r"manager|partner|my (?:team|boss|reps|sellers|marketers|BD \w+|managers?))\b", re.I)


def attribution_checks(quotes: dict[str, list[Quote]], team_n: dict[str, int]) -> list[str]:
    """What the consultant should check before shared quotes reach the client (consultant only).

    A team with fewer than :data:`QUOTE_GROUP` interviewees narrows each of its quotes to a handful
    of people; a quote naming a title or "my team" can point to its speaker whatever the label says.
    """
    out = []
    for team, items in quotes.items():
        if items and 0 < team_n.get(team, 0) < QUOTE_GROUP and team != "executive":
            out.append(f"Quotes: {team_n[team]} {'person' if team_n[team] == 1 else 'people'} from {team} "
                       f"interviewed and {len(items)} of their answers shared; anyone who knows who was "
                       "interviewed can tell whose words they are. Check each with its speaker before the "
                       "handout goes out, or un-share it.")
        for q in items:
            hit = POINTING.search(q["text"])
            if hit:
                short = q["text"] if len(q["text"]) <= 90 else q["text"][:87] + "..."
                out.append(f"Quote ({team}) mentions \u201c{hit.group(0)}\u201d and may point to its speaker: "
                           f"\u201c{short}\u201d. Check it with the speaker or un-share it.")
    return out
