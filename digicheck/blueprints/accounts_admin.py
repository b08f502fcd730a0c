"""Account lifecycle in the Konten page: password reset links (admins, and consultants for the
Kommune users they invited) and deleting an account (admins, with a confirmation step)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, select

from digicheck import logs, mail
from digicheck.access import load_account_for_reset, load_user_for_admin, roles_required
from digicheck.extensions import db
from digicheck.forms import ConfirmForm
from digicheck.models import AnswerChange, Note, Role, ValidatedLevel
from digicheck.services import password_reset, personal_data
from digicheck.services.accounts import AccountError, is_last_active_admin

bp = Blueprint("accounts_admin", __name__, url_prefix="/verwaltung/konten")


@bp.post("/<int:account_id>/ruecksetzlink")
@roles_required(Role.ADMIN, Role.BERATER)
def reset_link(account_id: int) -> ResponseReturnValue:
    account = load_account_for_reset(current_user, account_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, description="Ungültige Anfrage: Bitte nutzen Sie die Schaltfläche in der Kontenliste.")
    try:
        issued = password_reset.create_reset_link(account, current_user)
    except AccountError as exc:
        abort(400, description=str(exc))
    db.session.commit()
    link = url_for("account.reset", token=issued.token, _external=True)
    logs.audit("password_reset_link_created", account_id=account.id, reset_id=issued.reset.id)
    mail.send_link("password_reset", account.email, mail.reset_message(account.name, link, issued.reset.expires_at))
    session["issued_reset_link"] = {"link": link, "email": account.email, "hours": password_reset.reset_hours()}
    return redirect(url_for("admin.users"))


@bp.route("/<int:account_id>/loeschen", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def delete(account_id: int) -> ResponseReturnValue:
    account = load_user_for_admin(current_user, account_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        email = account.email
        try:
            personal_data.delete_account(account, current_user)
        except AccountError as exc:
            abort(400, description=str(exc))
        db.session.commit()
        logs.audit("account_deleted", account_id=account.id)
        flash(f"Das Konto {email} ist gelöscht. Name und E-Mail-Adresse sind entfernt; Antworten und Notizen "
              f"stehen jetzt unter „{account.name}“.", "success")
        return redirect(url_for("admin.users"))
    kept = {
        "Antwortänderungen": db.session.scalar(select(func.count()).where(AnswerChange.user_id == account.id)),
        "Notizen": db.session.scalar(select(func.count()).where(Note.author_id == account.id)),
        "validierte Stufen": db.session.scalar(select(func.count()).where(ValidatedLevel.consultant_id == account.id)),
    }
    refusal = ("Das eigene Konto können Sie nicht löschen." if account.id == current_user.id else
               "Das letzte aktive Administrationskonto lässt sich nicht löschen." if is_last_active_admin(account) else None)
    return render_template("admin/user_delete.html", account=account, form=form, kept=kept, refusal=refusal), 400 if form.errors else 200
