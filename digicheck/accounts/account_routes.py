"""The person's own account: setting a new password with a reset link, downloading their own data
(Art. 15 DSGVO), and a clear answer to a session of an account that was deleted meanwhile."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from digicheck import logs, timefmt
from digicheck.accounts import password_reset, personal_data
from digicheck.accounts.forms import ResetPasswordForm
from digicheck.accounts.services import AccountError
from digicheck.extensions import db
from digicheck.models import User

bp = Blueprint("account", __name__)


@bp.before_app_request
def refuse_deleted_account() -> ResponseReturnValue | None:
    """A session of a deleted account ends with a message instead of a silent trip to the login."""
    if "_user_id" not in session or current_user.is_authenticated:
        return None
    raw_id = str(session["_user_id"]).split(":")[0]
    account = db.session.get(User, int(raw_id)) if raw_id.isdigit() and len(raw_id) < 10 else None
    if account is None or account.deleted_at is None:
        return None
    session.clear()
    return render_template("auth/account_deleted.html"), 401


@bp.route("/passwort-zuruecksetzen/<token>", methods=["GET", "POST"])
def reset(token: str) -> ResponseReturnValue:
    if len(token) > 100:
        abort(404)
    try:
        link = password_reset.open_reset(token)
    except AccountError as exc:
        return render_template("auth/reset_invalid.html", message=str(exc)), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = password_reset.reset_password(token, form.password.data or "")
        except AccountError as exc:
            db.session.rollback()
            form.password.errors = [str(exc)]
            return render_template("auth/reset.html", form=form, account=link.user), 400
        session.clear()  # whoever was logged in in this browser: the new password starts afresh
        logs.audit("password_reset", account_id=user.id)
        flash(
            "Ihr neues Passwort ist gesetzt, und alle bisherigen Anmeldungen Ihres Kontos sind beendet. Bitte melden Sie sich jetzt an.",
            "success",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, account=link.user), 400 if form.errors else 200


@bp.get("/konto/daten")
@login_required
def own_data() -> ResponseReturnValue:
    data = personal_data.personal_data(current_user)
    logs.audit("personal_data_downloaded")
    response = Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="digicheck-meine-daten-{timefmt.today().isoformat()}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response
