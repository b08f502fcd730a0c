"""Forms of the consultant workspace: the overview filter and the IKZ group (GET), and the three small POST forms.

The POST forms rely on the application-wide CSRFProtect (every POST carries
`csrf_token`); they switch off their own token so several of them can share a
page with prefixed field ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from digicheck.consult.queries import SIZE_CLASSES, SORTS, STATUSES, OverviewQuery, filter_options
from digicheck.forms import REQUIRED, choices
from digicheck.models.consult import NOTE_MAX, REASON_MAX
from digicheck.municipalities import default_land, laender, land_choices
from scoring import Questionnaire
from scoring.kinds import KINDS
from scoring.laender import GERMANY, land_name

LEVELS = [str(n) for n in range(1, 6)]


class OverviewForm(FlaskForm):
    """Filters, search and sorting of the overview; read from the query string."""

    class Meta:
        csrf = False

    q = StringField("Name oder AGS", validators=[Optional(), Length(max=100, message="Höchstens 100 Zeichen.")])
    land = SelectField("Land", choices=[], validate_choice=True)
    # checked against a set in `overview_form`: WTForms walks every choice, twice per request, ~400 for Germany
    kreis = SelectField("Kreis", choices=[], validate_choice=False)
    regierungsbezirk = SelectField("Regierungsbezirk", choices=[], validate_choice=False)
    art = SelectField("Art", choices=choices([("", "alle")] + [(k, k) for k in KINDS]), validate_choice=True)
    groesse = SelectField("Größenklasse", choices=choices([("", "alle")] + [(s.id, s.label) for s in SIZE_CLASSES]), validate_choice=True)
    status = SelectField("Status", choices=choices([("", "alle")] + list(STATUSES.items())), validate_choice=True)
    sortierung = SelectField("Sortieren nach", choices=choices(list(SORTS.items())), validate_choice=True)
    richtung = SelectField("Reihenfolge", choices=choices([("auf", "aufsteigend"), ("ab", "absteigend")]), validate_choice=True)


def overview_form(args: Any, present: list[tuple[str, int]], options: Callable[[str], tuple[list[str], list[str]]]) -> OverviewForm:
    """The bound filter form; a value that is not one of the choices falls back to "alle", an unknown
    or missing Land to the viewer's default (`default_land`). The Kreis and Regierungsbezirk selects
    list those of the chosen Land (`options(land key)`, "" for "Deutschland": all), so a Kreis of another
    Land in the query string falls back to "alle" too: the chosen Land wins."""
    form = OverviewForm(formdata=args)
    form.land.choices = choices(land_choices(present))
    form.validate()
    for name in ("art", "groesse", "status"):
        if form[name].errors:
            form[name].data, form[name].errors = "", []
    if len(present) < 2:  # one Land: no filter to offer, none in the links
        form.land.data, form.land.errors = "", []
    elif form.land.errors or not form.land.data:
        form.land.data, form.land.errors = default_land(None, present), []
    kreise, bezirke = options("" if form.land.data == GERMANY else form.land.data)
    form.kreis.choices = choices([("", "alle")] + [(k, k) for k in kreise])
    form.regierungsbezirk.choices = choices([("", "alle")] + [(b, b) for b in bezirke])
    for field, known in ((form.kreis, kreise), (form.regierungsbezirk, bezirke)):
        if field.data not in set(known):  # also None: no value in the query string
            field.data = ""
        field.errors = []
    for name, default in (("sortierung", "name"), ("richtung", "auf")):
        if form[name].errors or not form[name].data:
            form[name].data, form[name].errors = default, []
    if form.q.errors:
        form.q.data, form.q.errors = "", []
    return form


def overview_request(args: Any) -> tuple[OverviewForm, OverviewQuery]:
    """The filter form bound to the query string and the query it stands for: the overview page
    and its exports read the same filters the same way."""
    form = overview_form(args, laender(), filter_options)
    query = OverviewQuery(
        search=(form.q.data or "").strip(),
        land="" if form.land.data == GERMANY else form.land.data,
        kreis=form.kreis.data,
        regierungsbezirk=form.regierungsbezirk.data,
        kind=form.art.data,
        size=form.groesse.data,
        status=form.status.data,
        sort=form.sortierung.data,
        descending=form.richtung.data == "ab",
        page=args.get("seite", 1, type=int) or 1,
    )
    return form, query


def filter_summary(form: OverviewForm) -> list[tuple[str, str]]:
    """The filters in use as (label, chosen value) for the header of an export; empty: all municipalities."""
    summary = [(form.q.label.text, form.q.data.strip())] if (form.q.data or "").strip() else []
    if len(form.land.choices) > 2:
        summary.append((form.land.label.text, land_name(form.land.data)))
    for field in (form.kreis, form.regierungsbezirk, form.art, form.groesse, form.status):
        if field.data:
            summary.append((field.label.text, next(c.label for c in field.choices if c.value == field.data)))
    return summary


class ValidatedLevelForm(FlaskForm):
    class Meta:
        csrf = False

    level = SelectField(
        "Validierte Stufe",
        choices=choices([("", "bitte wählen")] + [(n, f"Stufe {n}") for n in LEVELS]),
        validate_choice=False,
        validators=[
            DataRequired("Bitte wählen Sie eine Stufe von 1 bis 5."),
            AnyOf(LEVELS, message="Bitte wählen Sie eine Stufe von 1 bis 5."),
        ],
    )
    reason = TextAreaField(
        "Begründung (für die Kommune sichtbar)",
        validators=[
            DataRequired("Bitte begründen Sie die validierte Stufe."),
            Length(max=REASON_MAX, message=f"Die Begründung darf höchstens {REASON_MAX} Zeichen lang sein."),
        ],
    )


def validated_level_form(area_id: str, **kwargs: Any) -> ValidatedLevelForm:
    return ValidatedLevelForm(prefix=f"validierung-{area_id}", **kwargs)


class NoteForm(FlaskForm):
    class Meta:
        csrf = False

    frage = SelectField("Bezug der Notiz", choices=[], validate_choice=False, default="")
    text = TextAreaField(
        "Notiz",
        validators=[DataRequired(REQUIRED), Length(max=NOTE_MAX, message=f"Eine Notiz darf höchstens {NOTE_MAX} Zeichen lang sein.")],
    )
    freigeben = BooleanField("Für die Kommune freigeben (sonst nur intern sichtbar)", default=False)


def note_form(q: Questionnaire, **kwargs: Any) -> NoteForm:
    form = NoteForm(**kwargs)
    pairs = [("", "die Bewertung insgesamt")] + [(i.id, f"{q.area_names[i.area_id]}: {i.text}") for i in q.items]
    form.frage.choices = choices(pairs)
    form.frage.validators = [AnyOf([p[0] for p in pairs], message="Diese Frage gibt es im Fragebogen der Bewertung nicht.")]
    return form


class ShareForm(FlaskForm):
    class Meta:
        csrf = False

    freigeben = HiddenField(validators=[AnyOf(["0", "1"], message="Ungültiger Wert für die Freigabe.")])


class IkzForm(FlaskForm):
    """The partners of an IKZ group as names or AGS, read from the query string so a group view can be bookmarked."""

    class Meta:
        csrf = False

    kommunen = StringField(
        "Kommunen der Gruppe",
        validators=[DataRequired("Bitte nennen Sie mindestens zwei Kommunen."), Length(max=500, message="Höchstens 500 Zeichen.")],
    )

    def entries(self) -> list[str]:
        """The names or AGS, split at commas, semicolons and line breaks."""
        return [part.strip() for part in re.split(r"[,;\n]+", self.kommunen.data or "") if part.strip()]
