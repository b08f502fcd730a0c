"""Accounts: password hashing (Argon2id), login, password change, one-time invitations."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from digicheck.access import can_invite
from digicheck.extensions import db
from digicheck.models import Invitation, Municipality, PasswordReset, Role, User
from digicheck.models._time import utcnow

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
# verifying against a dummy hash for unknown e-mails keeps the timing of both cases alike
_DUMMY_HASH = _hasher.hash("digicheck-timing-equaliser")


class AccountError(ValueError):
    """A German, user-facing reason why an account operation was refused."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str, email: str = "", name: str = "") -> None:
    """The one password policy (digicheck.accounts.passwords) for every new password: AccountError saying why."""
    from digicheck.accounts.passwords import check_password

    reason = check_password(password, email, name)
    if reason:
        raise AccountError(reason)


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
    db.session.flush()
    return user


def change_password(user: User, current: str, new: str) -> None:
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise AccountError("Das bisherige Passwort stimmt nicht.") from None
    check_password_rules(new, user.email, user.name)
    user.password_hash = hash_password(new)
    user.session_epoch += 1
    db.session.flush()


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str
    #: older open invitations to the same address that this one withdrew
    withdrawn: int = 0
    #: the same form was sent again (a double click, a reload): this is the invitation it made before
    repeated: bool = False


class AccountExists(AccountError):
    """The address already has an account: instead of a new invitation, a password reset helps."""

    def __init__(self, account: User) -> None:
        super().__init__(
            "Zu dieser E-Mail-Adresse gibt es bereits ein Konto. Eine neue Einladung ist nicht nötig: "
            "Wenn die Person ihr Passwort vergessen hat, erstellen Sie einen Link zum Zurücksetzen."
        )
        self.account = account


#: the kinds of one-time links: invitations and password resets share their token handling
OneTimeLink = TypeVar("OneTimeLink", Invitation, PasswordReset)


@dataclass(frozen=True)
class LinkTexts:
    """Why a one-time link cannot be used, in the words of its kind (German, for the person holding it)."""

    unknown: str
    used: str
    revoked: str
    expired: str


INVITATION_TEXTS = LinkTexts(
    unknown="Diese Einladung gibt es nicht. Bitte prüfen Sie den Link oder fordern Sie eine neue Einladung an.",
    used="Diese Einladung wurde bereits verwendet. Melden Sie sich mit Ihrem Konto an.",
    revoked="Diese Einladung wurde zurückgezogen. Bitte fordern Sie bei Bedarf eine neue Einladung an.",
    expired="Diese Einladung ist abgelaufen. Bitte fordern Sie eine neue Einladung an.",
)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh one-time token for the link, and its hash: only the hash is stored."""
    token = secrets.token_urlsafe(32)
    return token, _token_hash(token)


def usable_link(model: type[OneTimeLink], token: str, texts: LinkTexts) -> OneTimeLink:
    """The link with this token if it can still be used, else AccountError saying why not."""
    link = db.session.scalars(select(model).where(model.token_hash == _token_hash(token))).first()
    if link is None:
        raise AccountError(texts.unknown)
    if link.used_at is not None:
        raise AccountError(texts.used)
    if link.revoked_at is not None:
        raise AccountError(texts.revoked)
    if _aware(link.expires_at) < utcnow():
        raise AccountError(texts.expired)
    return link


def withdraw(links: Iterable[Invitation | PasswordReset], now: datetime | None = None) -> int:
    """Withdraw these open links (only the newest link of a kind works) at `now`; how many were withdrawn."""
    now, count = now or utcnow(), 0
    for link in links:
        if link.used_at is None and link.revoked_at is None:
            link.revoked_at = now
            count += 1
    return count


def _form_token(form_nonce: str, email: str, role: Role, municipality: Municipality | None, created_by: User | None) -> tuple[str, str]:
    """The token of the invitation one filled-in form makes, and its hash: derived with the secret
    key from the form's one-time nonce, the person sending it and what they asked for, so the
    same form sent twice names the same invitation (and nobody without the key can derive it)."""
    message = "\x00".join(
        (
            "invitation",
            form_nonce,
            str(created_by.id if created_by else ""),
            normalise_email(email),
            role.value,
            municipality.ags if municipality else "",
        )
    )
    digest = hmac.new(str(current_app.config["SECRET_KEY"]).encode(), message.encode(), hashlib.sha256).digest()
    token = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return token, _token_hash(token)


def _repeated(earlier: Invitation, token: str) -> IssuedInvitation:
    """The invitation this form already made, shown again as long as its link works."""
    if earlier.used_at is not None:
        raise AccountError("Dieses Formular wurde bereits abgeschickt, und die Einladung daraus ist schon angenommen.")
    if earlier.revoked_at is not None or _aware(earlier.expires_at) < utcnow():
        raise AccountError(
            "Dieses Formular wurde bereits abgeschickt, und die Einladung daraus gilt nicht mehr. "
            "Senden Sie es erneut, um eine neue Einladung zu erstellen."
        )
    withdrawn = db.session.scalar(
        select(func.count())
        .select_from(Invitation)
        .where(Invitation.email == earlier.email, Invitation.revoked_at == earlier.created_at, Invitation.id != earlier.id)
    )
    return IssuedInvitation(earlier, token, withdrawn or 0, repeated=True)


def invite(
    email: str, role: Role, municipality: Municipality | None, created_by: User | None, *, form_nonce: str | None = None
) -> IssuedInvitation:
    """Create a one-time invitation; only the token's hash is stored.

    A new invitation withdraws the older open ones to the same address, but a consultant never
    withdraws one that an admin or another consultant issued (they get a message instead).
    With the one-time nonce of the form, sending the same form again (a double click, a reload
    of the POST) returns the invitation it made before, with the same link, and withdraws nothing."""
    if role == Role.KOMMUNE and municipality is None:
        raise AccountError("Für ein Kommune-Konto muss eine Kommune gewählt sein.")
    if created_by is not None and not can_invite(created_by, role):
        raise AccountError("Beraterinnen und Berater können nur Kommune-Konten einladen.")
    if form_nonce:
        token, token_hash = _form_token(form_nonce, email, role, municipality, created_by)
        earlier = db.session.scalars(select(Invitation).where(Invitation.token_hash == token_hash)).first()
        if earlier is not None:
            return _repeated(earlier, token)
    else:
        token, token_hash = new_token()
    existing = find_user(email)
    if existing is not None:
        raise AccountExists(existing)
    older = list(
        db.session.scalars(
            select(Invitation).where(
                Invitation.email == normalise_email(email), Invitation.used_at.is_(None), Invitation.revoked_at.is_(None)
            )
        )
    )
    if created_by is not None and created_by.role == Role.BERATER:
        if any(o.created_by_id != created_by.id and _aware(o.expires_at) >= utcnow() for o in older):
            raise AccountError(
                "Für diese Adresse gibt es bereits eine offene Einladung, die jemand anderes ausgestellt hat. "
                "Zurückziehen kann sie nur, wer sie ausgestellt hat, oder die Administration."
            )
        older = [o for o in older if o.created_by_id == created_by.id]
    now = utcnow()
    withdrawn = withdraw(older, now)  # at the new one's creation time: a repeated form finds them again
    invitation = Invitation(
        created_at=now,
        token_hash=token_hash,
        email=normalise_email(email),
        role=role,
        municipality_id=municipality.id if municipality and role == Role.KOMMUNE else None,
        created_by_id=created_by.id if created_by else None,
        expires_at=now + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    try:
        db.session.flush()
    except IntegrityError:  # the same form sent twice at the same moment: the token hash is unique
        db.session.rollback()
        earlier = db.session.scalars(select(Invitation).where(Invitation.token_hash == token_hash)).first()
        if earlier is None:
            raise
        return _repeated(earlier, token)
    from digicheck import logs  # logs reads this module's normalise_email

    # here, for the page and the command line alike; a repeated form made none (it shows the earlier one)
    logs.audit(
        "invitation_created",
        invitation_id=invitation.id,
        email_hash=logs.email_hash(invitation.email),
        invited_role=invitation.role.value,
        municipality=municipality.ags if municipality else None,
    )
    return IssuedInvitation(invitation, token, withdrawn)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def open_invitation(token: str) -> Invitation:
    return usable_link(Invitation, token, INVITATION_TEXTS)


def revoke_invitation(invitation: Invitation) -> None:
    if invitation.used_at is not None:
        raise AccountError("Diese Einladung wurde bereits angenommen; sperren Sie stattdessen das Konto.")
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.session.flush()


def is_last_active_admin(user: User) -> bool:
    """Locking or deleting this account would leave nobody to manage accounts."""
    if user.role != Role.ADMIN or not user.active:
        return False
    admins = db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active.is_(True)))
    return (admins or 0) <= 1


def set_active(user: User, active: bool, by: User) -> None:
    """Lock or unlock an account. Locking ends every session of it at once (new session epoch)."""
    if user.id == by.id:
        raise AccountError("Das eigene Konto können Sie nicht sperren.")
    if not active and is_last_active_admin(user):
        raise AccountError("Das letzte aktive Administrationskonto lässt sich nicht sperren.")
    if user.active != active:
        user.active = active
        if not active:
            user.session_epoch += 1
        db.session.flush()


def accept_invitation(token: str, name: str, password: str) -> User:
    invitation = open_invitation(token)
    check_password_rules(password, invitation.email, name)
    if find_user(invitation.email) is not None:
        raise AccountError("Zu dieser E-Mail-Adresse gibt es bereits ein Konto.")
    user = User(
        email=invitation.email,
        name=name.strip(),
        password_hash=hash_password(password),
        role=invitation.role,
        municipality_id=invitation.municipality_id,
        invited_by_id=invitation.created_by_id,
    )
    invitation.used_at = utcnow()
    db.session.add(user)
    try:
        db.session.flush()
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
