"""The legal pages in a real Chromium: reached from the footer of the login page, the operator's
own text shown once it is in the instance folder, axe-core on every page; and the page fixture's
CSP watch really catches a script the policy blocks."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import CSP_LISTENER, AxeAudit, LiveServer, is_csp_violation

FOOTER = {"Impressum": "Impressum", "Datenschutz": "Datenschutzerklärung", "Barrierefreiheit": "Erklärung zur Barrierefreiheit"}


@pytest.fixture
def legal_dir(app: Any) -> Iterator[Path]:
    folder = Path(app.instance_path) / "legal"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_footer_links_lead_to_the_legal_pages(page: Page, axe: AxeAudit, legal_dir: Path) -> None:
    page.goto("/anmelden")
    footer = page.get_by_role("navigation", name="Rechtliche Hinweise")
    for link, title in FOOTER.items():
        page.goto("/anmelden")
        footer.get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        expect(page).to_have_title(f"{title} – Digi-Check Kommunen")
        expect(page.locator(".legal-text")).to_contain_text("[BETREIBER:")  # the shipped template
        axe.check(page, title)
    expect(page.get_by_role("heading", name="Durchsetzungsverfahren", level=2)).to_be_visible()
    assert axe.clean, axe.report()


def test_the_operators_text_is_shown(page: Page, axe: AxeAudit, legal_dir: Path) -> None:
    (legal_dir / "impressum.md").write_text(
        "# Anbieter\n\nKreisstadt Erbach, Neckarstraße 3, 64711 Erbach\n\n"
        "# Kontakt\n\n- E-Mail: <digitalisierung@erbach.example>\n- Web: [erbach.example](https://erbach.example)\n\n"
        "<script>document.title = 'gekapert'</script>\n",
        encoding="utf-8",
    )
    page.goto("/anmelden")
    page.get_by_role("navigation", name="Rechtliche Hinweise").get_by_role("link", name="Impressum").click()
    text = page.locator(".legal-text")
    expect(text.get_by_role("heading", name="Anbieter", level=2)).to_be_visible()
    expect(text).to_contain_text("Kreisstadt Erbach, Neckarstraße 3, 64711 Erbach")
    expect(text.get_by_role("link", name="digitalisierung@erbach.example")).to_have_attribute(
        "href", "mailto:digitalisierung@erbach.example"
    )
    expect(text).to_contain_text("<script>")  # shown as text, never run
    expect(page).to_have_title("Impressum – Digi-Check Kommunen")
    expect(text).not_to_contain_text("[BETREIBER:")
    axe.check(page, "Impressum des Betreibers")
    assert axe.clean, axe.report()


def test_a_script_the_policy_blocks_is_caught(chromium: Browser, live_server: LiveServer) -> None:
    """What the page fixture relies on: Chromium reports the blocked inline script on the console,
    and the injected listener reports the securitypolicyviolation event."""
    context = chromium.new_context(base_url=live_server.url)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text) if is_csp_violation(message.text) else None)
    page.goto("/impressum")
    page.evaluate("""() => { const s = document.createElement("script");
                             s.textContent = "window.ranInline = true"; document.body.append(s); }""")
    page.wait_for_timeout(200)
    ran = page.evaluate("() => window.ranInline === true")
    context.close()
    assert not ran
    assert any(text.startswith("Content Security Policy violation: script-src") for text in seen), seen
    assert any("inline script" in text and "Content Security Policy directive" in text for text in seen), seen  # Chromium's own
