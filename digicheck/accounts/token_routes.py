"""API tokens in the administration (admins only): list, create (the raw token is shown once, on
the page after the redirect), revoke with a confirmation step. The CLI calls the same functions
(digicheck.accounts.tokens)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from digicheck.access import load_token_for_admin, roles_required
from digicheck.accounts import tokens
from digicheck.accounts.forms import TokenForm
from digicheck.extensions import db
from digicheck.forms import ConfirmForm
from digicheck.models import Role, TokenRole, User
from digicheck.models._time import utcnow

bp = Blueprint("tokens", __name__, url_prefix="/verwaltung/api-tokens")
#: where the raw token waits, in the signed session cookie, for the one page that shows it
_ISSUED = "issued_api_token"


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def index() -> ResponseReturnValue:
    form = TokenForm()
    if form.validate_on_submit():
        try:
            account = db.session.get(User, int(form.user.data)) if form.user.data else None
            token, raw = tokens.create_token(
                form.name.data or "",
                TokenRole(form.role.data),
                created_by=current_user,
                user=account,
                days=int((form.days.data or "").strip()),
            )
        except tokens.TokenError as exc:
            form[exc.field].errors = [str(exc)]
        else:
            session[_ISSUED] = {"id": token.id, "token": raw}
            return redirect(url_for("tokens.issued"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/tokens.html", form=form, tokens=tokens.all_tokens(), now=utcnow()), status


@bp.get("/neu")
@roles_required(Role.ADMIN)
def issued() -> ResponseReturnValue:
    """The raw token of the token just created: once, then it is gone from the session."""
    shown = session.pop(_ISSUED, None)
    if not shown:
        flash(
            "Der Token wurde bereits angezeigt und lässt sich nicht noch einmal anzeigen. Erstellen Sie bei Bedarf einen neuen.", "warning"
        )
        return redirect(url_for("tokens.index"))
    token = load_token_for_admin(current_user, int(shown["id"]))
    return render_template("admin/token_issued.html", token=token, raw=shown["token"])


@bp.route("/<int:token_id>/widerrufen", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def revoke(token_id: int) -> ResponseReturnValue:
    token = load_token_for_admin(current_user, token_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        tokens.revoke(token)
        flash(f"Der Token „{token.name}“ ist widerrufen; Anfragen damit werden ab sofort abgelehnt.", "success")
        return redirect(url_for("tokens.index"))
    return render_template("admin/token_revoke.html", token=token, form=form, now=utcnow()), 400 if request.method == "POST" else 200
