"""Vectorised scoring of many assessments at once (benchmarks, reports).

The input is an *answer matrix*: one row per assessment, one column per item in
questionnaire order. An answered item holds ANSWERED + its item score (0-100); an
unanswered item ("Weiß nicht" or open) holds 0. The offset lets a single matrix
product yield, per area, the weighted score sum, the answered weight and the
answered count at once (they sit in separate binary ranges of one float64), so
scoring 100,000 assessments costs little more than reading the matrix once.
Items marked "Trifft nicht zu" are passed as a boolean `excluded` mask.

The result matches `scoring.profile.score_checked` area by area (tested),
without the explanations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.answers import item_score
from scoring.model import Questionnaire
from scoring.profile import Answers

#: Offset of an answered item's score; 0 marks an unanswered item.
ANSWERED = float(2**20)
#: Rows per chunk; small enough for the CPU cache.
CHUNK = 8192
#: Weighted sums carry the answered weight in quarters above this base.
_QUARTER = float(2**18)


@dataclass(frozen=True)
class BatchResult:
    """Per assessment and area: score (NaN if unscored), level (0 if unscored), coverage, provisional."""

    scores: np.ndarray
    levels: np.ndarray
    coverage: np.ndarray
    provisional: np.ndarray
    overall_levels: np.ndarray


class BatchScorer:
    """Precomputes the weight matrix and rules of one questionnaire version."""

    def __init__(self, q: Questionnaire):
        self.q = q
        self.item_ids = [item.id for item in q.items]
        column = {item_id: i for i, item_id in enumerate(self.item_ids)}
        n_items, n_areas = len(self.item_ids), len(q.areas)
        self.weights = np.zeros((n_items, n_areas))
        self.membership = np.zeros((n_items, n_areas))
        for a, area in enumerate(q.areas):
            for item in area.items:
                self.weights[column[item.id], a] = item.weight
                self.membership[column[item.id], a] = 1.0
        if not np.array_equal(self.weights * 4, np.round(self.weights * 4)):
            raise ValueError("batch scoring needs item weights in steps of 0.25")
        if (self.weights.sum(axis=0) * 100).max() >= _QUARTER:
            raise ValueError("too much weight in one area for batch scoring")
        self.thresholds = np.array([lvl.min_score for lvl in q.levels[1:]]) - 1e-9
        area_index = {area.id: a for a, area in enumerate(q.areas)}
        gate_items = sorted({c.item for g in q.gates for c in g.unless})
        self.gates = [
            (area_index[g.area], g.max_level, [(gate_items.index(c.item), ANSWERED + c.min_score - 1e-9) for c in g.unless])
            for g in q.gates
        ]
        # one product gives: weighted sums | answered counts | the gate items' raw values
        picks = np.zeros((n_items, len(gate_items)))
        for k, item_id in enumerate(gate_items):
            picks[column[item_id], k] = 1.0
        self.product = np.hstack([self.weights, self.membership, picks])

    def matrix(self, answer_sets: list[Answers]) -> tuple[np.ndarray, np.ndarray]:
        """Turn checked answers into the (answer matrix, excluded mask) this scorer reads."""
        items = self.q.items
        matrix = np.zeros((len(answer_sets), len(items)))
        excluded = np.zeros(matrix.shape, dtype=bool)
        for row, answers in enumerate(answer_sets):
            for col, item in enumerate(items):
                value = item_score(item, answers.get(item.id))
                if isinstance(value, float):
                    matrix[row, col] = ANSWERED + value
                elif value is not None:
                    excluded[row, col] = True
        return matrix, excluded

    def score(self, matrix: np.ndarray, excluded: np.ndarray | None = None) -> BatchResult:
        """Score every row, chunk by chunk into reused buffers (fresh memory is slow to touch).

        Scores and coverage come back as float32: exact enough for scores of 0-100 and
        cheaper to write; levels are computed from float64 before the cast.
        """
        n = matrix.shape[0]
        n_areas = self.weights.shape[1]
        scores = np.empty((n_areas, n), dtype=np.float32)
        coverage = np.empty((n_areas, n), dtype=np.float32)
        levels = np.empty((n_areas, n), dtype=np.int8)
        overall = np.empty(n, dtype=np.int8)
        applicable = np.broadcast_to(self.membership.sum(axis=0)[:, None], (n_areas, n))
        if excluded is not None:
            applicable = np.maximum(applicable - self.membership.T @ excluded.T.astype(np.float64), 0)
        chunk = min(CHUNK, n)
        sums = np.empty((self.product.shape[1], chunk))
        num, den = np.empty((n_areas, chunk)), np.empty((n_areas, chunk))
        unscored = np.empty((n_areas, chunk), dtype=bool)
        flag = np.empty((n_areas, chunk), dtype=bool)
        cap = np.empty(chunk, dtype=np.int8)
        closed = np.empty(chunk, dtype=bool)
        mean, count = np.empty(chunk), np.empty(chunk)
        for start in range(0, n, chunk):
            stop = min(start + chunk, n)
            rows = stop - start
            out = slice(start, stop)
            s, nu, de, un, f, cp, c, me, co = (
                sums[:, :rows], num[:, :rows], den[:, :rows], unscored[:, :rows], flag[:, :rows],
                cap[:rows], closed[:rows], mean[:rows], count[:rows],
            )
            # area-major (rows are areas), so that every step below runs over contiguous memory
            np.matmul(self.product.T, matrix[start:stop].T, out=s)
            weighted, counted, gate_values = s[:n_areas], s[n_areas : 2 * n_areas], s[2 * n_areas :]
            # weighted = ANSWERED * den + num with den in quarter steps: split the two ranges
            np.multiply(weighted, 1 / _QUARTER, out=de)
            np.floor(de, out=de)
            np.multiply(de, -_QUARTER, out=nu)
            np.add(nu, weighted, out=nu)
            np.multiply(de, 0.25, out=de)
            np.equal(de, 0, out=un)
            np.add(de, un, out=de)  # unscored areas: 0 / 1 = 0 instead of 0 / 0
            np.divide(nu, de, out=nu)  # area scores, 0 where unscored
            np.multiply(counted, 1 / ANSWERED, out=de)
            np.floor(de, out=de)
            np.divide(de, np.maximum(applicable[:, out], 1), out=coverage[:, out], casting="same_kind")
            lv = levels[:, out]
            lv.fill(1)
            for threshold in self.thresholds:
                np.greater_equal(nu, threshold, out=f)
                lv += f
            for area, max_level, conditions in self.gates:
                c.fill(False)
                for k, minimum in conditions:
                    c |= gate_values[k] < minimum
                np.multiply(c, max_level - 5, out=cp)
                cp += 5
                np.minimum(lv[area], cp, out=lv[area])
            # overall: mean of scored areas as a level, at most one above the weakest scored area
            np.logical_not(un, out=f)
            np.sum(f, axis=0, out=co)
            np.sum(nu, axis=0, out=me)
            np.maximum(co, 1, out=co)
            np.divide(me, co, out=me)
            ov = overall[out]
            ov.fill(1)
            for threshold in self.thresholds:
                ov += me >= threshold
            lv += un * np.int8(99)  # unscored areas do not count as weakest
            np.minimum(ov, lv.min(axis=0) + 1, out=ov)
            ov[un.all(axis=0)] = 0
            lv[un] = 0
            np.copyto(scores[:, out], nu, casting="same_kind")
            scores[:, out][un] = np.nan
        provisional = coverage < self.q.coverage_min - 1e-9
        return BatchResult(scores.T, levels.T, coverage.T, provisional.T, overall)
