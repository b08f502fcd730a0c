"""Account forms: login, passwords, invitations, and the second factor (login code, enrolment,
switching off)."""

from __future__ import annotations

import secrets

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp

from digicheck.forms import REQUIRED, choices


def new_password(label: str) -> PasswordField:
    """A password being chosen: 10 to 256 characters (strength is checked by accounts.passwords)."""
    return PasswordField(
        label,
        validators=[DataRequired(REQUIRED), Length(min=10, max=256, message="Das Passwort muss 10 bis 256 Zeichen lang sein.")],
        render_kw={"autocomplete": "new-password"},
    )


def repeat_of(field: str, label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(REQUIRED), EqualTo(field, message="Die beiden Passwörter stimmen nicht überein.")],
        render_kw={"autocomplete": "new-password"},
    )


class LoginForm(FlaskForm):
    email = EmailField("E-Mail-Adresse", validators=[DataRequired(REQUIRED), Length(max=254)], render_kw={"autocomplete": "username"})
    password = PasswordField(
        "Passwort", validators=[DataRequired(REQUIRED), Length(max=256)], render_kw={"autocomplete": "current-password"}
    )


class PasswordChangeForm(FlaskForm):
    current = PasswordField(
        "Bisheriges Passwort", validators=[DataRequired(REQUIRED), Length(max=256)], render_kw={"autocomplete": "current-password"}
    )
    new = new_password("Neues Passwort (mindestens 10 Zeichen)")
    repeat = repeat_of("new", "Neues Passwort wiederholen")


class AcceptInvitationForm(FlaskForm):
    name = StringField(
        "Ihr Name",
        validators=[DataRequired(REQUIRED), Length(max=120, message="Höchstens 120 Zeichen.")],
        render_kw={"autocomplete": "name"},
    )
    password = new_password("Passwort (mindestens 10 Zeichen)")
    repeat = repeat_of("password", "Passwort wiederholen")


class InvitationForm(FlaskForm):
    email = EmailField(
        "E-Mail-Adresse der eingeladenen Person",
        validators=[DataRequired(REQUIRED), Email("Bitte geben Sie eine gültige E-Mail-Adresse an."), Length(max=254)],
    )
    role = SelectField(
        "Rolle", choices=choices([("kommune", "Kommune"), ("berater", "Beratung"), ("admin", "Administration")]), validate_choice=True
    )
    municipality = SelectField("Kommune (nur für Kommune-Konten)", choices=[], validators=[Optional()], validate_choice=False)
    #: one per rendered form: the same form sent twice makes one invitation (accounts.services.invite).
    #: Optional, so a form from before this field still works, only without that protection.
    nonce = HiddenField(
        validators=[Optional(), Regexp(r"^[A-Za-z0-9_-]{16,64}$", message="Das Formular ist ungültig. Bitte laden Sie die Seite neu.")]
    )

    def fresh(self) -> InvitationForm:
        """A form to be filled in: it gets its own nonce (a form sent back keeps the one it had)."""
        if not self.is_submitted():
            self.renew()
        return self

    def renew(self) -> None:
        """A new nonce: the form, sent back with an error, makes a new invitation when sent again."""
        self.nonce.data = secrets.token_urlsafe(24)


class ResetPasswordForm(FlaskForm):
    """A new password set with a one-time reset link."""

    password = new_password("Neues Passwort (mindestens 10 Zeichen)")
    repeat = repeat_of("password", "Neues Passwort wiederholen")


class CodeForm(FlaskForm):
    code = StringField(
        "Code aus der Authenticator-App oder Wiederherstellungscode",
        validators=[DataRequired(REQUIRED), Length(max=40, message="Höchstens 40 Zeichen.")],
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"},
    )


class EnrolForm(FlaskForm):
    code = StringField(
        "Sechsstelliger Code aus der App",
        validators=[DataRequired(REQUIRED), Length(max=12, message="Der Code hat sechs Ziffern.")],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    password = PasswordField(
        "Ihr Passwort (zur Bestätigung)",
        validators=[DataRequired(REQUIRED), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )


class DisableForm(FlaskForm):
    password = PasswordField(
        "Ihr Passwort (zur Bestätigung)",
        validators=[DataRequired(REQUIRED), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )


class TokenForm(FlaskForm):
    """A new API token: what it is for, its role, the consultant account a consultant token acts for,
    and how long it is valid."""

    name = StringField(
        "Name (wofür der Token ist, z. B. „BI-System des Landes“)",
        validators=[DataRequired(REQUIRED), Length(max=80, message="Höchstens 80 Zeichen.")],
    )
    role = SelectField("Rolle", choices=[], validate_choice=True)
    user = SelectField("Beratungskonto (nur für Tokens der Beratung)", choices=[], default="", validate_choice=True)
    days = StringField(
        "Gültigkeit in Tagen (1 bis 3650)",
        default="365",
        validators=[
            DataRequired(REQUIRED),
            Regexp(r"^\s*[0-9]{1,4}\s*$", message="Bitte geben Sie eine ganze Zahl von Tagen an (1 bis 3650)."),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        from digicheck.accounts.tokens import consultant_accounts
        from digicheck.models import TokenRole

        super().__init__(*args, **kwargs)
        self.role.choices = choices([(role.value, role.label) for role in TokenRole])
        accounts = [(str(u.id), f"{u.name} ({u.email})") for u in consultant_accounts()]
        self.user.choices = choices([("", "kein Konto (Analyse, IT-Dienstleister)"), *accounts])
