"""Forms of the Maßnahmenplan: one entry (own or taken from the advice) and the button that takes a suggestion.

Choices (areas, items, funding programmes) come from the questionnaire and its catalogue, so an
unknown id is refused with a German message; the length limits are the model's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from digicheck.forms import REQUIRED, choices
from digicheck.models import PlanSource, PlanStatus
from digicheck.models.plan import DROP_REASON_MAX, OWNER_MAX, PLAN_NOTE_MAX, TITLE_MAX
from scoring import Questionnaire
from scoring.advice import Catalogue

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
DATE_MESSAGE = "Bitte geben Sie ein Datum an, z. B. 31.03.2027."
DUE_BEFORE_START = "Das Fälligkeitsdatum liegt vor dem Beginn. Bitte prüfen Sie die beiden Daten."
STATUS_CHOICES = [(s.value, s.label) for s in PlanStatus]
#: sources that a button on the result page takes into the plan ("own" entries are written in the form)
TAKEN_SOURCES = [PlanSource.MEASURE.value, PlanSource.MODULE.value, PlanSource.STEP.value]


def _too_long(what: str, limit: int) -> Length:
    return Length(max=limit, message=f"{what} darf höchstens {limit} Zeichen lang sein.")


class PlanEntryForm(FlaskForm):
    """One entry of the plan; `version` is the entry's version the form was loaded with (optimistic locking)."""

    bereich = SelectField("Bereich", choices=[], invalid_choice_message="Diesen Bereich gibt es im Fragebogen nicht.")
    titel = StringField("Titel der Maßnahme", validators=[DataRequired(REQUIRED), _too_long("Der Titel", TITLE_MAX)])
    fragen = SelectMultipleField(
        "Verknüpfte Fragen (optional, mehrere mit Strg oder Umschalt)",
        choices=[],
        invalid_choice_message="Diese Frage gibt es im Fragebogen nicht: %(value)s.",
    )
    verantwortlich = StringField("Verantwortlich (Person oder Amt)", validators=[Optional(), _too_long("Die Angabe", OWNER_MAX)])
    beginn = DateField("Beginn", validators=[Optional()], format=DATE_FORMATS, invalid_value_message=DATE_MESSAGE)
    faellig = DateField("Fällig bis", validators=[Optional()], format=DATE_FORMATS, invalid_value_message=DATE_MESSAGE)
    status = SelectField(
        "Status",
        choices=choices(STATUS_CHOICES),
        default=PlanStatus.PLANNED.value,
        invalid_choice_message="Bitte wählen Sie einen der angebotenen Status.",
    )
    begruendung = TextAreaField("Grund für „verworfen“", validators=[_too_long("Der Grund", DROP_REASON_MAX)])
    foerderung = SelectField(
        "Förderprogramm (optional)", choices=[], invalid_choice_message="Dieses Förderprogramm gibt es im Katalog nicht."
    )
    notiz = TextAreaField("Notiz", validators=[Optional(), _too_long("Die Notiz", PLAN_NOTE_MAX)])
    version = HiddenField(default="0")

    def validate_faellig(self, field: DateField) -> None:
        start: date | None = self.beginn.data
        if field.data is not None and start is not None and field.data < start:
            raise ValidationError(DUE_BEFORE_START)

    def validate_begruendung(self, field: TextAreaField) -> None:
        if self.status.data == PlanStatus.DROPPED.value and not (field.data or "").strip():
            raise ValidationError("Bitte nennen Sie einen Grund, warum die Maßnahme verworfen wird.")

    def seen_version(self) -> int:
        """The version the form was loaded with; a forged value never matches (-1)."""
        text = (self.version.data or "").strip()
        return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else -1


def entry_form(q: Questionnaire, catalogue: Catalogue, extra_items: tuple[str, ...] = (), **kwargs: Any) -> PlanEntryForm:
    """The entry form with the areas and items of `q` and the funding programmes of its catalogue;
    `extra_items`: ids an existing entry links that `q` no longer has (kept, shown by their id)."""
    form = PlanEntryForm(**kwargs)
    form.bereich.choices = choices([(a.id, a.name) for a in q.areas])
    items = [SelectChoice(i.id, i.text, optgroup=q.area_names[i.area_id]) for i in q.items]
    items += [SelectChoice(item_id, item_id, optgroup="Frühere Fragebogen-Versionen") for item_id in extra_items if q.item(item_id) is None]
    form.fragen.choices = items
    form.foerderung.choices = choices([("", "kein Förderprogramm")] + [(p.id, p.name) for p in catalogue.programmes])
    return form


class TakeForm(FlaskForm):
    """The button beside a suggestion on the result page: which kind, which catalogue id or item, from which round."""

    quelle = HiddenField(validators=[InputRequired(), AnyOf(TAKEN_SOURCES, message="Unbekannte Art des Vorschlags.")])
    kennung = HiddenField(validators=[InputRequired(), Length(max=80, message="Unbekannter Vorschlag.")])
    bewertung = HiddenField(validators=[InputRequired()])

    def assessment_id(self) -> int | None:
        text = (self.bewertung.data or "").strip()
        return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None
