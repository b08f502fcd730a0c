"""Invitations (admins and consultants) and the user list (admins)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from digicheck.access import roles_required
from digicheck.extensions import db
from digicheck.forms import InvitationForm, choices
from digicheck.models import Invitation, Municipality, Role, User
from digicheck.services import accounts

bp = Blueprint("admin", __name__, url_prefix="/verwaltung")


def _municipality_choices() -> list:
    rows = db.session.execute(select(Municipality.ags, Municipality.name, Municipality.kind).order_by(Municipality.name)).all()
    return choices([("", "– keine –")] + [(ags, f"{name} ({kind}, AGS {ags})") for ags, name, kind in rows])


@bp.route("/einladungen", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.BERATER)
def invitations() -> ResponseReturnValue:
    form = InvitationForm()
    form.municipality.choices = _municipality_choices()
    if current_user.role == Role.BERATER:
        form.role.choices = choices([("kommune", "Kommune")])
    issued_link = None
    status = 200
    if form.validate_on_submit():
        municipality = None
        if form.municipality.data:
            municipality = db.session.scalars(select(Municipality).where(Municipality.ags == form.municipality.data)).first()
            if municipality is None:
                abort(400, description="Diese Kommune gibt es nicht.")
        try:
            issued = accounts.invite(form.email.data or "", Role(form.role.data), municipality, current_user)
        except accounts.AccountError as exc:
            form.email.errors = [str(exc)]
            status = 400
        else:
            issued_link = url_for("auth.invitation", token=issued.token, _external=True)
    elif form.errors:
        status = 400
    recent = db.session.scalars(select(Invitation).order_by(Invitation.created_at.desc()).limit(50)).all()
    return render_template("admin/invitations.html", form=form, issued_link=issued_link, invitations=recent), status


@bp.get("/konten")
@roles_required(Role.ADMIN)
def users() -> ResponseReturnValue:
    rows = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("admin/users.html", users=rows)
