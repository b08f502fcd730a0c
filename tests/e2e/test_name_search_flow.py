"""A Berater types a name as a German keyboard without ß or umlauts would ("Giessen",
"weissenborn") into the overview's search in a real Chromium and finds the municipality."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from digicheck.extensions import db
from digicheck.models import Municipality
from tests.conftest import World
from tests.e2e.conftest import AxeAudit
from tests.e2e.test_consultant_flow import row_names
from tests.e2e.test_questionnaire_flow import log_in


def test_overview_search_forgives_spelling(page: Page, world: World, axe: AxeAudit) -> None:
    db.session.add(
        Municipality(
            ags="06636013", name="Weißenborn", kind="Gemeinde", kreis="Werra-Meißner-Kreis", regierungsbezirk="Kassel", population=1000
        )
    )
    db.session.commit()
    page.goto("/anmelden")
    log_in(page, world.berater.email)
    page.goto("/beratung/")
    expect(page.locator("#treffer")).to_have_text("3 Kommunen gefunden.")

    search = page.get_by_label("Name oder AGS")
    search.fill("Giessen")
    with page.expect_navigation():
        search.press("Enter")
    expect(page.locator("#treffer")).to_have_text("1 Kommune gefunden.")
    assert row_names(page) == ["Gießen"]
    expect(search).to_have_value("Giessen")
    axe.check(page, "Übersicht mit Suche")

    search.fill("weissenborn")
    with page.expect_navigation():
        search.press("Enter")
    assert row_names(page) == ["Weißenborn"]
    assert axe.clean, axe.report()
