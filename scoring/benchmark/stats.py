"""Distribution figures for a peer group, defined so that SQL can compute the same.

The database aggregates (GROUP BY, window functions); these functions are the
reference its results are tested against, and the definitions a report cites.

- Percentile rank of x in a group: the share of the group's values strictly below x
  plus half the share equal to x, in percent (the "mid-rank" definition). The
  municipality's own value belongs to the group, so the lowest of five distinct
  values ranks 10, the highest 90, and a group of equal values puts everyone at 50.
- Quantiles: linear interpolation between order statistics (Hyndman & Fan type 7,
  NumPy's default, PostgreSQL's `percentile_cont`): with the n sorted values v[0..n-1]
  and h = (n-1)·p, the p-quantile is v[⌊h⌋] + (h-⌊h⌋)·(v[⌈h⌉]-v[⌊h⌋]). SQLite lacks
  percentile_cont; `quantile_rows` gives the two ROW_NUMBERs and the weight to use.
- Level distribution: number of assessments per level 1-5; unscored (0/None) left out.

Missing values (NaN, like SQL NULL) are left out of every figure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

LEVELS = (1, 2, 3, 4, 5)


def _finite(values: Iterable[float] | np.ndarray) -> np.ndarray:
    array = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=np.float64)
    return array[~np.isnan(array)]


def percentile_rank(value: float, values: Iterable[float] | np.ndarray) -> float:
    """Mid-rank percentile of `value` among `values` (0-100); `values` should include it.

    SQL: 100.0 * (COUNT(CASE WHEN v < :x THEN 1 END) + 0.5 * COUNT(CASE WHEN v = :x THEN 1 END))
    / COUNT(v).
    """
    group = _finite(values)
    if group.size == 0:
        raise ValueError("percentile rank of an empty group")
    below = np.count_nonzero(group < value)
    ties = np.count_nonzero(group == value)
    return 100.0 * (below + 0.5 * ties) / group.size


def percentile_ranks(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Each value's mid-rank percentile within `values` (one group) at once; NaN stays NaN.

    SQL (one window per group g): 100.0 * (RANK() OVER w - 1 + 0.5 * COUNT(*) OVER
    (PARTITION BY g, v)) / COUNT(v) OVER (PARTITION BY g), w = (PARTITION BY g ORDER BY v).
    """
    array = np.asarray(values, dtype=np.float64)
    result = np.full(array.shape, np.nan)
    present = ~np.isnan(array)
    group = np.sort(array[present])
    if group.size:
        below = np.searchsorted(group, array[present], side="left")
        upto = np.searchsorted(group, array[present], side="right")
        result[present] = 100.0 * (below + 0.5 * (upto - below)) / group.size
    return result


def quantile_rows(n: int, p: float) -> tuple[int, int, float]:
    """(lower, upper, weight) for the p-quantile of n sorted values, as 1-based ROW_NUMBERs.

    The quantile is value(lower) + weight * (value(upper) - value(lower)).
    """
    if n < 1:
        raise ValueError("quantile of an empty group")
    if not 0.0 <= p <= 1.0:
        raise ValueError("p must lie between 0 and 1")
    h = (n - 1) * p
    lower = math.floor(h)
    return lower + 1, min(lower + 1, n - 1) + 1, h - lower


def quantile(values: Iterable[float] | np.ndarray, p: float) -> float:
    """The p-quantile by linear interpolation (type 7); NaN left out."""
    group = np.sort(_finite(values))
    lower, upper, weight = quantile_rows(group.size, p)
    low, high = group[lower - 1], group[upper - 1]
    return float(low + weight * (high - low))


@dataclass(frozen=True)
class Quartiles:
    """Box-plot figures of one group. Minimum and maximum are left out on purpose:
    each is one municipality's own value."""

    n: int
    q1: float
    median: float
    q3: float


def quartiles(values: Iterable[float] | np.ndarray) -> Quartiles:
    """First quartile, median and third quartile (type 7) and the count behind them."""
    group = _finite(values)
    return Quartiles(int(group.size), quantile(group, 0.25), quantile(group, 0.5), quantile(group, 0.75))


def level_distribution(levels: Iterable[int | None] | np.ndarray) -> tuple[int, int, int, int, int]:
    """Assessments per level 1-5. Unscored (0 or None, as the batch scorer marks them) are left out.

    SQL: SELECT level, COUNT(*) ... WHERE level BETWEEN 1 AND 5 GROUP BY g, level.
    """
    array = np.asarray([0 if v is None else v for v in levels] if not isinstance(levels, np.ndarray) else levels)
    array = array.astype(np.int64, copy=False)
    if array.size and (array.min() < 0 or array.max() > 5):
        raise ValueError("levels must lie between 1 and 5 (0 or None: unscored)")
    counts = np.bincount(array, minlength=6)
    return (int(counts[1]), int(counts[2]), int(counts[3]), int(counts[4]), int(counts[5]))
