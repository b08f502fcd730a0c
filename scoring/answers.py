"""Check raw answers against a questionnaire and turn them into item scores.

Answers arrive as plain mappings item id -> value, from a YAML file, a JSON body
or a web form: an option id (single, yes/no), a list of option ids (multi), a
whole number (number), or one of the reserved answers "weiss_nicht" and
"trifft_nicht_zu". Anything else is refused with an `AnswerError` naming the item.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scoring.item_kinds import AnswerError as AnswerError
from scoring.item_kinds import AnswerValue as AnswerValue
from scoring.model import DONT_KNOW, NOT_APPLICABLE, SPECIAL_LABELS, Item, Questionnaire

Answers = dict[str, AnswerValue]

#: Marker for "Trifft nicht zu": the item is left out of the area entirely.
EXCLUDED = "excluded"


def check_answer(item: Item, value: Any) -> AnswerValue:
    """Return the answer in canonical form or raise `AnswerError` in German."""
    return item.kind.checked(item, value)


def check_answers(questionnaire: Questionnaire, raw: Mapping[str, Any]) -> Answers:
    """Check every answer; unknown item ids are errors, missing items are unanswered."""
    if not isinstance(raw, Mapping):
        raise AnswerError("answers", "erwartet eine Zuordnung Frage -> Antwort")
    checked: Answers = {}
    for item_id, value in raw.items():
        item = questionnaire.item(str(item_id))
        if item is None:
            raise AnswerError(str(item_id), f"unbekannte Frage in Version {questionnaire.version}")
        if value is None:
            continue
        checked[item.id] = check_answer(item, value)
    return checked


def item_score(item: Item, value: AnswerValue | None) -> float | str | None:
    """Score 0-100 of one checked answer; None when unanswered, EXCLUDED when not applicable."""
    if value is None or value == DONT_KNOW:
        return None
    if value == NOT_APPLICABLE:
        return EXCLUDED
    return item.kind.score(item, value)


def answer_label(item: Item, value: AnswerValue | None) -> str:
    """The answer as a person reads it ("Weiß nicht", "12 Dienste", "A, B")."""
    if value is None:
        return "nicht beantwortet"
    if isinstance(value, str) and value in SPECIAL_LABELS:
        return SPECIAL_LABELS[value]
    return item.kind.label(item, value)
