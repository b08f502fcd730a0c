"""The Kommune downloads its own report from the result page in a real Chromium: the PDF that
arrives holds its profile and the consultation's shared note, never the internal one.
axe-core checks the result page with its "Herunterladen" block."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.app.test_own_report import INTERNAL, SHARED, pdf_text, reported  # noqa: F401 - fixture
from tests.conftest import World
from tests.e2e.conftest import AxeAudit
from tests.e2e.test_questionnaire_flow import log_in

SHOTS = Path("/tmp/e2e-shots")


def test_kommune_downloads_its_report_from_the_result_page(
    page: Page,
    world: World,
    reported: Any,  # noqa: F811
    axe: AxeAudit,
    tmp_path: Path,
) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.goto("/anmelden")
    log_in(page, world.kommune.email)
    page.get_by_role("link", name="Ergebnis ansehen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reifegrad-Profil Erbach, Runde 1")
    downloads = page.locator("section[aria-labelledby=herunterladen]")
    expect(downloads.get_by_role("heading", level=2)).to_have_text("Herunterladen")
    downloads.screenshot(path=str(SHOTS / "result-downloads.png"))
    axe.check(page, "Ergebnis mit Downloads")

    with page.expect_download() as arrived:
        downloads.get_by_role("link", name="Ergebnisbericht als PDF").click()
    download = arrived.value
    assert download.suggested_filename == "digicheck-06437006-runde-1-bericht.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    text = pdf_text(path.read_bytes(), tmp_path)
    assert "Erbach, Runde 1" in text and "Begründung je Bereich" in text and "Empfehlung: Beratungsmodule" in text
    assert SHARED in text and INTERNAL.split(":")[0] not in text

    with page.expect_download() as arrived:
        downloads.get_by_role("link", name="Excel (XLSX)").click()
    assert arrived.value.suggested_filename == "digicheck-06437006-runde-1-antworten.xlsx"
    assert axe.clean, axe.report()
