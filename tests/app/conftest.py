"""Fixtures shared by the app tests (the database fixtures are in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from digicheck.cli import main
from digicheck.extensions import db


@pytest.fixture
def cli(app, monkeypatch, database_url):
    """`digicheck …` on the test database, as the operator runs it; the test sees what it wrote."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SECRET_KEY", "test-secret-of-at-least-32-characters")

    def run(*args: str):
        db.session.commit()  # what the test prepared through services, stored before the command runs
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        db.session.expire_all()
        return result

    return run


@pytest.fixture
def other_app(app_factory: Any, database_url: str) -> Iterator[Callable[..., Any]]:
    """Further apps with other settings, on the test database unless the settings name another.
    Their connections are closed after the test, and the shared limiter is bound to the test app
    again (Flask-Limiter keeps one storage per Limiter, set by the app initialised last)."""
    from flask import has_app_context

    from digicheck.app import create_app
    from digicheck.extensions import limiter

    made: list[Any] = []

    def make(**settings: Any) -> Any:
        url = str(settings.setdefault("SQLALCHEMY_DATABASE_URI", database_url))
        if url.startswith("postgresql"):  # an unreachable server fails in 2 s, not the driver's default
            settings.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"connect_timeout": 2}})
        made.append(create_app({"SECRET_KEY": "test-secret-of-at-least-32-characters", **settings}))
        return made[-1]

    yield make
    # the test's own session may hold a connection of another app's engine: an ORM object of the
    # test (e.g. `world.other`) refreshed inside that app's request uses its engine. Closed first,
    # that connection goes back to its pool and `dispose` closes it; disposed first, it stayed
    # open in the discarded pool until the garbage collector warned about it in a later test.
    if has_app_context():  # the test's app context (fixture `app`), when the test has one
        db.session.remove()
    for extra in made:
        with extra.app_context():
            db.session.remove()
            db.engine.dispose()
    limiter.init_app(app_factory)
