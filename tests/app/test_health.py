"""/healthz, /readyz and the page users get while the database is down, with real broken parts:
a database port nobody listens on, a dropped PostgreSQL database, a Redis port nobody listens on."""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PASSWORD, Browser, skip_or_fail

#: a PostgreSQL address where nothing listens: the database is "down"
CLOSED_PORT = "postgresql+psycopg://postgres:geheim@127.0.0.1:1/digicheck"
UNAVAILABLE = "Vorübergehend nicht verfügbar"


@pytest.fixture
def make_app(other_app: Callable[..., Any]) -> Callable[..., Any]:
    """Apps with other settings, in testing mode (tests/app/conftest.py: other_app)."""
    return lambda **settings: other_app(TESTING=True, **settings)


def probes(response: Any) -> dict[str, str]:
    """The probes of a /readyz answer; its `hinweise` on the legal texts are tested in test_legal.py."""
    return {name: value for name, value in response.get_json().items() if name != "hinweise"}


def test_healthz_answers_without_the_database(make_app) -> None:
    response = make_app(SQLALCHEMY_DATABASE_URI=CLOSED_PORT).test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_when_all_is_well(app) -> None:
    response = app.test_client().get("/readyz")  # no login
    assert response.status_code == 200
    assert probes(response) == {"database": "ok", "ratelimit": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_names_the_unreachable_database(make_app) -> None:
    response = make_app(SQLALCHEMY_DATABASE_URI=CLOSED_PORT).test_client().get("/readyz")
    assert response.status_code == 503
    assert probes(response) == {"database": "fehler", "ratelimit": "ok"}
    body = response.get_data(as_text=True)
    for secret in ("geheim", "127.0.0.1", "postgres", "psycopg", "refused"):
        assert secret not in body


@pytest.fixture
def private_redis() -> Iterator[tuple[str, Callable[[], None], Callable[[], None]]]:
    """A redis-server of this test's own on a free port: its URL, and functions to stop and start it."""
    pytest.importorskip("redis", reason="the redis client (extra `digicheck[redis]`) is not installed")
    if shutil.which("redis-server") is None:
        skip_or_fail("redis-server nicht installiert")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server: list[subprocess.Popen[bytes]] = []

    def start() -> None:
        server.append(
            subprocess.Popen(
                ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL
            )
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop() -> None:
        server[-1].terminate()
        server[-1].wait(timeout=10)

    start()
    try:
        yield f"redis://127.0.0.1:{port}", stop, start
    finally:
        if server[-1].poll() is None:
            stop()


def test_readyz_follows_the_ratelimit_store(make_app, database_url, world, private_redis) -> None:
    """Redis stops: logins carry on with in-process limits (the in-memory fallback), but /readyz
    tells the operator that the shared store is gone, and says ok again once it is back."""
    url, stop_redis, start_redis = private_redis
    app = make_app(SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_STORAGE_URI=url, RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True)
    probe = app.test_client()
    assert probes(probe.get("/readyz")) == {"database": "ok", "ratelimit": "ok"}

    stop_redis()
    browser = Browser(app.test_client())
    assert browser.post("/anmelden", {"email": world.kommune.email, "password": "falsch-falsch"}).status_code == 401
    assert browser.post("/anmelden", {"email": world.kommune.email, "password": PASSWORD}).status_code == 302
    response = probe.get("/readyz")
    assert response.status_code == 503
    assert probes(response) == {"database": "ok", "ratelimit": "fehler"}
    assert url.rsplit(":", 1)[1] not in response.get_data(as_text=True)

    start_redis()
    response = probe.get("/readyz")
    assert response.status_code == 200 and probes(response) == {"database": "ok", "ratelimit": "ok"}


@pytest.fixture(params=["postgresql", "sqlite"])
def unreachable_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return CLOSED_PORT
    folder = tmp_path / "kein-datenbank-file"
    folder.mkdir()
    return f"sqlite:///{folder}"  # a directory: SQLite cannot open it


def _assert_unavailable_page(response: Any) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page[:300]
    assert response.mimetype == "text/html" and '<html lang="de">' in page
    assert UNAVAILABLE in page and "Datenbank" in page
    assert "Traceback" not in page and "OperationalError" not in page and "Internal Server Error" not in page
    assert int(response.headers["Retry-After"]) > 0  # ours, or the rate limiter's on limited routes


def test_login_page_and_login_with_the_database_down(make_app, unreachable_database) -> None:
    app = make_app(SQLALCHEMY_DATABASE_URI=unreachable_database, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    _assert_unavailable_page(client.get("/anmelden"))
    _assert_unavailable_page(client.post("/anmelden", data={"email": "hauptamt@erbach.test", "password": PASSWORD}))


def test_the_api_with_the_database_down_answers_a_problem_document(make_app, unreachable_database) -> None:
    """A BI tool or booking system reads the outage as every API error: German problem details, not a page."""
    app = make_app(SQLALCHEMY_DATABASE_URI=unreachable_database)
    client = app.test_client()
    for path in ("/api/v1/benchmark", "/api/v1/assessments?limit=5"):
        response = client.get(path, headers={"Authorization": "Bearer dc_" + "a" * 43})
        assert response.status_code == 503 and response.mimetype == "application/problem+json", response.get_data(as_text=True)[:300]
        problem = response.get_json()
        assert problem["title"] == "Nicht verfügbar" and "Datenbank" in problem["detail"] and problem["instance"] == path.split("?")[0]
        assert int(response.headers["Retry-After"]) > 0 and response.headers["Cache-Control"] == "no-store"


@pytest.fixture
def doomed_postgres(postgres_server_url: str) -> Iterator[tuple[str, Callable[[], None]]]:
    """A PostgreSQL database of its own and a function that drops it, connections and all."""
    import psycopg

    server = make_url(postgres_server_url).set(drivername="postgresql")
    conninfo = server.render_as_string(hide_password=False)
    name = f"digicheck_health_{secrets.token_hex(4)}"

    def drop() -> None:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False), drop
    finally:
        drop()


def test_database_lost_during_a_session(make_app, doomed_postgres) -> None:
    """A logged-in user whose database goes away: every page, also a missing one (its error page
    reads the user), is the German 503 page, never the server's bare English 500."""
    from digicheck.accounts.services import hash_password
    from digicheck.extensions import db
    from digicheck.models import Role, User

    url, drop_database = doomed_postgres
    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.create_all()
        user = User(email="berater@ekom.test", name="Beraterin", role=Role.BERATER, password_hash=hash_password(PASSWORD))
        db.session.add(user)
        db.session.commit()
        db.session.remove()
    browser = Browser(app.test_client())
    browser.login(SimpleNamespace(email="berater@ekom.test"))
    assert browser.get("/beratung/").status_code == 200
    assert app.test_client().get("/readyz").status_code == 200

    drop_database()

    for url in ("/beratung/", "/", "/gibt-es-nicht", "/anmelden"):
        _assert_unavailable_page(browser.get(url))
    assert probes(app.test_client().get("/readyz")) == {"database": "fehler", "ratelimit": "ok"}


def _terminate_sessions(database_url: str) -> int:
    """What a client sees of a database restart: the server ends every session of the database."""
    import psycopg

    server = make_url(database_url).set(drivername="postgresql")
    with psycopg.connect(server.set(database="postgres").render_as_string(hide_password=False), autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (server.database,)
        ).fetchall()
    return len(rows)


def test_database_restart_costs_at_most_one_request(make_app, doomed_postgres, monkeypatch) -> None:
    """Without a ping per request (issue 18): a restart while the pool's connections are in steady
    use fails at most the next request, with the German 503 page; a connection that sat idle is
    pinged and replaced before use, so the request after a quiet spell does not fail at all."""
    from digicheck import db_pool
    from digicheck.accounts.services import hash_password
    from digicheck.config import from_environment
    from digicheck.extensions import db
    from digicheck.models import Role, User

    url, _ = doomed_postgres
    engine_options = from_environment({"DATABASE_URL": url, "DIGICHECK_DEMO": "1"})["SQLALCHEMY_ENGINE_OPTIONS"]
    assert "pool_pre_ping" not in engine_options and engine_options["pool_recycle"] == db_pool.RECYCLE_SECONDS
    app = make_app(SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS=engine_options)
    with app.app_context():
        db.create_all()
        db.session.add(User(email="berater@ekom.test", name="Beraterin", role=Role.BERATER, password_hash=hash_password(PASSWORD)))
        db.session.commit()
        db.session.remove()
    browser = Browser(app.test_client())
    browser.login(SimpleNamespace(email="berater@ekom.test"))
    assert browser.get("/beratung/").status_code == 200

    # in steady use: the next request may meet the dead connection, the one after that works
    assert _terminate_sessions(url) >= 1
    first = browser.get("/beratung/")
    if first.status_code != 200:
        _assert_unavailable_page(first)
    assert browser.get("/beratung/").status_code == 200
    assert browser.get("/beratung/").status_code == 200

    # after a quiet spell: the idle connection is pinged, replaced, and no request fails
    monkeypatch.setattr(db_pool, "IDLE_PING_AFTER", 0.0)
    assert _terminate_sessions(url) >= 1
    assert browser.get("/beratung/").status_code == 200
    assert probes(app.test_client().get("/readyz")) == {"database": "ok", "ratelimit": "ok"}
