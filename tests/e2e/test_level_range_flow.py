"""A Kommune that does not know whether its ISMS exists sees, in a real Chromium, that its Technik
level could be 3 to 5: in the heading, the radar's data table and as a band on the radar; axe-core
checks the page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.conftest import World
from tests.e2e.conftest import AxeAudit
from tests.e2e.test_questionnaire_flow import ASSESSMENT_URL, Q, log_in


def test_result_shows_the_range_an_open_gate_question_leaves(page: Page, world: World, axe: AxeAudit) -> None:
    from digicheck.assess import services as svc
    from digicheck.extensions import db
    from digicheck.models import Assessment
    from tests.app.helpers import area_answers

    page.goto("/anmelden")
    log_in(page, world.kommune.email)
    page.get_by_role("button", name="Digi-Check beginnen").click()
    page.get_by_role("link", name="Mit der ersten Frage beginnen").click()
    assessment_id = int(ASSESSMENT_URL.search(page.url).group(1))
    assessment = db.session.get(Assessment, assessment_id)
    for area in Q.areas:
        answers = area_answers(area.id, "high" if area.id == "technik" else "mid")
        if area.id == "technik":
            answers["technik.isms"] = "weiss_nicht"  # the gate question: without an ISMS at most level 3
        assert svc.save_answers(assessment, world.kommune, answers, {}).ok
    db.session.commit()

    page.goto(f"/bewertung/{assessment_id}/ergebnis")
    # every other Technik answer is the best one: capped at 3 without a known ISMS, 5 with one
    expect(page.locator("#bereich-technik")).to_have_text("Technik & Sicherheit: Stufe 3 Aufbau vorläufig (3–5, je nach 1 offenen Frage)")
    table = page.locator("#radar-tabelle")
    expect(table.locator("thead th").nth(3)).to_have_text("Mögliche Stufen")
    technik = table.locator("tbody tr").filter(has=page.get_by_role("rowheader", name="Technik & Sicherheit"))
    expect(technik.locator("td").nth(2)).to_have_text("3–5 (1 offene Frage)")
    strategie = table.locator("tbody tr").filter(has=page.get_by_role("rowheader", name="Strategie & Steuerung"))
    expect(strategie.locator("td").nth(2)).to_have_text("2")  # all answered: one level, not provisional
    expect(page.locator("#bereich-strategie")).not_to_contain_text("vorläufig")
    radar = page.locator("#radar")
    expect(radar.locator("g.band")).to_have_count(1)
    expect(radar.locator("g.band")).to_contain_text("Mögliche Stufen je nach offenen Fragen")
    expect(page.locator("#gesamt")).to_have_text(re.compile(r"^Gesamt: Stufe 3 Aufbau$"))  # capped one above Strategie (2) either way
    page.screenshot(path="/tmp/e2e-level-range.png", full_page=True)
    axe.check(page, "Ergebnis mit Spanne")
    assert axe.clean, axe.report()
