"""One class per item kind, as indico's survey fields do it.

A kind knows everything that differs between single choice, yes/no, multiple choice and
number questions: how an answer is checked (`check`), scored (`score`), shown (`label`),
which answer would be the next better one (`next_better`), and what the web form posts
and shows for it (`from_form`, `form_values`, `choices`). `KINDS` maps the YAML `type`
to its kind; a new kind is one class here and one macro in `templates/assess/_items.html`
(named by `macro`). Kinds are stateless; `Item.kind` gives an item's.

The reserved answers ("weiss_nicht", "trifft_nicht_zu") are understood by every kind and
handled once, in `ItemKind.checked`.

Reading a form never leads into a dead end: every answer can be cleared (an empty radio
choice "Keine Angabe", an emptied number field, unticked checkboxes), and when a page sends
a new answer beside a stale one (a number typed while "Weiß nicht" is still chosen, an option
ticked beside "Weiß nicht"), the part that differs from the answer the page was loaded with
(`loaded`) wins. Only when both parts are new is the combination an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

if TYPE_CHECKING:
    from scoring.model import Item, Option

#: Reserved answer ids every item understands; they are never options of their own.
DONT_KNOW = "weiss_nicht"
NOT_APPLICABLE = "trifft_nicht_zu"
SPECIAL_ANSWERS = (DONT_KNOW, NOT_APPLICABLE)
SPECIAL_LABELS = {DONT_KNOW: "Weiß nicht", NOT_APPLICABLE: "Trifft nicht zu"}

#: A checked answer: option id or reserved id (str), chosen option ids (tuple), or a number (int).
AnswerValue = str | tuple[str, ...] | int

#: the form field of a number item that carries its reserved answers, besides the number itself
SPECIAL_FIELD_SUFFIX = "-special"

#: reads the values posted under a field name (e.g. werkzeug's `MultiDict.getlist`)
GetList = Callable[[str], list[str]]
#: field name -> the values a browser would send for it
FormValues = dict[str, tuple[str, ...]]


class _Sent(Enum):
    NOTHING = "nothing"


#: `from_form` found no field of the item at all (a radio group a client left out): no change
NOT_SENT = _Sent.NOTHING

_INTEGER = re.compile(r"[+-]?[0-9]+")
_SHOWN_CHARACTERS = 60


def shown(value: Any) -> str:
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


class Step(NamedTuple):
    """A better answer: what to answer (option id or number as text), how it reads, its score."""

    answer: str
    label: str
    score: float


class ItemKind:
    """The behaviour one kind of item adds to the plain `Item` data."""

    #: the `type` in the questionnaire YAML
    type: ClassVar[str]
    #: the Jinja macro in templates/assess/_items.html that renders the answer inputs
    macro: ClassVar[str]
    #: the answer is a figure to look up (the start page lists these, the estimate adds time)
    is_figure: ClassVar[bool] = False

    def checked(self, item: Item, value: Any) -> AnswerValue:
        """The answer in canonical form, or `AnswerError` in German."""
        if isinstance(value, str) and value in SPECIAL_ANSWERS:
            if value not in item.special_answers:
                raise AnswerError(item.id, "„Trifft nicht zu“ ist bei dieser Frage nicht vorgesehen")
            return value
        return self.check(item, value)

    def check(self, item: Item, value: Any) -> AnswerValue:
        """Check an answer of this kind's own (not a reserved one)."""
        raise NotImplementedError

    def score(self, item: Item, value: AnswerValue) -> float:
        """Score 0-100 of a checked answer that is not a reserved one."""
        raise NotImplementedError

    def label(self, item: Item, value: AnswerValue) -> str:
        """A checked answer that is not a reserved one, as a person reads it."""
        raise NotImplementedError

    def next_better(self, item: Item, value: AnswerValue | None, current: float) -> Step | None:
        """The smallest step up from an answer scoring `current`; None at the top."""
        raise NotImplementedError

    def reaching(self, item: Item, min_score: float) -> Step | None:
        """The lowest answer of its own that scores at least `min_score` (to open a gate)."""
        raise NotImplementedError

    def after(self, value: AnswerValue | None, step: Step) -> AnswerValue | None:
        """The answer once `step` is taken, as far as later steps on this item need it."""
        return value

    def score_span(self, item: Item) -> tuple[float, float]:
        """The scores of the lowest and the highest answer of its own (the ends of an open item's range)."""
        raise NotImplementedError

    # --- the web form: field names are the item's name, plus what a kind adds

    def field_names(self, name: str) -> tuple[str, ...]:
        """Every form field the item posts under `name`."""
        return (name,)

    def choices(self, item: Item) -> list[tuple[str, str]]:
        """(value, label) of every answer offered as a radio button or checkbox, reserved ones last."""
        return [(o.id, o.label) for o in item.options] + special_choices(item)

    def from_form(self, item: Item, name: str, getlist: GetList, loaded: AnswerValue | None = None) -> Any:
        """What the user entered for the item: a raw value for `checked`, None for no answer (clears it),
        `NOT_SENT`, or an AnswerError. `loaded`: the answer the page showed, to tell a stale part from a new one."""
        values = getlist(name)
        return values[0] or None if values else NOT_SENT

    def form_values(self, name: str, value: AnswerValue) -> FormValues:
        """The fields as a page shows a stored answer."""
        return {name: (value,) if isinstance(value, str) else tuple(value) if isinstance(value, tuple) else (str(value),)}

    def posted_values(self, name: str, getlist: GetList) -> FormValues:
        """The fields as the user sent them (a page that comes back shows them again)."""
        return {name: tuple(v for v in getlist(name)[:1] if v)}


def special_choices(item: Item) -> list[tuple[str, str]]:
    """(value, label) of "Weiß nicht" / "Trifft nicht zu" where the item offers them."""
    return [(s, SPECIAL_LABELS[s]) for s in item.special_answers]


class SingleChoice(ItemKind):
    """One option of several, each with its score."""

    type = "single"
    macro = "single"

    def check(self, item: Item, value: Any) -> AnswerValue:
        if not isinstance(value, str):
            raise AnswerError(item.id, f"erwartet eine Option, nicht {shown(value)}")
        if item.option(value) is None:
            raise AnswerError(item.id, f"unbekannte Option {shown(value)}")
        return value

    def score(self, item: Item, value: AnswerValue) -> float:
        return self._option(item, value).score

    def label(self, item: Item, value: AnswerValue) -> str:
        return self._option(item, value).label

    def next_better(self, item: Item, value: AnswerValue | None, current: float) -> Step | None:
        for option in item.ranked_options:
            if option.score > current:
                return Step(option.id, option.label, option.score)
        return None

    def reaching(self, item: Item, min_score: float) -> Step | None:
        for option in item.ranked_options:
            if option.score >= min_score:
                return Step(option.id, option.label, option.score)
        return None

    def score_span(self, item: Item) -> tuple[float, float]:
        scores = [option.score for option in item.options]
        return min(scores), max(scores)

    @staticmethod
    def _option(item: Item, option_id: Any) -> Option:
        option = item.option(option_id)
        if option is None:
            raise AnswerError(item.id, f"unbekannte Option {shown(option_id)}")
        return option


class YesNo(SingleChoice):
    """A single choice between exactly "ja" and "nein"."""

    type = "yesno"
    macro = "yesno"


class MultiChoice(SingleChoice):
    """Any number of options, their scores added up to at most 100; an exclusive option stands alone."""

    type = "multi"
    macro = "multi"

    def check(self, item: Item, value: Any) -> AnswerValue:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise AnswerError(item.id, f"erwartet eine Liste von Optionen, nicht {shown(value)}")
        chosen = tuple(dict.fromkeys(value))
        options = [item.option(option_id) for option_id in chosen]
        for option_id, option in zip(chosen, options, strict=True):
            if option is None:
                raise AnswerError(item.id, f"unbekannte Option {shown(option_id)}")
        exclusive = [o for o in options if o is not None and o.exclusive]
        if exclusive and len(chosen) > 1:
            raise AnswerError(item.id, f"„{exclusive[0].label}“ lässt sich nicht mit anderen Optionen kombinieren")
        if not chosen:
            raise AnswerError(item.id, "keine Option gewählt")
        order = [o.id for o in item.options]
        return tuple(sorted(chosen, key=order.index))

    def score(self, item: Item, value: AnswerValue) -> float:
        assert isinstance(value, tuple)
        return min(100.0, sum(self._option(item, o).score for o in value))

    def label(self, item: Item, value: AnswerValue) -> str:
        assert isinstance(value, tuple)
        return ", ".join(self._option(item, o).label for o in value)

    def next_better(self, item: Item, value: AnswerValue | None, current: float) -> Step | None:
        chosen = set(value) if isinstance(value, tuple) else set()
        extra = [o for o in item.options if o.id not in chosen and not o.exclusive and o.score > 0]
        if not extra or current >= 100:
            return None
        best = max(extra, key=lambda o: o.score)
        return Step(best.id, f"zusätzlich „{best.label}“", min(100.0, current + best.score))

    def after(self, value: AnswerValue | None, step: Step) -> AnswerValue | None:
        return (value if isinstance(value, tuple) else ()) + (step.answer,)

    def score_span(self, item: Item) -> tuple[float, float]:
        """Lowest: the weakest single option; highest: every combinable option, or the best exclusive one."""
        low, single_best = SingleChoice.score_span(self, item)
        return low, max(single_best, min(100.0, sum(o.score for o in item.options if not o.exclusive)))

    def from_form(self, item: Item, name: str, getlist: GetList, loaded: AnswerValue | None = None) -> Any:
        """Unticking every box clears the answer. A box that stands alone ("Weiß nicht", an exclusive
        option) ticked beside others: what was ticked since the page was loaded wins."""
        values = list(dict.fromkeys(v for v in getlist(name) if v))
        alone = [v for v in values if self._alone(item, v)]
        if alone and len(values) > 1:
            before = set(loaded) if isinstance(loaded, tuple) else {loaded}
            new = [v for v in values if v not in before]
            if len(new) == 1 and new[0] in alone:
                values = new
            elif new and not any(v in alone for v in new):
                values = [v for v in values if v not in alone]
            else:
                label = SPECIAL_LABELS.get(alone[0]) or getattr(item.option(alone[0]), "label", alone[0])
                return AnswerError(item.id, f"„{label}“ lässt sich nicht mit anderen Antworten kombinieren.")
        if values and values[0] in SPECIAL_LABELS:
            return values[0]
        return values or None

    @staticmethod
    def _alone(item: Item, value: str) -> bool:
        option = item.option(value)
        return value in SPECIAL_LABELS or (option is not None and option.exclusive)

    def posted_values(self, name: str, getlist: GetList) -> FormValues:
        return {name: tuple(v for v in getlist(name) if v)}


class Number(ItemKind):
    """A whole number between `min` and `max`, scored by bands; the reserved answers as radio buttons."""

    type = "number"
    macro = "number"
    is_figure = True

    def check(self, item: Item, value: Any) -> AnswerValue:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise AnswerError(item.id, f"erwartet eine ganze Zahl, nicht {shown(value)}")
        try:
            if isinstance(value, str) and not _INTEGER.fullmatch(value.strip()):
                raise ValueError  # int() would also take "1_0" and digits of other scripts
            if isinstance(value, float):
                if not value.is_integer():
                    raise ValueError
                number = int(value)
            else:
                number = int(value)
        except ValueError:
            raise AnswerError(item.id, f"erwartet eine ganze Zahl, nicht {shown(value)}") from None
        assert item.min is not None and item.max is not None
        if not item.min <= number <= item.max:
            raise AnswerError(item.id, f"die Zahl muss zwischen {item.min} und {item.max} liegen")
        return number

    def score(self, item: Item, value: AnswerValue) -> float:
        assert isinstance(value, int)
        score = 0.0
        for band in item.bands:
            if value >= band.min:
                score = band.score
        return score

    def label(self, item: Item, value: AnswerValue) -> str:
        return f"{value} {item.unit}".strip()

    def next_better(self, item: Item, value: AnswerValue | None, current: float) -> Step | None:
        for band in item.bands:
            if band.score > current:
                return Step(str(band.min), self.label(item, band.min), band.score)
        return None

    def reaching(self, item: Item, min_score: float) -> Step | None:
        for band in item.bands:
            if band.score >= min_score:
                return Step(str(band.min), self.label(item, band.min), band.score)
        return None

    def score_span(self, item: Item) -> tuple[float, float]:
        """The scores where a band starts (and at `min`) are all the scores a number can take."""
        assert item.min is not None and item.max is not None
        starts = [item.min, *(band.min for band in item.bands if item.min <= band.min <= item.max)]
        scores = [self.score(item, start) for start in starts]
        return min(scores), max(scores)

    def field_names(self, name: str) -> tuple[str, ...]:
        return (name, name + SPECIAL_FIELD_SUFFIX)

    def choices(self, item: Item) -> list[tuple[str, str]]:
        return special_choices(item)

    def from_form(self, item: Item, name: str, getlist: GetList, loaded: AnswerValue | None = None) -> Any:
        """An emptied field with no reserved answer chosen clears the answer. A number typed beside
        a reserved answer: the one that differs from what the page was loaded with wins."""
        text = (next(iter(getlist(name)), "") or "").strip()
        special = next(iter(getlist(name + SPECIAL_FIELD_SUFFIX)), None) or None
        if text and special:
            typed_anew = text != (str(loaded) if isinstance(loaded, int) else "")
            chosen_anew = special != (loaded if isinstance(loaded, str) else None)
            if typed_anew != chosen_anew:
                return text if typed_anew else special
            return AnswerError(
                item.id, f"Bitte entweder eine Zahl eintragen oder „{SPECIAL_LABELS.get(special, special)}“ wählen, nicht beides."
            )
        return special or text or None

    def form_values(self, name: str, value: AnswerValue) -> FormValues:
        if isinstance(value, str):
            return {name + SPECIAL_FIELD_SUFFIX: (value,)}
        return {name: (str(value),)}

    def posted_values(self, name: str, getlist: GetList) -> FormValues:
        special = name + SPECIAL_FIELD_SUFFIX
        return {name: tuple(getlist(name)[:1]), special: tuple(v for v in getlist(special)[:1] if v)}


#: YAML `type` -> its kind, in the order the content documentation lists them
KINDS: dict[str, ItemKind] = {kind.type: kind for kind in (SingleChoice(), YesNo(), MultiChoice(), Number())}


def kind_of(type_name: str) -> ItemKind:
    """The kind of a YAML `type`; KeyError for one that does not exist (the loader refuses it first)."""
    return KINDS[type_name]
