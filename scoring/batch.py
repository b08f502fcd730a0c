"""Vectorised scoring of many assessments at once (benchmarks, reports).

Input is a matrix of item scores, one row per assessment and one column per item
in questionnaire order, NaN where an item is unanswered ("Weiß nicht" or open).
Items marked "Trifft nicht zu" are passed as a boolean `excluded` mask. The result
matches `scoring.profile.score_checked` area by area (tested), without the
explanations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.answers import item_score
from scoring.model import Questionnaire
from scoring.profile import Answers

#: Rows per chunk: keeps the working set in the CPU cache.
CHUNK = 4096


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
        items = q.items
        self.item_ids = [item.id for item in items]
        column = {item_id: i for i, item_id in enumerate(self.item_ids)}
        n_items, n_areas = len(items), len(q.areas)
        self.weights = np.zeros((n_items, n_areas))
        self.membership = np.zeros((n_items, n_areas))
        for a, area in enumerate(q.areas):
            for item in area.items:
                self.weights[column[item.id], a] = item.weight
                self.membership[column[item.id], a] = 1.0
        self.thresholds = np.array([lvl.min_score for lvl in q.levels[1:]]) - 1e-9
        self.area_index = {area.id: a for a, area in enumerate(q.areas)}
        self.gates = [
            (self.area_index[g.area], g.max_level, [(column[c.item], c.min_score - 1e-9) for c in g.unless])
            for g in q.gates
        ]

    def matrix(self, answer_sets: list[Answers]) -> tuple[np.ndarray, np.ndarray]:
        """Turn checked answers into the (scores, excluded) matrices this scorer reads."""
        items = self.q.items
        scores = np.full((len(answer_sets), len(items)), np.nan)
        excluded = np.zeros(scores.shape, dtype=bool)
        for row, answers in enumerate(answer_sets):
            for col, item in enumerate(items):
                value = item_score(item, answers.get(item.id))
                if isinstance(value, float):
                    scores[row, col] = value
                elif value is not None:
                    excluded[row, col] = True
        return scores, excluded

    def score(self, scores: np.ndarray, excluded: np.ndarray | None = None) -> BatchResult:
        n = scores.shape[0]
        n_areas = self.weights.shape[1]
        out_scores = np.empty((n, n_areas))
        out_cov = np.empty((n, n_areas))
        for start in range(0, n, CHUNK):
            block = scores[start : start + CHUNK]
            answered = ~np.isnan(block)
            filled = np.where(answered, block, 0.0)
            num = filled @ self.weights
            den = answered @ self.weights
            answered_count = answered @ self.membership
            applicable = self.membership.sum(axis=0)
            if excluded is not None:
                applicable = applicable - excluded[start : start + CHUNK] @ self.membership
            with np.errstate(invalid="ignore", divide="ignore"):
                out_scores[start : start + CHUNK] = num / den
                out_cov[start : start + CHUNK] = np.where(applicable > 0, answered_count / applicable, 0.0)
        levels = 1 + (out_scores[:, :, None] >= self.thresholds).sum(axis=2)
        for area, max_level, conditions in self.gates:
            open_ = np.ones(n, dtype=bool)
            for col, min_score in conditions:
                open_ &= scores[:, col] >= min_score
            levels[:, area] = np.where(open_, levels[:, area], np.minimum(levels[:, area], max_level))
        unscored = np.isnan(out_scores)
        levels[unscored] = 0
        provisional = out_cov < self.q.coverage_min - 1e-9
        overall = self._overall(out_scores, levels, unscored)
        return BatchResult(out_scores, levels, out_cov, provisional, overall)

    def _overall(self, scores: np.ndarray, levels: np.ndarray, unscored: np.ndarray) -> np.ndarray:
        counted = (~unscored).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(unscored, 0.0, scores).sum(axis=1) / counted
        mean_level = 1 + (mean[:, None] >= self.thresholds).sum(axis=1)
        weakest = np.where(unscored, 99, levels).min(axis=1)
        overall = np.minimum(mean_level, weakest + 1)
        overall[unscored.all(axis=1)] = 0
        return overall
