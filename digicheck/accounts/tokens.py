"""API tokens: created by admins (web or CLI), shown once, stored as a hash, expiring, revocable.

Tokens are not login sessions: a token stands for a system (the Land's BI tool, the service
provider's booking system, the consultants' planning) and has a role of its own (`TokenRole`).
A consultant token is bound to one consultant account: validated levels recorded with it name
that person, and it stops working when the account is locked or deleted. Kommune users get no tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import g, has_request_context
from sqlalchemy import bindparam, or_, select, update

from digicheck.extensions import columns, db, rowcount
from digicheck.logs import audit
from digicheck.models import ApiToken, Role, TokenRole, User
from digicheck.models._time import utcnow
from digicheck.models.api_token import token_usable

#: every raw token starts with this, so a leaked one is recognisable (e.g. by secret scanners)
TOKEN_PREFIX = "dc_"
#: characters of the raw token kept in clear for lists ("dc_" and seven more)
SHOWN_CHARS = 10
#: 32 random bytes, URL-safe base64 without padding: 43 characters
_RAW = re.compile(rf"{TOKEN_PREFIX}[A-Za-z0-9_-]{{43}}")
#: `last_used_at` is written at most this often per token, not on every request
TOUCH_INTERVAL = timedelta(minutes=1)
DEFAULT_DAYS = 365
MAX_DAYS = 3650
MAX_NAME_LENGTH = 80

#: what every API request checks of its token, and whether the consultant account it acts for is active
#: (None: it acts for none), in one statement of plain columns
_TOKEN_BY_HASH = (
    select(
        ApiToken.id,
        ApiToken.name,
        ApiToken.role,
        ApiToken.user_id,
        ApiToken.secret_hash,
        ApiToken.expires_at,
        ApiToken.revoked_at,
        ApiToken.last_used_at,
        User.active,
    )
    .outerjoin(User, User.id == ApiToken.user_id)
    .where(ApiToken.secret_hash == bindparam("secret_hash"))
)


@dataclass(frozen=True)
class TokenUse:
    """A usable token as a request uses it: who calls (role, name; the id for the rate limit and the
    logs) and the consultant account it acts for, if any (`user_id`; loaded where a write needs it)."""

    id: int
    name: str
    role: TokenRole
    user_id: int | None


class TokenError(ValueError):
    """A German, user-facing reason why a token could not be created, and the input it is about
    ("name", "role", "user" or "days", as the form fields and CLI options are called)."""

    def __init__(self, message: str, field: str = "name") -> None:
        super().__init__(message)
        self.field = field


def secret_hash(raw: str) -> str:
    """SHA-256 of the raw token. A fast hash is right here, unlike for passwords: the token is
    32 random bytes (256 bits), so no dictionary or brute force recovers it from the hash."""
    return hashlib.sha256(raw.encode()).hexdigest()


def consultant_accounts() -> list[User]:
    """The accounts a consultant token can act for: active consultant (Beratung) accounts, by name."""
    return list(db.session.scalars(select(User).where(User.role == Role.BERATER, User.active.is_(True)).order_by(User.name, User.email)))


def create_token(
    name: str, role: TokenRole, *, created_by: User | None = None, user: User | None = None, days: int = DEFAULT_DAYS
) -> tuple[ApiToken, str]:
    """A new token valid for `days` days: the stored row (flushed) and the raw token, which is shown
    once and never stored. A consultant token needs the active consultant account it acts for (`user`);
    the other roles stand for systems and take none."""
    name = name.strip()
    if not name:
        raise TokenError("Bitte geben Sie dem Token einen Namen (z. B. das System, das ihn verwendet).")
    if len(name) > MAX_NAME_LENGTH:
        raise TokenError(f"Der Name darf höchstens {MAX_NAME_LENGTH} Zeichen lang sein.", "name")
    if not isinstance(role, TokenRole):
        raise TokenError("Unbekannte Rolle: erlaubt sind analyst, consultant und provider.", "role")
    if role == TokenRole.CONSULTANT:
        if user is None:
            raise TokenError("Ein Token der Rolle Beratung handelt für ein Beratungskonto: bitte wählen Sie eines.", "user")
        if user.role != Role.BERATER or not user.active:
            raise TokenError("Das gewählte Konto ist kein aktives Beratungskonto.", "user")
    elif user is not None:
        raise TokenError("Nur ein Token der Rolle Beratung wird einem Beratungskonto zugeordnet.", "user")
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"Die Gültigkeit muss zwischen 1 und {MAX_DAYS} Tagen liegen.", "days")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        name=name,
        role=role,
        secret_hash=secret_hash(raw),
        prefix=raw[:SHOWN_CHARS],
        created_by_id=created_by.id if created_by is not None else None,
        user=user,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    # here, not in the page's route: a token made on the command line is in the audit log as well
    audit("api_token_created", token_id=token.id, token_name=token.name, token_role=token.role.value, token_user_id=token.user_id)
    return token, raw


def authenticate(raw: str) -> TokenUse | None:
    """The usable token with this raw value, else None (unknown, expired, revoked, malformed, or a
    consultant token whose account is locked or deleted).

    The row is found by the hash of the raw token (an index lookup on a hash tells a timing
    attacker nothing about the secret); the hashes are then compared in constant time anyway.
    It is read as plain columns in the request's transaction, which every API route goes on to read
    in: one connection a request (a second for one statement when the use is stored, at most once a
    minute per token), and no ORM objects to load and to look after until the commit. The
    ORM objects cost an API list page of 100 rows about 0.3 ms of 5 on PostgreSQL (issue 17,
    bench/api_bench.py). Its use is stored and audited at most once a minute (token id, name and
    role; never the secret); the request line of every request carries the token id."""
    if not isinstance(raw, str) or not _RAW.fullmatch(raw):
        return None
    digest = secret_hash(raw)
    found = columns(_TOKEN_BY_HASH, {"secret_hash": digest}).first()
    now = utcnow()
    if found is None or not hmac.compare_digest(found.secret_hash, digest):
        return None
    if not token_usable(found.role, found.expires_at, found.revoked_at, found.active, now):
        return None
    token = TokenUse(found.id, found.name, found.role, found.user_id)
    if has_request_context():
        g.log_api_token = token.id  # every request line names the token (digicheck/logs.py)
    if (found.last_used_at is None or now - found.last_used_at >= TOUCH_INTERVAL) and _recorded_use(token.id, now):
        # the audit log gets the use as often as the stored "last use" changes (at most once a minute per
        # token), not once per request: a BI tool paging through a list would drown the audit log
        audit("api_token_used", token_id=token.id, token_name=token.name, token_role=token.role.value)
    return token


#: the token's last use, set to `now` unless another request set it within the last minute
_TOUCH = (
    update(ApiToken)
    .where(ApiToken.id == bindparam("token_id"))
    .where(or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= bindparam("stale_before")))
    .values(last_used_at=bindparam("now"))
)


def _recorded_use(token_id: int, now: datetime) -> bool:
    """Store the token's last use at once, in a transaction of its own; whether this request stored it.

    A use counts when the request is then refused (403, 429) and its own transaction rolled back:
    stored with it, the use was lost, and a client refused again and again was audited on every request.
    The UPDATE stores the use only if no other request stored one within the minute, so of two
    requests that read the old value at once only one stores it and is audited. Its own short
    transaction also keeps concurrent requests of one token from waiting for each other's whole request
    on the row. It runs before the request has written anything (the token is a request's first read),
    so on SQLite no lock of the request's stands in its way. An ApiToken object the request's session
    holds (none on API requests) is not brought up to date."""
    with db.engine.begin() as connection:
        stored = connection.execute(_TOUCH, {"token_id": token_id, "now": now, "stale_before": now - TOUCH_INTERVAL})
        return rowcount(stored) == 1


def revoke(token: ApiToken) -> None:
    """Withdraw the token now (audited, from the page or the command line); revoking it again changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        audit("api_token_revoked", token_id=token.id, token_name=token.name, token_role=token.role.value)


def all_tokens() -> list[ApiToken]:
    """Every token, newest first (revoked and expired ones too: the list is the record)."""
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))
