"""Area pages of the questionnaire: the WTForms form that parses and checks a POST, and the
page's questions as HTML.

Field names are item ids with "." replaced by "-". Each item also carries a hidden
`v-<name>` field with the answer version the page was loaded with (optimistic
locking). Validation goes through `scoring.answers.check_answer`, so the web
and the CLI accept and refuse exactly the same answers, in the same words.

The questions are not rendered through WTForms widgets (slow for the ~70 inputs of a
page) but by the template `assess/_area_items.html`: once per questionnaire version and
area into a skeleton, whose few dynamic spots (versions, checked states, typed numbers)
are filled per request from an `AreaValues`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from babel.support import Translations
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Field, HiddenField, RadioField, SelectMultipleField, StringField
from wtforms.i18n import messages_path

from digicheck.forms import choices as as_choices
from scoring.answers import AnswerError, AnswerValue, check_answer
from scoring.model import SPECIAL_LABELS, Area, Item, Questionnaire

NUMBER_SPECIAL = "-special"
VERSION_PREFIX = "v-"


class CheckboxesField(SelectMultipleField):
    def pre_validate(self, form: Any) -> None:
        """Unknown values are reported by the domain check with the item named."""


class ChoiceField(RadioField):
    def pre_validate(self, form: Any) -> None:
        """Unknown values are reported by the domain check with the item named."""


def field_name(item_id: str) -> str:
    return item_id.replace(".", "-")


def special_choices(item: Item) -> list[tuple[str, str]]:
    """(value, label) of "Weiß nicht" / "Trifft nicht zu" where the item offers them."""
    return [(s, SPECIAL_LABELS[s]) for s in item.special_answers]


def choices(item: Item) -> list[tuple[str, str]]:
    """(value, label) of every answer a choice item offers, the special ones last."""
    return [(o.id, o.label) for o in item.options] + special_choices(item)


def _fields_for(item: Item) -> dict[str, Field]:
    name = field_name(item.id)
    fields: dict[str, Field] = {VERSION_PREFIX + name: HiddenField(default="0")}
    if item.type in ("single", "yesno"):
        fields[name] = ChoiceField(item.text, choices=as_choices(choices(item)), validate_choice=False)
    elif item.type == "multi":
        fields[name] = CheckboxesField(item.text, choices=as_choices(choices(item)))
    else:
        fields[name] = StringField(item.text)
        fields[name + NUMBER_SPECIAL] = ChoiceField("Keine Zahl", choices=as_choices(special_choices(item)), validate_choice=False)
    return fields


@lru_cache(maxsize=8)
def _wtforms_translations(locale: str) -> Translations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class AreaForm(FlaskForm):
    """Base of the area forms: WTForms' own messages in the request's language, loaded once per
    language instead of once per request as Flask-WTF does. No token of its own: the
    application-wide CSRFProtect has refused every POST without a valid `csrf_token` before
    the view runs, so a second check (and signing a fresh token per POST) would add nothing."""

    class Meta:
        csrf = False

        def get_translations(self, form: Any) -> Translations:
            return _wtforms_translations(str(get_locale()))


_FORM_CLASSES: dict[tuple[int, str], type[FlaskForm]] = {}


def area_form_class(q: Questionnaire, area_id: str) -> type[FlaskForm]:
    """One form class per questionnaire version and area, built once."""
    key = (id(q), area_id)
    if key in _FORM_CLASSES:
        return _FORM_CLASSES[key]
    area = q.area(area_id)
    assert area is not None
    attrs: dict[str, Any] = {}
    for item in area.items:
        attrs.update(_fields_for(item))
    _FORM_CLASSES[key] = type(f"AreaForm_{area_id}", (AreaForm,), attrs)
    return _FORM_CLASSES[key]


def raw_value(form: FlaskForm, item: Item) -> Any:
    """What the user entered for an item, None when nothing."""
    name = field_name(item.id)
    if item.type == "number":
        text = (form[name].data or "").strip()
        special = form[name + NUMBER_SPECIAL].data
        if text and special:
            return AnswerError(item.id, "Bitte entweder eine Zahl eintragen oder „" + SPECIAL_LABELS[special] + "“ wählen, nicht beides.")
        return special or (text if text else None)
    data = form[name].data
    if item.type == "multi":
        values = [v for v in (data or []) if v]
        specials = [v for v in values if v in SPECIAL_LABELS]
        if specials and len(values) > 1:
            return AnswerError(item.id, f"„{SPECIAL_LABELS[specials[0]]}“ lässt sich nicht mit anderen Antworten kombinieren.")
        if specials:
            return specials[0]
        return values or None
    return data or None


def parse_area(form: FlaskForm, q: Questionnaire, area_id: str) -> tuple[dict[str, AnswerValue | None], dict[str, int]]:
    """Checked answers and seen versions of one area page; errors are attached to the fields."""
    area = q.area(area_id)
    assert area is not None
    answers: dict[str, AnswerValue | None] = {}
    versions: dict[str, int] = {}
    for item in area.items:
        name = field_name(item.id)
        if not form[VERSION_PREFIX + name].raw_data:
            continue  # the item was not on the submitted page: leave it alone
        try:
            versions[item.id] = max(0, int(form[VERSION_PREFIX + name].data or 0))
        except ValueError:
            versions[item.id] = -1  # a forged version never matches: reported as a conflict
        value = raw_value(form, item)
        if isinstance(value, AnswerError):
            form[name].errors = [value.message]
            continue
        if value is None:
            # an unticked radio group sends nothing and cannot be cleared in a browser: no change;
            # an emptied number field or all checkboxes unticked clear the answer
            if item.type in ("number", "multi"):
                answers[item.id] = None
            continue
        if isinstance(value, str) and len(value) > 200:
            form[name].errors = ["Die Eingabe ist zu lang."]
            continue
        try:
            answers[item.id] = check_answer(item, value)
        except AnswerError as exc:
            form[name].errors = [_friendly(exc.message)]
    return answers, versions


def _friendly(message: str) -> str:
    if message.startswith("erwartet eine ganze Zahl"):
        return "Bitte eine ganze Zahl eintragen (nur Ziffern)."
    if message.startswith("unbekannte Option"):
        return "Diese Antwort gibt es bei dieser Frage nicht. Bitte wählen Sie eine der angebotenen Antworten."
    return message[0].upper() + message[1:] + ("" if message.endswith(".") else ".")


_CHECKED, _UNCHECKED = Markup(" checked"), Markup("")


@dataclass
class AreaValues:
    """The dynamic parts of an area page: answer versions, chosen options, typed numbers, errors.

    Keys are field names (a number item's special answers under `<name>-special`).
    """

    versions: dict[str, str]
    chosen: dict[str, frozenset[str]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def stored(cls, area: Area, answers: dict[str, Any], versions: dict[str, int]) -> AreaValues:
        """What is saved, for a freshly loaded page."""
        values = cls({field_name(item.id): str(versions.get(item.id, 0)) for item in area.items})
        for item in area.items:
            name, value = field_name(item.id), answers.get(item.id)
            if value is None:
                continue
            if item.type == "number" and not isinstance(value, str):
                values.texts[name] = str(value)
            else:
                key = name + NUMBER_SPECIAL if item.type == "number" else name
                values.chosen[key] = frozenset([value] if isinstance(value, str) else value)
        return values

    @classmethod
    def posted(cls, form: FlaskForm, area: Area) -> AreaValues:
        """What the user sent (kept when the page comes back with errors or a conflict)."""
        values = cls({field_name(item.id): form[VERSION_PREFIX + field_name(item.id)]._value() for item in area.items})
        for item in area.items:
            name = field_name(item.id)
            if form[name].errors:
                values.errors[name] = form[name].errors[0]
            if item.type == "number":
                values.texts[name] = form[name]._value()
                name += NUMBER_SPECIAL
            data = form[name].data
            values.chosen[name] = frozenset(data or ()) if item.type == "multi" else frozenset([data] if data else ())
        return values

    # the fillers of the dynamic spots return escaped markup, so the skeleton joins them as they are

    def version(self, name: str) -> Markup:
        return escape(self.versions[name])

    def checked(self, name: str, value: str) -> Markup:
        return _CHECKED if value in self.chosen.get(name, ()) else _UNCHECKED

    def text(self, name: str) -> Markup:
        return escape(self.texts.get(name, ""))

    def error(self, name: str) -> str | None:
        return self.errors.get(name)


ITEMS_TEMPLATE = "assess/_area_items.html"

#: a dynamic spot of the skeleton: the AreaValues method that fills it, and its arguments
_Slot = tuple[Callable[..., Markup], tuple[str, ...]]


class _SlotRecorder:
    """Stands in for AreaValues while the skeleton is rendered: every dynamic spot becomes a marker."""

    MARK = "\x00"

    def __init__(self) -> None:
        self.slots: list[_Slot] = []

    def _mark(self, method: Callable[..., Markup], *args: str) -> Markup:
        self.slots.append((method, args))
        return Markup(self.MARK)

    def version(self, name: str) -> Markup:
        return self._mark(AreaValues.version, name)

    def checked(self, name: str, value: str) -> Markup:
        return self._mark(AreaValues.checked, name, value)

    def text(self, name: str) -> Markup:
        return self._mark(AreaValues.text, name)

    def error(self, name: str) -> None:
        return None


@dataclass(frozen=True)
class _Skeleton:
    """The questions of an area as static HTML: `texts[i]`, then slot i filled, then `texts[i + 1]` ..."""

    texts: tuple[str, ...]
    slots: tuple[_Slot, ...]

    def fill(self, values: AreaValues) -> Markup:
        out = [self.texts[0]]
        for (method, args), text in zip(self.slots, self.texts[1:]):
            out += (method(values, *args), text)  # each filler returns escaped markup
        return Markup("".join(out))


_SKELETONS: dict[tuple[int, str], tuple[Questionnaire, _Skeleton]] = {}


def _render_items(q: Questionnaire, area: Area, page: AreaValues | _SlotRecorder) -> str:
    return current_app.jinja_env.get_template(ITEMS_TEMPLATE).render(
        q=q, area=area, page=page, field_name=field_name, choices=choices, special_choices=special_choices,
        number_special=NUMBER_SPECIAL, version_prefix=VERSION_PREFIX,
    )


def _skeleton(q: Questionnaire, area: Area) -> _Skeleton:
    key = (id(q), area.id)
    if key not in _SKELETONS:
        recorder = _SlotRecorder()
        texts = _render_items(q, area, recorder).split(_SlotRecorder.MARK)
        assert len(texts) == len(recorder.slots) + 1, "questionnaire texts must not contain NUL characters"
        _SKELETONS[key] = (q, _Skeleton(tuple(texts), tuple(recorder.slots)))  # q kept, so its id is not reused
    return _SKELETONS[key][1]


def area_items(q: Questionnaire, area: Area, values: AreaValues) -> Markup:
    """The questions of an area page with these values.

    Field errors change the markup around a question, so a page with errors (rare) is
    rendered in full; so is every page while templates reload (development).
    """
    if values.errors or current_app.jinja_env.auto_reload:
        return Markup(_render_items(q, area, values))
    return _skeleton(q, area).fill(values)
