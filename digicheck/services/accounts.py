"""Accounts: password hashing (Argon2id), login, password change, one-time invitations."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from digicheck.extensions import db
from digicheck.models import Invitation, Municipality, Role, User
from digicheck.models._time import utcnow

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
# verifying against a dummy hash for unknown e-mails keeps the timing of both cases alike
_DUMMY_HASH = _hasher.hash("digicheck-timing-equaliser")


class AccountError(ValueError):
    """A German, user-facing reason why an account operation was refused."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Das Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen lang sein.")
    if len(password) > 256:
        raise AccountError("Das Passwort darf höchstens 256 Zeichen lang sein.")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalars(select(User).where(func.lower(User.email) == normalise_email(email))).first()


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def create_user(email: str, name: str, password: str, role: Role, municipality: Municipality | None) -> User:
    check_password_rules(password)
    if role == Role.KOMMUNE and municipality is None:
        raise AccountError("Ein Kommune-Konto gehört zu genau einer Kommune.")
    if role != Role.KOMMUNE and municipality is not None:
        raise AccountError("Nur Kommune-Konten gehören zu einer Kommune.")
    if find_user(email) is not None:
        raise AccountError("Zu dieser E-Mail-Adresse gibt es bereits ein Konto.")
    user = User(email=normalise_email(email), name=name.strip(), password_hash=hash_password(password), role=role,
                municipality_id=municipality.id if municipality else None)
    db.session.add(user)
    db.session.commit()
    return user


def change_password(user: User, current: str, new: str) -> None:
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise AccountError("Das bisherige Passwort stimmt nicht.") from None
    check_password_rules(new)
    user.password_hash = hash_password(new)
    user.session_epoch += 1
    db.session.commit()


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(email: str, role: Role, municipality: Municipality | None, created_by: User | None) -> IssuedInvitation:
    """Create a one-time invitation; only the token's hash is stored."""
    if role == Role.KOMMUNE and municipality is None:
        raise AccountError("Für ein Kommune-Konto muss eine Kommune gewählt sein.")
    if created_by is not None and created_by.role == Role.BERATER and role != Role.KOMMUNE:
        raise AccountError("Beraterinnen und Berater können nur Kommune-Konten einladen.")
    if find_user(email) is not None:
        raise AccountError("Zu dieser E-Mail-Adresse gibt es bereits ein Konto.")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    for older in db.session.scalars(select(Invitation).where(
            Invitation.email == normalise_email(email), Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))):
        older.revoked_at = now  # only the newest link to an address works
    invitation = Invitation(
        token_hash=_token_hash(token), email=normalise_email(email), role=role,
        municipality_id=municipality.id if municipality and role == Role.KOMMUNE else None,
        created_by_id=created_by.id if created_by else None,
        expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.commit()
    return IssuedInvitation(invitation, token)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def open_invitation(token: str) -> Invitation:
    invitation = db.session.scalars(select(Invitation).where(Invitation.token_hash == _token_hash(token))).first()
    if invitation is None:
        raise AccountError("Diese Einladung gibt es nicht. Bitte prüfen Sie den Link oder fordern Sie eine neue Einladung an.")
    if invitation.used_at is not None:
        raise AccountError("Diese Einladung wurde bereits verwendet. Melden Sie sich mit Ihrem Konto an.")
    if invitation.revoked_at is not None:
        raise AccountError("Diese Einladung wurde zurückgezogen. Bitte fordern Sie bei Bedarf eine neue Einladung an.")
    if _aware(invitation.expires_at) < utcnow():
        raise AccountError("Diese Einladung ist abgelaufen. Bitte fordern Sie eine neue Einladung an.")
    return invitation


def revoke_invitation(invitation: Invitation) -> None:
    if invitation.used_at is not None:
        raise AccountError("Diese Einladung wurde bereits angenommen; sperren Sie stattdessen das Konto.")
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.session.commit()


def set_active(user: User, active: bool, by: User) -> None:
    """Lock or unlock an account. Locking ends every session of it at once (new session epoch)."""
    if user.id == by.id:
        raise AccountError("Das eigene Konto können Sie nicht sperren.")
    if not active and user.role == Role.ADMIN and user.active:
        admins = db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active.is_(True)))
        if admins <= 1:
            raise AccountError("Das letzte aktive Administrationskonto lässt sich nicht sperren.")
    if user.active != active:
        user.active = active
        if not active:
            user.session_epoch += 1
        db.session.commit()


def accept_invitation(token: str, name: str, password: str) -> User:
    invitation = open_invitation(token)
    check_password_rules(password)
    if find_user(invitation.email) is not None:
        raise AccountError("Zu dieser E-Mail-Adresse gibt es bereits ein Konto.")
    user = User(email=invitation.email, name=name.strip(), password_hash=hash_password(password), role=invitation.role,
                municipality_id=invitation.municipality_id)
    invitation.used_at = utcnow()
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # the same invitation accepted twice at the same moment: the e-mail is unique
        db.session.rollback()
        raise AccountError("Diese Einladung wurde bereits verwendet. Melden Sie sich mit Ihrem Konto an.") from None
    return user


#: built once: runs on every logged-in request, and a prebuilt statement keeps its cache key
#: (Session.get builds and keys a new statement per call)
_USER_BY_ID = select(User).where(User.id == bindparam("user_id"))


def load_user(user_id: str) -> User | None:
    """Flask-Login loader; the id carries the session epoch, so old sessions end on password change."""
    try:
        raw_id, epoch = user_id.split(":")
        user = db.session.execute(_USER_BY_ID, {"user_id": int(raw_id)}).scalar_one_or_none()
    except (ValueError, TypeError):
        return None
    if user is None or str(user.session_epoch) != epoch or not user.active:
        return None
    return user
