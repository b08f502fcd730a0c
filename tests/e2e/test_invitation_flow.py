"""Creating an invitation in a real Chromium: a double click and a reload keep the link just shown
valid; the invited person opens it in a browser of their own and sets up the account."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.conftest import World
from tests.e2e.conftest import AxeAudit, LiveServer
from tests.e2e.test_questionnaire_flow import log_in

SHOTS = Path("/tmp/e2e-shots")
INVITED = "neu@erbach.example.org"
PASSWORD = "Fachwerk-Rathaus-2026"


def test_double_click_and_reload_keep_the_link_valid(
    page: Page, chromium: Browser, live_server: LiveServer, axe: AxeAudit, world: World
) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/anmelden")
    log_in(page, world.admin.email)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Einladungen").click()
    page.get_by_label("E-Mail-Adresse der eingeladenen Person").fill(INVITED)
    page.get_by_label("Rolle").select_option(label="Kommune")
    page.get_by_label("Kommune (nur für Kommune-Konten)").select_option(label="Erbach (Stadt, AGS 06437006)")
    sent = page.evaluate("() => Object.fromEntries(new FormData(document.querySelector('form.narrow')))")
    page.get_by_role("button", name="Einladung erstellen").dblclick()

    box = page.get_by_role("status").filter(has_text=f"Einladungslink für {INVITED}")
    expect(box).to_be_visible()
    link = page.locator("#einladungslink").inner_text().strip()
    assert link.startswith(f"{live_server.url}/einladung/")
    # Chromium sends a double click's form once; a slower browser or a resent POST sends it twice
    again = page.request.post("/verwaltung/einladungen", form=sent, max_redirects=0)
    assert again.status == 302
    page.reload()
    expect(box).to_contain_text("Das Formular kam ein zweites Mal an")
    assert page.locator("#einladungslink").inner_text().strip() == link
    expect(page.get_by_label("E-Mail-Adresse der eingeladenen Person")).to_have_value("")  # the form is empty again
    page.get_by_role("button", name="Link kopieren").click()
    expect(page.get_by_text("Der Link ist in der Zwischenablage.")).to_be_visible()
    assert page.evaluate("() => navigator.clipboard.readText()") == link
    rows = page.locator("table tbody tr").filter(has_text=INVITED)
    expect(rows).to_have_count(1)  # the double click made one invitation
    expect(rows).to_contain_text("offen bis")
    axe.check(page, "Einladung erstellt")
    page.screenshot(path=str(SHOTS / "einladung-erstellt.png"), full_page=True)

    page.reload()
    expect(page.locator("#einladungslink")).to_have_count(0)  # shown once
    expect(page.locator("table tbody tr").filter(has_text=INVITED)).to_contain_text("offen bis")

    person = chromium.new_context(base_url=live_server.url, locale="de-DE")
    try:
        own = person.new_page()
        own.goto(link)
        expect(own.get_by_role("heading", level=1)).to_contain_text("Einladung")
        own.get_by_label("Ihr Name").fill("Neue Kollegin")
        own.get_by_label("Passwort (mindestens 10 Zeichen)").fill(PASSWORD)
        own.get_by_label("Passwort wiederholen").fill(PASSWORD)
        own.get_by_role("button", name="Konto einrichten").click()
        expect(own.get_by_role("button", name="Abmelden (Neue Kollegin)")).to_be_visible()
    finally:
        person.close()

    # a second invitation to another address with a fresh form, then again to the first: announced
    page.get_by_label("E-Mail-Adresse der eingeladenen Person").fill("zweite@erbach.example.org")
    page.get_by_label("Kommune (nur für Kommune-Konten)").select_option(label="Erbach (Stadt, AGS 06437006)")
    page.get_by_role("button", name="Einladung erstellen").click()
    expect(page.get_by_role("status").filter(has_text="Einladungslink für zweite@erbach.example.org")).to_be_visible()
    page.get_by_label("E-Mail-Adresse der eingeladenen Person").fill("zweite@erbach.example.org")
    page.get_by_label("Kommune (nur für Kommune-Konten)").select_option(label="Erbach (Stadt, AGS 06437006)")
    page.get_by_role("button", name="Einladung erstellen").click()
    expect(page.locator(".flash-warning")).to_have_text(
        "Eine ältere offene Einladung an zweite@erbach.example.org ist zurückgezogen; ihr Link gilt nicht mehr."
    )
    axe.check(page, "Ältere Einladung zurückgezogen")
    assert axe.clean, axe.report()
