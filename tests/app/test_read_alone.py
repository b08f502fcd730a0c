"""The login check and the API token lookup read outside a transaction (`extensions.read_alone`):
a read-only request then opens none (on PostgreSQL: no BEGIN and COMMIT round trips around the
one statement; on SQLite, whose driver begins none for a read, on the request's own connection),
while what the request does with the loaded objects behaves as before."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import jsonify
from flask_login import current_user, login_required
from sqlalchemy import event, inspect, select

from digicheck.extensions import db, read_alone
from digicheck.models import User
from tests.conftest import Browser

_SEEN: dict[str, Any] = {}


@pytest.fixture
def probe(other_app: Any) -> Iterator[dict[str, Any]]:
    """An app of its own on the test database (a route cannot be added to one that has served), with a
    logged-in route that reports what the request's session looks like after the login check, and may
    rename the user (`?name=`) and read their municipality through a lazy relationship; and a browser for it."""
    served = other_app()
    seen = _SEEN
    seen.clear()

    @login_required
    def view() -> Any:
        from flask import request

        user = current_user._get_current_object()
        seen["before_view"] = list(seen["transactions"])
        if seen["sqlite"]:  # the login read ran on the request's connection: the driver holds no transaction
            seen["driver_in_transaction"] = db.session.connection().connection.dbapi_connection.in_transaction
        seen["user_in_session"] = user in db.session
        if "name" in request.args:
            user.name = request.args["name"]  # stored with the request's commit
        municipality = user.municipality
        return jsonify(municipality=municipality.name if municipality is not None else None)

    served.add_url_rule("/test/read-alone", "test_read_alone", view)
    served.add_url_rule("/test/bare", "test_bare", login_required(lambda: "ok"))  # as bench/web_bench.py's bare route
    seen["browser"] = Browser(served.test_client())
    # what the served app's connections begin (with their isolation level) and commit, in order
    events: list[str] = []
    seen["transactions"] = events

    def began(conn: Any) -> None:
        events.append(f"begin:{conn.get_execution_options().get('isolation_level')}")

    def committed(conn: Any) -> None:
        events.append("commit")

    with served.app_context():
        engine = db.engine
    seen["sqlite"] = sqlite = engine.dialect.name == "sqlite"
    # the transactions (as below) of the login read alone; of a request that reads nothing more; of one
    # that goes on to read through its session
    seen["read"] = ["begin:None"] if sqlite else ["begin:AUTOCOMMIT"]
    seen["bare"] = ["begin:None", "commit"] if sqlite else ["begin:AUTOCOMMIT"]
    seen["more"] = ["begin:None", "commit"] if sqlite else ["begin:AUTOCOMMIT", "begin:None", "commit"]
    event.listen(engine, "begin", began)
    event.listen(engine, "commit", committed)
    yield seen
    event.remove(engine, "begin", began)
    event.remove(engine, "commit", committed)


def _as_in_production() -> None:
    """A test request shares the test's app context and so its session; a served request starts with
    a session of its own that has neither begun nor loaded anything. Close the test's session so the
    request starts like that."""
    db.session.commit()
    db.session.close()
    _SEEN.get("transactions", []).clear()


def test_a_logged_in_read_opens_no_transaction(app, world, probe) -> None:
    browser = probe["browser"]
    browser.login(world.kommune)
    _as_in_production()
    probe["transactions"].clear()
    assert browser.get("/test/bare").status_code == 200
    # a logged-in request that reads nothing else: on PostgreSQL the login check in autocommit, nothing
    # committed; on SQLite on the request's connection, whose commit has nothing to end
    assert probe["transactions"] == probe["bare"]
    probe["transactions"].clear()
    response = browser.get("/test/read-alone")
    assert response.status_code == 200 and response.get_json() == {"municipality": "Erbach"}
    # the user is an object of the request's session; reading the lazy relationship then began the
    # request's own transaction on a connection (on SQLite: the one the login read used), which the request committed
    assert probe["before_view"] == probe["read"] and probe["user_in_session"]
    assert probe["transactions"] == probe["more"]
    assert probe.get("driver_in_transaction", False) is False


def _logged_in_probe(world: Any, probe: dict[str, Any], url: str) -> tuple[Any, int]:
    """The Kommune user logged in on the probe's app, then `url` requested with the login read alone;
    the browser and the user's id."""
    browser = probe["browser"]
    browser.login(world.kommune)
    user_id = world.kommune.id
    _as_in_production()
    assert browser.get(url).status_code == 200
    assert probe["before_view"] == probe["read"]
    return browser, user_id


def test_changes_to_the_user_loaded_alone_are_stored(app, world, probe) -> None:
    _, user_id = _logged_in_probe(world, probe, "/test/read-alone?name=Hauptamt%20Erbach%20(neu)")
    db.session.close()
    assert db.session.get(User, user_id).name == "Hauptamt Erbach (neu)"


def test_a_lock_elsewhere_ends_the_login_at_once(app, world, probe) -> None:
    """The read sees what another connection committed just before: no cached login."""
    browser, user_id = _logged_in_probe(world, probe, "/test/read-alone")
    db.session.get(User, user_id).active = False
    _as_in_production()
    response = browser.get("/test/read-alone")
    assert response.status_code == 302 and response.location.startswith("/anmelden")


def test_inside_a_begun_transaction_the_read_joins_it(app, world) -> None:
    """Once the session has begun, `read_alone` reads in its transaction and returns its own objects,
    so it sees what the session changed and not yet committed."""
    user = db.session.get(User, world.kommune.id)
    assert user is not None
    user.name = "noch nicht gespeichert"
    db.session.flush()
    [(found,)] = read_alone(select(User).where(User.id == world.kommune.id), {})
    assert found is user and found.name == "noch nicht gespeichert"
    db.session.rollback()


def test_outside_a_transaction_the_objects_are_attached_to_the_session(app, world) -> None:
    user_id = world.kommune.id
    _as_in_production()
    [(found,)] = read_alone(select(User).where(User.id == user_id), {})
    assert found in db.session and found.name == "Hauptamt Erbach"
    assert db.session.get(User, user_id) is found  # the identity map holds it: no second object


def test_objects_read_alone_equal_what_the_orm_loads(app, world) -> None:
    """Every column of the login's session row and user, and of a token with and without its account,
    comes out as the ORM itself loads it (types included: time zones, enums)."""
    from digicheck.accounts.sessions import _SESSION_WITH_USER, token_hash
    from digicheck.accounts.tokens import _TOKEN_BY_HASH, create_token, secret_hash
    from digicheck.models import ApiToken, TokenRole, UserSession
    from digicheck.models._time import utcnow

    db.session.add(UserSession(id=token_hash("t"), user_id=world.kommune.id, epoch=0, created_at=utcnow(), last_seen_at=utcnow()))
    with_account = create_token("Planung", TokenRole.CONSULTANT, user=world.berater)[1]
    without = create_token("BI", TokenRole.ANALYST)[1]
    _as_in_production()

    def columns(instance: Any) -> dict[str, Any]:
        return {a.key: getattr(instance, a.key) for a in inspect(type(instance)).column_attrs}

    cases = [(_SESSION_WITH_USER, {"session_id": token_hash("t")})]
    cases += [(_TOKEN_BY_HASH, {"secret_hash": secret_hash(raw)}) for raw in (with_account, without)]
    for statement, values in cases:
        [alone] = read_alone(statement, values)
        # every column loaded from the row itself: none left expired (reading one would query again)
        assert all(inspect(o).persistent and not inspect(o).expired_attributes for o in alone if o is not None)
        expected = [columns(o) if o is not None else None for o in alone]
        _as_in_production()
        [loaded] = db.session.execute(statement, values).all()
        assert [columns(o) if o is not None else None for o in loaded] == expected
        _as_in_production()
    [(token, account)] = read_alone(_TOKEN_BY_HASH, {"secret_hash": secret_hash(without)})
    assert isinstance(token, ApiToken) and account is None and token.role == TokenRole.ANALYST and token.user is None
    _as_in_production()
    [(bound, its_account)] = read_alone(_TOKEN_BY_HASH, {"secret_hash": secret_hash(with_account)})
    statements: list[str] = []
    record = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, …)
    event.listen(db.engine, "before_cursor_execute", record)
    try:  # the account read with the token is its `user`, found without a query (as `authenticate` needs it)
        assert bound.user is its_account and its_account.name == "Beraterin"
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert statements == []


def test_a_connection_pinged_after_a_quiet_spell_serves_the_login_read(app, world, probe, monkeypatch) -> None:
    """A connection idle in the pool is pinged on checkout (digicheck/db_pool.py). The ping must leave no
    transaction open: the login read then asks the same connection for autocommit."""
    from digicheck import db_pool

    browser, _ = _logged_in_probe(world, probe, "/test/read-alone")
    monkeypatch.setattr(db_pool, "IDLE_PING_AFTER", 0.0)  # every checkout of a used connection is pinged
    for _ in range(3):
        probe["transactions"].clear()
        assert browser.get("/test/bare").status_code == 200
        assert probe["transactions"] == probe["bare"]


def test_api_tokens_read_alone_are_checked_and_their_use_stored(app, world, probe) -> None:
    """The token lookup on a request's unused session (as served): a usable token works and its use is
    stored, a revoked one and one whose consultant account is locked are refused."""
    from digicheck.accounts.tokens import create_token, revoke
    from digicheck.models import ApiToken, TokenRole

    analyst, raw_analyst = create_token("BI", TokenRole.ANALYST)
    revoked, raw_revoked = create_token("alt", TokenRole.ANALYST)
    revoke(revoked)
    consultant, raw_consultant = create_token("Planung", TokenRole.CONSULTANT, user=world.berater)
    ids, berater_id = (analyst.id, consultant.id), world.berater.id
    _as_in_production()
    client = probe["browser"]

    def get(raw: str, url: str = "/api/v1/benchmark") -> Any:
        probe["transactions"].clear()
        return client.get(url, headers={"Authorization": f"Bearer {raw}"})

    assert get(raw_analyst).status_code == 200 and probe["transactions"][:1] == probe["read"]
    assert get(raw_consultant, "/api/v1/municipalities").status_code == 200
    assert get(raw_revoked).status_code == 401
    db.session.get(User, berater_id).active = False
    _as_in_production()
    assert get(raw_consultant, "/api/v1/municipalities").status_code == 401
    stored = [db.session.get(ApiToken, token_id) for token_id in ids]
    assert all(t is not None and t.last_used_at is not None for t in stored)
