"""The survey method's settings and the small statistics the survey modules share.

Rounding (:func:`rnd`), the minimum reporting group actually applied
(:func:`effective_min_group`), the ``method`` block of the results (:func:`method`), the
verdict as the playbook's True/False/None flag (:func:`significant_of`), and the Welch-type t
interval and test of a weighted sum of independent group means (:func:`combined_interval`,
:func:`combined_p`): the overall index (mean of the team means) and a change between waves.
Pure: no files, no printing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypedDict

import numpy as np

from helpers.analysis.stats import LARGER, MAX_EXACT, MIN_PER_SIDE, RESAMPLES, WITHIN, scipy_special
from helpers.vocabulary import MIN_GROUP_DEFAULT, MIN_GROUP_FLOOR

CONFIDENCE = 0.95
#: Family-wise error rate of the "larger than noise" verdicts of one client.
ALPHA = 0.05
#: Below this Cronbach's alpha a dimension's statements do not measure one thing.
RELIABLE_ALPHA = 0.6


class SurveyMethod(TypedDict):
    """How the survey figures were computed (read by the methodology appendix)."""

    interval: str
    test: str
    correction: str
    confidence: float
    alpha: float
    min_per_side: int
    min_group: int
    reliable_alpha: float
    resamples: int
    max_exact: int
    seed: int


def rnd(value: Any, digits: int = 1) -> float | None:
    """Round half up (61.25 -> 61.3) after removing float noise; None/NaN -> None."""
    if value is None or not np.isfinite(value):
        return None
    exact = Decimal(repr(round(float(value), 9)))
    return float(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def effective_min_group(min_group: int | None) -> int:
    """The minimum reporting group actually applied: the default when None, never below the floor."""
    return max(MIN_GROUP_FLOOR, MIN_GROUP_DEFAULT if min_group is None else int(min_group))


def method(min_group: int = MIN_GROUP_DEFAULT, seed: int = 0) -> SurveyMethod:
    """The method block of the survey results."""
    return {"interval": "t", "test": "permutation", "correction": "holm", "confidence": CONFIDENCE,
            "alpha": ALPHA, "min_per_side": MIN_PER_SIDE, "min_group": effective_min_group(min_group),
            "reliable_alpha": RELIABLE_ALPHA, "resamples": RESAMPLES, "max_exact": MAX_EXACT, "seed": seed}


def significant_of(verdict: str | None) -> bool | None:
    """The verdict as the playbook's flag: True larger than noise, False within noise, None otherwise."""
    return True if verdict == LARGER else False if verdict == WITHIN else None


def combined_interval(estimate: float | None, terms: Sequence[tuple[float, float | None, int]],
                      confidence: float = CONFIDENCE) -> list[float | None] | None:
    """Welch-type t interval of a weighted sum of independent group means.

    Parameters
    ----------
    estimate : float or None
        The weighted sum itself (e.g. the mean of the two team means, or a change between waves).
    terms : sequence of (weight, sd, n)
        Each group's weight in the sum, its standard deviation and its size. The variance is
        ``sum(w^2 sd^2 / n)``; the degrees of freedom are Welch-Satterthwaite's.
    confidence : float
        Confidence level.

    Returns
    -------
    [low, high] or None
        None when the estimate is missing or a group has fewer than 2 values (or no sd).
    """
    if estimate is None or not terms or any(sd is None or n < 2 for _, sd, n in terms):
        return None
    parts = [(w * w * float(sd) ** 2 / n, n - 1) for w, sd, n in terms if sd is not None]
    var = sum(v for v, _ in parts)
    if var <= 0:
        return [estimate, estimate]
    df = var ** 2 / sum(v * v / d for v, d in parts if v > 0)
    half = float(scipy_special().stdtrit(df, 0.5 + confidence / 2)) * math.sqrt(var)
    return [estimate - half, estimate + half]


def combined_p(estimate: float | None, terms: Sequence[tuple[float, float | None, int]]) -> float | None:
    """Two-sided Welch-type t p-value that the weighted sum of :func:`combined_interval` is zero."""
    if estimate is None or not terms or any(sd is None or n < 2 for _, sd, n in terms):
        return None
    parts = [(w * w * float(sd) ** 2 / n, n - 1) for w, sd, n in terms if sd is not None]
    var = sum(v for v, _ in parts)
    if var <= 0:
        return 0.0 if estimate != 0 else 1.0
    df = var ** 2 / sum(v * v / d for v, d in parts if v > 0)
    return float(2 * scipy_special().stdtr(df, -abs(estimate) / math.sqrt(var)))


def round_pair(pair: Sequence[float | None] | None, digits: int = 1) -> list[float | None] | None:
    """An interval ``[low, high]`` rounded with :func:`rnd` (None stays None)."""
    return None if pair is None else [rnd(pair[0], digits), rnd(pair[1], digits)]


#: Widest spread of a dimension's statement means (1-5 scale) that still reads as one level.
SAME_LEVEL = 0.75


def reads_as_one(dimension: str, info: Any, statements: Sequence[Any]) -> bool:
    """Whether a dimension's score can be read as one number.

    True when its statements hang together (alpha at least :data:`RELIABLE_ALPHA`, or alpha
    unknown), or when, although alpha is low, every statement sits at about the same level (means
    within :data:`SAME_LEVEL` of each other): everyone rating all three low gives a low alpha only
    because people barely differ, and the low score is still real.
    """
    alpha = info.get("alpha")
    if alpha is None or info.get("reliable"):
        return True
    means = [float(s["mean"]) for s in statements
             if s.get("dimension") == dimension and s.get("mean") is not None and s.get("scale", "scored") == "scored"]
    return len(means) >= 2 and max(means) - min(means) <= SAME_LEVEL
