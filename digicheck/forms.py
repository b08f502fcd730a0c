"""What every feature's forms share: the German "required" message, (value, label) choices and the
empty confirmation form. The forms themselves live with their feature (accounts/, assess/, consult/,
benchmark/); the questionnaire's area pages are read without WTForms (assess/forms.py)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice

REQUIRED = "Bitte füllen Sie dieses Feld aus."


def choices(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class ConfirmForm(FlaskForm):
    """An empty form: a button that needs a valid CSRF token (logout, submit, new round)."""
