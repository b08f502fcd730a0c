"""The vectorised scorer agrees with the explainable one, assessment by assessment."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import check_answers, score_checked
from scoring.batch import ANSWERED, BatchScorer
from scoring.library import Library
from tests.unit.test_properties import QUESTIONNAIRES, questionnaire_and_answers


@settings(max_examples=60, deadline=None)
@given(st.lists(questionnaire_and_answers(), min_size=1, max_size=4))
def test_batch_matches_single_scoring(cases) -> None:
    q = cases[0][0]
    answer_sets = [check_answers(q, answers) for other, answers in cases if other is q]
    scorer = BatchScorer(q)
    result = scorer.score(*scorer.matrix(answer_sets))
    for row, answers in enumerate(answer_sets):
        profile = score_checked(q, answers)
        for col, area in enumerate(profile.areas):
            if area.score is None:
                assert np.isnan(result.scores[row, col]) and result.levels[row, col] == 0
            else:
                assert abs(result.scores[row, col] - area.score) < 0.051
                assert result.levels[row, col] == area.level
            assert abs(result.coverage[row, col] - area.coverage) < 0.001
            assert bool(result.provisional[row, col]) == area.provisional
        assert result.overall_levels[row] == (profile.overall.level or 0)


def test_batch_scores_many_rows() -> None:
    q = Library.load().latest if len(QUESTIONNAIRES) > 1 else QUESTIONNAIRES[0]
    scorer = BatchScorer(q)
    rng = np.random.default_rng(7)
    scores = rng.choice([ANSWERED, ANSWERED + 50, ANSWERED + 100, 0.0], size=(10_000, len(q.items)))
    result = scorer.score(scores)
    assert result.scores.shape == (10_000, 5)
    finite = result.levels > 0
    assert ((result.scores[finite] >= 0) & (result.scores[finite] <= 100)).all()
    assert set(np.unique(result.levels)) <= {0, 1, 2, 3, 4, 5}
