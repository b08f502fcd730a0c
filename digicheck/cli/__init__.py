"""The `digicheck` command line: content checks and scoring (content), database migrations (db),
demo data, accounts, municipalities and serving (web), API tokens (tokens), legal texts (legal).

Domain commands need no database. Every error is one line on stderr ("Fehler: …") with a
non-zero exit status, never a traceback. Importing this package registers every command on
`main`; the modules import only `digicheck.cli.base`, never each other.
"""

from __future__ import annotations

from digicheck.cli import content, db, legal, tokens, web  # noqa: F401 - each registers its commands on `main`
from digicheck.cli.base import CliError, main

__all__ = ["CliError", "main", "run"]


def run() -> None:
    """Console-script entry point."""
    main(prog_name="digicheck")
