"""The alignment survey: instrument, loading, scoring, perception gaps and intervals.

Scoring (the HBR 2006 scale, 20-100):

* a rating r in 1..5 scores r; a reverse-keyed statement scores 6 - r;
* a respondent's index is 20 x the mean of their scored answers; a respondent who answered
  fewer than half the statements the survey asked (the instrument's statements that have a
  column in the file) is left out, with a warning naming them;
* a team's index is the mean of its respondents' indexes; a team's dimension score is
  20 x the mean, over its respondents, of each one's mean on that dimension's answered statements;
* the overall index is the mean of the sales and the marketing index (one team alone: its index,
  and no comparison); stage: below 40 Undefined, below 60 Defined, below 80 Aligned, else Integrated;
* gap = sales - marketing (overall, per dimension, per statement) and leader - staff;
* intervals: 95% percentile bootstrap, respondents resampled with replacement within each team
  (2,000 seeded resamples, vectorised as a matrix of resampling counts); a gap is "larger than
  noise" when its bootstrap interval excludes zero (needs three or more respondents per side).

Everything here is pure: no plotting, no printing; only :func:`write_collection_kit` writes.
"""

from __future__ import annotations
import warnings
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
import numpy as np
import pandas as pd
from helpers.problems import Problem, warning
from helpers.content.instrument import Instrument, Statement
from helpers.vocabulary import LEVELS, STAGE_BANDS, SURVEY_TEAMS




RESAMPLES = 2000


#: Fewer respondents than this on either side: no judgement whether a gap exceeds noise.
MIN_FOR_NOISE = 3


CONFIDENCE = 0.95


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


def rnd(value: Any, digits: int = 1) -> float | None:
    """Round half up (61.25 -> 61.3) after removing float noise; None/NaN -> None."""
    if value is None or not np.isfinite(value):
        return None
    exact = Decimal(repr(round(float(value), 9)))
    return float(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def stage_of(index: float | None) -> str | None:
    """Relationship stage of an index: <40 Undefined, <60 Defined, <80 Aligned, else Integrated."""
    if index is None:
        return None
    return next(name for bound, name in STAGE_BANDS if index < bound)


def empty_scores() -> dict[str, Any]:
    """The survey part of the results when there is no survey (every key present)."""
    return {"index": None, "interval": None, "stage": None, "gap": None, "gap_significant": None,
            "comparison_possible": False, "respondents": {"total": 0, "used": 0, "excluded": []},
            "teams": {}, "dimensions": {}, "levels": None, "statements": [],
            "bootstrap": {"resamples": RESAMPLES, "confidence": CONFIDENCE}}


def _interval(boot: np.ndarray) -> np.ndarray:
    """Percentile interval over the first axis (NaN-aware): shape (2, ...)."""
    tail = 100 * (1 - CONFIDENCE) / 2
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a column nobody answered stays NaN
        return np.nanpercentile(boot, [tail, 100 - tail], axis=0)


def _boot_means(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Bootstrap means of each column of ``values`` (n, m), NaN ignored: shape (RESAMPLES, m).

    Each resample draws n respondents with replacement; it is kept as a row of counts (how often
    each respondent was drawn), so the resampled means are two matrix products instead of a loop.
    """
    n = values.shape[0]
    draws = rng.integers(0, n, size=(RESAMPLES, n)) + n * np.arange(RESAMPLES)[:, None]
    counts = np.bincount(draws.ravel(), minlength=RESAMPLES * n).reshape(RESAMPLES, n).astype(float)
    valid = ~np.isnan(values)
    with np.errstate(all="ignore"):
        return (counts @ np.where(valid, values, 0.0)) / (counts @ valid)


def _group_stats(idx: np.ndarray, dims: np.ndarray, rng: np.random.Generator) -> dict[str, Any]:
    values = np.column_stack([idx, dims])
    with np.errstate(all="ignore"):
        sums, cnt = np.nansum(values, axis=0), (~np.isnan(values)).sum(axis=0)
        point = np.where(cnt > 0, sums / np.maximum(cnt, 1), np.nan)
    return {"n": len(idx), "point": point, "boot": _boot_means(values, rng)}


def _significant(a: dict[str, Any] | None, b: dict[str, Any] | None) -> np.ndarray | None:
    """Per column: does the bootstrap interval of a - b exclude zero? None if either side is tiny."""
    if a is None or b is None or min(a["n"], b["n"]) < MIN_FOR_NOISE:
        return None
    lo, hi = _interval(a["boot"] - b["boot"])
    return (lo > 0) | (hi < 0)


def score(survey: pd.DataFrame, instrument: Instrument, *, seed: int = 0) -> tuple[dict, list[Problem]]:
    """Score a survey: indexes, stage, gaps, intervals, levels and per-statement figures.

    Parameters
    ----------
    survey : DataFrame
        As returned by :func:`read_survey`.
    instrument : Instrument
        Gives the reverse keys and the dimensions.
    seed : int
        Seed of the bootstrap (same seed, same intervals).

    Returns
    -------
    (part, problems)
        ``part`` is the survey part of the results (see the README); ``problems`` are warnings
        (excluded respondents, a missing team).
    """
    src = str(survey.attrs.get("source", "survey.csv"))
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
    part = empty_scores()
    part["respondents"] = {"total": int(len(survey)), "used": int(keep.sum()),
                           "excluded": [str(r) for r in respondents[~keep]]}
    if not keep.any():
        problems.append(warning(src, "no respondent answered half of the statements; no score",
                                "collect more complete answers"))
        return part, problems

    member = np.array([[s.dimension == d for d in dims] for s in stmts], dtype=float)  # (k, D)
    with np.errstate(all="ignore"):
        resp_index = 20.0 * np.nanmean(np.where(answered, scored, np.nan)[keep], axis=1)
        per_dim = (np.where(answered, scored, 0.0) @ member) / (answered.astype(float) @ member)
    per_dim = 20.0 * per_dim[keep]
    teams_col = survey["team"].astype(str).to_numpy()[keep]
    level = survey["level"] if "level" in survey.columns else pd.Series(np.nan, index=survey.index)
    levels_col = level.astype(object).where(level.notna(), "").to_numpy()[keep]
    rng = np.random.default_rng(seed)
    groups = {t: _group_stats(resp_index[teams_col == t], per_dim[teams_col == t], rng)
              for t in SURVEY_TEAMS if (teams_col == t).any()}
    for t, g in groups.items():
        lo, hi = _interval(g["boot"][:, 0])
        part["teams"][t] = {"index": rnd(g["point"][0]), "n": g["n"], "interval": [rnd(lo), rnd(hi)],
                            "dimensions": {d: rnd(v) for d, v in zip(dims, g["point"][1:])}}
    s_, m_ = groups.get("sales"), groups.get("marketing")
    both = s_ is not None and m_ is not None
    if s_ is not None and m_ is not None:  # both sides answered
        # each side counts equally; a dimension one side left blank takes the other's score
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            point = np.nanmean([s_["point"], m_["point"]], axis=0)
            boot = np.nanmean([s_["boot"], m_["boot"]], axis=0)
        gaps = s_["point"] - m_["point"]
    else:
        only = next(iter(groups.values()))
        point, boot, gaps = only["point"], only["boot"], np.full(len(dims) + 1, np.nan)
        missing = "marketing" if s_ is not None else "sales"
        problems.append(warning(src, f"no {missing} respondent: sales and marketing cannot be compared",
                                f"survey the {missing} team too"))
    sig = _significant(s_, m_)
    lo, hi = _interval(boot[:, 0])
    index = rnd(point[0])
    part.update(index=index, interval=[rnd(lo), rnd(hi)], stage=stage_of(index),
                gap=rnd(gaps[0]), comparison_possible=both,
                gap_significant=None if sig is None else bool(sig[0]))
    for j, d in enumerate(dims, start=1):
        part["dimensions"][d] = {
            "label": instrument.dimensions[d], "index": rnd(point[j]),
            "sales": rnd(s_["point"][j]) if s_ else None,
            "marketing": rnd(m_["point"][j]) if m_ else None,
            "gap": rnd(gaps[j]), "significant": None if sig is None or np.isnan(gaps[j]) else bool(sig[j])}
    part["levels"] = _levels(resp_index, teams_col, levels_col, rng)
    part["statements"] = _statements(stmts, raw[keep], teams_col)
    part["bootstrap"] = {"resamples": RESAMPLES, "confidence": CONFIDENCE, "seed": seed}
    return part, problems


def _levels(idx: np.ndarray, teams: np.ndarray, levels: np.ndarray,
            rng: np.random.Generator) -> dict[str, Any] | None:
    """Leaders vs staff (all respondents, and within each team); None without both levels."""
    if not all((levels == lv).any() for lv in LEVELS):
        return None
    groups = {lv: _group_stats(idx[levels == lv], np.empty((int((levels == lv).sum()), 0)), rng)
              for lv in LEVELS}
    out: dict[str, Any] = {lv: {"index": rnd(g["point"][0]), "n": g["n"]} for lv, g in groups.items()}
    out["gap"] = rnd(groups["leader"]["point"][0] - groups["staff"]["point"][0])
    sig = _significant(groups["leader"], groups["staff"])
    out["gap_significant"] = None if sig is None else bool(sig[0])
    out["teams"] = {
        t: {lv: {"index": rnd(idx[(teams == t) & (levels == lv)].mean())
                 if ((teams == t) & (levels == lv)).any() else None,
                 "n": int(((teams == t) & (levels == lv)).sum())} for lv in LEVELS}
        for t in SURVEY_TEAMS if (teams == t).any()}
    return out


def _statements(stmts: list[Statement], raw: np.ndarray, teams: np.ndarray) -> list[dict[str, Any]]:
    """Per statement, on the answer scale (1-5 as answered, not reversed): n, means, gap, sd, counts."""
    valid = ~np.isnan(raw)
    n = valid.sum(axis=0)
    counts = (raw[:, :, None] == np.arange(1, 6)).sum(axis=0)  # (k, 5)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(raw, axis=0)
        sd = np.nanstd(raw, axis=0, ddof=1)
        by = {t: np.nanmean(raw[teams == t], axis=0) if (teams == t).any()
              else np.full(raw.shape[1], np.nan) for t in SURVEY_TEAMS}
    gap = by["sales"] - by["marketing"]
    return [{"id": s.id, "dimension": s.dimension, "text": s.text, "reverse": s.reverse,
             "n": int(n[j]), "mean": rnd(mean[j], 2), "sales": rnd(by["sales"][j], 2),
             "marketing": rnd(by["marketing"][j], 2), "gap": rnd(gap[j], 2),
             "sd": rnd(sd[j], 2) if n[j] > 1 else None,
             "counts": {str(v): int(counts[j, v - 1]) for v in range(1, 6)}}
            for j, s in enumerate(stmts)]


def most_disagreement(results: dict, n: int = 5) -> list[dict[str, Any]]:
    """The statements the two teams rate most differently (largest |gap|; with one team, largest sd)."""
    rows = [s for s in results.get("statements") or [] if s["n"] > 0]
    if results.get("comparison_possible"):
        rows = [s for s in rows if s["gap"] is not None]
        key = lambda s: (abs(s["gap"]), s["sd"] or 0.0)  # noqa: E731
    else:
        key = lambda s: (s["sd"] or 0.0, 0.0)  # noqa: E731
    return sorted(rows, key=key, reverse=True)[:n]
