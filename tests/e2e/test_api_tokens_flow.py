"""API tokens and the analyst in a real Chromium: an admin creates a token (shown once, then gone),
sees it in the list and revokes it after a confirmation; an analyst logs in, lands on the benchmark
and finds nothing else in the navigation. axe-core checks every page on the way."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from digicheck.accounts import tokens
from digicheck.extensions import db
from digicheck.models import ApiToken
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import AxeAudit, LiveServer
from tests.e2e.test_questionnaire_flow import log_in

SHOTS = Path("/tmp/e2e-shots")


def test_admin_creates_and_revokes_a_token(page: Page, live_server: LiveServer, axe: AxeAudit, world: World) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.goto("/anmelden")
    log_in(page, world.admin.email)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="API-Tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API-Tokens")
    expect(page.get_by_text("Es gibt noch keine API-Tokens.")).to_be_visible()
    axe.check(page, "API-Tokens leer")

    page.get_by_role("button", name="Token erstellen").click()  # without a name
    expect(page.get_by_role("alert")).to_contain_text("Bitte füllen Sie dieses Feld aus.")
    axe.check(page, "API-Tokens mit Fehler")
    page.get_by_label("Name (wofür der Token ist").fill("BI-System des Landes")
    page.get_by_label("Rolle").select_option(label="Analyse (Land)")
    page.get_by_label("Gültigkeit in Tagen (1 bis 3650)").fill("90")
    page.get_by_role("button", name="Token erstellen").click()

    expect(page.get_by_role("heading", name="Token „BI-System des Landes“ – nur jetzt sichtbar")).to_be_visible()
    expect(page.get_by_role("button", name="Token kopieren")).to_be_visible()
    raw = page.locator("#api-token").inner_text().strip()
    axe.check(page, "API-Token erstellt")
    page.screenshot(path=str(SHOTS / "api-token-erstellt.png"), full_page=True)
    db.session.expire_all()
    assert tokens.authenticate(raw) is not None
    db.session.rollback()  # its note of the last use would hold SQLite's write lock while the browser goes on

    page.reload()  # shown once: the reload leads back to the list
    expect(page.get_by_role("heading", level=1)).to_have_text("API-Tokens")
    expect(page.locator("#api-token")).to_have_count(0)
    row = page.get_by_role("row").filter(has_text="BI-System des Landes")
    expect(row).to_contain_text(raw[:10])
    expect(row).to_contain_text("gültig")
    expect(row).not_to_contain_text(raw[10:])

    row.get_by_role("link", name="Token BI-System des Landes widerrufen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API-Token widerrufen")
    axe.check(page, "API-Token widerrufen")
    page.get_by_role("button", name="Token endgültig widerrufen").click()
    expect(page.get_by_text("Der Token „BI-System des Landes“ ist widerrufen")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="BI-System des Landes")).to_contain_text("widerrufen am")
    axe.check(page, "API-Tokens mit widerrufenem Token")
    db.session.expire_all()
    assert db.session.scalars(db.select(ApiToken)).one().revoked_at is not None
    assert tokens.authenticate(raw) is None
    assert axe.clean, axe.report()


def test_the_analyst_sees_the_benchmark_only(page: Page, live_server: LiveServer, axe: AxeAudit, world: World, analyst) -> None:
    page.goto("/anmelden")
    log_in(page, analyst.email, PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/benchmark/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Benchmark")
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    expect(nav.get_by_role("link")).to_have_text(["Benchmark", "Passwort", "Sicherheit"])
    expect(page.get_by_role("button", name="Abmelden (Analyse Land)")).to_be_visible()
    axe.check(page, "Benchmark für die Analyse (Land)")
    assert axe.clean, axe.report()


def test_admin_binds_a_consultant_token_to_a_consultant(page: Page, live_server: LiveServer, axe: AxeAudit, world: World) -> None:
    page.goto("/anmelden")
    log_in(page, world.admin.email)
    page.goto("/verwaltung/api-tokens/")
    page.get_by_label("Name (wofür der Token ist").fill("Planung der Beratung")
    page.get_by_label("Rolle").select_option(label="Beratung")
    page.get_by_role("button", name="Token erstellen").click()  # no consultant chosen
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("bitte wählen Sie eines")
    axe.check(page, "API-Token Beratung ohne Konto")
    summary.get_by_role("link").click()  # the summary leads to the field
    expect(page.get_by_label("Beratungskonto (nur für Tokens der Beratung)")).to_be_focused()
    expect(page.get_by_label("Name (wofür der Token ist")).to_have_value("Planung der Beratung")  # nothing typed is lost

    options = page.get_by_label("Beratungskonto (nur für Tokens der Beratung)").locator("option")
    expect(options).to_have_text(["kein Konto (Analyse, IT-Dienstleister)", "Beraterin (berater@ekom.test)"])
    page.get_by_label("Beratungskonto (nur für Tokens der Beratung)").select_option(label="Beraterin (berater@ekom.test)")
    page.get_by_role("button", name="Token erstellen").click()
    expect(page.get_by_role("heading", name="Token „Planung der Beratung“ – nur jetzt sichtbar")).to_be_visible()
    expect(page.get_by_text("Beraterin (berater@ekom.test)")).to_be_visible()
    axe.check(page, "API-Token Beratung erstellt")
    page.get_by_role("link", name="Zurück zu den API-Tokens").click()
    expect(page.get_by_role("row").filter(has_text="Planung der Beratung")).to_contain_text("Beraterin")
    db.session.expire_all()
    assert db.session.scalars(db.select(ApiToken)).one().user_id == world.berater.id
    db.session.rollback()
    assert axe.clean, axe.report()
