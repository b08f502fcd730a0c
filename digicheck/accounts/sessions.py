"""Login sessions kept on the server, so that logging out really ends them.

The signed Flask cookie carries a random token; the `user_sessions` row (keyed by the
token's hash) says whether that login is still open. Every request that asks for the user
checks it with one primary-key lookup joined to the user (outside a transaction: `read_alone`),
and writes `last_seen_at` at most once a minute. A session ends on logout, when its owner ends it from the account page, after
the absolute lifetime (`PERMANENT_SESSION_LIFETIME`, which use does not extend), after the
optional idle time, and for all of a user's sessions when the session epoch moves (password
change, lock, second factor reset).

Flask-Login's `user_logged_in`/`user_logged_out` signals open and end the rows, so every place
that calls `login_user` or `logout_user` gets a server session without knowing about it.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, Request, current_app, g, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_login import user_logged_in, user_logged_out
from itsdangerous import BadSignature
from sqlalchemy import bindparam, delete, or_, select, update

from digicheck.extensions import db, read_alone, rowcount
from digicheck.models import User, UserSession
from digicheck.models._time import utcnow
from digicheck.timefmt import local_datetime

#: the key of the token in the Flask session cookie
COOKIE_KEY = "_sid"
#: `last_seen_at` is written at most this often per session
TOUCH_INTERVAL = timedelta(minutes=1)

_SESSION_WITH_USER = select(UserSession, User).join(User, User.id == UserSession.user_id).where(UserSession.id == bindparam("session_id"))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


#: signed cookies a worker remembers as verified (about 200 bytes each)
VERIFIED_COOKIES = 2048


def install(app: Flask) -> None:
    """Open a server session on every login and end it on every logout."""
    app.session_interface = VerifiedCookieSessions()
    user_logged_in.connect(_logged_in, app)
    user_logged_out.connect(_logged_out, app)


class VerifiedCookieSessions(SecureCookieSessionInterface):
    """Flask's signed cookie sessions, unchanged on the wire; a cookie this worker has already
    verified is not verified and decoded again on each request (issue 18, part 6).

    The cache is keyed by the whole cookie value, signature included, so only a byte-identical copy
    of a cookie that passed the HMAC check is taken from it; its timestamp is still checked against
    the session lifetime on every request, as itsdangerous would. Whether the login behind it is
    still open is decided by the server-side session row (`load_user`) on every request, as before.
    Each request gets its own deep copy of the data, so nothing a request changes leaks into the next.
    """

    def __init__(self) -> None:
        self._verified: dict[tuple[str, str], tuple[dict[str, Any], float]] = {}

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or not app.secret_key:
            return super().open_session(app, request)
        key = (value, str(app.secret_key))
        max_age = app.permanent_session_lifetime.total_seconds()
        known = self._verified.get(key)
        if known is None:
            serializer = self.get_signing_serializer(app)
            assert serializer is not None  # a secret key is set
            try:
                data, signed = serializer.loads(value, max_age=int(max_age), return_timestamp=True)
            except BadSignature:
                return self.session_class()
            if len(self._verified) >= VERIFIED_COOKIES:
                self._verified.clear()
            known = self._verified[key] = (data, signed.timestamp())
        data, signed_at = known
        if time.time() - signed_at > max_age:  # as itsdangerous' SignatureExpired: an empty session
            self._verified.pop(key, None)
            return self.session_class()
        return self.session_class(copy.deepcopy(data))


def _lifetime() -> timedelta:
    return current_app.permanent_session_lifetime


def _idle_limit() -> timedelta | None:
    minutes = int(current_app.config.get("SESSION_IDLE_MINUTES", 0) or 0)
    return timedelta(minutes=minutes) if minutes > 0 else None


def _is_open(row: UserSession, user: User, now: datetime) -> bool:
    idle = _idle_limit()
    return (
        row.ended_at is None
        and row.epoch == user.session_epoch
        and user.active
        and row.created_at + _lifetime() > now
        and (idle is None or row.last_seen_at + idle > now)
    )


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user of this browser's open server session, else None
    (Flask-Login then treats the request as anonymous and `login_required` sends it to the login)."""
    token = session.get(COOKIE_KEY)
    try:
        raw_id, epoch = user_id.split(":")
        wanted_id, wanted_epoch = int(raw_id), int(epoch)
    except (ValueError, TypeError, AttributeError):
        return None
    if not isinstance(token, str) or len(token) > 100:
        return None
    found = read_alone(_SESSION_WITH_USER, {"session_id": token_hash(token)})
    if not found:
        return None
    row, user = found[0]
    now = utcnow()
    if user.id != wanted_id or user.session_epoch != wanted_epoch or not _is_open(row, user, now):
        return None
    g.user_session = row
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        row.last_seen_at = now  # stored with the request's commit; a request that fails is no sign of life
    return user


def current() -> UserSession | None:
    """This request's open server session (set once the user has been loaded)."""
    return g.get("user_session")


def _logged_in(sender: Any, user: User, **extra: Any) -> None:
    previous = _row(session.get(COOKIE_KEY))
    second_factor = bool(g.pop("login_second_factor", False))
    if previous is not None and previous.user_id == user.id and previous.ended_at is None:
        # the same person again in this browser (e.g. after changing the password): keep what it proved
        second_factor = second_factor or previous.second_factor
    if previous is not None and previous.ended_at is None:
        previous.ended_at = utcnow()
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = UserSession(
        id=token_hash(token),
        user_id=user.id,
        epoch=user.session_epoch,
        created_at=now,
        last_seen_at=now,
        user_agent=device_summary(request.headers.get("User-Agent", "")),
        second_factor=second_factor,
    )
    db.session.add(row)
    db.session.flush()
    session[COOKIE_KEY] = token
    g.user_session = row


def _logged_out(sender: Any, user: Any, **extra: Any) -> None:
    row = _row(session.pop(COOKIE_KEY, None))
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()
        db.session.flush()
    g.pop("user_session", None)


def _row(token: Any) -> UserSession | None:
    if not isinstance(token, str) or len(token) > 100:
        return None
    return db.session.get(UserSession, token_hash(token))


def mark_second_factor(row: UserSession) -> None:
    """This login has now shown a second factor (it was enrolled in this session)."""
    row.second_factor = True
    db.session.flush()


@dataclass(frozen=True)
class OpenSession:
    """One line of the account page's list of logins."""

    id: str
    device: str
    started: str
    last_seen: str
    current: bool


def open_sessions(user: User) -> list[OpenSession]:
    now = utcnow()
    rows = db.session.scalars(
        select(UserSession)
        .where(
            UserSession.user_id == user.id,
            UserSession.ended_at.is_(None),
            UserSession.epoch == user.session_epoch,
            UserSession.created_at > now - _lifetime(),
        )
        .order_by(UserSession.last_seen_at.desc())
    ).all()
    this = current()
    return [
        OpenSession(
            row.id,
            row.user_agent or "unbekanntes Gerät",
            local_datetime(row.created_at),
            local_datetime(row.last_seen_at),
            this is not None and row.id == this.id,
        )
        for row in rows
        if _is_open(row, user, now)
    ]


def end_session(user: User, session_id: str) -> bool:
    """End one of the user's own sessions; False when there is no such open session of theirs."""
    ended = db.session.execute(
        update(UserSession)
        .where(
            UserSession.id == session_id,
            UserSession.user_id == user.id,
            UserSession.ended_at.is_(None),
        )
        .values(ended_at=utcnow())
    )
    return bool(rowcount(ended))


def end_other_sessions(user: User) -> int:
    """End every open session of the user except this request's; returns how many ended."""
    this = current()
    ended = db.session.execute(
        update(UserSession)
        .where(
            UserSession.user_id == user.id,
            UserSession.ended_at.is_(None),
            UserSession.id != (this.id if this is not None else ""),
        )
        .values(ended_at=utcnow())
    )
    return int(rowcount(ended) or 0)


def purge(older_than: timedelta = timedelta(days=90)) -> int:
    """Delete rows of sessions that ended (or expired) longer ago than `older_than`; for the
    maintenance command. Returns the number deleted."""
    cutoff = utcnow() - older_than
    deleted = db.session.execute(
        delete(UserSession).where(or_(UserSession.ended_at < cutoff, UserSession.created_at < cutoff - _lifetime()))
    )
    return int(rowcount(deleted) or 0)


def device_summary(user_agent: str) -> str:
    """'Firefox 128 unter Windows' from a User-Agent header (ua-parser), at most 120 characters."""
    from ua_parser import parse

    if not user_agent:
        return "unbekanntes Gerät"
    parsed = parse(user_agent[:512])
    browser = parsed.user_agent
    system = parsed.os
    name = f"{browser.family} {browser.major}" if browser and browser.major else (browser.family if browser else "Browser")
    text = f"{name} unter {system.family}" if system else name
    return text[:120]
