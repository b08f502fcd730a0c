"""Password reset links: an admin, or the consultant who invited a Kommune user, hands one over.

There may be no mail server, so the link is shown to the person who created it (and mailed
when the operator configured mail). The link works like an invitation: only its hash is
stored, it expires after `DIGICHECK_RESET_HOURS`, works once, and a newer one withdraws it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, select, update

from digicheck.accounts.services import AccountError, LinkTexts, check_password_rules, hash_password, new_token, usable_link, withdraw
from digicheck.extensions import db
from digicheck.logs import audit
from digicheck.models import PasswordReset, User
from digicheck.models._time import utcnow

DEFAULT_RESET_HOURS = 24

RESET_TEXTS = LinkTexts(
    unknown="Diesen Link zum Zurücksetzen des Passworts gibt es nicht. Bitte prüfen Sie, ob Sie ihn vollständig kopiert haben.",
    used="Dieser Link wurde bereits verwendet und gilt nicht mehr. Melden Sie sich mit Ihrem neuen Passwort an "
    "oder bitten Sie um einen neuen Link.",
    revoked="Dieser Link gilt nicht mehr, weil inzwischen ein neuerer Link erstellt wurde. Bitte verwenden Sie den neuesten Link.",
    expired="Dieser Link ist abgelaufen. Bitte bitten Sie die Person, die ihn Ihnen gegeben hat, um einen neuen Link.",
)


@dataclass(frozen=True)
class IssuedReset:
    reset: PasswordReset
    token: str


def reset_hours() -> int:
    return int(current_app.config.get("RESET_HOURS", DEFAULT_RESET_HOURS))


def create_reset_link(account: User, created_by: User | None) -> IssuedReset:
    """A new one-time link for `account`; the older open ones stop working. Flushes, the caller commits."""
    if account.deleted_at is not None:
        raise AccountError("Dieses Konto wurde gelöscht.")
    if not account.active:
        raise AccountError("Das Konto ist gesperrt. Geben Sie es zuerst frei; dann kann die Person ein neues Passwort setzen.")
    withdraw(
        db.session.scalars(
            select(PasswordReset).where(
                PasswordReset.user_id == account.id, PasswordReset.used_at.is_(None), PasswordReset.revoked_at.is_(None)
            )
        )
    )
    token, token_hash = new_token()
    reset = PasswordReset(
        token_hash=token_hash,
        user_id=account.id,
        created_by_id=created_by.id if created_by else None,
        expires_at=utcnow() + timedelta(hours=reset_hours()),
    )
    db.session.add(reset)
    db.session.flush()
    audit("password_reset_link_created", account_id=account.id, reset_id=reset.id)  # from the page or the command line
    return IssuedReset(reset, token)


def open_reset(token: str) -> PasswordReset:
    """The reset link with this token if it can be used, else AccountError saying why not."""
    reset = usable_link(PasswordReset, token, RESET_TEXTS)
    if not reset.user.active:
        raise AccountError("Das Konto zu diesem Link ist gesperrt oder gelöscht. Bitte wenden Sie sich an die Administration.")
    return reset


def reset_password(token: str, password: str) -> User:
    """Set the new password with the link and use it up; every session of the account ends."""
    reset = open_reset(token)
    check_password_rules(password, reset.user.email, reset.user.name)
    used = cast(
        CursorResult[Any],
        db.session.execute(
            update(PasswordReset)
            .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None), PasswordReset.revoked_at.is_(None))
            .values(used_at=utcnow())
            .execution_options(synchronize_session=False)
        ),
    )
    if used.rowcount != 1:  # the same link sent twice at the same moment: only one of them sets the password
        raise AccountError(RESET_TEXTS.used)
    user = reset.user
    user.password_hash = hash_password(password)
    user.session_epoch += 1
    db.session.flush()
    return user
