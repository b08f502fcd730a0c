"""What every `digicheck` command shares: the click group `main`, the one-line German error
(`CliError`), where content and imported catalogues are, and the app for commands that need it.

Importing this module loads neither Flask nor the application; commands that need the app
create it inside `app_context()`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from scoring import ContentError, Library


class CliError(click.ClickException):
    """A one-line German error message; exit status 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"Fehler: {self.format_message()}", err=True)


def content_dir() -> Path:
    from digicheck.config import ConfigError, folder

    try:
        return Path(folder(os.environ, "DIGICHECK_QUESTIONNAIRES"))
    except ConfigError as exc:
        raise CliError(str(exc)) from None


def imported_catalogue_dir() -> Path:
    """Catalogues the operator imported: `catalogues/` in the instance folder, where every
    process and every later release finds them (never inside the installed package)."""
    from digicheck.config import instance_path

    return instance_path() / "catalogues"


def load_library() -> Library:
    try:
        return Library.load(content_dir())
    except ContentError as exc:
        raise CliError(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Digi-Check: Digitalisierungsreifegrad hessischer Kommunen."""


def make_app() -> Any:
    from digicheck.app import create_app
    from digicheck.config import ConfigError

    try:
        return create_app()
    except ConfigError as exc:
        raise CliError(str(exc)) from None


@contextmanager
def app_context() -> Iterator[Any]:
    """The app for one command, which is one transaction: what the services flushed is
    committed once when the command's block ends, and nothing is stored when it raises
    (a `CliError` too). The database connections are closed when the command ends. Log lines
    (audit events) go to stderr meanwhile: what the command prints stays alone on stdout."""
    from sqlalchemy.exc import DBAPIError

    from digicheck.extensions import db as database
    from digicheck.logs import on_stderr

    app = make_app()
    with on_stderr(), app.app_context():
        try:
            yield app
            try:
                database.session.commit()
            except DBAPIError as exc:
                reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
                raise CliError(f"Die Datenbank hat die Änderungen abgelehnt, nichts gespeichert ({reason})") from None
        finally:
            database.session.remove()  # rolls back whatever was not committed
            database.engine.dispose()
