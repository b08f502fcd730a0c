"""Forms of the second factor (login code, enrolment, switching off)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from digicheck.forms import REQUIRED


class CodeForm(FlaskForm):
    code = StringField("Code aus der Authenticator-App oder Wiederherstellungscode",
                       validators=[DataRequired(REQUIRED), Length(max=40, message="Höchstens 40 Zeichen.")],
                       render_kw={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"})


class EnrolForm(FlaskForm):
    code = StringField("Sechsstelliger Code aus der App",
                       validators=[DataRequired(REQUIRED), Length(max=12, message="Der Code hat sechs Ziffern.")],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    password = PasswordField("Ihr Passwort (zur Bestätigung)", validators=[DataRequired(REQUIRED), Length(max=256)],
                             render_kw={"autocomplete": "current-password"})


class DisableForm(FlaskForm):
    password = PasswordField("Ihr Passwort (zur Bestätigung)", validators=[DataRequired(REQUIRED), Length(max=256)],
                             render_kw={"autocomplete": "current-password"})
