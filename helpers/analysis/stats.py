"""Small-sample statistics for the alignment survey (teams of 3-30 people, scores 20-100).

Everything here is pure and vectorised: no file I/O, no printing, no plotting. Random numbers
come only from the ``rng`` argument (an int seed or a :class:`numpy.random.Generator`), so the
same seed gives the same figures.

What the functions answer, and how
----------------------------------
* **Interval of a mean** (:func:`mean_interval`, :func:`column_intervals`): Student t by default
  (a percentile bootstrap under-covers badly below n = 15); BCa via :func:`scipy.stats.bootstrap`
  on request.
* **A gap between two groups** (:func:`permutation_gap`, :func:`permutation_gaps`): the difference
  of means a - b, a two-sided permutation p-value (every split enumerated when there are at most
  ``max_exact`` of them, else seeded Monte Carlo), and a Welch t interval for the difference.
* **Several gaps at once** (:func:`holm`, :func:`gap_verdict`, :func:`gap_verdicts`): Holm's
  step-down adjustment keeps the chance of one or more false "larger than noise" flags per client
  at or below ``alpha``; below :data:`MIN_PER_SIDE` respondents on either side there is no verdict
  either way ("too few to tell").
* **Reliability** (:func:`cronbach_alpha`, :func:`item_rest_correlations`), **rates**
  (:func:`wilson_interval`) and **leaders vs staff within teams**
  (:func:`leader_staff_within_teams`).
"""

from __future__ import annotations

import inspect
import itertools
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final, Literal, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "MIN_PER_SIDE", "MAX_EXACT", "RESAMPLES", "LARGER", "WITHIN", "TOO_FEW", "Verdict",
    "Interval", "Gap", "LevelGap",
    "mean_interval", "column_intervals", "permutation_gap", "permutation_gaps", "welch_interval",
    "holm", "gap_verdict", "gap_verdicts", "cronbach_alpha", "item_rest_correlations",
    "wilson_interval", "leader_staff_within_teams",
]

#: Fewer respondents than this on either side of a gap: no verdict either way.
MIN_PER_SIDE: Final = 5
#: At most this many ways to split the respondents: the permutation test enumerates them all.
MAX_EXACT: Final = 20_000
#: Random splits drawn when there are more than :data:`MAX_EXACT` of them.
RESAMPLES: Final = 9_999

Verdict = Literal["larger than noise", "within noise", "too few to tell"]
LARGER: Final = "larger than noise"
WITHIN: Final = "within noise"
TOO_FEW: Final = "too few to tell"

RngLike = int | np.random.Generator | None
FloatArray = NDArray[np.float64]


def scipy_special() -> Any:
    """:mod:`scipy.special` (the t and normal quantiles), imported on first use.

    Its import takes about a third of a second (scipy's array-API layer walks every NumPy
    submodule); ``workbook check``, which scores the survey for its warnings only
    (``score(..., warnings_only=True)``), never needs it. :mod:`scipy.stats`, which takes a
    second to import, is not used for the t quantiles and tails (``stdtrit``, ``stdtr``).
    """
    from scipy import special

    return special


@dataclass(frozen=True)
class Interval:
    """A mean and its confidence interval.

    Attributes
    ----------
    mean : float or None
        Mean of the non-missing values (None when there are none).
    low, high : float or None
        Interval bounds (None when ``n < 2`` or the interval cannot be computed).
    n : int
        Number of non-missing values used.
    """

    mean: float | None
    low: float | None
    high: float | None
    n: int


@dataclass(frozen=True)
class Gap:
    """The difference of two group means, with a permutation p-value and a Welch interval.

    Attributes
    ----------
    diff : float or None
        ``mean(a) - mean(b)`` (None when either side has no value).
    p_value : float or None
        Two-sided permutation p-value, *not* adjusted for multiple gaps (see :func:`holm`).
    low, high : float or None
        Welch t interval for the difference, *not* adjusted for multiple gaps (None when either
        side has fewer than 2 values).
    n_a, n_b : int
        Non-missing values on each side.
    exact : bool
        True when every split was enumerated; False for a Monte Carlo p-value.
    splits : int
        Splits enumerated (exact) or drawn (Monte Carlo).
    """

    diff: float | None
    p_value: float | None
    low: float | None
    high: float | None
    n_a: int
    n_b: int
    exact: bool
    splits: int


@dataclass(frozen=True)
class LevelGap:
    """Leaders minus staff, compared within each team and averaged with equal weight per team.

    Attributes
    ----------
    gap : float or None
        Mean over contributing teams of (leaders' mean - staff mean); None when no team has both.
    low, high : float or None
        Welch-type t interval of that average (None when a contributing team has fewer than
        2 leaders or 2 staff).
    p_value : float or None
        Two-sided permutation p-value, levels shuffled *within* each team (stratified).
    teams : tuple of str
        Teams that contributed (both levels present), in order of first appearance.
    per_team : dict
        Team -> that team's leaders-minus-staff gap, for the contributing teams.
    n_leader, n_staff : int
        Leaders and staff in the contributing teams (use these with :func:`gap_verdict`).
    exact : bool
        True when every within-team relabelling was enumerated.
    """

    gap: float | None
    low: float | None
    high: float | None
    p_value: float | None
    teams: tuple[str, ...]
    per_team: dict[str, float] = field(hash=False)
    n_leader: int
    n_staff: int
    exact: bool


# --------------------------------------------------------------------------------------------
# helpers


def _generator(rng: RngLike) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")


def _opt(x: float | np.floating[Any]) -> float | None:
    """A finite float, or None."""
    v = float(x)
    return v if math.isfinite(v) else None


def _as_1d(values: ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    return arr


def _as_2d(values: ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 1-D or 2-D, got shape {arr.shape}")
    return arr


def _column_moments(matrix: FloatArray) -> tuple[NDArray[np.int64], FloatArray, FloatArray]:
    """Per column, NaN ignored: count, mean (NaN if empty), sample variance (NaN if n < 2)."""
    valid = ~np.isnan(matrix)
    n = valid.sum(axis=0).astype(np.int64)
    filled = np.where(valid, matrix, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = filled.sum(axis=0) / n
        dev = np.where(valid, matrix - mean, 0.0)
        var = (dev * dev).sum(axis=0) / (n - 1)
    mean = np.where(n > 0, mean, np.nan)
    var = np.where(n > 1, var, np.nan)
    return n, mean, var


# --------------------------------------------------------------------------------------------
# intervals of a mean


def column_intervals(matrix: ArrayLike, confidence: float = 0.95) -> list[Interval]:
    """Student t interval of the mean of every column of ``matrix`` at once.

    Parameters
    ----------
    matrix : array_like, shape (respondents, columns)
        E.g. one team's index and dimension scores, one row per respondent. NaN is ignored
        column by column. A 1-D array is one column.
    confidence : float
        Confidence level of the intervals.

    Returns
    -------
    list of Interval
        One per column. ``low``/``high`` are None when the column has fewer than 2 values; a
        column with no spread gets ``low == high == mean``.
    """
    _check_confidence(confidence)
    x = _as_2d(matrix, "matrix")
    n, mean, var = _column_moments(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = scipy_special().stdtrit(np.maximum(n - 1, 1), 0.5 + confidence / 2) * np.sqrt(var / n)
    return [Interval(mean=_opt(m) if k > 0 else None,
                     low=_opt(m - h) if k > 1 else None,
                     high=_opt(m + h) if k > 1 else None, n=int(k))
            for k, m, h in zip(n, mean, half)]


@lru_cache(maxsize=1)
def _bootstrap_rng_name() -> str:
    """The seed argument of :func:`scipy.stats.bootstrap` (``rng`` from scipy 1.15, ``random_state`` before)."""
    from scipy import stats  # imported on first use: scipy.stats takes seconds to import

    return "rng" if "rng" in inspect.signature(stats.bootstrap).parameters else "random_state"


def mean_interval(values: ArrayLike, confidence: float = 0.95, method: Literal["t", "bca"] = "t",
                  *, resamples: int = RESAMPLES, rng: RngLike = 0) -> Interval:
    """Confidence interval of the mean of a 1-D sample (NaN ignored).

    Parameters
    ----------
    values : array_like, 1-D
        E.g. the index of each respondent of one team.
    confidence : float
        Confidence level.
    method : {"t", "bca"}
        ``"t"``: Student t interval (the default: close to nominal coverage from n = 3 for
        the score distributions seen in staff surveys). ``"bca"``: bias-corrected and
        accelerated bootstrap (:func:`scipy.stats.bootstrap`); it under-covers below about
        n = 10 (a bootstrap cannot see beyond the values drawn), so prefer ``"t"`` for teams.
    resamples : int
        Bootstrap resamples (``"bca"`` only).
    rng : int, Generator or None
        Seed or generator of the bootstrap (``"bca"`` only).

    Returns
    -------
    Interval
        ``low``/``high`` None when fewer than 2 values (or when the bootstrap is degenerate,
        e.g. two values); no spread at all gives ``low == high == mean``.
    """
    x = _as_1d(values, "values")
    if method == "t":
        return column_intervals(x, confidence)[0]
    if method != "bca":
        raise ValueError(f"method must be 't' or 'bca', got {method!r}")
    _check_confidence(confidence)
    x = x[~np.isnan(x)]
    n = int(x.size)
    if n == 0:
        return Interval(None, None, None, 0)
    mean = float(x.mean())
    if n < 2:
        return Interval(mean, None, None, n)
    if np.ptp(x) == 0:
        return Interval(mean, mean, mean, n)
    from scipy import stats  # imported on first use: scipy.stats takes seconds to import

    kwargs: dict[str, Any] = {_bootstrap_rng_name(): _generator(rng)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a degenerate bootstrap warns and returns NaN
        res = stats.bootstrap((x,), np.mean, confidence_level=confidence, method="BCa",
                              n_resamples=resamples, vectorized=True, axis=-1, **kwargs)
    low, high = _opt(res.confidence_interval.low), _opt(res.confidence_interval.high)
    if low is None or high is None:
        return Interval(mean, None, None, n)
    return Interval(mean, low, high, n)


# --------------------------------------------------------------------------------------------
# gaps between two groups


#: Largest split indicator matrix (splits x respondents) enumerated, whatever ``max_exact`` says.
_MAX_EXACT_CELLS: Final = 5_000_000
#: Multiply-adds per matrix product below which OpenBLAS does not start threads.
_BLAS_SINGLE_THREAD: Final = 200_000


@lru_cache(maxsize=32)
def _all_splits(n_total: int, n_a: int) -> FloatArray:
    """Every way to pick ``n_a`` of ``n_total`` rows: indicator matrix (C(n_total, n_a), n_total)."""
    count = math.comb(n_total, n_a)
    picks = np.fromiter(itertools.chain.from_iterable(itertools.combinations(range(n_total), n_a)),
                        dtype=np.intp, count=count * n_a).reshape(count, n_a)
    ind = np.zeros((count, n_total))
    ind[np.arange(count)[:, None], picks] = 1.0
    ind.setflags(write=False)
    return ind


def _random_splits(n_total: int, n_a: int, resamples: int, gen: np.random.Generator) -> FloatArray:
    """``resamples`` random picks of ``n_a`` of ``n_total`` rows, as an indicator matrix."""
    keys = gen.random((resamples, n_total))
    kth = np.partition(keys, n_a - 1, axis=1)[:, n_a - 1:n_a]
    return (keys <= kth).astype(float)


def _split_stats(x: FloatArray, n_a: int, n_b: int, *, exact: bool, resamples: int = 0,
                 gen: np.random.Generator | None = None) -> FloatArray:
    """Difference of means a - b for each column of ``x`` (rows) and split: shape (m, splits).

    ``exact``: every split of the rows of ``x`` into ``n_a`` + ``n_b``; otherwise
    ``resamples`` random ones drawn from ``gen``. The sums of group a are ``x.T @ split.T``,
    taken in blocks small enough that OpenBLAS stays on one thread (it threads products above
    65,536 x 4 multiply-adds; a threaded product this small is slower, and on a busy machine
    100 times slower) and that the random splits of a block stay in cache. The rest is updated
    in place: at these sizes the time goes into allocating memory, not into arithmetic.
    """
    n_total = x.shape[0]
    every = _all_splits(n_total, n_a) if exact else None
    count = every.shape[0] if every is not None else resamples
    out: FloatArray = np.empty((x.shape[1], count))
    xt = np.ascontiguousarray(x.T)
    block = max(1, _BLAS_SINGLE_THREAD // max(1, x.size))
    for start in range(0, count, block):
        stop = min(start + block, count)
        if every is not None:
            split = every[start:stop]
        else:
            assert gen is not None
            split = _random_splits(n_total, n_a, stop - start, gen)
        np.matmul(xt, split.T, out=out[:, start:stop])
    out *= 1.0 / n_a + 1.0 / n_b
    out -= (x.sum(axis=0) / n_b)[:, None]
    return out


def _count_extreme(perm: FloatArray, observed: FloatArray, tol: float) -> NDArray[np.intp]:
    """Per row of ``perm`` (modified in place): how many ``|stat| >= |observed|`` (up to ``tol``)."""
    np.abs(perm, out=perm)
    counts: NDArray[np.intp] = np.count_nonzero(perm >= (np.abs(observed) - tol)[:, None], axis=1)
    return counts


def _tolerance(x: FloatArray) -> float:
    """Slack for comparing permutation statistics equal up to rounding."""
    return 1e-9 * (1.0 + float(np.max(np.abs(x), initial=0.0)))


def welch_interval(a: ArrayLike, b: ArrayLike,
                   confidence: float = 0.95) -> list[tuple[float, float] | None]:
    """Welch t interval for ``mean(a) - mean(b)``, column by column (NaN ignored).

    Parameters
    ----------
    a, b : array_like, shape (n_a,) or (n_a, m) and (n_b,) or (n_b, m)
        The two groups; rows are respondents, columns the scores compared.
    confidence : float
        Confidence level.

    Returns
    -------
    list of (low, high) or None
        None for a column where either side has fewer than 2 values. When neither side varies
        the interval is the single point ``(diff, diff)``.
    """
    _check_confidence(confidence)
    xa, xb = _as_2d(a, "a"), _as_2d(b, "b")
    if xa.shape[1] != xb.shape[1]:
        raise ValueError(f"a and b need the same columns, got {xa.shape[1]} and {xb.shape[1]}")
    na, ma, va = _column_moments(xa)
    nb, mb, vb = _column_moments(xb)
    with np.errstate(invalid="ignore", divide="ignore"):
        sa, sb = va / na, vb / nb
        se = np.sqrt(sa + sb)
        df = (sa + sb) ** 2 / (sa**2 / (na - 1) + sb**2 / (nb - 1))
        half = np.where(se > 0, scipy_special().stdtrit(np.where(se > 0, df, 1.0), 0.5 + confidence / 2) * se, 0.0)
    diff = ma - mb
    return [(float(d - h), float(d + h)) if ka > 1 and kb > 1 and np.isfinite(h) else None
            for d, h, ka, kb in zip(diff, half, na, nb)]


def permutation_gaps(a: ArrayLike, b: ArrayLike, *, resamples: int = RESAMPLES,
                     rng: RngLike = 0, confidence: float = 0.95,
                     max_exact: int = MAX_EXACT) -> list[Gap]:
    """Gaps ``a - b`` for every column at once, each with a permutation test and Welch interval.

    The respondents (rows) of both groups are pooled and re-split into groups of the original
    sizes; the p-value is the share of splits whose ``|mean difference|`` is at least the
    observed one (two-sided). All columns share the same splits, so one call tests the index
    and the eight dimensions together (use :func:`holm` or :func:`gap_verdicts` on the result).

    Parameters
    ----------
    a, b : array_like, shape (n_a, m) and (n_b, m), or 1-D
        The two groups, one row per respondent (e.g. index + 8 dimension scores). NaN is
        allowed: a column is tested on the respondents who have a value in it (columns with
        the same missing pattern are tested together).
    resamples : int
        Random splits drawn when there are more than ``max_exact`` possible splits.
    rng : int, Generator or None
        Seed or generator for the random splits (unused when the test is exact).
    confidence : float
        Confidence level of the Welch interval.
    max_exact : int
        Enumerate every split when there are at most this many (C(n_a + n_b, n_a)).

    Returns
    -------
    list of Gap
        One per column. The p-value is exact (``count / C``, the observed split included) or
        Monte Carlo (``(count + 1) / (resamples + 1)``, never 0); None when either side of the
        column is empty. Neither the p-value nor the interval is adjusted for multiplicity.
    """
    xa, xb = _as_2d(a, "a"), _as_2d(b, "b")
    if xa.shape[1] != xb.shape[1]:
        raise ValueError(f"a and b need the same columns, got {xa.shape[1]} and {xb.shape[1]}")
    if resamples < 1:
        raise ValueError("resamples must be at least 1")
    gen = _generator(rng)
    intervals = welch_interval(xa, xb, confidence)
    pooled = np.vstack([xa, xb])
    in_a = np.arange(pooled.shape[0]) < xa.shape[0]
    valid = ~np.isnan(pooled)
    gaps: list[Gap | None] = [None] * pooled.shape[1]
    patterns: dict[bytes, list[int]] = {}
    for j in range(pooled.shape[1]):
        patterns.setdefault(valid[:, j].tobytes(), []).append(j)
    for cols in patterns.values():
        rows = valid[:, cols[0]]
        x = pooled[np.ix_(rows, np.asarray(cols, dtype=np.intp))]
        n_a, n_b = int((rows & in_a).sum()), int((rows & ~in_a).sum())
        diff = np.full(len(cols), np.nan)
        p = np.full(len(cols), np.nan)
        exact, splits = True, 0
        if n_a > 0 and n_b > 0:
            x = x - x.mean(axis=0)  # same differences, smaller rounding error
            is_a = in_a[rows]
            diff = x[is_a].mean(axis=0) - x[~is_a].mean(axis=0)
            tol = _tolerance(x)
            total = math.comb(n_a + n_b, n_a)
            if total <= max_exact and total * (n_a + n_b) <= _MAX_EXACT_CELLS:
                perm = _split_stats(x, n_a, n_b, exact=True)
                p = _count_extreme(perm, diff, tol) / total
                splits = total
            else:
                perm = _split_stats(x, n_a, n_b, exact=False, resamples=resamples, gen=gen)
                p = (_count_extreme(perm, diff, tol) + 1) / (resamples + 1)
                exact, splits = False, resamples
        for k, j in enumerate(cols):
            ci = intervals[j]
            gaps[j] = Gap(diff=_opt(diff[k]), p_value=_opt(p[k]),
                          low=None if ci is None else ci[0], high=None if ci is None else ci[1],
                          n_a=n_a, n_b=n_b, exact=exact, splits=splits)
    return [g for g in gaps if g is not None]


def permutation_gap(a: ArrayLike, b: ArrayLike, *, resamples: int = RESAMPLES, rng: RngLike = 0,
                    confidence: float = 0.95, max_exact: int = MAX_EXACT) -> Gap:
    """The gap ``mean(a) - mean(b)`` of two 1-D samples, with a permutation test.

    Same as :func:`permutation_gaps` for one column (see there for the parameters).

    Returns
    -------
    Gap
    """
    return permutation_gaps(_as_1d(a, "a"), _as_1d(b, "b"), resamples=resamples, rng=rng,
                            confidence=confidence, max_exact=max_exact)[0]


# --------------------------------------------------------------------------------------------
# several gaps: Holm and the verdict


def holm(pvalues: Sequence[float | None] | ArrayLike) -> list[float | None]:
    """Holm-Bonferroni step-down adjusted p-values (monotone, capped at 1).

    Parameters
    ----------
    pvalues : sequence of float or None
        Unadjusted p-values. None and NaN are left out of the family (they count neither in
        the number of tests nor in the ordering) and come back as None.

    Returns
    -------
    list of float or None
        Adjusted p-values in the input order: the i-th smallest of the m present p-values
        becomes ``max over j <= i of min(1, (m - j + 1) * p_(j))``. Rejecting where the
        adjusted value is at most ``alpha`` keeps the family-wise error at or below ``alpha``.
    """
    raw = np.array([np.nan if p is None else float(p)
                    for p in np.asarray(pvalues, dtype=object).ravel()], dtype=float)
    if np.any((raw < 0) | (raw > 1)):
        raise ValueError("p-values must lie between 0 and 1")
    present = np.flatnonzero(~np.isnan(raw))
    m = present.size
    order = present[np.argsort(raw[present], kind="stable")]
    adjusted = np.full(raw.size, np.nan)
    adjusted[order] = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * raw[order]))
    return [_opt(v) for v in adjusted]


def gap_verdict(n_a: int, n_b: int, p_adjusted: float | None, alpha: float = 0.05,
                min_per_side: int = MIN_PER_SIDE) -> Verdict:
    """Say whether a gap is larger than noise.

    Parameters
    ----------
    n_a, n_b : int
        Respondents on each side of the gap.
    p_adjusted : float or None
        The gap's p-value, adjusted for the other gaps of the same family (:func:`holm`).
    alpha : float
        Family-wise error rate.
    min_per_side : int
        Below this many respondents on either side there is no verdict either way.

    Returns
    -------
    {"larger than noise", "within noise", "too few to tell"}
        "too few to tell" when either side is below ``min_per_side`` or there is no p-value;
        else "larger than noise" when ``p_adjusted <= alpha``, "within noise" otherwise.
    """
    if min(n_a, n_b) < min_per_side or p_adjusted is None or math.isnan(p_adjusted):
        return TOO_FEW
    return LARGER if p_adjusted <= alpha else WITHIN


def gap_verdicts(gaps: Sequence[Gap], alpha: float = 0.05,
                 min_per_side: int = MIN_PER_SIDE) -> list[tuple[float | None, Verdict]]:
    """Holm-adjust a family of gaps and give each its verdict.

    Parameters
    ----------
    gaps : sequence of Gap
        One family, e.g. the result of :func:`permutation_gaps` for one client (index and
        dimensions, or the dimensions alone: the caller decides what the family is).
    alpha, min_per_side
        As in :func:`gap_verdict`.

    Returns
    -------
    list of (adjusted p-value or None, verdict)
        Only gaps with at least ``min_per_side`` respondents per side and a p-value enter the
        Holm family (the others can get no verdict, so they need no share of ``alpha``); their
        adjusted p-value is None.
    """
    eligible = [g.p_value if min(g.n_a, g.n_b) >= min_per_side else None for g in gaps]
    adjusted = holm(eligible)
    return [(p, gap_verdict(g.n_a, g.n_b, p, alpha, min_per_side)) for g, p in zip(gaps, adjusted)]


# --------------------------------------------------------------------------------------------
# reliability


def _complete_rows(items: ArrayLike) -> FloatArray:
    x = np.asarray(items, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"items must be 2-D (respondents x items), got shape {x.shape}")
    complete: FloatArray = x[~np.isnan(x).any(axis=1)]
    return complete


def cronbach_alpha(items: ArrayLike) -> float | None:
    """Cronbach's alpha of a multi-item scale.

    Parameters
    ----------
    items : array_like, shape (respondents, items)
        Scored answers (reverse-keyed items already reversed). **Listwise deletion**: a
        respondent with any missing item is left out.

    Returns
    -------
    float or None
        ``k / (k - 1) * (1 - sum of item variances / variance of the total)`` (sample
        variances), which can be negative when items disagree. None with fewer than 2 items,
        fewer than 3 complete respondents, or no variance in the total.
    """
    x = _complete_rows(items)
    n, k = x.shape
    if k < 2 or n < 3:
        return None
    total_var = float(x.sum(axis=1).var(ddof=1))
    if total_var <= 1e-12 * (1.0 + float(np.abs(x).max())) ** 2:
        return None
    return float(k / (k - 1) * (1.0 - x.var(axis=0, ddof=1).sum() / total_var))


def item_rest_correlations(items: ArrayLike) -> list[float | None]:
    """Correlation of each item with the sum of the other items of its scale.

    Parameters
    ----------
    items : array_like, shape (respondents, items)
        Scored answers; **listwise deletion** as in :func:`cronbach_alpha` (same respondents).

    Returns
    -------
    list of float or None
        Pearson correlation per item; None when it cannot be computed (fewer than 2 items,
        fewer than 3 complete respondents, or no variance in the item or in the rest). A
        negative value often means a mis-keyed item.
    """
    x = _complete_rows(items)
    n, k = x.shape
    if k < 2 or n < 3:
        return [None] * k
    rest = x.sum(axis=1, keepdims=True) - x
    dx, dr = x - x.mean(axis=0), rest - rest.mean(axis=0)
    sxx, srr = (dx * dx).sum(axis=0), (dr * dr).sum(axis=0)
    scale = 1e-12 * (1.0 + float(np.abs(x).max()) * k) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (dx * dr).sum(axis=0) / np.sqrt(sxx * srr)
    return [float(np.clip(v, -1.0, 1.0)) if a > scale and b > scale else None
            for v, a, b in zip(r, sxx, srr)]


# --------------------------------------------------------------------------------------------
# rates


@overload
def wilson_interval(k: int | np.integer[Any], n: int | np.integer[Any],
                    confidence: float = 0.95) -> tuple[float, float] | None: ...
@overload
def wilson_interval(k: ArrayLike, n: ArrayLike,
                    confidence: float = 0.95) -> tuple[FloatArray, FloatArray]: ...
def wilson_interval(k: ArrayLike, n: ArrayLike, confidence: float = 0.95
                    ) -> tuple[float, float] | tuple[FloatArray, FloatArray] | None:
    """Wilson score interval of a proportion ``k / n`` (e.g. a funnel conversion rate).

    Parameters
    ----------
    k, n : int or array_like of int
        Successes and trials (broadcast together), ``0 <= k <= n``.
    confidence : float
        Confidence level.

    Returns
    -------
    (low, high) or None
        For scalars: the bounds, or None when ``n == 0``. For arrays: two float arrays with
        NaN where ``n == 0``.
    """
    _check_confidence(confidence)
    ka, na = np.broadcast_arrays(np.asarray(k, dtype=float), np.asarray(n, dtype=float))
    if np.any((ka < 0) | (ka > na) | (ka != np.round(ka)) | (na != np.round(na))):
        raise ValueError("k and n must be whole numbers with 0 <= k <= n")
    z = float(scipy_special().ndtri(0.5 + confidence / 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = ka / na
        denom = 1.0 + z * z / na
        centre = (p + z * z / (2 * na)) / denom
        half = z * np.sqrt(p * (1 - p) / na + z * z / (4 * na * na)) / denom
    low = np.where(na > 0, np.where(ka == 0, 0.0, np.clip(centre - half, 0.0, 1.0)), np.nan)
    high = np.where(na > 0, np.where(ka == na, 1.0, np.clip(centre + half, 0.0, 1.0)), np.nan)
    if np.ndim(k) == 0 and np.ndim(n) == 0:
        return None if float(na) == 0 else (float(low), float(high))
    return low, high


# --------------------------------------------------------------------------------------------
# leaders vs staff, within teams


def _team_stat_draws(x: FloatArray, is_leader: NDArray[np.bool_], exact: bool, resamples: int,
                     gen: np.random.Generator) -> FloatArray:
    """Leader-minus-staff mean for every (exact) or ``resamples`` random relabellings of one team."""
    n_l = int(is_leader.sum())
    return _split_stats(x[:, None], n_l, x.size - n_l, exact=exact, resamples=resamples, gen=gen)[0]


def leader_staff_within_teams(values: ArrayLike, teams: ArrayLike, levels: ArrayLike, *,
                              leader: str = "leader", staff: str = "staff",
                              confidence: float = 0.95, resamples: int = RESAMPLES,
                              rng: RngLike = 0, max_exact: int = MAX_EXACT) -> LevelGap:
    """Leaders vs staff, compared within each team and averaged with equal weight per team.

    A pooled comparison of individuals is confounded by team mix (a team with more leaders and
    a higher score makes "leaders" look higher); comparing inside each team removes that.

    Parameters
    ----------
    values : array_like, 1-D
        One score per respondent (e.g. the index). NaN rows are left out.
    teams, levels : array_like, 1-D
        Each respondent's team and level; levels other than ``leader``/``staff`` are ignored.
    leader, staff : str
        The two level labels.
    confidence : float
        Confidence level of the interval.
    resamples, rng, max_exact
        As in :func:`permutation_gaps`; here levels are shuffled within each team, and the
        test is exact when the product over teams of C(team size, leaders) is at most
        ``max_exact``.

    Returns
    -------
    LevelGap
        A team lacking either level contributes nothing (gap None when no team has both).
        The interval sums each team's Welch variance (``s_L^2/n_L + s_S^2/n_S``) divided by
        the number of teams squared, with Welch-Satterthwaite degrees of freedom. For a
        verdict, pass ``n_leader``, ``n_staff`` and the p-value to :func:`gap_verdict`.
    """
    _check_confidence(confidence)
    x = _as_1d(values, "values")
    t = np.asarray(teams, dtype=object).ravel()
    lv = np.asarray(levels, dtype=object).ravel()
    if not x.size == t.size == lv.size:
        raise ValueError("values, teams and levels need the same length")
    use = ~np.isnan(x) & ((lv == leader) | (lv == staff))
    x, t, lv = x[use], t[use], lv[use]
    names = list(dict.fromkeys(str(v) for v in t))
    team_str = np.array([str(v) for v in t], dtype=object)
    members = {name: team_str == name for name in names}
    contributing = [name for name in names
                    if ((lv == leader) & members[name]).any() and ((lv == staff) & members[name]).any()]
    if not contributing:
        return LevelGap(None, None, None, None, (), {}, 0, 0, True)

    per_team: dict[str, float] = {}
    var_parts: list[tuple[float, int]] = []  # (s^2 / n, n - 1) per level per team
    n_leader = n_staff = 0
    for name in contributing:
        xl, xs = x[members[name] & (lv == leader)], x[members[name] & (lv == staff)]
        per_team[name] = float(xl.mean() - xs.mean())
        n_leader, n_staff = n_leader + xl.size, n_staff + xs.size
        for g in (xl, xs):
            var_parts.append((float(g.var(ddof=1)) / g.size if g.size > 1 else math.nan, g.size - 1))
    n_teams = len(contributing)
    gap = sum(per_team.values()) / n_teams

    low = high = None
    if all(math.isfinite(v) for v, _ in var_parts):
        var = sum(v for v, _ in var_parts) / n_teams**2
        if var == 0:
            low = high = gap
        else:
            df = sum(v for v, _ in var_parts) ** 2 / sum(v * v / d for v, d in var_parts if v > 0)
            half = float(scipy_special().stdtrit(df, 0.5 + confidence / 2)) * math.sqrt(var)
            low, high = gap - half, gap + half

    # stratified permutation: relabel levels within each team, keep each team's level counts
    gen = _generator(rng)
    sizes = [(int(members[n].sum()), int((members[n] & (lv == leader)).sum())) for n in contributing]
    exact = (math.prod(math.comb(size, n_l) for size, n_l in sizes) <= max_exact
             and sum(math.comb(size, n_l) * size for size, n_l in sizes) <= _MAX_EXACT_CELLS)
    draws = []
    for name in contributing:
        xt = x[members[name]]
        xt = xt - xt.mean()
        draws.append(_team_stat_draws(xt, lv[members[name]] == leader, exact, resamples, gen))
    if exact:  # every combination of the teams' relabellings
        total = draws[0]
        for d in draws[1:]:
            total = np.add.outer(total, d).ravel()
        perm = total / n_teams
    else:
        perm = np.sum(draws, axis=0) / n_teams
    tol = _tolerance(x - x.mean())
    hits = int((np.abs(perm) >= abs(gap) - tol).sum())
    p = hits / perm.size if exact else (hits + 1) / (resamples + 1)
    return LevelGap(gap=gap, low=low, high=high, p_value=p, teams=tuple(contributing),
                    per_team=per_team, n_leader=n_leader, n_staff=n_staff, exact=exact)
