"""With two Länder imported, a consultant switches the benchmark between Hessen, Bayern and Deutschland
in a real Chromium; each view shows only its own Land's figures, and the page passes axe-core."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from digicheck.extensions import db
from tests.app.benchmark_helpers import municipality, submit
from tests.conftest import World
from tests.e2e.conftest import AxeAudit
from tests.e2e.test_benchmark_flow import choose, row
from tests.e2e.test_questionnaire_flow import log_in


def test_consultant_switches_the_land_of_the_benchmark(page: Page, world: World, axe: AxeAudit) -> None:
    for kreis_ags, rb, count in (("06431", "Darmstadt", 7), ("09161", "Oberbayern", 6)):
        for i in range(count):
            m = municipality(f"{kreis_ags}{i:03d}", kreis_ags=kreis_ags, kreis=f"Kreis {kreis_ags}", rb=rb, population=3000)
            value = 30.0 + 6 * i
            submit(m, 2026, [value, value + 5, value - 5, value + 10, value - 10])
    db.session.commit()
    page.goto("/anmelden")
    log_in(page, world.berater.email)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Benchmark").click()
    land = page.locator("form.filters").get_by_label("Land", exact=True)
    expect(land).to_have_value("06")  # a consultant starts with Hessen
    participation = page.locator("#beteiligung-tabelle")
    expect(participation.locator("tbody th")).to_have_text(["Land: Hessen"])
    expect(row(participation, "Land: Hessen").locator("td").first).to_have_text("7")

    choose(page, "Land", "Bayern")
    expect(page).to_have_url(re.compile(r"land=09"))
    expect(participation.locator("tbody th")).to_have_text(["Land: Bayern"])
    expect(row(participation, "Land: Bayern").locator("td").first).to_have_text("6")

    choose(page, "Land", "Deutschland")
    choose(page, "Vergleichsgruppen", "Länder (je Land)")
    expect(participation.locator("tbody th")).to_have_text(["Deutschland: alle Länder", "Land: Bayern", "Land: Hessen"])
    expect(row(participation, "Deutschland: alle Länder").locator("td").first).to_have_text("13")
    expect(page.locator("#quartile-overall tbody th")).to_have_text(["Deutschland: alle Länder", "Land: Bayern", "Land: Hessen"])
    axe.check(page, "Benchmark (Berater, Deutschland je Land)")
