"""Server-side login sessions and second factors (TOTP with one-time recovery codes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from digicheck.extensions import Model
from digicheck.models._time import UTCDateTime, utcnow


class UserSession(Model):
    """One login in one browser. The cookie carries a random token; only its hash is stored here,
    so a database dump never yields a usable cookie. Open while `ended_at` is empty, its `epoch`
    equals the user's session epoch and it is younger than the absolute session lifetime."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie's token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    epoch: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: e.g. "Firefox 128 unter Windows": enough to recognise one's devices, never the full header
    user_agent: Mapped[str] = mapped_column(String(120), default="")
    #: this login passed a second factor (or enrolled one)
    second_factor: Mapped[bool] = mapped_column(Boolean, default=False)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SecondFactor(Model):
    """A confirmed TOTP authenticator (RFC 6238) of one user."""

    __tablename__ = "second_factors"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))  # base32, as the authenticator app holds it
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: the newest TOTP time step used to log in: a code is accepted once (no replay)
    last_used_step: Mapped[int | None] = mapped_column(Integer)


class RecoveryCode(Model):
    """A one-time code for when the authenticator is lost; stored as SHA-256 of an 80-bit code."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
