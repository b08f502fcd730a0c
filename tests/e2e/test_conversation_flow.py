"""Issue 16 in a real Chromium: the Kommune adds evidence to an answer and answers a consultant's
shared note; the consultant sees both beside the answer. axe-core checks every page on the way."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from digicheck.assess import services as svc
from digicheck.consult import services as consult
from digicheck.extensions import db
from tests.app.helpers import Q
from tests.conftest import World
from tests.e2e.conftest import AxeAudit
from tests.e2e.test_questionnaire_flow import log_in

COMMENT = "Beschluss der Stadtverordnetenversammlung vom 12.03."
REF = "https://www.erbach.de/beschluesse/2026-03-12"
NOTE = "Wer leitet die Stabsstelle, und seit wann?"
REPLY = "Frau Berg, seit Mai; Beschluss liegt bei."


def test_kommune_gives_evidence_and_answers_the_consultant_who_sees_both(page: Page, world: World, axe: AxeAudit) -> None:
    assessment = svc.start_round(world.erbach, world.kommune)
    item = Q.item("strategie.verantwortung")
    consult.add_note(assessment, world.berater, NOTE, item.id, shared=True)
    db.session.commit()

    page.goto("/anmelden")
    log_in(page, world.kommune.email)
    page.goto(f"/bewertung/{assessment.id}/bereich/strategie")
    question = page.locator("#strategie-verantwortung-fieldset")
    question.get_by_text("Begründung und Belege").click()
    question.get_by_label("Kommentar, warum Sie so geantwortet haben", exact=False).fill(COMMENT)
    question.get_by_label("Belege: Links oder Fundstellen", exact=False).fill(REF)
    page.get_by_role("button", name="Zwischenspeichern").click()
    expect(page.locator(".flash, [role=status]").first).to_be_attached()
    question = page.locator("#strategie-verantwortung-fieldset")
    expect(question.locator("details.evidence")).to_have_attribute("open", "")
    expect(question.get_by_label("Kommentar, warum Sie so geantwortet haben", exact=False)).to_have_value(COMMENT)
    axe.check(page, "Bereichsseite mit Begründung")

    page.goto(f"/bewertung/{assessment.id}/ergebnis")
    page.get_by_role("link", name="Fragen und Antworten mit der Beratung", exact=False).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fragen und Antworten mit der Beratung")
    thread = page.locator("li.thread").filter(has_text=NOTE)
    thread.get_by_text("Antworten", exact=False).first.click()
    thread.get_by_label("Ihre Antwort", exact=False).fill(REPLY)
    thread.get_by_role("button", name="Antwort senden").click()
    thread = page.locator("li.thread").filter(has_text=NOTE)
    expect(thread.locator("li.entry")).to_have_count(2)
    expect(thread.locator("li.entry").nth(1)).to_contain_text(REPLY)
    expect(thread.locator("li.entry").nth(1)).to_contain_text("(Kommune)")
    axe.check(page, "Gespräch der Kommune")

    page.context.clear_cookies()
    page.goto("/anmelden")
    log_in(page, world.berater.email)
    page.goto(f"/beratung/bewertung/{assessment.id}")
    answer = page.locator("#frage-strategie-verantwortung")
    expect(answer.locator(".evidence-shown")).to_contain_text(COMMENT)
    expect(answer.get_by_role("link", name=REF)).to_have_attribute("href", REF)
    expect(answer.locator("li.thread")).to_contain_text(REPLY)
    expect(answer.locator("li.thread .badge-warn")).to_have_text("offene Frage")
    axe.check(page, "Bewertung der Beratung mit Begründung und Antwort")
    page.goto("/beratung/")
    expect(page.locator("#offene-fragen tbody tr")).to_have_count(1)
    axe.check(page, "Übersicht mit offenen Fragen")
    assert axe.clean, axe.report()
