"""The alignment survey: scoring, perception gaps, their statistics, reliability and anonymity.

Scoring (the HBR 2006 scale, 20-100):

* a rating r in 1..5 scores r; a reverse-keyed statement scores 6 - r;
* a respondent's index is 20 x the mean of their scored answers; a respondent who answered
  fewer than half the statements the survey asked (the instrument's statements that have a
  column in the file) is left out, with a warning naming them;
* a team's index is the mean of its respondents' indexes; a team's dimension score is
  20 x the mean, over its respondents, of each one's mean on that dimension's answered statements;
* the overall index is the mean of the sales and the marketing index (one team alone: its index,
  and no comparison); stage: below 40 Undefined, below 60 Defined, below 80 Aligned, else Integrated;
* gap = sales - marketing (overall, per dimension, per statement, always on the scored scale,
  so a positive gap means sales sees it more favourably) and leader - staff.

Statistics (:mod:`helpers.analysis.stats`):

* intervals: 95% Student t interval of each team's index and dimension scores; the overall
  index (the mean of the two team means) gets a Welch-type t interval;
* gaps: a permutation test per gap (respondents re-split between the teams, exact when there
  are at most 20,000 splits); the index gap and the dimension gaps form one family, Holm-adjusted
  so that the chance of one or more false "larger than noise" per client stays at 5%; below
  :data:`~helpers.analysis.stats.MIN_PER_SIDE` (5) respondents on either side: "too few to tell";
* leaders vs staff: compared within each team and averaged over the teams;
* reliability: Cronbach's alpha and item-rest correlations per dimension; a dimension is
  ``reliable`` when alpha is at least :data:`RELIABLE_ALPHA`.

Anonymity: a team with fewer than ``min_group`` respondents (default 5, never below 3) is not
scored on its own: its figures are null with ``suppressed: true`` (its ``n`` kept), and its
answers enter no figure a client sees. The same holds for a statement whose answers in a team
fall below the threshold, and for the leaders-vs-staff split when any team-level group does.

Everything here is pure: no plotting, no printing, no files.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, TypedDict

import numpy as np
import pandas as pd

from helpers.analysis.stats import (
    TOO_FEW,
    column_intervals,
    cronbach_alpha,
    gap_verdicts,
    item_rest_correlations,
    permutation_gaps,
)
from helpers.analysis.survey_groups import (
    LevelSplit,
    StatementRow,
    level_split,
    statement_rows,
)
from helpers.analysis.survey_method import (
    ALPHA,
    CONFIDENCE,
    RELIABLE_ALPHA,
    SurveyMethod,
    combined_interval,
    effective_min_group,
    method,
    rnd,
    round_pair,
    significant_of,
)
from helpers.content.instrument import Instrument, StageAnchors, Statement
from helpers.problems import Problem, warning
from helpers.vocabulary import MIN_GROUP_DEFAULT, STAGE_BANDS, SURVEY_TEAMS

#: Below this response rate the handout states that the findings may not speak for everyone.
LOW_RESPONSE_RATE = 0.5


class Respondents(TypedDict):
    """Who answered: rows in the file, respondents scored, and the ids left out (too few answers)."""

    total: int
    used: int
    excluded: list[str]


class TeamScore(TypedDict):
    """One team: its index with a 95% t interval ``[low, high]`` and its score per dimension.

    ``suppressed`` is True when the team has fewer than ``min_group`` respondents: then every
    score, interval and spread is None and only ``n`` (and the invitation figures) remain.
    ``invited`` comes from ``engagement.yaml`` (None when not given); ``response_rate`` is
    ``n / invited`` (None when unknown). ``sd``, ``dimension_sd`` and ``dimension_n`` are the
    spreads behind the intervals (used to compare waves).
    """

    index: float | None
    n: int
    interval: list[float | None]
    dimensions: dict[str, float | None]
    suppressed: bool
    invited: int | None
    response_rate: float | None
    sd: float | None
    dimension_sd: dict[str, float | None]
    dimension_n: dict[str, int]


class DimensionScore(TypedDict):
    """One dimension: scores, the sales-minus-marketing gap and its test, its reliability and its stage.

    ``verdict`` is "larger than noise", "within noise" or "too few to tell" (None without a gap);
    ``significant`` says the same as True / False / None. ``p_adjusted`` is the permutation
    p-value Holm-adjusted over the index gap and the dimension gaps; ``gap_interval`` the
    unadjusted 95% Welch interval of the gap. ``alpha`` is Cronbach's alpha (None when it
    cannot be computed), ``item_rest`` each statement's correlation with the rest of the
    dimension; ``reliable`` is True only when alpha is at least :data:`RELIABLE_ALPHA`.
    ``stage`` is the HBR 2006 stage of the dimension's score, ``stage_text`` the instrument's
    description of that dimension at that stage ("" without anchors) and ``next_stage`` the stage
    above with its description (None at Integrated, without a score or without anchors).
    """

    label: str
    index: float | None
    interval: list[float | None] | None
    sales: float | None
    marketing: float | None
    gap: float | None
    gap_interval: list[float | None] | None
    p_adjusted: float | None
    significant: bool | None
    verdict: str | None
    alpha: float | None
    item_rest: dict[str, float | None]
    reliable: bool
    stage: str | None
    stage_text: str
    next_stage: NextStage | None


class NextStage(TypedDict):
    """The stage above a dimension's own, and what that dimension looks like there."""

    stage: str
    text: str


class InstrumentInfo(TypedDict):
    """Which instrument the survey was answered on and how its stage is to be read.

    ``version`` 1 or 2; ``scale_note`` the client-facing note on the HBR 2006 scale ("" when the
    instrument has none); ``asked`` how many of its statements the survey file holds.
    """

    version: int
    scale_note: str
    asked: int


class SurveyResults(TypedDict):
    """The survey part of the results (top-level keys of ``<slug>.json``).

    Without a usable survey every value is empty: ``index``, ``interval``, ``stage``, ``gap``,
    ``gap_significant`` and ``levels`` are None, ``teams`` and ``dimensions`` empty.
    ``suppressed`` is True when respondents exist but no team reaches ``min_group``.
    """

    index: float | None
    interval: list[float | None] | None
    stage: str | None
    gap: float | None
    gap_interval: list[float | None] | None
    gap_p_adjusted: float | None
    gap_significant: bool | None
    gap_verdict: str | None
    comparison_possible: bool
    suppressed: bool
    respondents: Respondents
    teams: dict[str, TeamScore]
    dimensions: dict[str, DimensionScore]
    levels: LevelSplit | None
    statements: list[StatementRow]
    method: SurveyMethod
    instrument: InstrumentInfo


def filter_survey(survey: pd.DataFrame, team: str | None = None, level: str | None = None) -> pd.DataFrame:
    """Respondents of one team and/or level (None keeps all); keeps ``attrs``."""
    keep = pd.Series(True, index=survey.index)
    if team:
        keep &= survey["team"] == team
    if level:
        keep &= survey["level"] == level
    out = survey[keep].reset_index(drop=True)
    out.attrs = dict(survey.attrs)
    if len(survey.attrs.get("rows", ())) == len(survey):
        out.attrs["rows"] = np.asarray(survey.attrs["rows"])[keep.to_numpy()].tolist()
    return out


def stage_of(index: float | None) -> str | None:
    """Relationship stage of an index: <40 Undefined, <60 Defined, <80 Aligned, else Integrated."""
    if index is None:
        return None
    return next(name for bound, name in STAGE_BANDS if index < bound)


def empty_scores(min_group: int = MIN_GROUP_DEFAULT) -> SurveyResults:
    """The survey part of the results when there is no survey (every key present)."""
    return {"index": None, "interval": None, "stage": None, "gap": None, "gap_interval": None,
            "gap_p_adjusted": None, "gap_significant": None, "gap_verdict": None,
            "comparison_possible": False, "suppressed": False,
            "respondents": {"total": 0, "used": 0, "excluded": []},
            "teams": {}, "dimensions": {}, "levels": None, "statements": [], "method": method(min_group),
            "instrument": {"version": 0, "scale_note": "", "asked": 0}}


def _moments(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per column, NaN ignored: count, mean, sample sd (NaN where undefined)."""
    valid = ~np.isnan(values)
    n = valid.sum(axis=0)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(values, axis=0)
        sd = np.nanstd(values, axis=0, ddof=1)
    return n, np.where(n > 0, mean, np.nan), np.where(n > 1, sd, np.nan)


def _opt(x: Any) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def score(survey: pd.DataFrame, instrument: Instrument, *, seed: int = 0,
          invited: Mapping[str, int] | None = None,
          min_group: int | None = MIN_GROUP_DEFAULT,
          anchors: Mapping[str, StageAnchors] | None = None,
          warnings_only: bool = False) -> tuple[SurveyResults, list[Problem]]:
    """Score a survey: indexes, stage, gaps and their tests, reliability, levels and statements.

    Parameters
    ----------
    survey : DataFrame
        As returned by :func:`helpers.engagement.survey.read_survey`.
    instrument : Instrument
        Gives the reverse keys and the dimensions.
    seed : int
        Seed of the permutation tests when there are too many splits to enumerate.
    invited : mapping of str to int, optional
        How many were invited per team (``engagement.yaml`` ``survey.invited``).
    min_group : int, optional
        Minimum reporting group (``confidentiality.min_group``; default 5, never below 3).
    anchors : mapping of str to StageAnchors, optional
        What each dimension looks like at each stage; defaults to the instrument's own
        (a version-1 instrument has none: the caller may lend the current instrument's).
    warnings_only : bool
        Stop once every warning is known, before any interval, gap or test is computed
        (``workbook check``, which shows the warnings only): ``problems`` are the same as a
        full scoring's, ``part`` is incomplete and must not be shown.

    Returns
    -------
    (part, problems)
        ``part`` is the survey part of the results (see the module docstring); ``problems``
        are consultant warnings (excluded respondents, a missing or suppressed team, a
        dimension that does not hang together, a statement that may be mis-keyed).
    """
    src = str(survey.attrs.get("source", "survey.csv"))
    floor = effective_min_group(min_group)
    invited = dict(invited or {})
    stmts = [s for s in instrument.statements if s.id in survey.columns]
    dims = list(instrument.dimensions)
    raw = survey[[s.id for s in stmts]].to_numpy(dtype=float)
    rev = np.array([s.reverse for s in stmts], dtype=bool)
    scored = np.where(rev, 6.0 - raw, raw)
    answered = ~np.isnan(raw)
    asked = len(set(survey.attrs.get("asked", survey.columns)) & {s.id for s in stmts})
    n_ans = answered.sum(axis=1)
    keep = (n_ans > 0) & (2 * n_ans >= asked)
    respondents = survey["respondent"].astype(str).to_numpy()
    rows = survey.attrs.get("rows", ())
    rows = np.asarray(rows if len(rows) == len(survey) else [None] * len(survey), dtype=object)
    problems = [warning(src, f"respondent {r} answered {int(k)} of {asked} statements (fewer than "
                        "half) and is left out of the scores",
                        "ask them to complete the survey, or accept the smaller sample",
                        row=row, field="respondent")
                for r, k, row in zip(respondents[~keep], n_ans[~keep], rows[~keep])]
    part = empty_scores(floor)
    part["method"]["seed"] = seed
    anchors = dict(instrument.stages if anchors is None else anchors)
    part["instrument"] = {"version": instrument.version, "scale_note": instrument.scale_note,
                          "asked": len(set(survey.attrs.get("asked", survey.columns)) & {s.id for s in stmts})}
    part["respondents"] = {"total": len(survey), "used": int(keep.sum()),
                           "excluded": [str(r) for r in respondents[~keep]]}
    if not keep.any():
        problems.append(warning(src, "no respondent answered half of the statements; no score",
                                "collect more complete answers"))
        return part, problems

    member = np.array([[s.dimension == d for d in dims] for s in stmts], dtype=float)  # (k, D)
    with np.errstate(all="ignore"):
        resp_index = 20.0 * np.nanmean(np.where(answered, scored, np.nan)[keep], axis=1)
        per_dim = (np.where(answered, scored, 0.0) @ member) / (answered.astype(float) @ member)
    values = np.column_stack([resp_index, 20.0 * per_dim[keep]])  # (respondents, 1 + D)
    teams_col = survey["team"].astype(str).to_numpy()[keep]
    level = survey["level"] if "level" in survey.columns else pd.Series(np.nan, index=survey.index)
    levels_col = level.astype(object).where(level.notna(), "").to_numpy()[keep]

    problems += _reliability(part, instrument, stmts, scored[keep], src)
    present = [t for t in SURVEY_TEAMS if (teams_col == t).any()]
    shown = [t for t in present if int((teams_col == t).sum()) >= floor]
    moments = {t: _moments(values[teams_col == t]) for t in present}
    for t in present:
        part["teams"][t] = _team(values[teams_col == t], moments[t], dims, t in shown and not warnings_only,
                                 invited.get(t))  # a team's size and response rate are the same either way
        rate = part["teams"][t]["response_rate"]
        if invited.get(t) is not None and rate is None:
            problems.append(warning("engagement.yaml", f"survey.invited.{t}: {invited[t]} invited but "
                                    f"{part['teams'][t]['n']} {t} answers were scored",
                                    "give the number of people who were asked to answer", field=f"survey.invited.{t}"))
        if t not in shown:
            problems.append(warning(src, f"{t}: {part['teams'][t]['n']} answers, fewer than the minimum reporting "
                                    f"group of {floor}: the team is not scored on its own and no gap is computed "
                                    "against it, to protect anonymity",
                                    f"invite more of the {t} team, or accept that its view stays out of the handout"))
    for t in SURVEY_TEAMS:
        if t not in present:
            problems.append(warning(src, f"no {t} respondent: sales and marketing cannot be compared",
                                    f"survey the {t} team too"))
    if warnings_only:
        return part, problems
    if not shown:
        part["suppressed"] = True
        for d in dims:
            part["dimensions"][d] = _dimension(instrument.dimensions[d], None, None, None, None, None, None,
                                               part["dimensions"].get(d), anchors.get(d))
        return part, problems

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a dimension one side left blank takes the other's score
        point = np.nanmean([moments[t][1] for t in shown], axis=0)
    intervals = []
    for j in range(values.shape[1]):
        cols = [t for t in shown if moments[t][0][j] > 0]
        terms = [(1.0 / len(cols), _opt(moments[t][2][j]), int(moments[t][0][j])) for t in cols]
        intervals.append(combined_interval(_opt(point[j]), terms) if cols else None)
    both = len(shown) == 2
    tests: list[tuple[float | None, str]] = [(None, TOO_FEW)] * values.shape[1]
    gaps: list[Any] = [None] * values.shape[1]
    if both:
        gaps = permutation_gaps(values[teams_col == "sales"], values[teams_col == "marketing"],
                                rng=seed, confidence=CONFIDENCE)
        tests = list(gap_verdicts(gaps, alpha=ALPHA))
    index = rnd(point[0])
    part.update({"index": index, "interval": round_pair(intervals[0]), "stage": stage_of(index),
                 "comparison_possible": both})
    if both:
        part.update({"gap": rnd(gaps[0].diff), "gap_interval": round_pair((gaps[0].low, gaps[0].high)),
                     "gap_p_adjusted": rnd(tests[0][0], 4), "gap_verdict": tests[0][1] if gaps[0].diff is not None else None,
                     "gap_significant": significant_of(tests[0][1]) if gaps[0].diff is not None else None})
    for j, d in enumerate(dims, start=1):
        gap = gaps[j] if both else None
        part["dimensions"][d] = _dimension(
            instrument.dimensions[d], rnd(point[j]), round_pair(intervals[j]),
            part["teams"]["sales"]["dimensions"][d] if "sales" in shown else None,
            part["teams"]["marketing"]["dimensions"][d] if "marketing" in shown else None,
            gap, tests[j], part["dimensions"].get(d), anchors.get(d))
    visible = np.isin(teams_col, shown)
    part["levels"] = level_split(resp_index[visible], teams_col[visible], levels_col[visible], floor, seed)
    keep_rows = np.flatnonzero(keep)[visible]
    unsure = np.zeros(raw.shape, dtype=bool)
    by_statement = survey.attrs.get("dont_know_by_statement") or {}
    for j, s in enumerate(stmts):
        unsure[[k for k in by_statement.get(s.id, ()) if 0 <= k < len(survey)], j] = True
    part["statements"] = statement_rows(stmts, raw[keep_rows], teams_col[visible], shown, floor,
                                        unsure[keep_rows])
    return part, problems


def _team(values: np.ndarray, moments: tuple[np.ndarray, np.ndarray, np.ndarray], dims: list[str],
          shown: bool, invited: int | None) -> TeamScore:
    """One team's entry; a suppressed team keeps only its size and invitation figures."""
    n = int(values.shape[0])
    rate = round(n / invited, 4) if invited and n <= invited else None
    counts, mean, sd = moments
    if not shown:
        return {"index": None, "n": n, "interval": [None, None], "dimensions": dict.fromkeys(dims),
                "suppressed": True, "invited": invited, "response_rate": rate, "sd": None,
                "dimension_sd": dict.fromkeys(dims), "dimension_n": {d: int(k) for d, k in zip(dims, counts[1:])}}
    ci = column_intervals(values[:, :1], CONFIDENCE)[0]
    return {"index": rnd(mean[0]), "n": n, "interval": [rnd(ci.low), rnd(ci.high)],
            "dimensions": {d: rnd(v) for d, v in zip(dims, mean[1:])}, "suppressed": False,
            "invited": invited, "response_rate": rate, "sd": rnd(sd[0], 2),
            "dimension_sd": {d: rnd(v, 2) for d, v in zip(dims, sd[1:])},
            "dimension_n": {d: int(k) for d, k in zip(dims, counts[1:])}}


def _dimension(label: str, index: float | None, interval: list[float | None] | None, sales: float | None,
               marketing: float | None, gap: Any, test: tuple[float | None, str] | None,
               reliability: DimensionScore | None, anchors: StageAnchors | None = None) -> DimensionScore:
    """One dimension's entry; ``reliability`` is the entry :func:`_reliability` left (alpha, item_rest).

    ``anchors`` describe the dimension at each stage (None: no description).
    """
    diff = None if gap is None or sales is None or marketing is None else gap.diff
    verdict = test[1] if test is not None and diff is not None else None
    alpha = reliability["alpha"] if reliability else None
    stage, stage_text, next_stage = _stage_fields(index, anchors)
    return {"label": label, "index": index, "interval": interval, "sales": sales, "marketing": marketing,
            "gap": rnd(diff), "gap_interval": round_pair((gap.low, gap.high)) if diff is not None else None,
            "p_adjusted": rnd(test[0], 4) if verdict is not None and test is not None else None,
            "significant": significant_of(verdict), "verdict": verdict,
            "alpha": alpha, "item_rest": reliability["item_rest"] if reliability else {},
            "reliable": alpha is not None and alpha >= RELIABLE_ALPHA,
            "stage": stage, "stage_text": stage_text, "next_stage": next_stage}


def _stage_fields(index: float | None, anchors: StageAnchors | None) -> tuple[str | None, str, NextStage | None]:
    """A dimension's stage, its description there and the next stage (see :class:`DimensionScore`)."""
    stage = stage_of(index)
    if stage is None or anchors is None:
        return stage, "", None
    above = anchors.next_after(stage)
    return stage, anchors.at(stage), ({"stage": above[0], "text": above[1]} if above is not None else None)


def _reliability(part: SurveyResults, instrument: Instrument, stmts: list[Statement], scored: np.ndarray,
                 src: str) -> list[Problem]:
    """Cronbach's alpha and item-rest correlations per dimension (all scored respondents), with warnings."""
    problems: list[Problem] = []
    for d, label in instrument.dimensions.items():
        cols = [j for j, s in enumerate(stmts) if s.dimension == d]
        items = scored[:, cols]
        alpha = cronbach_alpha(items) if len(cols) >= 2 else None
        rest = item_rest_correlations(items) if len(cols) >= 2 else [None] * len(cols)
        entry = _dimension(label, None, None, None, None, None, None, None)
        entry["alpha"] = rnd(alpha, 2)
        entry["item_rest"] = {stmts[j].id: rnd(r, 2) for j, r in zip(cols, rest)}
        part["dimensions"][d] = entry
        if alpha is not None and alpha < RELIABLE_ALPHA:
            problems.append(warning(src, f"dimension '{label}': Cronbach's alpha is {alpha:.2f} (below "
                                    f"{RELIABLE_ALPHA}): its statements do not hang together, so its score averages "
                                    "different opinions; the handout does not lead with its gap",
                                    "read its statements one by one before drawing a conclusion",
                                    field=f"dimensions.{d}"))
        for j, r in zip(cols, rest):
            if r is not None and r < 0:
                problems.append(warning(src, f"statement {stmts[j].id} (\"{stmts[j].text}\") correlates negatively "
                                        f"(r = {r:.2f}) with the rest of '{label}': it may be mis-keyed",
                                        "check its reverse key in the instrument and how it was worded",
                                        field=stmts[j].id))
    return problems


def most_disagreement(results: SurveyResults, n: int = 5) -> list[StatementRow]:
    """The statements the two teams rate most differently (largest |gap|; with one team, largest sd)."""
    rows = [s for s in results["statements"] if s["n"] > 0 and not s["suppressed"]]
    if results["comparison_possible"]:
        rows = [s for s in rows if s["gap"] is not None]

        def key(s: StatementRow) -> tuple[float, float]:
            return abs(s["gap"] or 0.0), s["sd"] or 0.0
    else:
        def key(s: StatementRow) -> tuple[float, float]:
            return s["sd"] or 0.0, 0.0
    return sorted(rows, key=key, reverse=True)[:n]


def low_response(team: TeamScore) -> bool:
    """True when the team's response rate is known and below :data:`LOW_RESPONSE_RATE`."""
    rate = team["response_rate"]
    return rate is not None and rate < LOW_RESPONSE_RATE
