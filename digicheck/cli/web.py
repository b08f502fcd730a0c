"""CLI commands that need the application: demo data, accounts, municipalities, serving
(the database commands are in cli/db.py)."""

from __future__ import annotations

from datetime import timedelta

import click

from digicheck import timefmt
from digicheck.cli.base import CliError, app_context, main, make_app


@main.group()
def demo() -> None:
    """Demodaten."""


@demo.command("seed")
def demo_seed() -> None:
    """Load demo municipalities, one user per role and synthetic demo assessments."""
    from digicheck.demo_data import seed
    from digicheck.register import RegisterError

    with app_context() as app:
        if not app.config["DIGICHECK_DEMO"]:
            # demo logins (one of them for the real municipality Erbach) must never reach a real database
            raise CliError(
                "Demodaten nur im Demo-Modus: setzen Sie DIGICHECK_DEMO=1 (bin/demo tut das) und verwenden Sie eine eigene Demo-Datenbank."
            )
        try:
            credentials = seed()
        except RegisterError as exc:
            raise CliError(str(exc)) from None
    click.echo("Demodaten geladen (synthetisch, als Demodaten gekennzeichnet). Zugänge:")
    for role, email, password in credentials:
        click.echo(f"  {role:<15} {email:<32} Passwort: {password}")


@main.command("invite")
@click.argument("email")
@click.option("--role", type=click.Choice(["kommune", "berater", "admin", "analyst"]), required=True)
@click.option("--ags", help="Amtlicher Gemeindeschlüssel der Kommune (nur für --role kommune).")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True, help="Adresse, unter der die Anwendung erreichbar ist.")
def invite_command(email: str, role: str, ags: str | None, base_url: str) -> None:
    """Create a one-time invitation link and print it."""
    from email_validator import EmailNotValidError, validate_email
    from flask_babel import ngettext  # here: importing the CLI loads no Flask
    from sqlalchemy import select

    from digicheck.accounts.services import AccountError, AccountExists, invite
    from digicheck.extensions import db as database
    from digicheck.models import Municipality, Role

    try:  # the same check as the web form's Email() validator
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        shown = email if len(email) <= 60 else email[:60] + "…"
        raise CliError(f"'{shown}' ist keine gültige E-Mail-Adresse (höchstens 254 Zeichen, Form name@beispiel.de)") from None
    with app_context() as app:
        municipality = None
        if ags:
            municipality = database.session.scalars(select(Municipality).where(Municipality.ags == ags)).first()
            if municipality is None:
                raise CliError(f"keine Kommune mit AGS {ags}")
        try:
            issued = invite(email, Role(role), municipality, None)
        except AccountExists:
            raise CliError(
                f"zu {email} gibt es bereits ein Konto; ein neues Passwort ermöglicht 'digicheck user reset-link {email}'"
            ) from None
        except AccountError as exc:
            raise CliError(str(exc)) from None
        days = app.config["INVITATION_DAYS"]
        until = timefmt.local_datetime(issued.invitation.expires_at)
    click.echo(f"{base_url.rstrip('/')}/einladung/{issued.token}")
    click.echo(
        ngettext("Einmal gültig, läuft in %(num)d Tag ab", "Einmal gültig, läuft in %(num)d Tagen ab", days) + f" ({until} Uhr).", err=True
    )


@main.group("user")
def user_group() -> None:
    """Konten."""


@user_group.command("reset-link")
@click.argument("email")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True, help="Adresse, unter der die Anwendung erreichbar ist.")
def user_reset_link(email: str, base_url: str) -> None:
    """Create a one-time link to set a new password and print it (an older open link stops working)."""
    from flask_babel import ngettext  # here: importing the CLI loads no Flask

    from digicheck.accounts.password_reset import create_reset_link
    from digicheck.accounts.services import AccountError, find_user

    with app_context() as app:
        account = find_user(email)
        if account is None or account.deleted_at is not None:
            shown = email if len(email) <= 60 else email[:60] + "…"
            raise CliError(f"kein Konto mit der E-Mail-Adresse '{shown}'")
        try:
            issued = create_reset_link(account, None)
        except AccountError as exc:
            raise CliError(str(exc)) from None
        hours = app.config.get("RESET_HOURS", 24)
    click.echo(f"{base_url.rstrip('/')}/passwort-zuruecksetzen/{issued.token}")
    click.echo(
        ngettext("Einmal gültig, läuft in %(num)d Stunde ab.", "Einmal gültig, läuft in %(num)d Stunden ab.", hours)
        + " Mit dem neuen Passwort enden alle Anmeldungen des Kontos.",
        err=True,
    )


@main.group()
def maintenance() -> None:
    """Wartung."""


@maintenance.command("purge")
def maintenance_purge() -> None:
    """Delete invitations and password reset links that stopped working more than 90 days ago."""
    from flask_babel import ngettext

    from digicheck.accounts.personal_data import PURGE_AFTER_DAYS, purge_links
    from digicheck.accounts.sessions import purge as purge_sessions

    with app_context():
        purged = purge_links()
        sessions = purge_sessions(timedelta(days=PURGE_AFTER_DAYS))
        invitations = ngettext("%(num)d Einladung", "%(num)d Einladungen", purged.invitations)
        resets = ngettext("%(num)d Link zum Zurücksetzen", "%(num)d Links zum Zurücksetzen", purged.resets)
        logins = ngettext("%(num)d beendete Anmeldung", "%(num)d beendete Anmeldungen", sessions)
    click.echo(
        f"Gelöscht: {invitations}, {resets} und {logins}, die seit mehr als {PURGE_AFTER_DAYS} Tagen "
        "abgelaufen, zurückgezogen, verwendet oder beendet sind."
    )


@main.group()
def municipalities() -> None:
    """Kommunen aus dem amtlichen Gemeindeverzeichnis (Destatis GV100AD)."""


@municipalities.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--land", default=None, help="nur dieses Land, zweistelliger Schlüssel (Hessen: 06)")
def municipalities_import(file: str, land: str | None) -> None:
    """Import or update municipalities from a GV100AD file or a CSV of the same fields."""
    from digicheck.municipalities import upsert
    from digicheck.register import RegisterError, read_register

    if land is not None and (len(land) != 2 or not land.isdigit()):
        raise CliError(f"--land erwartet einen zweistelligen Landesschlüssel wie 06, nicht '{land}'")
    try:
        register = read_register(file, land=land)
    except RegisterError as exc:
        raise CliError(str(exc)) from None
    if not register.entries:
        raise CliError(f"{file}: keine Kommunen gefunden" + (f" für Land {land}" if land else ""))
    from sqlalchemy.exc import DBAPIError

    with app_context():
        try:
            counts = upsert(register.entries, register.gebietsstand, land=land)
        except DBAPIError as exc:  # one transaction: nothing of the file is stored
            raise CliError(
                f"{file}: Datenbank hat den Import abgelehnt, nichts gespeichert ({str(exc.orig).strip().splitlines()[0]})"
            ) from None
    click.echo(
        f"{len(register.entries)} Einträge gelesen: {counts.new} neu, {counts.updated} aktualisiert, "
        f"{counts.unchanged} unverändert, {counts.merged} als fusioniert markiert, "
        f"{counts.left} nicht mehr im Verzeichnis; {register.skipped_gemeindefrei} gemeindefreie Gebiete übersprungen."
    )
    click.echo(register.attribution)


@municipalities.command("show")
@click.argument("ags")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def municipalities_show(ags: str, fmt: str) -> None:
    """Print one municipality by its AGS (8 digits; Landkreise 5 digits)."""
    import json

    from digicheck.municipalities import by_ags, register_fields
    from digicheck.register import ATTRIBUTION

    with app_context():
        row = by_ags(ags)
        if row is None:
            raise CliError(f"keine Kommune mit AGS {ags}")
        data = {
            **register_fields(row),
            "merged_into": row.merged_into.ags if row.merged_into else None,
            "source": ATTRIBUTION,
        }
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{data['name']} ({data['kind']}), AGS {data['ags']}")
    click.echo(f"Kreis {data['kreis']}, Regierungsbezirk {data['regierungsbezirk']}, {data['population']} Einwohner")
    if data["merged_into"]:
        click.echo(f"fusioniert in AGS {data['merged_into']}")
    click.echo(ATTRIBUTION)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Run the development server (production: gunicorn 'digicheck.app:create_app()')."""
    app = make_app()
    app.run(host=host, port=port, debug=False, use_reloader=False)
