"""Percentile ranks, quartiles and level distributions on hand-computed examples."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.benchmark import Quartiles, level_distribution, percentile_rank, percentile_ranks, quantile, quantile_rows, quartiles


def test_percentile_rank_by_hand() -> None:
    values = [10, 20, 20, 30, 40]
    # 30: below 3 (10, 20, 20), ties 1 → (3 + 0.5) / 5 = 70 %
    assert percentile_rank(30, values) == pytest.approx(70.0)
    # 20: below 1, ties 2 → (1 + 1) / 5 = 40 %
    assert percentile_rank(20, values) == pytest.approx(40.0)
    assert percentile_rank(10, values) == pytest.approx(10.0)
    assert percentile_rank(40, values) == pytest.approx(90.0)
    assert percentile_rank(50, [50] * 6) == pytest.approx(50.0)


def test_percentile_ranks_for_a_whole_group_match_one_by_one() -> None:
    values = [40, 10, float("nan"), 20, 30, 20]
    ranks = percentile_ranks(values)
    assert math.isnan(ranks[2])
    assert list(ranks[[0, 1, 3, 4, 5]]) == pytest.approx([90, 10, 40, 70, 40])
    assert percentile_rank(30, values) == pytest.approx(70.0)  # NaN left out, like NULL


def test_percentile_rank_of_an_empty_group_is_an_error() -> None:
    with pytest.raises(ValueError):
        percentile_rank(1, [float("nan")])


def test_quartiles_by_hand() -> None:
    # n = 5: h = 4p → Q1 = v[1] = 20, median = v[2] = 30, Q3 = v[3] = 40
    assert quartiles([50, 10, 40, 20, 30]) == Quartiles(5, 20.0, 30.0, 40.0)
    # n = 6 [10, 20, 30, 40, 50, 70]: h = 5p → Q1 = v[1.25] = 22.5, median = v[2.5] = 35, Q3 = v[3.75] = 47.5
    assert quartiles([70, 10, 50, 20, 40, 30]) == Quartiles(6, 22.5, 35.0, 47.5)
    assert quantile([5.0], 0.75) == 5.0


def test_quantiles_agree_with_numpy_linear() -> None:
    rng = np.random.default_rng(3)
    for n in (1, 2, 5, 7, 100):
        values = rng.uniform(0, 100, n)
        for p in (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0):
            assert quantile(values, p) == pytest.approx(float(np.quantile(values, p)))


def test_quantile_rows_for_sql() -> None:
    assert quantile_rows(6, 0.25) == (2, 3, 0.25)
    assert quantile_rows(5, 0.5) == (3, 4, 0.0)
    assert quantile_rows(5, 1.0) == (5, 5, 0.0)
    assert quantile_rows(1, 0.5) == (1, 1, 0.0)
    with pytest.raises(ValueError):
        quantile_rows(0, 0.5)


def test_level_distribution() -> None:
    assert level_distribution([1, 2, 2, 5, 0, None, 3]) == (1, 2, 1, 0, 1)
    assert level_distribution(np.array([4, 4, 0], dtype=np.int8)) == (0, 0, 0, 2, 0)
    with pytest.raises(ValueError):
        level_distribution([6])
