"""Database commands: `digicheck db upgrade | downgrade | current`.

A deploy runs `db upgrade` on every start, possibly from several instances at once. On
PostgreSQL the migration runs under an advisory lock: one instance migrates, the others
wait and then find the schema current. Every error is one German line, exit status 1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from digicheck.cli.base import CliError, app_context, main

if TYPE_CHECKING:
    from flask_migrate import Migrate

#: the PostgreSQL advisory lock every release takes around a migration ("DigiChk1" as a
#: signed 64-bit number); it must never change, or old and new releases stop excluding each other
MIGRATION_LOCK_KEY = int.from_bytes(b"DigiChk1", "big", signed=True)


@main.group()
def db() -> None:
    """Datenbank anlegen, migrieren und zurücksetzen (DATABASE_URL, sonst SQLite-Datei)."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the newest schema; safe from several instances at once."""
    with _database() as (app, connection), _migration_lock(connection):
        before = _revision(connection)
        _known(before)
        _run(lambda config: command.upgrade(config, "head"), before)
        after = _revision(connection)
    url = _safe_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if before == after:
        click.echo(f"Datenbank bereits aktuell (Revision {after}): {url}")
    else:
        click.echo(f"Datenbank migriert von {before or 'leer'} auf {after}: {url}")


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Migrate the database back to REVISION (for a rollback: the revision of the older release).

    REVISION is a revision id as `digicheck db current` shows it, `base` (empty schema), or a
    relative step after `--` (`digicheck db downgrade -- -1`).
    """
    with _database() as (app, connection), _migration_lock(connection):
        before = _revision(connection)
        _known(before)
        try:
            _script().get_revisions(revision)
        except CommandError:
            raise CliError(f"unbekannte Revision {revision!r}; vorhanden sind {', '.join(_all_revisions())} und base") from None
        _run(
            lambda config: command.downgrade(config, revision),
            before,
            refused=f"Revision {revision} liegt nicht vor dem aktuellen Stand {before or 'leer'}; "
            "zurücksetzen geht nur auf ältere Revisionen",
        )
        after = _revision(connection)
    url = _safe_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if before == after:
        click.echo(f"Datenbank bereits auf Revision {after or 'leer'}: {url}")
    else:
        click.echo(f"Datenbank zurückgesetzt von {before} auf {after or 'leer (base)'}: {url}")


@db.command("current")
def db_current() -> None:
    """Print the database's revision and whether it is the newest this release knows."""
    with _database() as (app, connection):
        current = _revision(connection)
        _known(current)
        head = _script().get_current_head()
    url = _safe_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if current is None:
        click.echo(f"Datenbank leer (keine Revision; `digicheck db upgrade` legt Revision {head} an): {url}")
    elif current == head:
        click.echo(f"Revision {current} (neueste): {url}")
    else:
        click.echo(f"Revision {current} (veraltet; `digicheck db upgrade` migriert auf {head}): {url}")


@contextmanager
def _database() -> Iterator[tuple[Any, Connection]]:
    """The app and a dedicated connection of its own (autocommit: it only reads and locks)."""
    from digicheck.extensions import db as database

    with app_context() as app:
        try:
            connection = database.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except DBAPIError as exc:
            raise CliError(f"Datenbank nicht erreichbar: {_first_line(exc)}") from None
        with connection:
            try:
                yield app, connection
            except DBAPIError as exc:
                if exc.connection_invalidated:
                    raise CliError(f"Verbindung zur Datenbank verloren: {_first_line(exc)}") from None
                raise CliError(f"Datenbankfehler: {_first_line(exc)}") from None


@contextmanager
def _migration_lock(connection: Connection) -> Iterator[None]:
    """Hold the migration lock on this connection while the block runs (PostgreSQL).

    SQLite takes no lock: it is the zero-setup mode for one host, where one deploy script runs
    one upgrade. Several instances at once means PostgreSQL (scaling out is more app processes
    against one PostgreSQL), so a file lock would guard a setup that is not supported.
    """
    if connection.dialect.name != "postgresql":
        yield
        return
    key = {"key": MIGRATION_LOCK_KEY}
    if not connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), key):
        click.echo("Eine andere Instanz migriert die Datenbank gerade; warte, bis sie fertig ist …", err=True)
        connection.execute(text("SELECT pg_advisory_lock(:key)"), key)
    try:
        yield
    finally:
        if not connection.invalidated:  # a lost connection has released the lock with its session
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), key)


def _migrate() -> Migrate:
    """Flask-Migrate bound to the current app, on first use: only the command line needs it and
    Alembic, so a web worker never imports them (issue 18)."""
    from flask_migrate import Migrate

    from digicheck.app import MIGRATIONS
    from digicheck.extensions import db

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if "migrate" not in app.extensions:
        Migrate(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    return app.extensions["migrate"].migrate


def _run(step: Callable[[Config], None], before: str | None, refused: str | None = None) -> None:
    """Run one Alembic command with Flask-Migrate's configuration; errors become one line."""
    try:
        step(_migrate().get_config())
    except CommandError as exc:
        raise CliError(refused or f"Migration nicht möglich: {exc}") from None
    except SQLAlchemyError as exc:
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            raise
        raise CliError(f"Migration fehlgeschlagen (Revision vorher: {before or 'leer'}): {_first_line(exc)}") from None


def _revision(connection: Connection) -> str | None:
    heads = MigrationContext.configure(connection).get_current_heads()
    return ", ".join(heads) or None


def _known(revision: str | None) -> None:
    """A database migrated by a newer release cannot be handled by this one."""
    if revision is None:
        return
    try:
        _script().get_revisions(revision)
    except CommandError:
        raise CliError(
            f"Die Datenbank hat Revision {revision}, die diese Version nicht kennt: sie stammt von einer "
            f"neueren Version; mit dieser zuerst `digicheck db downgrade {_script().get_current_head()}` "
            "ausführen"
        ) from None


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(_migrate().get_config())


def _all_revisions() -> list[str]:
    return [script.revision for script in reversed(list(_script().walk_revisions()))]


def _first_line(exc: Exception) -> str:
    detail = getattr(exc, "orig", None) or exc
    lines = str(detail).strip().splitlines()
    return lines[0] if lines else type(detail).__name__


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
