"""Fixed forms (accounts, invitations, targets); questionnaire forms are built from data."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

REQUIRED = "Bitte füllen Sie dieses Feld aus."


def choices(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class LoginForm(FlaskForm):
    email = EmailField("E-Mail-Adresse", validators=[DataRequired(REQUIRED), Length(max=254)], render_kw={"autocomplete": "username"})
    password = PasswordField("Passwort", validators=[DataRequired(REQUIRED), Length(max=256)], render_kw={"autocomplete": "current-password"})


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Bisheriges Passwort", validators=[DataRequired(REQUIRED), Length(max=256)], render_kw={"autocomplete": "current-password"})
    new = PasswordField("Neues Passwort (mindestens 10 Zeichen)", validators=[DataRequired(REQUIRED), Length(min=10, max=256, message="Das Passwort muss 10 bis 256 Zeichen lang sein.")], render_kw={"autocomplete": "new-password"})
    repeat = PasswordField("Neues Passwort wiederholen", validators=[DataRequired(REQUIRED), EqualTo("new", message="Die beiden Passwörter stimmen nicht überein.")], render_kw={"autocomplete": "new-password"})


class AcceptInvitationForm(FlaskForm):
    name = StringField("Ihr Name", validators=[DataRequired(REQUIRED), Length(max=120, message="Höchstens 120 Zeichen.")], render_kw={"autocomplete": "name"})
    password = PasswordField("Passwort (mindestens 10 Zeichen)", validators=[DataRequired(REQUIRED), Length(min=10, max=256, message="Das Passwort muss 10 bis 256 Zeichen lang sein.")], render_kw={"autocomplete": "new-password"})
    repeat = PasswordField("Passwort wiederholen", validators=[DataRequired(REQUIRED), EqualTo("password", message="Die beiden Passwörter stimmen nicht überein.")], render_kw={"autocomplete": "new-password"})


class InvitationForm(FlaskForm):
    email = EmailField("E-Mail-Adresse der eingeladenen Person", validators=[DataRequired(REQUIRED), Email("Bitte geben Sie eine gültige E-Mail-Adresse an."), Length(max=254)])
    role = SelectField("Rolle", choices=choices([("kommune", "Kommune"), ("berater", "Beratung"), ("admin", "Administration")]), validate_choice=True)
    municipality = SelectField("Kommune (nur für Kommune-Konten)", choices=[], validators=[Optional()], validate_choice=False)


class TargetsForm(FlaskForm):
    """Fields are added per area at runtime: `target-<area_id>` with choices '' and 1-5."""


class ConfirmForm(FlaskForm):
    """An empty form: a button that needs a valid CSRF token (logout, submit, new round)."""


class ResetPasswordForm(FlaskForm):
    """A new password set with a one-time reset link."""

    password = PasswordField("Neues Passwort (mindestens 10 Zeichen)", validators=[DataRequired(REQUIRED), Length(min=10, max=256, message="Das Passwort muss 10 bis 256 Zeichen lang sein.")], render_kw={"autocomplete": "new-password"})
    repeat = PasswordField("Neues Passwort wiederholen", validators=[DataRequired(REQUIRED), EqualTo("password", message="Die beiden Passwörter stimmen nicht überein.")], render_kw={"autocomplete": "new-password"})
