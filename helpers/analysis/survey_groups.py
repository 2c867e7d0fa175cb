"""Subgroups of the survey a client sees: leaders vs staff within teams, and each statement.

Both apply the minimum reporting group: a statement with too few answers in a team, and the
whole leaders-vs-staff split when any group within a team is too small, keep their sizes and
lose every other figure. Pure: no files, no printing.
"""

from __future__ import annotations

import warnings
from typing import TypedDict

import numpy as np

from helpers.analysis.stats import gap_verdict, leader_staff_within_teams
from helpers.analysis.survey_method import (
    ALPHA,
    CONFIDENCE,
    rnd,
    round_pair,
    significant_of,
)
from helpers.content.instrument import Statement
from helpers.vocabulary import LEVELS, SURVEY_TEAMS


class LevelScore(TypedDict):
    """The index of one level (leaders or staff), how many it rests on, and whether it is hidden.

    ``n`` is None only in the client's view of a hidden split within a team
    (:func:`helpers.results.client_view`).
    """

    index: float | None
    n: int | None
    suppressed: bool


class LevelSplit(TypedDict):
    """Leaders against staff, compared within each team and averaged over the teams.

    ``gap`` is the mean over ``compared`` teams of (leaders' mean - staff mean), with its 95%
    interval and verdict. ``leader``/``staff`` are the pooled levels (descriptive only).
    ``suppressed`` is True when a team-level group has fewer than ``min_group`` respondents:
    then every index, the gap and the interval are None.
    """

    leader: LevelScore
    staff: LevelScore
    gap: float | None
    interval: list[float | None] | None
    gap_significant: bool | None
    verdict: str | None
    compared: list[str]
    suppressed: bool
    teams: dict[str, dict[str, LevelScore]]


class StatementRow(TypedDict):
    """One statement. ``scale`` is "scored": ``mean``, ``sales``, ``marketing`` and ``gap`` are
    on the scored scale (1-5, a reverse-keyed answer r counted as 6 - r, so higher is always
    better and a positive gap means sales sees it more favourably); ``raw_*`` are the means of
    the answers as given. ``counts`` maps each answer ``"1"`` .. ``"5"`` (as given) to how many
    gave it; ``sd`` is None with one answer. ``suppressed``: too few answers in a team, every
    figure but ``n`` is None (counts zero). ``dont_know`` counts the "don't know / can't judge"
    answers (not scored, so not in ``n`` or any mean), overall and per shown team, and is kept
    when the statement is suppressed (a count of people who could not judge reveals no rating);
    ``dont_know_likely`` marks a statement many staff are expected not to be able to judge.
    """

    id: str
    dimension: str
    text: str
    reverse: bool
    scale: str
    n: int
    mean: float | None
    sales: float | None
    marketing: float | None
    gap: float | None
    raw_mean: float | None
    raw_sales: float | None
    raw_marketing: float | None
    sd: float | None
    counts: dict[str, int]
    suppressed: bool
    dont_know: int
    dont_know_by_team: dict[str, int]
    dont_know_likely: bool


def level_split(idx: np.ndarray, teams: np.ndarray, levels: np.ndarray, floor: int, seed: int) -> LevelSplit | None:
    """Leaders vs staff within each team, averaged; None without both levels.

    Suppressed as a whole when any team-level group with anyone in it is smaller than ``floor``
    (a shown group beside a hidden one would let the hidden one be worked out by subtraction).
    """
    if not all((levels == lv).any() for lv in LEVELS):
        return None
    names = [t for t in SURVEY_TEAMS if (teams == t).any()]
    sizes = {t: {lv: int(((teams == t) & (levels == lv)).sum()) for lv in LEVELS} for t in names}
    pooled = {lv: int((levels == lv).sum()) for lv in LEVELS}
    hidden = any(0 < k < floor for by in sizes.values() for k in by.values())
    if hidden:
        return {"leader": {"index": None, "n": pooled["leader"], "suppressed": True},
                "staff": {"index": None, "n": pooled["staff"], "suppressed": True},
                "gap": None, "interval": None, "gap_significant": None, "verdict": None, "compared": [],
                "suppressed": True,
                "teams": {t: {lv: {"index": None, "n": k, "suppressed": k > 0} for lv, k in by.items()}
                          for t, by in sizes.items()}}
    within = leader_staff_within_teams(idx, teams, levels, confidence=CONFIDENCE, rng=seed)
    verdict = gap_verdict(within.n_leader, within.n_staff, within.p_value, ALPHA) if within.gap is not None else None

    def cell(mask: np.ndarray) -> LevelScore:
        return {"index": rnd(idx[mask].mean()) if mask.any() else None, "n": int(mask.sum()), "suppressed": False}

    return {"leader": cell(levels == "leader"), "staff": cell(levels == "staff"),
            "gap": rnd(within.gap), "interval": round_pair((within.low, within.high)) if within.gap is not None else None,
            "gap_significant": significant_of(verdict), "verdict": verdict, "compared": list(within.teams),
            "suppressed": False,
            "teams": {t: {lv: cell((teams == t) & (levels == lv)) for lv in LEVELS} for t in names}}


def statement_rows(stmts: list[Statement], raw: np.ndarray, teams: np.ndarray, shown: list[str],
                floor: int, unsure: np.ndarray | None = None) -> list[StatementRow]:
    """Per statement: n, scored and raw means (overall, per team), scored gap, sd, answer counts.

    ``raw`` holds only the respondents of the shown teams. A statement is suppressed when a shown
    team has between 1 and ``floor - 1`` answers to it (its mean could be worked out).
    ``unsure`` (same shape as ``raw``, True where the answer was "don't know") gives the
    ``dont_know`` counts; without it they are zero.
    """
    if unsure is None:
        unsure = np.zeros(raw.shape, dtype=bool)
    rev = np.array([s.reverse for s in stmts], dtype=bool)
    scored = np.where(rev, 6.0 - raw, raw)
    valid = ~np.isnan(raw)
    n = valid.sum(axis=0)
    counts = (raw[:, :, None] == np.arange(1, 6)).sum(axis=0)  # (k, 5)
    per_team = {t: valid[teams == t].sum(axis=0) for t in shown}
    small = np.zeros(len(stmts), dtype=bool)
    for k in per_team.values():
        small |= (k > 0) & (k < floor)
    small |= n < floor
    nan = np.full(len(stmts), np.nan)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean, raw_mean = np.nanmean(scored, axis=0), np.nanmean(raw, axis=0)
        sd = np.nanstd(raw, axis=0, ddof=1)
        by = {t: np.nanmean(scored[teams == t], axis=0) if t in shown else nan for t in SURVEY_TEAMS}
        by_raw = {t: np.nanmean(raw[teams == t], axis=0) if t in shown else nan for t in SURVEY_TEAMS}
    gap = by["sales"] - by["marketing"]
    out: list[StatementRow] = []
    for j, s in enumerate(stmts):
        hide = bool(small[j])

        def v(x: np.ndarray, digits: int = 2) -> float | None:
            return None if hide else rnd(x[j], digits)  # noqa: B023 - used within this iteration

        out.append({"id": s.id, "dimension": s.dimension, "text": s.text, "reverse": s.reverse, "scale": "scored",
                    "n": int(n[j]), "mean": v(mean), "sales": v(by["sales"]), "marketing": v(by["marketing"]),
                    "gap": v(gap), "raw_mean": v(raw_mean), "raw_sales": v(by_raw["sales"]),
                    "raw_marketing": v(by_raw["marketing"]),
                    "sd": v(sd) if n[j] > 1 else None,
                    "counts": {str(a): 0 if hide else int(counts[j, a - 1]) for a in range(1, 6)},
                    "suppressed": hide, "dont_know": int(unsure[:, j].sum()),
                    "dont_know_by_team": {t: int(unsure[teams == t, j].sum()) for t in shown},
                    "dont_know_likely": s.dont_know_likely})
    return out
