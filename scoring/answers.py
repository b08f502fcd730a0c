"""Check raw answers against a questionnaire and turn them into item scores.

Answers arrive as plain mappings item id -> value, from a YAML file, a JSON body
or a web form: an option id (single, yes/no), a list of option ids (multi), a
whole number (number), or one of the reserved answers "weiss_nicht" and
"trifft_nicht_zu". Anything else is refused with an `AnswerError` naming the item.
"""

from __future__ import annotations

import re

from collections.abc import Mapping
from typing import Any, Union

from scoring.model import DONT_KNOW, NOT_APPLICABLE, SPECIAL_LABELS, Item, Questionnaire

#: A checked answer: option id or reserved id (str), chosen option ids (tuple), or a number (int).
AnswerValue = Union[str, tuple[str, ...], int]
Answers = dict[str, AnswerValue]

#: Marker for "Trifft nicht zu": the item is left out of the area entirely.
EXCLUDED = "excluded"


_INTEGER = re.compile(r"[+-]?[0-9]+")
_SHOWN_CHARACTERS = 60


def _shown(value: Any) -> str:
    """A value quoted for an error message, cut short so a huge answer stays a readable line."""
    if isinstance(value, (list, tuple, dict)) and len(value) > 20:
        return f"eine Liste mit {len(value)} Einträgen"
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARACTERS else text[:_SHOWN_CHARACTERS] + "…"


class AnswerError(ValueError):
    """An answer does not fit its questionnaire; `item_id` names the culprit."""

    def __init__(self, item_id: str, message: str):
        self.item_id = item_id
        self.message = message
        super().__init__(f"{item_id}: {message}")


def check_answer(item: Item, value: Any) -> AnswerValue:
    """Return the answer in canonical form or raise `AnswerError` in German."""
    if isinstance(value, str) and value in (DONT_KNOW, NOT_APPLICABLE):
        if value not in item.special_answers:
            raise AnswerError(item.id, "„Trifft nicht zu“ ist bei dieser Frage nicht vorgesehen")
        return value
    if item.type == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise AnswerError(item.id, f"erwartet eine ganze Zahl, nicht {_shown(value)}")
        try:
            if isinstance(value, str) and not _INTEGER.fullmatch(value.strip()):
                raise ValueError  # int() would also take "1_0" and digits of other scripts
            number = int(value) if not isinstance(value, float) else value
            if isinstance(number, float):
                if not number.is_integer():
                    raise ValueError
                number = int(number)
        except ValueError:
            raise AnswerError(item.id, f"erwartet eine ganze Zahl, nicht {_shown(value)}") from None
        assert item.min is not None and item.max is not None
        if not item.min <= number <= item.max:
            raise AnswerError(item.id, f"die Zahl muss zwischen {item.min} und {item.max} liegen")
        return number
    if item.type == "multi":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise AnswerError(item.id, f"erwartet eine Liste von Optionen, nicht {_shown(value)}")
        chosen = tuple(dict.fromkeys(value))
        for option_id in chosen:
            if item.option(option_id) is None:
                raise AnswerError(item.id, f"unbekannte Option {_shown(option_id)}")
        exclusive = [o for o in chosen if item.option(o).exclusive]  # type: ignore[union-attr]
        if exclusive and len(chosen) > 1:
            label = item.option(exclusive[0]).label  # type: ignore[union-attr]
            raise AnswerError(item.id, f"„{label}“ lässt sich nicht mit anderen Optionen kombinieren")
        if not chosen:
            raise AnswerError(item.id, "keine Option gewählt")
        return tuple(sorted(chosen, key=[o.id for o in item.options].index))
    if not isinstance(value, str):
        raise AnswerError(item.id, f"erwartet eine Option, nicht {_shown(value)}")
    if item.option(value) is None:
        raise AnswerError(item.id, f"unbekannte Option {_shown(value)}")
    return value


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
    if item.type == "number":
        assert isinstance(value, int)
        score = 0.0
        for band in item.bands:
            if value >= band.min:
                score = band.score
        return score
    if item.type == "multi":
        assert isinstance(value, tuple)
        return min(100.0, sum(item.option(o).score for o in value))  # type: ignore[union-attr]
    assert isinstance(value, str)
    return item.option(value).score  # type: ignore[union-attr]


def answer_label(item: Item, value: AnswerValue | None) -> str:
    """The answer as a person reads it ("Weiß nicht", "12 Dienste", "A, B")."""
    if value is None:
        return "nicht beantwortet"
    if isinstance(value, str) and value in SPECIAL_LABELS:
        return SPECIAL_LABELS[value]
    if item.type == "number":
        return f"{value} {item.unit}".strip()
    if isinstance(value, tuple):
        return ", ".join(item.option(o).label for o in value)  # type: ignore[union-attr]
    return item.option(value).label  # type: ignore[union-attr, arg-type]
