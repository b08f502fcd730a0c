"""What "Weiß nicht" leaves open: the range a level could take, and the questions to clarify.

An item is *open* when it is asked (not hidden by its `applies_if`, not "Trifft nicht zu") and
has no scored answer: answered "Weiß nicht" or not answered at all. Both count the same, because
neither says anything about the municipality.

An area's range runs from the lowest to the highest level it takes over the ways to answer the
open items, gates applied:
- an area's level only rises with the score of any of its items (weighted mean, gates), so the
  lower end puts every open item at its lowest answer and the upper end at its highest;
- an open item that other items depend on (`applies_if`) may also hide them, so each of its
  answers that matter (`_controller_answers`) is tried, and also leaving it open with the items
  depending on it asked (the level the answers as given are scored with).
So the range holds the level of every way to answer the open items, a profile without open
items has a one-level range, and answering "Weiß nicht" instead of an answer never raises the
lower end (tests/unit/test_level_ranges.py). The range also holds the level from the answers as
given (for items scaled 0-100, as all shipped ones are, it does anyway).

The overall range applies the overall rule (mean of the area scores, at most one level above the
weakest area) to every way of answering, again holding the overall level. A level is provisional
when its range spans more than one level (docs/scoring.md "Spanne und vorläufige Stufen").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product

from scoring.answers import Answers, AnswerValue, item_score
from scoring.conditions import answer_status, applicable_answers
from scoring.levels import ItemScores, area_level, area_result, overall_level
from scoring.model import Area, Check, Item, Questionnaire


@dataclass(frozen=True)
class LevelRange:
    """The lowest and highest level the open answers allow; both None when nothing can be scored."""

    low: int | None
    high: int | None

    @property
    def spans(self) -> bool:
        """More than one level possible (or none known): the level is provisional."""
        return self.low is None or self.low != self.high

    def holding(self, level: int | None) -> LevelRange:
        """The range widened to hold `level` (the level from the answers as given)."""
        if level is None or self.low is None or self.high is None:
            return self
        return LevelRange(min(self.low, level), max(self.high, level))


def item_scores(q: Questionnaire, answers: Answers) -> ItemScores:
    """The score of every item of `q` under checked, applicable answers (scoring.answers.item_score)."""
    return {item.id: item_score(item, answers.get(item.id)) for item in q.items}


def filled(q: Questionnaire, all_scores: ItemScores, *, highest: bool) -> ItemScores:
    """The scores with every open item at its lowest (or highest) answer."""
    end = int(highest)
    return {item.id: item.score_span[end] if (score := all_scores[item.id]) is None else score for item in q.items}


#: per area id: its score and level, None when nothing in it is scored
AreaResults = dict[str, tuple[float, int] | None]


@dataclass(frozen=True)
class Ends:
    """Per way of answering the open items that others depend on: the scores with every other
    open item at its lowest (`lows`) and at its highest answer (`highs`), and the area results."""

    lows: tuple[ItemScores, ...]
    highs: tuple[ItemScores, ...]
    low_results: tuple[AreaResults, ...]
    high_results: tuple[AreaResults, ...]

    @classmethod
    def of(cls, q: Questionnaire, answers: Answers, all_scores: ItemScores) -> Ends:
        """`answers` as scored (scoring.conditions.applicable_answers), `all_scores` their item scores."""
        ways = list(_ways(q, answers, all_scores))
        lows = tuple(filled(q, scores, highest=False) for scores in ways)
        highs = tuple(filled(q, scores, highest=True) for scores in ways)
        return cls(lows, highs, tuple(area_results(q, s) for s in lows), tuple(area_results(q, s) for s in highs))

    def area_range(self, q: Questionnaire, area: Area, level: int | None) -> LevelRange:
        return _range((_level(r[area.id]) for r in self.low_results), (_level(r[area.id]) for r in self.high_results)).holding(level)

    def overall_range(self, q: Questionnaire, level: int | None) -> LevelRange:
        return _range((_overall(q, r) for r in self.low_results), (_overall(q, r) for r in self.high_results)).holding(level)


def area_results(q: Questionnaire, scores: ItemScores) -> AreaResults:
    return {area.id: area_result(q, area, scores) for area in q.areas}


def _level(result: tuple[float, int] | None) -> int | None:
    return None if result is None else result[1]


def _range(lows: Iterator[int | None], highs: Iterator[int | None]) -> LevelRange:
    low = [level for level in lows if level is not None]
    high = [level for level in highs if level is not None]
    return LevelRange(min(low), max(high)) if low and high else LevelRange(None, None)


def _overall(q: Questionnaire, results: AreaResults) -> int | None:
    overall = overall_level(q, [r for r in results.values() if r is not None])
    return None if overall is None else overall[1]


def _ways(q: Questionnaire, answers: Answers, all_scores: ItemScores) -> Iterator[ItemScores]:
    """The item scores for each way of answering the open items that others depend on (each
    left open, or one of its answers that matter); just `all_scores` when there is none."""
    conditions: dict[str, list[Check]] = {}
    for dependent in q.conditional_items:
        for check in dependent.applies_if:
            conditions.setdefault(check.item, []).append(check)
    open_controllers = [item for item_id in conditions if all_scores.get(item_id) is None and (item := q.item(item_id))]
    choices = [[None, *_controller_answers(item, conditions[item.id])] for item in open_controllers]
    for combo in product(*choices):
        fixed = {item.id: value for item, value in zip(open_controllers, combo, strict=True) if value is not None}
        yield item_scores(q, applicable_answers(q, {**answers, **fixed})) if fixed else all_scores


def _controller_answers(item: Item, checks: list[Check]) -> list[AnswerValue]:
    """The answers of an item others depend on that matter for the range: for each way its answers
    hide the dependent items, the lowest- and the highest-scoring answer.

    Candidates are each option (for a multiple choice also all combinable options together), and
    for a number the start of each band, its minimum and maximum, and each `min_value` threshold.
    """
    if item.type == "number":
        assert item.min is not None and item.max is not None
        starts = {item.min, item.max, *(b.min for b in item.bands), *(int(c.threshold) for c in checks if c.kind == "min_value")}
        candidates: list[AnswerValue] = sorted(n for n in starts if item.min <= n <= item.max)
    else:
        candidates = [(o.id,) if item.type == "multi" else o.id for o in item.options]
        combinable = tuple(o.id for o in item.options if not o.exclusive)
        if item.type == "multi" and len(combinable) > 1:
            candidates.append(combinable)
    ends: dict[tuple[str, ...], list[tuple[float, AnswerValue]]] = {}
    for value in candidates:
        score = item.kind.score(item, value)
        ends.setdefault(tuple(answer_status(item, c, value) for c in checks), []).append((score, value))
    chosen = [answer for found in ends.values() for answer in (min(found, key=_by_score)[1], max(found, key=_by_score)[1])]
    return list(dict.fromkeys(chosen))


def _by_score(found: tuple[float, AnswerValue]) -> float:
    return found[0]


def clarifying_items(q: Questionnaire, area: Area, all_scores: ItemScores, ends: Ends) -> tuple[str, ...]:
    """The open items whose answer could move the level of `area`, the weightiest first.

    Nothing when the open answers cannot change the level. Otherwise the open items (of the
    area, and those its gates name) that move an end of the range on their own: one at its
    highest answer while all other open items are at their lowest raises the lower end, or one
    at its lowest while the others are at their highest lowers the upper end. When no single
    item does (only several together move the level), every open item of the area.
    """
    span = _range((area_level(q, area, s) for s in ends.lows), (area_level(q, area, s) for s in ends.highs))
    if not span.spans or span.low is None:
        return ()
    gate_items = (q.item(c.item) for gate in q.gates if gate.area == area.id for c in gate.unless)
    candidates = {i.id: i for i in (*area.items, *gate_items) if i is not None and all_scores.get(i.id) is None}
    order = sorted(candidates.values(), key=lambda i: (-i.weight * _spread(i), i.id))

    def at(scores: ItemScores, item: Item, value: float) -> ItemScores:
        return {**scores, item.id: value} if isinstance(scores[item.id], float) else scores

    def moves(item: Item) -> bool:
        lowest, highest = item.score_span
        moved = _range(
            (area_level(q, area, at(s, item, highest)) for s in ends.lows), (area_level(q, area, at(s, item, lowest)) for s in ends.highs)
        )
        return moved.low != span.low or moved.high != span.high

    decisive = [item.id for item in order if moves(item)]
    return tuple(decisive or (item.id for item in order))


def _spread(item: Item) -> float:
    lowest, highest = item.score_span
    return highest - lowest
