"""The login check reads outside a transaction (`extensions.read_alone`): a read-only request then
sends the database no BEGIN and COMMIT (PostgreSQL: the read runs in autocommit; SQLite, whose driver
begins no transaction for a read: on the request's own connection, the only one it checks out), and
reads as plain columns, not through the ORM, while what the request does with the loaded objects
behaves as before. An API request's token is read as plain columns in the request's own transaction
(`accounts.tokens.authenticate`): one connection per API request on either database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import jsonify
from flask_login import current_user, login_required
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

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
        seen["user_in_session"] = user in db.session
        if "name" in request.args:
            user.name = request.args["name"]  # stored with the request's commit
        municipality = user.municipality
        return jsonify(municipality=municipality.name if municipality is not None else None)

    served.add_url_rule("/test/read-alone", "test_read_alone", view)
    served.add_url_rule("/test/bare", "test_bare", login_required(lambda: "ok"))  # as bench/web_bench.py's bare route
    seen["browser"] = Browser(served.test_client())
    # what the served app's connections begin (SQLAlchemy's transactions, with their isolation level) and
    # commit, in order; its pool checkouts; the statements its sessions run through the ORM; on SQLite the
    # transaction statements that reach the database (its trace of what it executes)
    events: list[str] = []
    seen.update(transactions=events, checkouts=[], orm=[], driver=[])

    def began(conn: Any) -> None:
        events.append(f"begin:{conn.get_execution_options().get('isolation_level')}")

    def committed(conn: Any) -> None:
        events.append("commit")

    def checked_out(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        seen["checkouts"].append(record)
        if sqlite:
            dbapi_connection.set_trace_callback(traced)

    def checked_in(dbapi_connection: Any, record: Any) -> None:
        if sqlite and dbapi_connection is not None:
            dbapi_connection.set_trace_callback(None)

    def traced(statement: str) -> None:
        if statement.split(None, 1)[0].upper() in ("BEGIN", "COMMIT", "ROLLBACK"):
            seen["driver"].append(statement.strip().upper())

    def through_orm(state: Any) -> None:
        seen["orm"].append(str(state.statement))

    with served.app_context():
        engine = db.engine
    seen["sqlite"] = sqlite = engine.dialect.name == "sqlite"
    # SQLAlchemy's transactions of the login read alone; of a request that reads nothing more; of one that
    # goes on to read through its session. On SQLite the read joins the request's own (which the driver
    # does not begin for reads: the database sees no BEGIN); on PostgreSQL it runs in autocommit.
    seen["read"] = ["begin:None"] if sqlite else ["begin:AUTOCOMMIT"]
    seen["bare"] = ["begin:None", "commit"] if sqlite else ["begin:AUTOCOMMIT"]
    seen["more"] = ["begin:None", "commit"] if sqlite else ["begin:AUTOCOMMIT", "begin:None", "commit"]
    listeners = [(engine, "begin", began), (engine, "commit", committed), (engine, "checkout", checked_out)]
    listeners += [(engine, "checkin", checked_in), (Session, "do_orm_execute", through_orm)]
    for target, name, function in listeners:
        event.listen(target, name, function)
    yield seen
    for target, name, function in listeners:
        event.remove(target, name, function)


def _forget() -> None:
    """Clear what the probe recorded, for the next request."""
    for name in ("transactions", "checkouts", "orm", "driver"):
        _SEEN.get(name, []).clear()


def _as_in_production() -> None:
    """A test request shares the test's app context and so its session; a served request starts with
    a session of its own that has neither begun nor loaded anything. Close the test's session so the
    request starts like that."""
    db.session.commit()
    db.session.close()
    _forget()


def test_a_logged_in_read_opens_no_transaction(app, world, probe) -> None:
    browser = probe["browser"]
    browser.login(world.kommune)
    _as_in_production()
    assert browser.get("/test/bare").status_code == 200
    # a logged-in request that reads nothing else: one connection, the login read as plain columns (not
    # through the ORM); on PostgreSQL in autocommit, nothing committed; on SQLite on the request's
    # connection, and no BEGIN or COMMIT reaches the database
    assert probe["transactions"] == probe["bare"]
    assert len(probe["checkouts"]) == 1 and probe["orm"] == [] and probe["driver"] == []
    _as_in_production()
    response = browser.get("/test/read-alone")
    assert response.status_code == 200 and response.get_json() == {"municipality": "Erbach"}
    # the user is an object of the request's session; reading the lazy relationship then went through the
    # ORM on the request's own transaction, which the request committed. On SQLite that is the connection
    # the login read used (one checkout); on PostgreSQL a second one, after the autocommit read.
    assert probe["before_view"] == probe["read"] and probe["user_in_session"]
    assert probe["transactions"] == probe["more"] and len(probe["orm"]) == 1
    assert len(probe["checkouts"]) == (1 if probe["sqlite"] else 2) and probe["driver"] == []


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


def test_an_outer_join_is_refused(app, world) -> None:
    """An entity an outer join found nothing for would become an object without identity: refused, both
    before and inside the request's transaction."""
    from digicheck.models import ApiToken

    statement = select(ApiToken, User).outerjoin(User, User.id == ApiToken.user_id).where(ApiToken.id == 1)
    user_id = world.kommune.id
    _as_in_production()
    with pytest.raises(ValueError, match="inner joins only"):
        read_alone(statement, {})
    assert db.session.get(User, user_id) is not None  # the session has begun
    with pytest.raises(ValueError, match="inner joins only"):
        read_alone(statement, {})


def test_objects_read_alone_equal_what_the_orm_loads(app, world) -> None:
    """Every column of the login's session row and user comes out as the ORM itself loads it (types
    included: time zones, enums)."""
    from digicheck.accounts.sessions import _SESSION_WITH_USER, token_hash
    from digicheck.models import UserSession
    from digicheck.models._time import utcnow

    db.session.add(UserSession(id=token_hash("t"), user_id=world.kommune.id, epoch=0, created_at=utcnow(), last_seen_at=utcnow()))
    values = {"session_id": token_hash("t")}
    _as_in_production()

    def columns(instance: Any) -> dict[str, Any]:
        return {a.key: getattr(instance, a.key) for a in inspect(type(instance)).column_attrs}

    [alone] = read_alone(_SESSION_WITH_USER, values)
    # every column loaded from the row itself: none left expired (reading one would query again)
    assert all(inspect(o).persistent and not inspect(o).expired_attributes for o in alone)
    expected = [columns(o) for o in alone]
    _as_in_production()
    [loaded] = db.session.execute(_SESSION_WITH_USER, values).all()
    assert [columns(o) for o in loaded] == expected


def test_a_connection_pinged_after_a_quiet_spell_serves_the_login_read(app, world, probe, monkeypatch) -> None:
    """A connection idle in the pool is pinged on checkout (digicheck/db_pool.py). The ping must leave no
    transaction open: on PostgreSQL the login read then asks the same connection for autocommit."""
    from digicheck import db_pool

    browser, _ = _logged_in_probe(world, probe, "/test/read-alone")
    monkeypatch.setattr(db_pool, "IDLE_PING_AFTER", 0.0)  # every checkout of a used connection is pinged
    for _ in range(3):
        _forget()
        assert browser.get("/test/bare").status_code == 200
        assert probe["transactions"] == probe["bare"] and len(probe["checkouts"]) == 1 and probe["driver"] == []


def test_api_tokens_are_read_in_the_requests_transaction_checked_and_their_use_stored(app, world, probe) -> None:
    """The token lookup on a request's unused session (as served): a usable token works and its use is
    stored, a revoked one and one whose consultant account is locked are refused. Every API route reads
    more after the token, so the token is read in the request's own transaction, as plain columns: one
    connection per request on either database (two for the first use in a minute, which is stored in a
    transaction of its own), and no token object loaded into the session."""
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
        _as_in_production()
        return client.get(url, headers={"Authorization": f"Bearer {raw}"})

    # token objects that become part of a session: loaded by the ORM, or built from columns (as `read_alone` does)
    attached: list[Any] = []
    record = lambda session, instance: attached.append(instance) if isinstance(instance, ApiToken) else None  # noqa: E731
    hooks = [(Session, "loaded_as_persistent", record), (Session, "detached_to_persistent", record)]
    for target, name, function in hooks:
        event.listen(target, name, function)
    try:
        for raw, url in ((raw_analyst, "/api/v1/benchmark"), (raw_consultant, "/api/v1/municipalities")):
            # the first use in a minute is stored at once, in a transaction of its own (inside the request's)
            assert get(raw, url).status_code == 200
            assert probe["transactions"] == ["begin:None", "begin:None", "commit", "commit"] and len(probe["checkouts"]) == 2
            assert get(raw, url).status_code == 200
            assert probe["transactions"] == ["begin:None", "commit"] and len(probe["checkouts"]) == 1
        assert get(raw_revoked).status_code == 401
        db.session.get(User, berater_id).active = False
        assert get(raw_consultant, "/api/v1/municipalities").status_code == 401
    finally:
        for target, name, function in hooks:
            event.remove(target, name, function)
    assert attached == []
    stored = [db.session.get(ApiToken, token_id) for token_id in ids]
    assert all(t is not None and t.last_used_at is not None for t in stored)
