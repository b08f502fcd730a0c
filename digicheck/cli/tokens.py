"""`digicheck token create | list | revoke`: API tokens from the command line, through the same
functions as the administration's pages (digicheck.accounts.tokens)."""

from __future__ import annotations

import click

from digicheck.cli.base import CliError, app_context, main

ROLES = ("analyst", "consultant", "provider")


@main.group("token")
def token_group() -> None:
    """API-Tokens (für das BI-System des Landes, die Planung der Beratung, den IT-Dienstleister)."""


@token_group.command("create")
@click.option("--role", required=True, help="analyst, consultant oder provider")
@click.option("--name", required=True, help="wofür der Token ist (höchstens 80 Zeichen)")
@click.option("--user", "email", default=None, help="E-Mail-Adresse des Beratungskontos, für das ein consultant-Token handelt")
@click.option("--days", default="365", show_default=True, help="Gültigkeit in Tagen (1 bis 3650)")
def token_create(role: str, name: str, email: str | None, days: str) -> None:
    """Create a token and print it once (only its hash is stored)."""
    from digicheck import timefmt
    from digicheck.accounts.services import find_user
    from digicheck.accounts.tokens import MAX_DAYS, TokenError, create_token
    from digicheck.models import TokenRole

    if role not in ROLES:
        raise CliError(f"unbekannte Rolle {role[:40]!r}; erlaubt sind {', '.join(ROLES)}")
    if not days.strip().isdigit() or len(days.strip()) > 4:
        raise CliError(f"--days {days[:20]!r} ist keine ganze Zahl von Tagen (1 bis {MAX_DAYS})")
    with app_context():
        user = None
        if email is not None:
            user = find_user(email)
            if user is None:
                raise CliError(f"kein Konto mit der E-Mail-Adresse {email[:80]!r}")
        try:
            token, raw = create_token(name, TokenRole(role), user=user, days=int(days))
        except TokenError as exc:
            raise CliError(str(exc) + (" (--user E-MAIL)" if exc.field == "user" else "")) from None
        account = f", für {user.name} ({user.email})" if user is not None else ""
        summary = (
            f"Token {token.id} „{token.name}“ ({token.role.label}{account}), gültig bis {timefmt.local_datetime(token.expires_at)} Uhr."
        )
    click.echo(raw)
    click.echo(summary + " Er wird nur jetzt angezeigt; gespeichert ist nur ein Prüfwert.", err=True)


@token_group.command("list")
def token_list() -> None:
    """Every token: id, status, role, name, created, valid until, last use (no secrets)."""
    from digicheck import timefmt
    from digicheck.accounts.tokens import all_tokens
    from digicheck.models._time import utcnow

    with app_context():
        now = utcnow()
        rows = [
            "\t".join(
                (
                    str(t.id),
                    t.status(now),
                    t.role.value,
                    t.prefix + "…",
                    t.name,
                    f"für {t.user.email}" if t.user else "–",
                    f"erstellt {timefmt.local_datetime(t.created_at)}",
                    f"gültig bis {timefmt.local_datetime(t.expires_at)}",
                    f"zuletzt genutzt {timefmt.local_datetime(t.last_used_at)}" if t.last_used_at else "noch nie genutzt",
                )
            )
            for t in all_tokens()
        ]
    click.echo("\n".join(rows) if rows else "Keine API-Tokens.")


@token_group.command("revoke")
@click.argument("token_id")
def token_revoke(token_id: str) -> None:
    """Revoke a token by its id (see `digicheck token list`)."""
    from digicheck.accounts.tokens import revoke
    from digicheck.extensions import db
    from digicheck.models import ApiToken

    if not token_id.isdigit() or len(token_id) > 18:
        raise CliError(f"{token_id[:20]!r} ist keine Token-Nummer (siehe 'digicheck token list')")
    with app_context():
        token = db.session.get(ApiToken, int(token_id))
        if token is None:
            raise CliError(f"kein API-Token mit der Nummer {token_id}")
        if token.revoked_at is not None:
            raise CliError(f"der API-Token {token_id} „{token.name}“ ist bereits widerrufen")
        revoke(token)
        name = token.name
    click.echo(f"API-Token {token_id} „{name}“ widerrufen; Anfragen damit werden ab sofort abgelehnt.")
