"""Forms of the conversation: a new question, a reply, an edit. The application-wide CSRFProtect
checks every POST; each form is prefixed per thread or entry so several share a page."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from digicheck.forms import REQUIRED, choices
from digicheck.models.consult import NOTE_MAX
from scoring import Questionnaire

TOO_LONG = f"Ein Beitrag darf höchstens {NOTE_MAX} Zeichen lang sein."


def _text(label: str) -> TextAreaField:
    return TextAreaField(label, validators=[DataRequired(REQUIRED), Length(max=NOTE_MAX, message=TOO_LONG)])


class QuestionForm(FlaskForm):
    class Meta:
        csrf = False

    frage = SelectField(
        "Worum geht es?",
        choices=[],
        validate_choice=True,
        default="",
        invalid_choice_message="Diese Frage gibt es im Fragebogen der Bewertung nicht. Bitte wählen Sie aus der Liste.",
    )
    text = _text("Ihre Frage an die Beratung")


def question_form(q: Questionnaire, **kwargs: Any) -> QuestionForm:
    """The question form with every item of the questionnaire to choose from (or the whole assessment)."""
    form = QuestionForm(prefix="frage", **kwargs)
    form.frage.choices = choices(
        [("", "die Bewertung insgesamt")] + [(i.id, f"{area.name}: {i.text}") for area in q.areas for i in area.items]
    )
    return form


class ReplyForm(FlaskForm):
    class Meta:
        csrf = False

    text = _text("Ihre Antwort")


def reply_form(root_id: int, **kwargs: Any) -> ReplyForm:
    return ReplyForm(prefix=f"antwort-{root_id}", **kwargs)


class EditForm(FlaskForm):
    class Meta:
        csrf = False

    text = _text("Beitrag bearbeiten")


def edit_form(note_id: int, **kwargs: Any) -> EditForm:
    return EditForm(prefix=f"bearbeiten-{note_id}", **kwargs)
