"""Login, logout, password change and accepting an invitation."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user

from digicheck import health, logs
from digicheck.accounts import security_routes as security
from digicheck.accounts import services as accounts
from digicheck.accounts.forms import AcceptInvitationForm, LoginForm, PasswordChangeForm
from digicheck.accounts.passwords import check_password
from digicheck.extensions import limiter
from digicheck.forms import ConfirmForm

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _failed(response: Response) -> bool:
    """Only attempts that did not log in count against the limit: many colleagues behind one
    municipal network address must not lock each other out by logging in."""
    return response.status_code != 302


def _failure_reason(email: str) -> str:
    """For the audit log only; the page never tells which of these it was."""
    user = accounts.find_user(email)
    return "unknown_account" if user is None else "account_locked" if not user.active else "wrong_password"


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


@bp.route("/anmelden", methods=["GET", "POST"])
@limiter.shared_limit(
    _login_limit,
    scope="login",
    methods=["POST"],
    deduct_when=_failed,  # shared with the code step
    error_message="Zu viele Anmeldeversuche. Bitte warten Sie eine Minute.",
)
def login() -> ResponseReturnValue:
    health.require_database()  # with the database down, the form could never work: 503 at once
    if current_user.is_authenticated:
        return redirect(url_for("assess.home"))
    form = LoginForm()
    if form.validate_on_submit():
        if security.account_waits(form.email.data or ""):
            form.password.errors = [security.WAIT_MESSAGE]
            return render_template("auth/login.html", form=form), 429
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            security.password_failed(form.email.data or "")
            logs.audit("login_failed", email_hash=logs.email_hash(form.email.data or ""), reason=_failure_reason(form.email.data or ""))
            form.password.errors = ["E-Mail-Adresse oder Passwort ist falsch."]
            return render_template("auth/login.html", form=form), 401
        second_step = security.second_step(user, _safe_next(request.args.get("next")))
        if second_step is not None:
            return second_step
        session.clear()
        login_user(user)
        session.permanent = True
        logs.audit("login_succeeded")
        return redirect(_safe_next(request.args.get("next")) or url_for("assess.home"))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/abmelden")
@login_required
def logout() -> ResponseReturnValue:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    logout_user()
    session.clear()
    flash("Sie sind abgemeldet.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/passwort", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed, error_message="Zu viele Versuche. Bitte warten Sie eine Minute.")
@login_required
def password() -> ResponseReturnValue:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        weakness = check_password(form.new.data or "", current_user.email, current_user.name)
        if weakness:
            form.new.errors = [weakness]
            return render_template("auth/password.html", form=form), 400
        try:
            accounts.change_password(current_user, form.current.data or "", form.new.data or "")
        except accounts.AccountError as exc:
            form.current.errors = [str(exc)]
            return render_template("auth/password.html", form=form), 400
        login_user(current_user._get_current_object())  # the new session epoch for this browser; others are logged out
        logs.audit("password_changed")
        flash("Ihr Passwort wurde geändert. Andere Anmeldungen mit dem alten Passwort sind beendet.", "success")
        return redirect(url_for("assess.home"))
    return render_template("auth/password.html", form=form), 400 if form.errors else 200


@bp.route("/einladung/<token>", methods=["GET", "POST"])
def invitation(token: str) -> ResponseReturnValue:
    if len(token) > 100:
        abort(404)
    try:
        invite = accounts.open_invitation(token)
    except accounts.AccountError as exc:
        return render_template("auth/invitation_invalid.html", message=str(exc)), 410
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        weakness = check_password(form.password.data or "", invite.email, form.name.data or "")
        if weakness:
            form.password.errors = [weakness]
            return render_template("auth/invitation.html", form=form, invitation=invite), 400
        try:
            user = accounts.accept_invitation(token, form.name.data or "", form.password.data or "")
        except accounts.AccountError as exc:
            form.password.errors = [str(exc)]
            return render_template("auth/invitation.html", form=form, invitation=invite), 400
        session.clear()
        login_user(user)
        logs.audit("invitation_accepted", invitation_id=invite.id)
        flash("Willkommen! Ihr Konto ist eingerichtet.", "success")
        return redirect(url_for("assess.home"))
    return render_template("auth/invitation.html", form=form, invitation=invite), 400 if form.errors else 200
