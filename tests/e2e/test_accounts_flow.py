"""Account lifecycle in a real Chromium: an admin creates a password reset link, the person opens it
in their own browser, sets a new password and logs in; the admin then deletes that account and
the person's open session ends with a clear message. axe-core checks every page on the way."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.conftest import World
from tests.e2e.conftest import AxeAudit, LiveServer
from tests.e2e.test_questionnaire_flow import log_in

SHOTS = Path("/tmp/e2e-shots")
NEW_PASSWORD = "Fachwerk-Rathaus-2026"


def test_reset_link_then_deletion(page: Page, chromium: Browser, live_server: LiveServer, axe: AxeAudit, world: World) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.goto("/anmelden")
    expect(page.get_by_role("heading", name="Passwort vergessen?")).to_be_visible()
    log_in(page, world.admin.email)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Konten").click()
    page.get_by_role("button", name=f"Link zum Zurücksetzen des Passworts erstellen: {world.kommune.email}").click()
    box = page.get_by_role("status").filter(has_text="Link zum Zurücksetzen des Passworts erstellt")
    expect(box).to_be_visible()
    expect(page.get_by_role("button", name="Link kopieren")).to_be_visible()
    link = page.locator("#ruecksetzlink").inner_text().strip()
    assert link.startswith(f"{live_server.url}/passwort-zuruecksetzen/")
    axe.check(page, "Konten mit Link")
    page.screenshot(path=str(SHOTS / "konten-ruecksetzlink.png"), full_page=True)
    page.reload()
    expect(page.locator("#ruecksetzlink")).to_have_count(0)  # shown once

    person = chromium.new_context(base_url=live_server.url, locale="de-DE")
    try:
        own = person.new_page()
        own.goto(link)
        expect(own.get_by_role("heading", level=1)).to_have_text("Neues Passwort setzen")
        axe.check(own, "Neues Passwort setzen")
        own.get_by_label("Neues Passwort (mindestens 10 Zeichen)").fill(NEW_PASSWORD)
        own.get_by_label("Neues Passwort wiederholen").fill(NEW_PASSWORD)
        own.get_by_role("button", name="Passwort setzen").click()
        expect(own.get_by_text("Ihr neues Passwort ist gesetzt")).to_be_visible()
        log_in(own, world.kommune.email, NEW_PASSWORD)
        expect(own.get_by_role("button", name="Abmelden (Hauptamt Erbach)")).to_be_visible()
        own.goto(link.replace(live_server.url, ""))
        expect(own.get_by_role("heading", level=1)).to_have_text("Link zum Zurücksetzen nicht nutzbar")
        expect(own.get_by_text("bereits verwendet")).to_be_visible()
        axe.check(own, "Link verbraucht")

        page.get_by_role("link", name=f"Konto löschen: {world.kommune.email}").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Konto löschen")
        axe.check(page, "Konto löschen")
        page.screenshot(path=str(SHOTS / "konto-loeschen.png"), full_page=True)
        page.get_by_role("button", name="Konto endgültig löschen").click()
        expect(page.get_by_text(f"Das Konto {world.kommune.email} ist gelöscht")).to_be_visible()
        expect(page.get_by_role("cell", name=world.kommune.email, exact=True)).to_have_count(0)

        own.goto("/")
        expect(own.get_by_role("heading", level=1)).to_have_text("Ihr Konto wurde gelöscht")
        axe.check(own, "Konto gelöscht")
        own.screenshot(path=str(SHOTS / "konto-geloescht.png"), full_page=True)
        own.goto("/")
        expect(own.get_by_role("heading", level=1)).to_have_text("Anmelden")
    finally:
        person.close()
    assert axe.clean, axe.report()
