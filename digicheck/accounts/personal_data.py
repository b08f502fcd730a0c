"""Personal data of an account: a copy for the person (Art. 15 DSGVO), erasure (Art. 17), retention.

Deleting an account keeps its row as a tombstone: name and e-mail address are replaced, the
password becomes unusable, and every session ends. Answer history, notes, validated levels and
submissions keep their foreign key to that row and read "ehemalige Person (gelöscht am …)".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, or_, select

from digicheck import timefmt
from digicheck.accounts.services import AccountError, is_last_active_admin
from digicheck.extensions import db
from digicheck.models import (
    AnswerChange,
    Assessment,
    Invitation,
    Municipality,
    Note,
    PasswordReset,
    PlanEntry,
    PlanEntryChange,
    RecoveryCode,
    SecondFactor,
    User,
    UserSession,
    ValidatedLevel,
)
from digicheck.models._time import utcnow

EXPORT_FORMAT = "digicheck-personal-data"
EXPORT_VERSION = 1
#: ended one-time links (invitations, password resets) are kept this long, then purged
PURGE_AFTER_DAYS = 90


def deleted_name(moment: datetime) -> str:
    return f"ehemalige Person (gelöscht am {timefmt.local_date(moment)})"


def delete_account(account: User, by: User) -> None:
    """Erase the person behind `account`, keeping what they contributed. Flushes, the caller commits."""
    if account.deleted_at is not None:
        raise AccountError("Dieses Konto ist bereits gelöscht.")
    if account.id == by.id:
        raise AccountError("Das eigene Konto können Sie nicht löschen.")
    if is_last_active_admin(account):
        raise AccountError("Das letzte aktive Administrationskonto lässt sich nicht löschen.")
    now = utcnow()
    # the invitation the person accepted and any open one still carry the address
    db.session.execute(delete(Invitation).where(Invitation.email == account.email))
    for model in (PasswordReset, UserSession, SecondFactor, RecoveryCode):  # nothing of these is a contribution
        db.session.execute(delete(model).where(model.user_id == account.id))
    account.name = deleted_name(now)
    account.email = f"geloescht-{account.id}@konto.invalid"  # unique and never deliverable (RFC 2606)
    account.password_hash = "!"  # no hash of any password: a login always fails
    account.active = False
    account.session_epoch += 1
    account.municipality_id = None
    account.invited_by_id = None
    account.last_login_at = None
    account.deleted_at = now
    db.session.flush()


def _iso(moment: datetime | None) -> str | None:
    return timefmt.iso_with_offset(moment) if moment is not None else None


def _where(assessment_id: int, places: dict[int, tuple[str, str, int]]) -> dict[str, Any]:
    ags, name, round_ = places[assessment_id]
    return {"assessment_id": assessment_id, "municipality_ags": ags, "municipality": name, "round": round_}


def personal_data(user: User) -> dict[str, Any]:
    """Everything the service stores about `user` and what they wrote, as JSON-ready data."""
    changes = db.session.scalars(
        select(AnswerChange).where(AnswerChange.user_id == user.id).order_by(AnswerChange.changed_at, AnswerChange.id)
    ).all()
    notes = db.session.scalars(select(Note).where(Note.author_id == user.id).order_by(Note.created_at, Note.id)).all()
    plan_changes = db.session.execute(
        select(PlanEntryChange, PlanEntry.title, Municipality.ags, Municipality.name)
        .join(PlanEntry, PlanEntryChange.entry_id == PlanEntry.id)
        .join(Municipality, PlanEntry.municipality_id == Municipality.id)
        .where(PlanEntryChange.user_id == user.id)
        .order_by(PlanEntryChange.changed_at, PlanEntryChange.id)
    ).all()
    levels = db.session.scalars(
        select(ValidatedLevel).where(ValidatedLevel.consultant_id == user.id).order_by(ValidatedLevel.created_at, ValidatedLevel.id)
    ).all()
    submitted = db.session.scalars(select(Assessment).where(Assessment.submitted_by_id == user.id).order_by(Assessment.id)).all()
    resets = db.session.scalars(select(PasswordReset).where(PasswordReset.user_id == user.id).order_by(PasswordReset.id)).all()
    ids = {c.assessment_id for c in changes} | {n.assessment_id for n in notes} | {v.assessment_id for v in levels}
    places = (
        {
            row.id: (row.ags, row.name, row.round)
            for row in db.session.execute(
                select(Assessment.id, Municipality.ags, Municipality.name, Assessment.round)
                .join(Municipality, Assessment.municipality_id == Municipality.id)
                .where(Assessment.id.in_(ids))
            )
        }
        if ids
        else {}
    )
    places.update({a.id: (a.municipality.ags, a.municipality.name, a.round) for a in submitted})
    inviter = db.session.get(User, user.invited_by_id) if user.invited_by_id else None
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "created_at": _iso(utcnow()),
        "account": {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "role": user.role.value,
            "municipality": {"ags": user.municipality.ags, "name": user.municipality.name} if user.municipality else None,
            "active": user.active,
            "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
            "invited_by": inviter.name if inviter else None,
        },
        "answer_changes": [
            {
                **_where(c.assessment_id, places),
                "item_id": c.item_id,
                "old_value": c.old_value,
                "new_value": c.new_value,
                "old_evidence": c.old_evidence,
                "new_evidence": c.new_evidence,
                "changed_at": _iso(c.changed_at),
            }
            for c in changes
        ],
        "notes": [
            {
                **_where(n.assessment_id, places),
                "id": n.id,
                "item_id": n.item_id,
                "text": n.text,
                "shared": n.shared,
                "reply_to": n.parent_id,
                "created_at": _iso(n.created_at),
                "edited_at": _iso(n.edited_at),
                "deleted_at": _iso(n.deleted_at),
            }
            for n in notes
        ],
        "plan_changes": [
            {
                "municipality_ags": ags,
                "municipality": name,
                "entry_id": change.entry_id,
                "entry_title": title,
                "changes": change.changes,
                "changed_at": _iso(change.changed_at),
            }
            for change, title, ags, name in plan_changes
        ],
        "validated_levels": [
            {
                **_where(v.assessment_id, places),
                "area_id": v.area_id,
                "level": v.level,
                "reason": v.reason,
                "created_at": _iso(v.created_at),
            }
            for v in levels
        ],
        "submitted_assessments": [{**_where(a.id, places), "submitted_at": _iso(a.submitted_at)} for a in submitted],
        "password_reset_links": [
            {
                "created_at": _iso(r.created_at),
                "expires_at": _iso(r.expires_at),
                "used_at": _iso(r.used_at),
                "revoked_at": _iso(r.revoked_at),
            }
            for r in resets
        ],
    }


@dataclass(frozen=True)
class Purged:
    invitations: int
    resets: int


def purge_links(now: datetime | None = None) -> Purged:
    """Delete invitations and reset links that stopped working (used, withdrawn or expired) more than
    PURGE_AFTER_DAYS ago. Running it again deletes nothing more. Flushes, the caller commits."""
    cutoff = (now or utcnow()) - timedelta(days=PURGE_AFTER_DAYS)
    counts = []
    for model in (Invitation, PasswordReset):
        ended = or_(model.expires_at < cutoff, model.used_at < cutoff, model.revoked_at < cutoff)
        result = cast(CursorResult[Any], db.session.execute(delete(model).where(ended).execution_options(synchronize_session=False)))
        counts.append(result.rowcount)
    db.session.flush()
    return Purged(*counts)
