"""A consultant with DIGICHECK_REQUIRE_2FA in a real Chromium: the first login leads to the
enrolment, the key is read off the page into an "app" (pyotp), the recovery codes are shown
once; the next login asks for a code, which the test computes. axe checks enrolment and code pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, World
from tests.e2e.conftest import AxeAudit
from tests.e2e.test_questionnaire_flow import log_in


@pytest.fixture
def require_2fa(app: Any) -> Iterator[None]:
    app.config["REQUIRE_2FA"] = True
    yield
    app.config.pop("REQUIRE_2FA", None)


def test_consultant_enrols_then_logs_in_with_a_computed_code(page: Page, world: World, axe: AxeAudit, require_2fa: None) -> None:
    page.goto("/anmelden")
    log_in(page, world.berater.email)
    expect(page).to_have_url(re.compile(r"/konto/zweiter-faktor$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Zweiten Faktor einrichten")
    page.goto("/beratung/")  # no way around it
    expect(page).to_have_url(re.compile(r"/konto/zweiter-faktor$"))
    expect(page.get_by_role("img", name="QR-Code für die Authenticator-App")).to_be_visible()
    axe.check(page, "Einrichtung")

    totp = pyotp.TOTP(page.locator("#totp-secret").inner_text().replace(" ", ""))
    page.get_by_label("Sechsstelliger Code aus der App").fill("000000")
    page.get_by_label("Ihr Passwort (zur Bestätigung)").fill(PASSWORD)
    page.get_by_role("button", name="Zweiten Faktor einrichten").click()
    expect(page.get_by_role("alert")).to_contain_text("Der Code stimmt nicht.")
    axe.check(page, "Einrichtung mit Fehler")
    page.get_by_label("Sechsstelliger Code aus der App").fill(totp.now())
    page.get_by_label("Ihr Passwort (zur Bestätigung)").fill(PASSWORD)
    page.get_by_role("button", name="Zweiten Faktor einrichten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zweiter Faktor eingerichtet")
    expect(page.locator("#wiederherstellungscodes li")).to_have_count(10)
    axe.check(page, "Wiederherstellungscodes")
    page.get_by_role("link", name="Ich habe die Codes gesichert").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sicherheit Ihres Kontos")
    expect(page.locator("table tbody tr")).to_have_count(1)
    axe.check(page, "Sicherheit")

    page.get_by_role("button", name=re.compile("^Abmelden")).click()
    log_in(page, world.berater.email)
    expect(page).to_have_url(re.compile(r"/anmelden/code$"))
    field = page.get_by_label("Code aus der Authenticator-App oder Wiederherstellungscode")
    field.fill("123456")
    page.get_by_role("button", name="Anmelden", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Der Code stimmt nicht oder wurde schon verwendet.")
    axe.check(page, "Code-Schritt")
    page.get_by_label("Code aus der Authenticator-App oder Wiederherstellungscode").fill(totp.now())
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Beratung").click()
    expect(page).to_have_url(re.compile(r"/beratung/$"))
    assert axe.clean, axe.report()
