"""API tokens on the real database: created once in clear, stored as a hash, expiring, revocable, use logged."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text

from digicheck.accounts import tokens
from digicheck.extensions import db
from digicheck.models import ApiToken, Role, TokenRole
from digicheck.models._time import utcnow
from tests.app.test_logging import Stdout, stdout  # noqa: F401 - fixture
from tests.conftest import add_user


def test_a_new_token_works_and_only_its_hash_is_stored(world) -> None:
    token, raw = tokens.create_token("BI des Landes", TokenRole.ANALYST, created_by=world.admin)
    db.session.commit()

    assert raw.startswith("dc_") and len(raw) >= 46
    assert token.prefix == raw[:10] and token.created_by_id == world.admin.id
    stored = db.session.execute(text("SELECT * FROM api_tokens")).mappings().one()
    assert raw not in {str(value) for value in stored.values()}
    assert stored["secret_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    assert timedelta(days=364, hours=23) < token.expires_at - token.created_at <= timedelta(days=365)

    found = tokens.authenticate(raw)
    assert found is not None and found.id == token.id and found.role is TokenRole.ANALYST


def test_two_tokens_differ(world) -> None:
    _, first = tokens.create_token("Buchung", TokenRole.PROVIDER)
    _, second = tokens.create_token("Buchung", TokenRole.PROVIDER)
    assert first != second


@pytest.mark.parametrize(
    "raw",
    ["", "dc_", "dc_kurz", "xx_" + "a" * 43, "dc_" + "a" * 43, "dc_" + "ä" * 43, "dc_" + "a" * 44, "Bearer dc_" + "a" * 43, "x" * 5000],
)
def test_unknown_or_malformed_tokens_are_refused(world, raw: str) -> None:
    tokens.create_token("Planung", TokenRole.CONSULTANT, user=world.berater)
    assert tokens.authenticate(raw) is None


def test_an_expired_token_is_refused(world) -> None:
    token, raw = tokens.create_token("Planung", TokenRole.CONSULTANT, user=world.berater, days=1)
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert tokens.authenticate(raw) is None


def test_a_revoked_token_is_refused_and_keeps_its_revocation_time(world) -> None:
    token, raw = tokens.create_token("Buchung", TokenRole.PROVIDER)
    tokens.revoke(token)
    db.session.commit()
    revoked_at = token.revoked_at
    assert revoked_at is not None and tokens.authenticate(raw) is None

    tokens.revoke(token)
    assert token.revoked_at == revoked_at
    assert token.status(utcnow()) == "widerrufen"


def test_last_use_is_written_at_most_once_a_minute(world) -> None:
    token, raw = tokens.create_token("BI", TokenRole.ANALYST)
    unused, _ = tokens.create_token("Buchung", TokenRole.PROVIDER)
    db.session.commit()
    assert token.last_used_at is None

    tokens.authenticate(raw)
    db.session.commit()
    first = token.last_used_at
    assert first is not None and utcnow() - first < timedelta(seconds=5)

    tokens.authenticate(raw)
    db.session.commit()
    assert token.last_used_at == first

    token.last_used_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    tokens.authenticate(raw)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at > first
    assert db.session.get(ApiToken, unused.id).last_used_at is None  # one token's use is its own


def test_of_two_requests_that_read_an_old_last_use_only_one_stores_and_audits_it(world, stdout: Stdout, monkeypatch) -> None:  # noqa: F811
    token, raw = tokens.create_token("BI", TokenRole.ANALYST)
    db.session.commit()
    assert [line["event"] for line in stdout.audits()] == ["api_token_created"]
    recorded = tokens._recorded_use

    def another_request_stored_it_first(token_id: int, now: datetime) -> bool:
        # both requests read "never used"; the other one stored its use a moment before this one tries
        assert recorded(token_id, now - timedelta(seconds=1)) is True
        return recorded(token_id, now)

    monkeypatch.setattr(tokens, "_recorded_use", another_request_stored_it_first)
    assert tokens.authenticate(raw) is not None  # the token works all the same
    assert stdout.audits() == []  # but this request stored nothing, so it audits nothing
    monkeypatch.undo()
    db.session.expire_all()
    first = db.session.get(ApiToken, token.id).last_used_at  # type: ignore[union-attr]
    assert first is not None
    assert tokens._recorded_use(token.id, first + timedelta(seconds=30)) is False  # within the minute
    assert tokens._recorded_use(token.id, first + tokens.TOUCH_INTERVAL) is True  # a minute later: a new use
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at == first + tokens.TOUCH_INTERVAL  # type: ignore[union-attr]


#: (role, account): a consultant token acts for an account, active, locked or deleted; the others for none
_HOLDERS = [(TokenRole.ANALYST, "none"), (TokenRole.PROVIDER, "none")] + [
    (TokenRole.CONSULTANT, a) for a in ("active", "locked", "deleted")
]


@pytest.mark.parametrize(("role", "account"), _HOLDERS)
@pytest.mark.parametrize("revoked", [False, True])
@pytest.mark.parametrize("expired", [False, True])
def test_a_token_works_exactly_when_the_admins_list_calls_it_valid(world, role, account, revoked, expired) -> None:
    """The API reads a token's columns, the admin's list its stored object: both apply the same rule."""
    consultant = add_user("planung@ekom.test", "Planung", Role.BERATER) if role == TokenRole.CONSULTANT else None
    token, raw = tokens.create_token("Token", role, user=consultant)
    if revoked:
        tokens.revoke(token)
    if expired:
        token.expires_at = utcnow() - timedelta(seconds=1)
    if consultant is not None and account == "locked":
        consultant.active = False
    if consultant is not None and account == "deleted":
        db.session.delete(consultant)
    db.session.commit()
    stored = db.session.get(ApiToken, token.id)
    assert stored is not None
    valid = stored.status(utcnow()) == "gültig"
    assert (tokens.authenticate(raw) is not None) == valid
    assert valid == (not revoked and not expired and account in ("none", "active"))


def test_use_is_audited_once_a_minute_without_the_secret(world, stdout: Stdout) -> None:  # noqa: F811 - fixture
    token, raw = tokens.create_token("BI des Landes", TokenRole.ANALYST, created_by=world.admin)
    db.session.commit()  # each step below commits, as the requests that make them do
    tokens.authenticate(raw)
    tokens.authenticate(raw)  # within the minute: recorded already, no second audit line
    db.session.commit()
    token.last_used_at -= tokens.TOUCH_INTERVAL
    db.session.commit()
    tokens.authenticate(raw)  # a minute later: audited again
    tokens.revoke(token)
    db.session.commit()
    tokens.authenticate(raw)  # refused: not a use

    lines = stdout.audits()
    assert [line["event"] for line in lines] == ["api_token_created", "api_token_used", "api_token_used", "api_token_revoked"]
    used = lines[1]
    assert (used["token_id"], used["token_name"], used["token_role"]) == (token.id, "BI des Landes", "analyst")
    assert raw not in stdout.raw and raw[10:] not in stdout.raw
    assert token.secret_hash not in stdout.raw


@pytest.mark.parametrize(
    ("name", "days", "message"),
    [
        ("   ", 365, "Namen"),
        ("x" * 81, 365, "höchstens 80 Zeichen"),
        ("BI", 0, "zwischen 1 und 3650 Tagen"),
        ("BI", 3651, "zwischen 1 und 3650 Tagen"),
    ],
)
def test_bad_input_is_refused_in_german_and_nothing_is_stored(world, name: str, days: int, message: str) -> None:
    with pytest.raises(tokens.TokenError, match=message):
        tokens.create_token(name, TokenRole.ANALYST, days=days)
    assert db.session.scalars(select(ApiToken)).all() == []


def test_the_list_shows_the_newest_first_with_its_status(world) -> None:
    old, _ = tokens.create_token("Alt", TokenRole.ANALYST)
    old.created_at = utcnow() - timedelta(days=400)
    old.expires_at = utcnow() - timedelta(days=35)
    tokens.create_token("Neu", TokenRole.PROVIDER)
    db.session.commit()
    assert [(t.name, t.status(utcnow())) for t in tokens.all_tokens()] == [("Neu", "gültig"), ("Alt", "abgelaufen")]
