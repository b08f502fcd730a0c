"""CLI commands that need the application: database, demo data, accounts, serving."""

from __future__ import annotations

from typing import Any

import click

from digicheck.cli import CliError, main


def make_app() -> Any:
    from digicheck.app import create_app
    from digicheck.config import ConfigError

    try:
        return create_app()
    except ConfigError as exc:
        raise CliError(str(exc)) from None


@main.group()
def db() -> None:
    """Datenbank anlegen und migrieren (DATABASE_URL, sonst SQLite-Datei)."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the newest schema."""
    from flask_migrate import upgrade
    from sqlalchemy.exc import OperationalError

    app = make_app()
    with app.app_context():
        try:
            upgrade()
        except OperationalError as exc:
            raise CliError(f"Datenbank nicht erreichbar: {str(exc.orig).strip().splitlines()[0]}") from None
    click.echo(f"Datenbank ist auf dem neuesten Stand: {_safe_url(app.config['SQLALCHEMY_DATABASE_URI'])}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@main.group()
def demo() -> None:
    """Demodaten."""


@demo.command("seed")
def demo_seed() -> None:
    """Load demo municipalities, one user per role and synthetic demo assessments."""
    from digicheck.demo_data import seed

    app = make_app()
    with app.app_context():
        credentials = seed()
    click.echo("Demodaten geladen (synthetisch, als Demodaten gekennzeichnet). Zugänge:")
    for role, email, password in credentials:
        click.echo(f"  {role:<15} {email:<32} Passwort: {password}")


@main.command("invite")
@click.argument("email")
@click.option("--role", type=click.Choice(["kommune", "berater", "admin"]), required=True)
@click.option("--ags", help="Amtlicher Gemeindeschlüssel der Kommune (nur für --role kommune).")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True, help="Adresse, unter der die Anwendung erreichbar ist.")
def invite_command(email: str, role: str, ags: str | None, base_url: str) -> None:
    """Create a one-time invitation link and print it."""
    from sqlalchemy import select

    from digicheck.extensions import db as database
    from digicheck.models import Municipality, Role
    from digicheck.services.accounts import AccountError, invite

    app = make_app()
    with app.app_context():
        municipality = None
        if ags:
            municipality = database.session.scalars(select(Municipality).where(Municipality.ags == ags)).first()
            if municipality is None:
                raise CliError(f"keine Kommune mit AGS {ags}")
        try:
            issued = invite(email, Role(role), municipality, None)
        except AccountError as exc:
            raise CliError(str(exc)) from None
        days = app.config["INVITATION_DAYS"]
    click.echo(f"{base_url.rstrip('/')}/einladung/{issued.token}")
    click.echo(f"Einmal gültig, läuft in {days} Tagen ab.", err=True)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Run the development server (production: gunicorn 'digicheck:create_app()')."""
    app = make_app()
    app.run(host=host, port=port, debug=False, use_reloader=False)
