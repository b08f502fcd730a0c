"""Accounts, roles and one-time invitations."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from digicheck.extensions import Model
from digicheck.models._time import UTCDateTime, utcnow
from digicheck.models.municipality import Municipality


class Role(str, enum.Enum):
    KOMMUNE = "kommune"
    BERATER = "berater"
    ADMIN = "admin"
    #: the Land's analysts: the benchmark report and its exports, nothing of a single municipality
    ANALYST = "analyst"

    @property
    def label(self) -> str:
        return {"kommune": "Kommune", "berater": "Beratung", "admin": "Administration", "analyst": "Analyse (Land)"}[self.value]


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # bumped on password change: invalidates every other open session of this user
    session_epoch: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: who issued the invitation this account was set up with (consultants reset their invitees' passwords)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: set when an admin deleted the account: the row stays as a tombstone so that answer history,
    #: notes and validated levels keep their foreign keys; name and e-mail address are wiped
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    municipality: Mapped[Municipality | None] = relationship()

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    @property
    def is_active(self) -> bool:
        return self.active


class Invitation(Model):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    municipality: Mapped[Municipality | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.used_at is None and self.revoked_at is None
