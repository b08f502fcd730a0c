"""Conditions on answers (`Check`): the one evaluator, and the skip logic built on it.

The advice catalogues, the inconsistency rules and an item's `applies_if` share one
vocabulary (min_score, max_score, min_value, any_of, none_of; docs/advice.md) and this one
evaluator: an unanswered item or "Weiß nicht" leaves a condition "unknown", "Trifft nicht zu"
meets none.

Skip logic: an item with `applies_if` is hidden (not asked) while one of its conditions is
definitely not met; "unknown" keeps it asked. A hidden item counts as "Trifft nicht zu",
for scoring and for the conditions of other items (docs/scoring.md "Entfallende Fragen").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

from scoring.answers import EXCLUDED, AnswerError, Answers, AnswerValue, item_score
from scoring.model import DONT_KNOW, NOT_APPLICABLE, Check, Item, Questionnaire

CheckStatus = Literal["met", "unknown", "not_met"]


def check_status(rule: Check, value: AnswerValue | None, score: float | str | None) -> CheckStatus:
    """Whether an answer meets a condition; `score` is `item_score` of that answer.

    Unanswered and "Weiß nicht" are "unknown"; "Trifft nicht zu" meets no condition.
    """
    if value is None or value == DONT_KNOW:
        return "unknown"
    if value == NOT_APPLICABLE or score == EXCLUDED:
        return "not_met"
    if rule.kind in ("min_score", "max_score"):
        if not isinstance(score, float):
            return "not_met"
        met = score >= rule.threshold - 1e-9 if rule.kind == "min_score" else score <= rule.threshold + 1e-9
        return "met" if met else "not_met"
    if rule.kind == "min_value":
        return "met" if isinstance(value, int) and value >= rule.threshold else "not_met"
    chosen = set(value) if isinstance(value, tuple) else {value}
    hit = bool(chosen & set(rule.options))
    return "met" if hit == (rule.kind == "any_of") else "not_met"


def answer_status(item: Item, rule: Check, value: AnswerValue | None) -> CheckStatus:
    """`check_status` of a (checked) answer to `item`, the item the rule names."""
    return check_status(rule, value, item_score(item, value) if value is not None else None)


def hidden_items(q: Questionnaire, answers: Mapping[str, AnswerValue | None]) -> frozenset[str]:
    """Ids of the items not asked with these answers: an `applies_if` condition is not met.

    A hidden item's own answer counts as "Trifft nicht zu" for the items that depend on it
    (the loader refuses cycles, so the recursion ends).
    """
    if not q.conditional_items:
        return frozenset()
    hidden: dict[str, bool] = {}

    def is_hidden(item: Item) -> bool:
        if item.id not in hidden:
            hidden[item.id] = any(
                answer_status(source, c, value_of(source)) == "not_met" for c in item.applies_if if (source := _item(q, c))
            )
        return hidden[item.id]

    def value_of(item: Item) -> AnswerValue | None:
        return NOT_APPLICABLE if is_hidden(item) else answers.get(item.id)

    return frozenset(item.id for item in q.conditional_items if is_hidden(item))


def applicable_answers(q: Questionnaire, answers: Mapping[str, AnswerValue]) -> Answers:
    """The answers as scored: every hidden item answered "Trifft nicht zu", whatever is stored for it."""
    hidden = hidden_items(q, answers)
    return {**answers, **dict.fromkeys(hidden, NOT_APPLICABLE)} if hidden else dict(answers)


def _item(q: Questionnaire, rule: Check) -> Item:
    item = q.item(rule.item)
    assert item is not None, rule.item  # the loader checks every condition's item
    return item


@dataclass(frozen=True)
class Hiding:
    """The answers to one item that make a condition on it not met (the item depending on it is
    hidden): listed one by one, and for a number item as ranges of whole numbers (inclusive)."""

    answers: tuple[AnswerValue, ...]
    numbers: tuple[tuple[int, int], ...] = ()


def hiding_answers(item: Item, rule: Check) -> Hiding:
    """Every answer to `item` (a hidden `item` counts as "Trifft nicht zu") for which `rule` is not met.

    Lets a page show and hide dependent questions as the user answers, by the same evaluator.
    """
    candidates: list[AnswerValue] = [DONT_KNOW, NOT_APPLICABLE]
    if item.type != "number":
        candidates += _option_answers(item)
    hiding = tuple(value for value in candidates if answer_status(item, rule, value) == "not_met")
    return Hiding(hiding, _hiding_numbers(item, rule) if item.type == "number" else ())


def _option_answers(item: Item) -> list[AnswerValue]:
    """Every valid answer made of the item's options (for multi: every allowed combination)."""
    if item.type != "multi":
        return [option.id for option in item.options]
    ids = [option.id for option in item.options]
    found: list[AnswerValue] = []
    for size in range(1, len(ids) + 1):
        for chosen in combinations(ids, size):
            try:
                found.append(item.kind.check(item, chosen))
            except AnswerError:  # e.g. an exclusive option with others
                continue
    return found


def _hiding_numbers(item: Item, rule: Check) -> tuple[tuple[int, int], ...]:
    """The ranges of numbers that do not meet `rule`: the status only changes where a band or
    the `min_value` threshold begins, so it is evaluated once per stretch between those."""
    assert item.min is not None and item.max is not None
    low, high = item.min, item.max
    starts = sorted({low, *(band.min for band in item.bands), *([int(rule.threshold)] if rule.kind == "min_value" else [])})
    starts = [start for start in starts if low <= start <= high]
    ranges: list[tuple[int, int]] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] - 1 if index + 1 < len(starts) else high
        if answer_status(item, rule, start) != "not_met":
            continue
        if ranges and ranges[-1][1] == start - 1:
            ranges[-1] = (ranges[-1][0], end)
        else:
            ranges.append((start, end))
    return tuple(ranges)
