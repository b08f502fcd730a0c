"""`digicheck legal init`: the operator's own copies of the legal texts in the instance folder."""

from __future__ import annotations

import click

from digicheck.cli.base import CliError, main


@main.group("legal")
def legal_group() -> None:
    """Impressum, Datenschutzerklärung und Erklärung zur Barrierefreiheit."""


@legal_group.command("init")
def legal_init() -> None:
    """Copy the shipped templates into <instance>/legal/ to be filled in; existing files stay."""
    from digicheck.config import instance_path
    from digicheck.legal.texts import PAGES, PLACEHOLDER, copy_templates, operator_file

    folder = instance_path()
    try:
        written = copy_templates(folder)
    except OSError as exc:
        raise CliError(f"Vorlagen können nicht nach {folder / 'legal'} kopiert werden ({exc.strerror or exc})") from None
    for page in PAGES:
        path = operator_file(folder, page)
        click.echo(f"{page.title}: {path} ({'angelegt' if path in written else 'vorhanden, unverändert'})")
    if written:
        click.echo(f"Bitte jede Stelle {PLACEHOLDER} …] in den angelegten Dateien ersetzen.")
