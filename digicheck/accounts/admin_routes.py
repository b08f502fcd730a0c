"""Invitations (admins and consultants: issue, withdraw) and the accounts (admins: list, lock, unlock,
delete with a confirmation step; admins, and consultants for the Kommune users they invited:
password reset links)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from digicheck import logs, mail
from digicheck.access import (
    can_create_reset_link,
    can_invite,
    load_account_for_reset,
    load_invitation_to_revoke,
    load_user_for_admin,
    manages_accounts,
    roles_required,
)
from digicheck.accounts import password_reset, personal_data
from digicheck.accounts import services as accounts
from digicheck.accounts.forms import InvitationForm
from digicheck.extensions import db
from digicheck.forms import ConfirmForm, choices
from digicheck.models import AnswerChange, Invitation, Municipality, Note, Role, User, ValidatedLevel

bp = Blueprint("admin", __name__, url_prefix="/verwaltung")


def _municipality_choices() -> list:
    rows = db.session.execute(select(Municipality.ags, Municipality.name, Municipality.kind).order_by(Municipality.name)).all()
    return choices([("", "– keine –")] + [(ags, f"{name} ({kind}, AGS {ags})") for ags, name, kind in rows])


@bp.route("/einladungen", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.BERATER)
def invitations() -> ResponseReturnValue:
    """POST-redirect-GET: a created invitation goes to the session and its link is shown by the next
    GET only, beside an empty form; the same form sent twice shows the same link (services.invite)."""
    form = InvitationForm().fresh()
    form.municipality.choices = _municipality_choices()
    form.role.choices = choices([(role.value, role.label) for role in Role if can_invite(current_user, role)])
    existing_account = None
    status = 200
    if form.validate_on_submit():
        municipality = None
        if form.municipality.data:
            municipality = db.session.scalars(select(Municipality).where(Municipality.ags == form.municipality.data)).first()
            if municipality is None:
                abort(400, description="Diese Kommune gibt es nicht.")
        try:
            issued = accounts.invite(
                form.email.data or "", Role(form.role.data), municipality, current_user, form_nonce=form.nonce.data or None
            )
        except accounts.AccountError as exc:
            form.email.errors = [str(exc)]
            form.renew()  # nothing was created: sent again, the form makes a new invitation
            status = 400
            if isinstance(exc, accounts.AccountExists):  # offer the reset where this person may create one
                existing_account = exc.account if can_create_reset_link(current_user, exc.account) else None
        else:
            _announce(issued, municipality)
            return redirect(url_for("admin.invitations"))
    elif form.errors:
        status = 400
    recent = db.session.scalars(select(Invitation).order_by(Invitation.created_at.desc()).limit(50)).all()
    # shown once, by the GET after the redirect, then gone from the session
    issued_invitation = session.pop("issued_invitation", None) if request.method == "GET" else None
    return render_template(
        "admin/invitations.html", form=form, issued=issued_invitation, invitations=recent, existing_account=existing_account
    ), status


def _announce(issued: accounts.IssuedInvitation, municipality: Municipality | None) -> None:
    """Mail a new invitation (the service audited it), say which older ones it withdrew, and keep its link for the next GET.
    A repeated form (double click, reload) only shows the same link again."""
    invitation = issued.invitation
    link = url_for("auth.invitation", token=issued.token, _external=True)
    if not issued.repeated:
        mail.send_link(
            "invitation",
            invitation.email,
            mail.invitation_message(link, invitation.role.label, municipality.name if municipality else None, invitation.expires_at),
        )
    if issued.withdrawn:
        flash(
            ngettext(
                "Eine ältere offene Einladung an %(email)s ist zurückgezogen; ihr Link gilt nicht mehr.",
                "%(num)d ältere offene Einladungen an %(email)s sind zurückgezogen; ihre Links gelten nicht mehr.",
                issued.withdrawn,
                email=invitation.email,
            ),
            "warning",
        )
    session["issued_invitation"] = {"link": link, "email": invitation.email, "repeated": issued.repeated}


@bp.get("/konten")
@roles_required(Role.ADMIN, Role.BERATER)
def users() -> ResponseReturnValue:
    """Admins see every account; consultants the Kommune users who joined by their invitation."""
    shown = select(User).where(User.deleted_at.is_(None)).order_by(User.role, User.email)
    if not manages_accounts(current_user):
        shown = shown.where(User.invited_by_id == current_user.id)
    rows = db.session.scalars(shown).all()
    resettable = {u.id for u in rows if can_create_reset_link(current_user, u)}
    # shown once after the redirect that created it (POST-redirect-GET), then gone from the session
    issued_reset = session.pop("issued_reset_link", None)
    return render_template(
        "admin/users.html", users=rows, resettable=resettable, manages_accounts=manages_accounts(current_user), issued_reset=issued_reset
    )


@bp.post("/konten/<int:user_id>/status")
@roles_required(Role.ADMIN)
def user_status(user_id: int) -> ResponseReturnValue:
    account = load_user_for_admin(current_user, user_id)
    wanted = request.form.get("aktiv")
    if wanted not in ("0", "1") or not ConfirmForm().validate_on_submit():
        abort(400, description="Ungültige Anfrage: Bitte nutzen Sie die Schaltfläche in der Kontenliste.")
    try:
        accounts.set_active(account, wanted == "1", current_user)
    except accounts.AccountError as exc:
        abort(400, description=str(exc))
    logs.audit("account_unlocked" if wanted == "1" else "account_locked", account_id=account.id)
    flash(
        f"Das Konto {account.email} ist {'wieder freigegeben' if account.active else 'gesperrt; alle Anmeldungen damit sind beendet'}.",
        "success",
    )
    return redirect(url_for("admin.users"))


@bp.post("/einladungen/<int:invitation_id>/zurueckziehen")
@roles_required(Role.ADMIN, Role.BERATER)
def revoke(invitation_id: int) -> ResponseReturnValue:
    invitation = load_invitation_to_revoke(current_user, invitation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        accounts.revoke_invitation(invitation)
    except accounts.AccountError as exc:
        abort(400, description=str(exc))
    logs.audit("invitation_withdrawn", invitation_id=invitation.id)
    flash(f"Die Einladung an {invitation.email} ist zurückgezogen; der Link gilt nicht mehr.", "success")
    return redirect(url_for("admin.invitations"))


@bp.post("/konten/<int:account_id>/ruecksetzlink")
@roles_required(Role.ADMIN, Role.BERATER)
def reset_link(account_id: int) -> ResponseReturnValue:
    account = load_account_for_reset(current_user, account_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, description="Ungültige Anfrage: Bitte nutzen Sie die Schaltfläche in der Kontenliste.")
    try:
        issued = password_reset.create_reset_link(account, current_user)
    except accounts.AccountError as exc:
        abort(400, description=str(exc))
    link = url_for("account.reset", token=issued.token, _external=True)
    mail.send_link("password_reset", account.email, mail.reset_message(account.name, link, issued.reset.expires_at))
    session["issued_reset_link"] = {"link": link, "email": account.email, "hours": password_reset.reset_hours()}
    return redirect(url_for("admin.users"))


@bp.route("/konten/<int:account_id>/loeschen", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def delete_account(account_id: int) -> ResponseReturnValue:
    account = load_user_for_admin(current_user, account_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        email = account.email
        try:
            personal_data.delete_account(account, current_user)
        except accounts.AccountError as exc:
            abort(400, description=str(exc))
        logs.audit("account_deleted", account_id=account.id)
        flash(
            f"Das Konto {email} ist gelöscht. Name und E-Mail-Adresse sind entfernt; Antworten und Notizen "
            f"stehen jetzt unter „{account.name}“.",
            "success",
        )
        return redirect(url_for("admin.users"))
    kept = {
        "Antwortänderungen": db.session.scalar(select(func.count()).where(AnswerChange.user_id == account.id)),
        "Notizen": db.session.scalar(select(func.count()).where(Note.author_id == account.id)),
        "validierte Stufen": db.session.scalar(select(func.count()).where(ValidatedLevel.consultant_id == account.id)),
    }
    refusal = (
        "Das eigene Konto können Sie nicht löschen."
        if account.id == current_user.id
        else "Das letzte aktive Administrationskonto lässt sich nicht löschen."
        if accounts.is_last_active_admin(account)
        else None
    )
    return render_template("admin/user_delete.html", account=account, form=form, kept=kept, refusal=refusal), 400 if form.errors else 200
