"""The database, demo and invitation commands, on a real database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from digicheck.cli import main
from tests.app.test_logging import audit_lines


@pytest.fixture
def fresh_sqlite(tmp_path: Path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SECRET_KEY", "cli-test-secret-of-at-least-32-characters")
    monkeypatch.setenv("DIGICHECK_DEMO", "1")
    return url


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_db_upgrade_then_schema_matches_models(fresh_sqlite) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from digicheck.app import create_app
    from digicheck.extensions import db

    result = run("db", "upgrade")
    assert result.exit_code == 0 and "Datenbank migriert von leer auf" in result.output
    assert run("db", "upgrade").exit_code == 0  # idempotent
    app = create_app()
    with app.app_context():
        with db.engine.connect() as connection:
            diffs = compare_metadata(MigrationContext.configure(connection), db.metadata)
        db.engine.dispose()
    assert diffs == [], "models and migrations differ: add an Alembic migration"


def test_demo_seed_prints_credentials_that_work(fresh_sqlite) -> None:
    from digicheck.accounts.services import authenticate
    from digicheck.app import create_app
    from digicheck.extensions import db
    from digicheck.models import Assessment, PlanEntry, PlanStatus

    run("db", "upgrade")
    result = run("demo", "seed")
    assert result.exit_code == 0
    credentials = re.findall(r"(\S+@demo\.digicheck\.invalid)\s+Passwort: (\S+)", result.output)
    assert len(credentials) == 4  # admin, consultant, Kommune, analyst
    app = create_app()
    with app.app_context():
        for email, password in credentials:
            assert authenticate(email, password) is not None
        demo = db.session.scalars(db.select(Assessment)).all()
        assert demo and all(a.is_demo and a.submitted for a in demo)
        plan = db.session.scalars(db.select(PlanEntry)).all()
        assert len(plan) == 4 and [e.status for e in plan].count(PlanStatus.DONE) == 1, "the demo Kommune's Maßnahmenplan"
        assert [e.source_id for e in plan if e.source_id] == ["giessen-leitlinien"]
        assert all(e.created_by and e.created_by.email == "kommune@demo.digicheck.invalid" for e in plan)
    second = run("demo", "seed")  # again: same data, new passwords
    assert second.exit_code == 0
    with app.app_context():
        assert len(db.session.scalars(db.select(Assessment)).all()) == len(demo)
        assert len(db.session.scalars(db.select(PlanEntry)).all()) == 4
        db.session.remove()
        db.engine.dispose()


def test_demo_seed_refused_outside_demo_mode(fresh_sqlite, monkeypatch) -> None:
    from digicheck.app import create_app
    from digicheck.extensions import db
    from digicheck.models import User

    run("db", "upgrade")
    monkeypatch.delenv("DIGICHECK_DEMO")
    result = CliRunner().invoke(main, ["demo", "seed"])
    assert result.exit_code == 1 and "DIGICHECK_DEMO=1" in result.output and "Passwort" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    app = create_app()
    with app.app_context():
        assert db.session.scalars(db.select(User)).all() == []  # nothing created
        db.session.remove()
        db.engine.dispose()


def test_invite_prints_a_one_time_link(fresh_sqlite) -> None:
    run("db", "upgrade")
    run("demo", "seed")
    result = CliRunner().invoke(main, ["invite", "neu@erbach.example.org", "--role", "kommune", "--ags", "06437006"])
    assert result.exit_code == 0
    assert re.fullmatch(r"http://127\.0\.0\.1:5000/einladung/\S{20,}", result.stdout.strip())  # alone on stdout
    [audited] = audit_lines(result.stderr, "invitation_created")
    assert (audited["invited_role"], audited["municipality"]) == ("kommune", "06437006")
    assert "neu@erbach" not in result.stderr and result.stdout.strip().rsplit("/", 1)[1] not in result.stderr


def test_invite_unknown_municipality(fresh_sqlite) -> None:
    run("db", "upgrade")
    result = CliRunner().invoke(main, ["invite", "x@beispiel.de", "--role", "kommune", "--ags", "06999999"])
    assert result.exit_code == 1 and "06999999" in result.output


def test_missing_secret_key_outside_demo(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DIGICHECK_DEMO", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 1 and "SECRET_KEY" in result.output


def test_unreachable_database_is_one_line(monkeypatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 1 and "Datenbank nicht erreichbar" in result.output
    assert "Traceback" not in result.output
