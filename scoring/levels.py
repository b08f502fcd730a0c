"""From item scores to an area's level: weighted mean, score thresholds, gates.

The few rules every level in Digi-Check goes through, shared by the profile (the level with the
answers as given) and the level range (the level with every open answer at its lowest or highest
option, scoring.ranges).
"""

from __future__ import annotations

from scoring.model import Area, Gate, Questionnaire

#: the score of each item by id: 0-100, None when unknown, EXCLUDED when not applicable
ItemScores = dict[str, float | str | None]


def level_for_score(questionnaire: Questionnaire, score: float) -> int:
    level = 1
    for spec in questionnaire.levels:
        if score >= spec.min_score - 1e-9:
            level = spec.level
    return level


def area_score(area: Area, scores: ItemScores) -> float | None:
    """Weighted mean of the scored items of `area`; None when none is scored."""
    num = den = 0.0
    for item in area.items:
        value = scores[item.id]
        if isinstance(value, float):
            num += item.weight * value
            den += item.weight
    return num / den if den else None


def gate_open(gate: Gate, all_scores: ItemScores) -> bool:
    return all(isinstance(score := all_scores.get(c.item), float) and score >= c.min_score - 1e-9 for c in gate.unless)


def capped_level(q: Questionnaire, area_id: str, score_level: int, all_scores: ItemScores) -> tuple[int, list[Gate]]:
    """The level after the gates of the area, and the gates that cap it."""
    level = score_level
    active: list[Gate] = []
    for gate in q.gates:
        if gate.area == area_id and not gate_open(gate, all_scores) and gate.max_level < score_level:
            level = min(level, gate.max_level)
            active.append(gate)
    return level, active


def area_result(q: Questionnaire, area: Area, all_scores: ItemScores) -> tuple[float, int] | None:
    """The score and gated level of `area` with these scores; None when no item is scored."""
    score = area_score(area, all_scores)
    return None if score is None else (score, capped_level(q, area.id, level_for_score(q, score), all_scores)[0])


def area_level(q: Questionnaire, area: Area, all_scores: ItemScores) -> int | None:
    """The gated level of `area` with these scores; None when no item is scored."""
    result = area_result(q, area, all_scores)
    return None if result is None else result[1]


def overall_level(q: Questionnaire, results: list[tuple[float, int]]) -> tuple[float, int] | None:
    """Mean of the area scores and its level, at most one above the weakest area; None without areas."""
    if not results:
        return None
    mean = sum(score for score, _ in results) / len(results)
    return mean, min(level_for_score(q, mean), min(level for _, level in results) + 1)
