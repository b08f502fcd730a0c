"""The Maßnahmenplan in a real Chromium: the Kommune builds a plan of three entries from its result page
(a reference measure, a consultation module, an own entry) and downloads the Fahrplan PDF, the consultant sees it with an overdue entry
marked, and the result of the next round shows the level change beside the entries done meanwhile.
axe-core checks every page on both sides.

Screenshots for a human look land in /tmp/e2e-shots/.
"""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from digicheck import timefmt
from digicheck.assess.services import profile_of
from digicheck.extensions import db
from digicheck.models import PlanEntry
from tests.app.test_consult import submitted
from tests.conftest import World
from tests.e2e.conftest import AxeAudit
from tests.e2e.test_questionnaire_flow import log_in

SHOTS = Path("/tmp/e2e-shots")


def take_first(page: Page, kind: str) -> str:
    """Click the first "In den Maßnahmenplan" button of a kind of suggestion; returns the entry's title."""
    page.locator(f"form.take-form:has(input[name=quelle][value={kind}]) button").first.click()
    expect(page.locator(".flash-success")).to_contain_text("steht jetzt im Maßnahmenplan")
    return page.get_by_role("heading", level=1).inner_text()


def save_entry(page: Page, owner: str, due: str, status: str | None = None) -> None:
    page.get_by_label("Verantwortlich (Person oder Amt)").fill(owner)
    page.get_by_label("Fällig bis").fill(due)
    if status:
        page.get_by_label("Status").select_option(label=status)
    page.get_by_role("button", name="Änderungen speichern").click()
    expect(page.locator(".flash-success")).to_have_text("Der Eintrag ist gespeichert.")


def test_kommune_builds_a_plan_the_consultant_follows_it_and_the_next_round_shows_what_changed(
    page: Page, world: World, axe: AxeAudit, tmp_path: Path
) -> None:
    SHOTS.mkdir(exist_ok=True)
    first = submitted(world.erbach, "mid", user=world.kommune)
    db.session.commit()
    yesterday = timefmt.today() - timedelta(days=1)

    page.goto("/anmelden")
    log_in(page, world.kommune.email)
    page.goto(f"/bewertung/{first.id}/ergebnis")
    axe.check(page, "Ergebnis mit Plan-Knöpfen")

    # 1. a reference measure: taken, then owner and a due date that has passed
    measure = take_first(page, "measure")
    axe.check(page, "Eintrag aus Referenzmaßnahme")
    save_entry(page, "Hauptamt, Frau Weber", yesterday.isoformat())
    expect(page.locator("#verlauf")).to_be_visible()
    expect(page.locator("table").last).to_contain_text("Hauptamt Erbach (Kommune)")

    # 2. a consultation module
    page.goto(f"/bewertung/{first.id}/ergebnis")
    module = take_first(page, "module")
    save_entry(page, "Bürgermeister", (timefmt.today() + timedelta(days=120)).isoformat())

    # 3. an own entry, first with a due date before its start (a German message, the input kept)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Maßnahmenplan").click()
    page.get_by_role("link", name="Eigenen Eintrag anlegen").click()
    axe.check(page, "Neuer Eintrag")
    page.get_by_label("Bereich").select_option(label="Technik & Sicherheit")
    page.get_by_label("Titel der Maßnahme").fill("E-Akte-Pilot Bürgerbüro")
    page.get_by_label("Verknüpfte Fragen").select_option("technik.dms_eakte")
    page.get_by_label("Beginn").fill("2027-05-01")
    page.get_by_label("Fällig bis").fill("2027-03-01")
    page.get_by_role("button", name="Eintrag anlegen").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Das Fälligkeitsdatum liegt vor dem Beginn")
    expect(page.get_by_label("Titel der Maßnahme")).to_have_value("E-Akte-Pilot Bürgerbüro")
    axe.check(page, "Neuer Eintrag mit Fehler")
    page.get_by_label("Fällig bis").fill("2027-12-31")
    page.get_by_role("button", name="Eintrag anlegen").click()
    plan = page.locator("table.plan-table")
    expect(plan).to_contain_text("3 Einträge, davon 0 erledigt, 1 überfällig")
    for title in (measure, module, "E-Akte-Pilot Bürgerbüro"):
        expect(plan).to_contain_text(title)
    page.screenshot(path=str(SHOTS / "plan-kommune.png"), full_page=True)
    axe.check(page, "Maßnahmenplan der Kommune")
    # the Digitalisierungsfahrplan for the council: downloaded from the plan page, read back as text
    with page.expect_download() as download:
        page.get_by_role("link", name="Digitalisierungsfahrplan als PDF").click()
    pdf = tmp_path / "fahrplan.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "Digitalisierungsfahrplan Erbach" in text and "E-Akte-Pilot Bürgerbüro" in text and "Hauptamt, Frau Weber" in text

    # the consultant sees the plan with the overdue entry marked, in the assessment view and the briefing
    page.get_by_role("button", name="Abmelden (Hauptamt Erbach)").click()
    page.goto("/anmelden")
    log_in(page, world.berater.email)
    page.goto(f"/beratung/bewertung/{first.id}")
    section = page.locator("section[aria-labelledby=massnahmenplan]")
    overdue = section.locator("tr.overdue")
    expect(overdue).to_have_count(1)
    expect(overdue).to_contain_text(measure)
    expect(overdue).to_contain_text(f"{timefmt.local_date(yesterday)} überfällig")
    section.screenshot(path=str(SHOTS / "plan-consultant.png"))
    axe.check(page, "Beratung: Bewertung mit Maßnahmenplan")
    page.goto(f"/beratung/bewertung/{first.id}/briefing")
    expect(page.locator("section[aria-labelledby=massnahmenplan] tr.overdue")).to_contain_text(measure)
    axe.check(page, "Briefing mit Maßnahmenplan")
    # the consultant, together with the Kommune, marks the E-Akte pilot done: attributed in the history
    page.goto(f"/beratung/bewertung/{first.id}")
    page.locator("section[aria-labelledby=massnahmenplan]").get_by_role("link", name="E-Akte-Pilot Bürgerbüro").click()
    page.get_by_label("Status").select_option(label="erledigt")
    page.get_by_role("button", name="Änderungen speichern").click()
    expect(page.locator("table").last).to_contain_text("Beraterin (Beratung)")
    axe.check(page, "Eintrag mit Verlauf (Beratung)")

    # the next round: the Kommune answers better; its result shows the level change beside the done entry
    second = submitted(world.erbach, "high", user=world.kommune)
    db.session.commit()
    before = profile_of(first)[1].area("technik").level
    after = profile_of(second)[1].area("technik").level
    page.get_by_role("button", name="Abmelden (Beraterin)").click()
    page.goto("/anmelden")
    log_in(page, world.kommune.email)
    page.goto(f"/bewertung/{second.id}/ergebnis")
    progress = page.locator("section[aria-labelledby=seit-vorrunde]")
    expect(progress).to_contain_text(f"Technik & Sicherheit: Stufe {before} → {after}; erledigt: E-Akte-Pilot Bürgerbüro")
    expect(progress.locator(".changed-items")).to_contain_text("Im Maßnahmenplan: E-Akte-Pilot Bürgerbüro (erledigt)")
    progress.screenshot(path=str(SHOTS / "plan-next-round.png"))
    axe.check(page, "Ergebnis Runde 2 mit Plan")
    assert len(db.session.scalars(db.select(PlanEntry)).all()) == 3
    assert axe.clean, axe.report()
