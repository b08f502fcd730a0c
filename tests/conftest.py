"""Shared fixtures: a real database per test (SQLite file, or PostgreSQL when
DIGICHECK_TEST_DATABASE_URL is set), the app, a logged-in client helper.

Tests that need PostgreSQL or Chromium skip with a reason where these are absent,
except under CI=true, where their absence is a failure.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

IN_CI = os.environ.get("CI") == "true"
# run-time state of every app the tests create goes to a temporary instance folder, never ./instance
os.environ.setdefault("DIGICHECK_INSTANCE_PATH", tempfile.mkdtemp(prefix="digicheck-test-instance-"))
TEST_DATABASE_URL = os.environ.get("DIGICHECK_TEST_DATABASE_URL", "")
PASSWORD = "richtig-geheim-123"


def skip_or_fail(reason: str) -> None:
    """Skip locally; under CI=true the environment must provide it, so fail."""
    if IN_CI:
        pytest.fail(f"CI=true, but: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """A PostgreSQL server for tests that create databases of their own, even in the SQLite pass."""
    if TEST_DATABASE_URL.startswith("postgres"):
        return TEST_DATABASE_URL
    url = os.environ.get("DIGICHECK_TEST_POSTGRES_URL", "")
    if not url:
        skip_or_fail("PostgreSQL nicht konfiguriert: DIGICHECK_TEST_POSTGRES_URL setzen")
    return url


@pytest.fixture(scope="session")
def postgres_app_factory(postgres_server_url: str, app_factory: Any) -> Iterator[Any]:
    """The app on PostgreSQL, for tests of concurrent writers (SQLite lets one writer in at a time):
    the test app itself in the PostgreSQL pass; in the SQLite pass an app on a PostgreSQL database of
    its own, dropped at the end. So these tests run in both passes and never skip under CI."""
    if TEST_DATABASE_URL.startswith("postgres"):
        yield app_factory
        return
    from digicheck.app import create_app
    from digicheck.extensions import db, limiter

    with own_postgres_database(postgres_server_url, "digicheck_concurrency") as url:
        app = create_app({"SECRET_KEY": "test-secret-of-at-least-32-characters", "SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
        limiter.init_app(app_factory)  # the shared limiter keeps the storage of the app initialised last
        with app.app_context():
            db.create_all()
        yield app
        with app.app_context():
            db.engine.dispose()


@contextmanager
def own_postgres_database(server_url: str, prefix: str) -> Iterator[str]:
    """An empty PostgreSQL database of its own on the server of `server_url` (its URL), dropped afterwards."""
    import secrets

    import psycopg
    from sqlalchemy import make_url

    server = make_url(server_url).set(drivername="postgresql")
    conninfo = server.render_as_string(hide_password=False)
    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_app(postgres_app_factory: Any) -> Iterator[Any]:
    """`app` on PostgreSQL (see `postgres_app_factory`): empty tables, its app context pushed."""
    from digicheck.extensions import db

    with postgres_app_factory.app_context():
        _fresh(postgres_app_factory)
        yield postgres_app_factory
        db.session.remove()


@pytest.fixture
def postgres_world(postgres_app: Any) -> World:
    """`world` in the PostgreSQL app."""
    return make_world()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app_factory(database_url: str):
    from digicheck.app import create_app
    from digicheck.extensions import db

    app = create_app(
        {
            "SECRET_KEY": "test-secret-of-at-least-32-characters",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "TESTING": True,
            "LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )
    with app.app_context():
        db.drop_all()
        _drop_alembic(db)
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


def _drop_alembic(db: Any) -> None:
    from sqlalchemy import text

    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def app(app_factory) -> Iterator[Any]:
    """The app with empty tables: every test starts from a fresh database."""
    from digicheck.extensions import db

    with app_factory.app_context():
        _fresh(app_factory)
        yield app_factory
        db.session.remove()


def _fresh(app: Any) -> None:
    """Empty tables, rate limits and what the process remembered of the last test's data."""
    from digicheck.extensions import db, limiter

    _empty(db)
    limiter.reset()
    app.extensions.pop("digicheck.benchmark_cache", None)


def _empty(db: Any) -> None:
    from sqlalchemy import text

    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))


@dataclass
class World:
    """Two municipalities with one Kommune user each, a consultant and an admin."""

    erbach: Any
    giessen: Any
    kommune: Any
    other: Any
    berater: Any
    admin: Any


def add_user(email: str, name: str, role: Any, municipality: Any = None, password: str = PASSWORD) -> Any:
    """One more account besides the world's, stored (committed) as an accepted invitation leaves it."""
    from digicheck.accounts.services import hash_password
    from digicheck.extensions import db
    from digicheck.models import User

    u = User(
        email=email, name=name, role=role, password_hash=hash_password(password), municipality_id=municipality.id if municipality else None
    )
    db.session.add(u)
    db.session.commit()
    return u


@pytest.fixture
def world(app) -> World:
    return make_world()


def make_world() -> World:
    """The world's rows in the database of the app context pushed now, committed."""
    from digicheck.accounts.services import hash_password
    from digicheck.extensions import db
    from digicheck.models import Municipality, Role, User

    erbach = Municipality(
        ags="06437006",
        name="Erbach",
        kind="Stadt",
        kreis="Odenwaldkreis",
        kreis_ags="06437",
        regierungsbezirk="Darmstadt",
        population=13876,
    )
    giessen = Municipality(
        ags="06531005", name="Gießen", kind="Stadt", kreis="Gießen", kreis_ags="06531", regierungsbezirk="Gießen", population=92000
    )
    db.session.add_all([erbach, giessen])
    db.session.flush()
    hashed = hash_password(PASSWORD)

    def user(email: str, name: str, role: Role, municipality: Any = None) -> Any:
        u = User(email=email, name=name, role=role, password_hash=hashed, municipality_id=municipality.id if municipality else None)
        db.session.add(u)
        return u

    w = World(
        erbach,
        giessen,
        user("hauptamt@erbach.test", "Hauptamt Erbach", Role.KOMMUNE, erbach),
        user("it@giessen.test", "IT Gießen", Role.KOMMUNE, giessen),
        user("berater@ekom.test", "Beraterin", Role.BERATER),
        user("admin@land.test", "Admin", Role.ADMIN),
    )
    db.session.commit()
    return w


@pytest.fixture
def analyst(world: World) -> Any:
    """An account of the Land's analysts ("Analyse (Land)"): the benchmark only."""
    from digicheck.models import Role

    return add_user("analyse@land.test", "Analyse Land", Role.ANALYST)


CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


class Browser:
    """The Flask test client with a user's view: logs in through the form, posts with CSRF tokens.

    Each request runs in its own application context, as in production: the test's
    own context (used for database checks) is hidden while the request runs, so `g`
    (current user, CSRF token) and the database session are never shared.
    """

    def __init__(self, client: Any):
        self.client = client
        self.logged_in = False

    def _request(self, method: str, url: str, **kwargs: Any) -> Any:
        from flask.globals import _cv_app

        from digicheck.extensions import db

        if _cv_app.get(None) is not None:
            db.session.commit()  # what the test did through services is its own unit of work, stored before the browser acts
        hidden = _cv_app.set(None)  # type: ignore[arg-type]
        try:
            response = getattr(self.client, method)(url, **kwargs)
        finally:
            _cv_app.reset(hidden)
        if _cv_app.get(None) is not None:
            db.session.expire_all()
        return response

    def get(self, url: str, **kwargs: Any) -> Any:
        return self._request("get", url, **kwargs)

    def token(self, url: str = "/anmelden") -> str:
        page = self.get(url)
        match = CSRF.search(page.get_data(as_text=True))
        assert match, f"no CSRF token on {url} ({page.status_code})"
        return match.group(1)

    def post(self, url: str, data: dict[str, Any] | None = None, *, token_from: str | None = None, csrf: bool = True, **kwargs: Any) -> Any:
        data = dict(data or {})
        if csrf and "csrf_token" not in data:
            data["csrf_token"] = self.token(token_from or ("/passwort" if self.logged_in else "/anmelden"))
        return self._request("post", url, data=data, **kwargs)

    def login(self, user: Any, password: str = PASSWORD) -> Any:
        response = self.post("/anmelden", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        self.logged_in = True
        return response


@pytest.fixture
def browser(app) -> Browser:
    return Browser(app.test_client())


@pytest.fixture
def make_browser(app):
    return lambda: Browser(app.test_client())


@pytest.fixture(scope="session")
def gv100ad_mini(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A few records of the official register in its fixed-width format (tests/register_excerpt.py)."""
    from tests import register_excerpt

    reason = register_excerpt.missing()
    if reason:
        skip_or_fail(reason)
    path = tmp_path_factory.mktemp("register") / "gv100ad-mini.txt"
    path.write_text(register_excerpt.gv100ad_excerpt(), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def register_mini_csv(gv100ad_mini):  # type: ignore[no-untyped-def]
    """Some of the same entries in the CSV import format."""
    from tests import register_excerpt

    path = gv100ad_mini.parent / "register-mini.csv"
    path.write_text(register_excerpt.csv_excerpt(gv100ad_mini), encoding="utf-8")
    return path
