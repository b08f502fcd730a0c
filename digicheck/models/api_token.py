"""API tokens: machine access for the Land's analysts, the consultants' planning and the service provider."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from digicheck.extensions import Model
from digicheck.models._time import UTCDateTime, utcnow
from digicheck.models.user import User


class TokenRole(str, enum.Enum):
    """What a token may read or write in the API; Kommune users get no tokens."""

    ANALYST = "analyst"
    CONSULTANT = "consultant"
    PROVIDER = "provider"

    @property
    def label(self) -> str:
        return {"analyst": "Analyse (Land)", "consultant": "Beratung", "provider": "IT-Dienstleister"}[self.value]


class ApiToken(Model):
    """One API token. Only the SHA-256 of the raw token is stored: the raw token is 32 random bytes,
    so nobody can guess it from the hash, and a fast hash (unlike a slow password hash) lets every API
    request check its token in microseconds. It expires, can be revoked, and records its last use."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[TokenRole] = mapped_column(Enum(TokenRole, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the first characters of the raw token ("dc_" and a few more), so an admin recognises a token
    prefix: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the consultant account a "consultant" token acts for (validated levels name it); None for the other roles
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: written at most once a minute (see digicheck.accounts.tokens), not on every request
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    @property
    def lacks_account(self) -> bool:
        """A consultant token whose account is gone, locked or deleted: it stops working with it."""
        return token_lacks_account(self.role, self.user is not None and self.user.active)

    def revocable(self, now: datetime) -> bool:
        """Neither revoked nor expired: a consultant token whose account is locked can still be revoked,
        so that unlocking the account does not bring it back."""
        return token_revocable(self.expires_at, self.revoked_at, now)

    def status(self, now: datetime) -> str:
        """German status for lists: gültig, abgelaufen, widerrufen or that its consultant account is no longer active."""
        if self.revoked_at is not None:
            return "widerrufen"
        if self.expires_at <= now:
            return "abgelaufen"
        return "Beratungskonto nicht aktiv" if self.lacks_account else "gültig"


# The rules on a token's columns, for the stored object above (its status in the admin's list) and for
# the API's request, which reads the columns without loading objects (digicheck.accounts.tokens.authenticate).


def token_revocable(expires_at: datetime, revoked_at: datetime | None, now: datetime) -> bool:
    return revoked_at is None and expires_at > now


def token_lacks_account(role: TokenRole, account_active: bool | None) -> bool:
    """`account_active`: whether the account the token acts for is active; None when it has none."""
    return role == TokenRole.CONSULTANT and not account_active


def token_usable(role: TokenRole, expires_at: datetime, revoked_at: datetime | None, account_active: bool | None, now: datetime) -> bool:
    return token_revocable(expires_at, revoked_at, now) and not token_lacks_account(role, account_active)
