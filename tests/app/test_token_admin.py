"""API tokens in the administration: create (the token shown once), list with local times, revoke
after a confirmation; bad input keeps what was typed; and the same through `digicheck token`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from digicheck.accounts import tokens
from digicheck.extensions import db
from digicheck.models import ApiToken, Role, TokenRole
from tests.app.test_cli_web import fresh_sqlite, run  # noqa: F401 - fresh_sqlite is a fixture
from tests.app.test_logging import Stdout, audit_lines, stdout  # noqa: F401 - fixture
from tests.conftest import Browser, World, add_user

PAGE = "/verwaltung/api-tokens/"
RAW = re.compile(r'id="api-token">(dc_[A-Za-z0-9_-]+)<')


def admin_browser(make_browser, world: World) -> Browser:
    admin = make_browser()
    admin.login(world.admin)
    return admin


def test_a_token_is_shown_once_and_then_works(make_browser, world: World, stdout: Stdout) -> None:  # noqa: F811
    admin = admin_browser(make_browser, world)
    response = admin.post(PAGE, {"name": "BI-System des Landes", "role": "analyst", "days": "30"}, token_from=PAGE)
    assert response.status_code == 302 and response.location.endswith("/verwaltung/api-tokens/neu")

    page = admin.get("/verwaltung/api-tokens/neu").get_data(as_text=True)
    assert "nur jetzt sichtbar" in page and "Analyse (Land)" in page
    raw = RAW.search(page).group(1)  # type: ignore[union-attr]
    used = tokens.authenticate(raw)
    assert used is not None and used.role is TokenRole.ANALYST
    token = db.session.get(ApiToken, used.id)
    assert token is not None and token.created_by_id == world.admin.id
    assert timedelta(days=29, hours=23) < token.expires_at - token.created_at <= timedelta(days=30)

    again = admin.get("/verwaltung/api-tokens/neu")
    assert again.status_code == 302
    listing = admin.get(PAGE).get_data(as_text=True)
    assert raw not in listing and raw[10:] not in listing
    assert "nicht noch einmal anzeigen" in listing
    assert "BI-System des Landes" in listing and f"<code>{raw[:10]}…</code>" in listing and "von Admin" in listing
    [created] = stdout.audits("api_token_created")
    assert (created["token_id"], created["token_role"], created["user_id"]) == (token.id, "analyst", world.admin.id)
    assert raw[10:] not in stdout.raw


def test_the_list_shows_local_times_and_status(make_browser, world: World) -> None:
    token, _ = tokens.create_token("Buchung", TokenRole.PROVIDER, created_by=world.admin)
    token.created_at = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)  # summer time: 2.7. 00:30 in Hesse
    token.last_used_at = datetime(2026, 12, 1, 23, 15, tzinfo=UTC)  # winter time: 2.12. 00:15
    old, _ = tokens.create_token("Alt", TokenRole.CONSULTANT, user=world.berater)
    old.expires_at = datetime(2026, 1, 1, tzinfo=UTC)
    revoked, _ = tokens.create_token("Weg", TokenRole.ANALYST)
    tokens.revoke(revoked)
    admin = admin_browser(make_browser, world)
    html = admin.get(PAGE).get_data(as_text=True)
    rows = {name: html[html.index(f"<tr><td>{name}</td>") :].split("</tr>")[0] for name in ("Buchung", "Alt", "Weg")}
    assert "02.07.2026, 00:30" in rows["Buchung"] and "02.12.2026, 00:15" in rows["Buchung"] and "gültig" in rows["Buchung"]
    assert "IT-Dienstleister" in rows["Buchung"] and "Widerrufen …" in rows["Buchung"]
    assert "abgelaufen" in rows["Alt"] and "noch nie" in rows["Alt"] and "Widerrufen" not in rows["Alt"]
    assert "widerrufen am" in rows["Weg"]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": "", "role": "analyst", "days": "365"}, "Bitte füllen Sie dieses Feld aus."),
        ({"name": "x" * 81, "role": "analyst", "days": "365"}, "Höchstens 80 Zeichen."),
        ({"name": "BI", "role": "kommune", "days": "365"}, "Rolle"),
        ({"name": "BI", "role": "analyst", "days": "ein Jahr"}, "ganze Zahl von Tagen"),
        ({"name": "BI", "role": "analyst", "days": "0"}, "zwischen 1 und 3650 Tagen"),
        ({"name": "BI", "role": "analyst", "days": "9999"}, "zwischen 1 und 3650 Tagen"),
    ],
)
def test_bad_input_is_a_german_400_that_keeps_what_was_typed(make_browser, world: World, form: dict[str, str], message: str) -> None:
    admin = admin_browser(make_browser, world)
    response = admin.post(PAGE, form, token_from=PAGE)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Bitte prüfen Sie Ihre Eingaben" in html and message in html
    if form["name"]:
        assert f'value="{form["name"]}"' in html
    assert db.session.scalars(db.select(ApiToken)).all() == []


def test_a_consultant_token_is_bound_to_a_consultant_chosen_from_the_consultants_only(make_browser, world: World) -> None:
    from digicheck.accounts.services import set_active

    locked = add_user("alt@ekom.test", "Gesperrte Beraterin", Role.BERATER)
    set_active(locked, False, world.admin)
    db.session.commit()
    admin = admin_browser(make_browser, world)
    page = admin.get(PAGE).get_data(as_text=True)
    field = page[page.index('name="user"') : page.index("</select>", page.index('name="user"'))]
    # the active consultants only: no admin, Kommune, analyst or locked account
    assert f'value="{world.berater.id}">Beraterin (berater@ekom.test)</option>' in field
    assert field.count("<option") == 2 and "Admin" not in field and "Gesperrte" not in field
    assert '<label for="user">Beratungskonto (nur für Tokens der Beratung)</label>' in page

    made = admin.post(PAGE, {"name": "Planung", "role": "consultant", "user": str(world.berater.id), "days": "365"}, token_from=PAGE)
    assert made.status_code == 302
    issued = admin.get("/verwaltung/api-tokens/neu").get_data(as_text=True)
    assert "<dt>Beratungskonto</dt><dd>Beraterin (berater@ekom.test)</dd>" in issued
    used = tokens.authenticate(RAW.search(issued).group(1))  # type: ignore[union-attr]
    assert used is not None and used.user_id == world.berater.id
    assert db.session.get(ApiToken, used.id).created_by_id == world.admin.id  # type: ignore[union-attr]
    row = admin.get(PAGE).get_data(as_text=True).split("<tr><td>Planung</td>")[1].split("</tr>")[0]
    assert "<td>Beratung</td><td>Beraterin</td>" in row


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": "Planung", "role": "consultant", "user": ""}, "handelt für ein Beratungskonto: bitte wählen Sie eines"),
        ({"name": "Buchung", "role": "provider", "user": "berater"}, "Nur ein Token der Rolle Beratung"),
        ({"name": "Planung", "role": "consultant", "user": "admin"}, "Keine gültige Auswahl"),  # not offered: a forged form
    ],
)
def test_a_consultant_token_without_a_consultant_is_refused(make_browser, world: World, form: dict[str, str], message: str) -> None:
    ids = {"": "", "berater": str(world.berater.id), "admin": str(world.admin.id)}
    admin = admin_browser(make_browser, world)
    response = admin.post(PAGE, form | {"user": ids[form["user"]], "days": "365"}, token_from=PAGE)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Bitte prüfen Sie Ihre Eingaben" in html and message in html
    assert 'href="#user"' in html and f'value="{form["name"]}"' in html
    assert db.session.scalars(db.select(ApiToken)).all() == []


def test_without_csrf_nothing_is_created(make_browser, world: World) -> None:
    admin = admin_browser(make_browser, world)
    response = admin.post(PAGE, {"name": "BI", "role": "analyst", "days": "365"}, csrf=False)
    assert response.status_code == 400
    assert db.session.scalars(db.select(ApiToken)).all() == []


def test_revoking_asks_first_and_then_the_token_is_refused(make_browser, world: World, stdout: Stdout) -> None:  # noqa: F811
    token, raw = tokens.create_token("Planung", TokenRole.CONSULTANT, created_by=world.admin, user=world.berater)
    admin = admin_browser(make_browser, world)
    url = f"/verwaltung/api-tokens/{token.id}/widerrufen"
    confirm = admin.get(url).get_data(as_text=True)
    assert "Token endgültig widerrufen" in confirm and "Planung" in confirm
    assert tokens.authenticate(raw) is not None  # looking at the question changes nothing

    response = admin.post(url, token_from=url)
    assert response.status_code == 302
    assert "ist widerrufen" in admin.get(PAGE).get_data(as_text=True)
    assert [line["token_id"] for line in stdout.audits("api_token_revoked")] == [token.id]
    db.session.expire_all()
    assert tokens.authenticate(raw) is None
    assert "bereits widerrufen" in admin.get(url).get_data(as_text=True)
    assert admin.get("/verwaltung/api-tokens/999/widerrufen").status_code == 404


def test_only_admins_reach_the_tokens(make_browser, world: World, analyst) -> None:
    for user in (world.berater, world.kommune, analyst):
        browser = make_browser()
        browser.login(user)
        assert "API-Tokens" not in browser.get("/benchmark/").get_data(as_text=True)
        assert browser.get(PAGE).status_code == 403
    admin = admin_browser(make_browser, world)
    assert 'href="/verwaltung/api-tokens/">API-Tokens</a>' in admin.get("/benchmark/").get_data(as_text=True)


# the command line, on a database migrated by `digicheck db upgrade`


@pytest.fixture
def cli_database(fresh_sqlite: str) -> str:  # noqa: F811
    assert run("db", "upgrade").exit_code == 0
    return fresh_sqlite


def test_cli_creates_lists_and_revokes(cli_database: str) -> None:
    created = run("token", "create", "--role", "provider", "--name", "Buchungssystem", "--days", "90")
    assert created.exit_code == 0
    raw = created.stdout.strip()
    assert re.fullmatch(r"dc_[A-Za-z0-9_-]{43}", raw)  # alone on stdout: TOKEN=$(digicheck token create …)
    assert "nur jetzt angezeigt" in created.stderr and "IT-Dienstleister" in created.stderr
    # audited as from the page, the log line on stderr, never the secret
    assert [(line["event"], line["token_id"], line["token_role"]) for line in audit_lines(created.stderr)] == [
        ("api_token_created", 1, "provider")
    ]
    assert raw[10:] not in created.stderr

    listed = run("token", "list")
    assert listed.exit_code == 0
    [line] = listed.stdout.strip().splitlines()
    assert line.startswith("1\tgültig\tprovider\t" + raw[:10] + "…\tBuchungssystem") and "noch nie genutzt" in line
    assert raw not in listed.stdout

    revoked = run("token", "revoke", "1")
    assert revoked.exit_code == 0 and "widerrufen" in revoked.stdout
    assert [(line["event"], line["token_id"]) for line in audit_lines(revoked.stderr)] == [("api_token_revoked", 1)]
    assert "\twiderrufen\t" in run("token", "list").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["token", "create", "--role", "kommune", "--name", "X"], "unbekannte Rolle 'kommune'; erlaubt sind analyst, consultant, provider"),
        (["token", "create", "--role", "analyst", "--name", "  "], "Namen"),
        (["token", "create", "--role", "analyst", "--name", "x" * 81], "höchstens 80 Zeichen"),
        (["token", "create", "--role", "analyst", "--name", "BI", "--days", "viele"], "keine ganze Zahl von Tagen"),
        (["token", "create", "--role", "analyst", "--name", "BI", "--days", "0"], "zwischen 1 und 3650 Tagen"),
        (["token", "revoke", "abc"], "keine Token-Nummer"),
        (["token", "revoke", "7"], "kein API-Token mit der Nummer 7"),
    ],
)
def test_cli_bad_input_is_one_german_line(cli_database: str, args: list[str], message: str) -> None:
    result = run(*args)
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1 and lines[0].startswith("Fehler: ") and message in lines[0]
    assert result.stdout == "" and "Traceback" not in result.output
    assert run("token", "list").stdout.strip() == "Keine API-Tokens."


def test_cli_binds_a_consultant_token_to_a_consultant(cli_database: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(cli_database)
    with engine.begin() as connection:
        for email, name, role in (("berater@ekom.test", "Beraterin", "berater"), ("hauptamt@erbach.test", "Hauptamt", "kommune")):
            connection.execute(
                text(
                    "INSERT INTO users (email, name, password_hash, role, active, session_epoch, created_at) "
                    "VALUES (:email, :name, '!', :role, true, 0, CURRENT_TIMESTAMP)"
                ),
                {"email": email, "name": name, "role": role},
            )
    engine.dispose()
    for args, message in (
        ([], "handelt für ein Beratungskonto: bitte wählen Sie eines. (--user E-MAIL)"),
        (["--user", "niemand@ekom.test"], "kein Konto mit der E-Mail-Adresse 'niemand@ekom.test'"),
        (["--user", "hauptamt@erbach.test"], "kein aktives Beratungskonto"),
    ):
        refused = run("token", "create", "--role", "consultant", "--name", "Planung", *args)
        assert refused.exit_code == 1 and message in refused.stderr and refused.stdout == ""
    provider = run("token", "create", "--role", "provider", "--name", "Buchung", "--user", "berater@ekom.test")
    assert provider.exit_code == 1 and "Nur ein Token der Rolle Beratung" in provider.stderr
    assert run("token", "list").stdout.strip() == "Keine API-Tokens."

    created = run("token", "create", "--role", "consultant", "--name", "Planung", "--user", "Berater@EKOM.test ")
    assert created.exit_code == 0 and "für Beraterin (berater@ekom.test)" in created.stderr
    [line] = run("token", "list").stdout.strip().splitlines()
    assert "\tconsultant\t" in line and "\tPlanung\tfür berater@ekom.test\t" in line


def test_cli_refuses_revoking_twice(cli_database: str) -> None:
    run("token", "create", "--role", "analyst", "--name", "BI")
    assert run("token", "revoke", "1").exit_code == 0
    again = run("token", "revoke", "1")
    assert again.exit_code == 1 and "bereits widerrufen" in again.stderr
