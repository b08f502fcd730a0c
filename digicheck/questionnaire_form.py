"""WTForms forms built from the questionnaire data, one form class per area page.

Field names are item ids with "." replaced by "-". Each item also carries a hidden
`v-<name>` field with the answer version the page was loaded with (optimistic
locking). Validation goes through `scoring.answers.check_answer`, so the web
and the CLI accept and refuse exactly the same answers, in the same words.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from digicheck.forms import choices as as_choices
from scoring.answers import AnswerError, AnswerValue, check_answer
from scoring.model import SPECIAL_LABELS, Item, Questionnaire

NUMBER_SPECIAL = "-special"
VERSION_PREFIX = "v-"


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        """Unknown values are reported by the domain check with the item named."""


class ChoiceField(RadioField):
    def pre_validate(self, form: Any) -> None:
        """Unknown values are reported by the domain check with the item named."""


def field_name(item_id: str) -> str:
    return item_id.replace(".", "-")


def _special_choices(item: Item) -> list[tuple[str, str]]:
    return [(s, SPECIAL_LABELS[s]) for s in item.special_answers]


def _fields_for(item: Item) -> dict[str, Field]:
    name = field_name(item.id)
    fields: dict[str, Field] = {VERSION_PREFIX + name: HiddenField(default="0")}
    choices = [(o.id, o.label) for o in item.options] + _special_choices(item)
    if item.type in ("single", "yesno"):
        fields[name] = ChoiceField(item.text, choices=as_choices(choices), validate_choice=False)
    elif item.type == "multi":
        fields[name] = CheckboxesField(item.text, choices=as_choices(choices))
    else:
        fields[name] = StringField(item.text, render_kw={"inputmode": "numeric", "autocomplete": "off"})
        fields[name + NUMBER_SPECIAL] = ChoiceField("Keine Zahl", choices=as_choices(_special_choices(item)), validate_choice=False)
    return fields


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
    _FORM_CLASSES[key] = type(f"AreaForm_{area_id}", (FlaskForm,), attrs)
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


def fill(form: FlaskForm, q: Questionnaire, area_id: str, answers: dict[str, Any], versions: dict[str, int]) -> None:
    """Put stored answers and their versions into a fresh (GET) form."""
    area = q.area(area_id)
    assert area is not None
    for item in area.items:
        name = field_name(item.id)
        form[VERSION_PREFIX + name].data = str(versions.get(item.id, 0))
        value = answers.get(item.id)
        if value is None:
            continue
        if item.type == "number":
            if isinstance(value, str):
                form[name + NUMBER_SPECIAL].data = value
            else:
                form[name].data = str(value)
        elif item.type == "multi":
            form[name].data = [value] if isinstance(value, str) else list(value)
        else:
            form[name].data = value
