"""Fixtures shared by the app tests (the database fixtures are in tests/conftest.py)."""

from __future__ import annotations

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
