"""The second login step, the account's security page (second factor, open sessions) and the
admin's reset of a second factor. With DIGICHECK_REQUIRE_2FA, consultants and admins reach no
other page before they have enrolled."""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from digicheck import logs
from digicheck.access import load_user_for_admin, roles_required
from digicheck.accounts import login_guard, sessions, twofactor
from digicheck.accounts.forms import CodeForm, DisableForm, EnrolForm
from digicheck.accounts.services import find_user
from digicheck.extensions import db, limiter
from digicheck.forms import ConfirmForm
from digicheck.models import Role, User

bp = Blueprint("security", __name__)

#: the password step is valid this long for the code step
PENDING_SECONDS = 300
_PENDING = "_login_pending"
_SETUP = "_totp_setup"
#: what a user who still has to enrol may reach
_OPEN_WHILE_ENROLLING = frozenset({"security.enrol", "security.code", "auth.logout", "static"})
WAIT_MESSAGE = (
    "Für dieses Konto gab es in kurzer Zeit zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie "
    "15 Minuten und versuchen Sie es dann erneut."
)


def login_limit() -> str:
    """The per-address limit of the login routes; password and code step share one count."""
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def failed(response: Any) -> bool:
    return bool(response.status_code != 302)


def _required() -> bool:
    return bool(current_app.config.get("REQUIRE_2FA", False))


# --- called by the password step (auth.login) -------------------------------------------------


def account_waits(email: str) -> bool:
    """An account under attack (too many wrong passwords) without a second factor must wait;
    with a second factor it logs in as always. Unknown addresses wait like accounts without one."""
    if not login_guard.password_attempts_exhausted(email):
        return False
    user = find_user(email)
    waits = user is None or not twofactor.is_enrolled(user)
    if waits:
        logs.audit("login_account_limited", email_hash=logs.email_hash(email))
    return waits


def password_failed(email: str) -> None:
    login_guard.password_failed(email)


def second_step(user: User, next_url: str | None) -> ResponseReturnValue | None:
    """After a right password: the code step if the account has a second factor, else None."""
    if not twofactor.is_enrolled(user):
        return None
    session.clear()
    session[_PENDING] = {"user": user.id, "epoch": user.session_epoch, "at": int(time.time()), "next": next_url}
    return redirect(url_for("security.code"))


def _pending_user() -> tuple[User, str | None] | None:
    pending = session.get(_PENDING)
    if not isinstance(pending, dict) or int(time.time()) - int(pending.get("at", 0)) > PENDING_SECONDS:
        return None
    user = db.session.get(User, int(pending.get("user", 0)))
    if user is None or not user.active or user.session_epoch != pending.get("epoch"):
        return None
    return user, pending.get("next")


@bp.route("/anmelden/code", methods=["GET", "POST"])
@limiter.shared_limit(
    login_limit,
    scope="login",
    methods=["POST"],
    deduct_when=failed,
    error_message="Zu viele Anmeldeversuche. Bitte warten Sie eine Minute.",
)
def code() -> ResponseReturnValue:
    pending = _pending_user()
    if pending is None:
        session.pop(_PENDING, None)
        flash("Die Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an.", "info")
        return redirect(url_for("auth.login"))
    user, next_url = pending
    form = CodeForm()
    if form.validate_on_submit():
        if login_guard.code_attempts_exhausted(user.id):
            logs.audit("login_code_limited", account_id=user.id)
            form.code.errors = ["Zu viele falsche Codes für dieses Konto. Bitte warten Sie 15 Minuten."]
            return render_template("security/code.html", form=form), 429
        kind = twofactor.verify(user, form.code.data or "")
        if kind is None:
            login_guard.code_failed(user.id)
            logs.audit("login_code_failed", account_id=user.id)
            form.code.errors = ["Der Code stimmt nicht oder wurde schon verwendet."]
            return render_template("security/code.html", form=form), 401
        session.clear()
        g.login_second_factor = True
        login_user(user)
        session.permanent = True
        logs.audit("login_succeeded", second_factor=kind)
        if kind == "recovery":
            left = twofactor.recovery_codes_left(user)
            flash(
                f"Sie haben einen Wiederherstellungscode verwendet; {left} sind noch übrig. Richten Sie bei Bedarf Ihr Gerät neu ein.",
                "info",
            )
        return redirect(next_url or url_for("assess.home"))
    return render_template("security/code.html", form=form), 400 if form.errors else 200


# --- the account's security page --------------------------------------------------------------


@bp.get("/konto/sicherheit")
@login_required
def account() -> ResponseReturnValue:
    return _account_page(DisableForm())


def _account_page(disable_form: DisableForm, status: int = 200) -> ResponseReturnValue:
    user = current_user._get_current_object()
    factor = twofactor.factor_of(user)
    return render_template(
        "security/account.html",
        factor=factor,
        sessions=sessions.open_sessions(user),
        codes_left=twofactor.recovery_codes_left(user) if factor else 0,
        required=twofactor.required_for(user, _required()),
        disable_form=disable_form,
    ), status


@bp.route("/konto/zweiter-faktor", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], deduct_when=failed, error_message="Zu viele Versuche. Bitte warten Sie eine Minute.")
@login_required
def enrol() -> ResponseReturnValue:
    user = current_user._get_current_object()
    secret = session.get(_SETUP)
    if not isinstance(secret, str) or len(secret) != 32:
        secret = session[_SETUP] = twofactor.new_secret()
    form = EnrolForm()
    status = 200
    if form.validate_on_submit():
        try:
            codes = twofactor.enrol(user, secret, form.password.data or "", form.code.data or "")
        except twofactor.TwoFactorError as exc:
            (form.password if "Passwort" in str(exc) else form.code).errors = [str(exc)]
            status = 400
        else:
            session.pop(_SETUP, None)
            this = sessions.current()
            if this is not None:
                sessions.mark_second_factor(this)
            ended = sessions.end_other_sessions(user)
            logs.audit("totp_enrolled", sessions_ended=ended)
            return render_template("security/recovery_codes.html", codes=codes, ended=ended)
    elif form.errors:
        status = 400
    uri = twofactor.provisioning_uri(user, secret)
    return render_template(
        "security/enrol.html",
        form=form,
        qr=twofactor.qr_svg(uri),
        secret=twofactor.grouped(secret),
        enrolled=twofactor.is_enrolled(user),
        required=twofactor.required_for(user, _required()),
    ), status


@bp.post("/konto/zweiter-faktor/abschalten")
@limiter.limit(login_limit, methods=["POST"], deduct_when=failed, error_message="Zu viele Versuche. Bitte warten Sie eine Minute.")
@login_required
def disable() -> ResponseReturnValue:
    user = current_user._get_current_object()
    form = DisableForm()
    if form.validate_on_submit():
        try:
            twofactor.disable(user, form.password.data or "", _required())
        except twofactor.TwoFactorError as exc:
            form.password.errors = [str(exc)]
        else:
            logs.audit("totp_disabled")
            flash("Der zweite Faktor ist abgeschaltet. Ab jetzt genügt Ihr Passwort zur Anmeldung.", "success")
            return redirect(url_for("security.account"))
    return _account_page(form, 400)


@bp.post("/konto/sitzungen/beenden")
@login_required
def end_sessions() -> ResponseReturnValue:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    if request.form.get("alle") == "1":
        ended = sessions.end_other_sessions(user)
        logs.audit("session_ended", scope="others", count=ended)
        flash(ngettext("%(num)d andere Anmeldung beendet.", "%(num)d andere Anmeldungen beendet.", ended), "success")
    else:
        chosen = request.form.get("sitzung", "")
        this = sessions.current()
        if this is not None and chosen == this.id:
            abort(400, description="Diese Anmeldung beenden Sie mit „Abmelden“.")
        if not sessions.end_session(user, chosen[:64]):
            abort(404, description="Diese Anmeldung gibt es nicht oder sie ist schon beendet.")
        logs.audit("session_ended", scope="one", count=1)
        flash("Die Anmeldung ist beendet.", "success")
    return redirect(url_for("security.account"))


# --- admins -------------------------------------------------------------------------------------


@bp.post("/verwaltung/konten/<int:user_id>/zweiter-faktor")
@roles_required(Role.ADMIN)
def reset(user_id: int) -> ResponseReturnValue:
    account = load_user_for_admin(current_user, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, description="Ungültige Anfrage: Bitte nutzen Sie die Schaltfläche in der Kontenliste.")
    if account.id == current_user.id:
        abort(400, description="Ihren eigenen zweiten Faktor ändern Sie auf der Seite „Sicherheit“.")
    if not twofactor.is_enrolled(account):
        abort(400, description="Dieses Konto hat keinen zweiten Faktor.")
    twofactor.reset(account)
    logs.audit("totp_reset", account_id=account.id)
    flash(
        f"Der zweite Faktor von {account.email} ist zurückgesetzt; alle Anmeldungen des Kontos sind beendet. "
        "Bei der nächsten Anmeldung genügt das Passwort"
        + (", danach richtet die Person ein neues Gerät ein." if twofactor.required_for(account, _required()) else "."),
        "success",
    )
    return redirect(url_for("admin.users"))


# --- the gate ------------------------------------------------------------------------------------


@bp.before_app_request
def require_enrolment() -> ResponseReturnValue | None:
    """With DIGICHECK_REQUIRE_2FA, a consultant's or admin's login without a second factor leads
    to the enrolment and nowhere else. Costs nothing when off or for anonymous requests."""
    if not _required() or "_user_id" not in session:
        return None
    endpoint = request.endpoint or ""
    if endpoint in _OPEN_WHILE_ENROLLING or endpoint.startswith(("health.", "legal.")):
        return None
    if not current_user.is_authenticated or not twofactor.required_for(current_user, True):
        return None
    this = sessions.current()
    if this is not None and this.second_factor:
        return None
    if twofactor.is_enrolled(current_user):
        # enrolled meanwhile, but this login never showed the code: log in again with it
        logout_user()
        session.clear()
        flash("Bitte melden Sie sich erneut an, mit dem Code Ihrer Authenticator-App.", "info")
        return redirect(url_for("auth.login"))
    return redirect(url_for("security.enrol"))


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {"second_factor_user_ids": twofactor.enrolled_user_ids}
