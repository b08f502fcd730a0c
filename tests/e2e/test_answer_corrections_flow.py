"""Correcting answers in a real Chromium: every item kind can be changed and cleared, Enter saves
and stays, "Zwischenspeichern" comes back to the item, one invalid field does not hold back the
others, and two colleagues on one page never undo each other's answers.

Screenshots for a human look land in /tmp/e2e-corrections-*.png.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from scoring.model import SPECIAL_LABELS
from tests.conftest import World, add_user
from tests.e2e.conftest import AxeAudit, LiveServer
from tests.e2e.test_questionnaire_flow import ASSESSMENT_URL, Q, click_label, fieldset, go_to_area, log_in, number_input

WEISS_NICHT = SPECIAL_LABELS["weiss_nicht"]
TRIFFT_NICHT_ZU = SPECIAL_LABELS["trifft_nicht_zu"]
NO_ANSWER = "Keine Angabe"
NO_SPECIAL = "Keine davon (Zahl oben oder keine Angabe)"

DIGITALSTRATEGIE = Q.item("strategie.digitalstrategie")
INHALTE = Q.item("strategie.strategie_inhalte")
LEITLINIEN = Q.item("strategie.leitlinien")
VERANTWORTUNG = Q.item("strategie.verantwortung")
BUDGET = Q.item("strategie.budget")
#: a number and a choice offering "Trifft nicht zu" on one page (2026.2 has no number in Beschäftigte & Organisation)
NUMBER = Q.item("kooperation.ikz_partner")
NOT_APPLICABLE_CHOICE = Q.item("kooperation.ikz_personalkosten")
ONLINE_DIENSTE = Q.item("technik.online_dienste")
ISMS = Q.item("technik.isms")


def label(item, option_id: str) -> str:  # type: ignore[no-untyped-def]
    return item.option(option_id).label


def choice(page: Page, item, text: str):  # type: ignore[no-untyped-def]
    return fieldset(page, item).get_by_label(text, exact=True)


def saved(page: Page) -> None:
    """Saved, and nothing in the browser's draft claims otherwise; the page's scripts have run
    (the flash is at the top, the scripts at the end: under load a fast robot could type first)."""
    expect(page.locator(".flash-success")).to_contain_text("sind gespeichert")
    page.wait_for_load_state("load")
    expect(page.locator("#entwurf-hinweis")).to_be_hidden()


def anchor_of(item) -> str:  # type: ignore[no-untyped-def]
    return f"#{item.id.replace('.', '-')}-fieldset"


def start_round(page: Page, world: World) -> int:
    page.goto("/")
    log_in(page, world.kommune.email)
    page.get_by_role("button", name="Digi-Check beginnen").click()
    expect(page).to_have_url(ASSESSMENT_URL)  # the first area, or a start page before it
    assessment_id = int(ASSESSMENT_URL.search(page.url).group(1))
    page.goto(f"/bewertung/{assessment_id}/bereich/{Q.areas[0].id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(Q.areas[0].name)
    return assessment_id


def test_every_item_kind_can_be_changed_and_cleared(page: Page, world: World, axe: AxeAudit) -> None:
    start_round(page, world)

    # single, yes/no and multi answered "Weiß nicht" / "Ja"; Zwischenspeichern comes back to the last item touched
    click_label(page, DIGITALSTRATEGIE, WEISS_NICHT)
    click_label(page, LEITLINIEN, label(LEITLINIEN, "ja"))
    click_label(page, INHALTE, WEISS_NICHT)
    page.get_by_role("button", name="Zwischenspeichern").click()
    saved(page)
    expect(page).to_have_url(re.compile(re.escape(anchor_of(INHALTE)) + "$"))
    expect(fieldset(page, INHALTE)).to_be_in_viewport()
    expect(choice(page, INHALTE, WEISS_NICHT)).to_be_checked()
    axe.check(page, "Fragebogen mit „Keine Angabe“")

    # each changed: an option ticked beside "Weiß nicht" replaces it, "Keine Angabe" clears yes/no
    click_label(page, INHALTE, label(INHALTE, "ziele"))
    expect(choice(page, INHALTE, WEISS_NICHT)).not_to_be_checked()
    click_label(page, LEITLINIEN, NO_ANSWER)
    click_label(page, DIGITALSTRATEGIE, label(DIGITALSTRATEGIE, "begonnen"))
    page.get_by_role("button", name="Zwischenspeichern").click()
    saved(page)
    expect(page).to_have_url(re.compile(re.escape(anchor_of(DIGITALSTRATEGIE)) + "$"))
    page.reload()
    expect(choice(page, INHALTE, label(INHALTE, "ziele"))).to_be_checked()
    expect(choice(page, INHALTE, WEISS_NICHT)).not_to_be_checked()
    expect(choice(page, LEITLINIEN, NO_ANSWER)).to_be_checked()
    expect(choice(page, DIGITALSTRATEGIE, label(DIGITALSTRATEGIE, "begonnen"))).to_be_checked()
    expect(page.locator("#fortschritt-titel")).to_contain_text("Fortschritt: 2 von")

    # the multi unticked: no answer any more
    click_label(page, INHALTE, label(INHALTE, "ziele"))
    page.get_by_role("button", name="Zwischenspeichern").click()
    saved(page)
    expect(page.locator("#fortschritt-titel")).to_contain_text("Fortschritt: 1 von")
    expect(fieldset(page, INHALTE).get_by_role("checkbox", checked=True)).to_have_count(0)

    # a number: "Weiß nicht" chosen, then a number typed and Enter: saved, still on the page, at the item
    kooperation = Q.area("kooperation")
    go_to_area(page, kooperation)
    click_label(page, NUMBER, WEISS_NICHT)
    click_label(page, NOT_APPLICABLE_CHOICE, TRIFFT_NICHT_ZU)
    page.get_by_role("button", name="Zwischenspeichern").click()
    saved(page)
    number_input(page, NUMBER).fill("4")
    expect(choice(page, NUMBER, NO_SPECIAL)).to_be_checked()
    number_input(page, NUMBER).press("Enter")
    saved(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(kooperation.name)
    expect(page).to_have_url(re.compile(re.escape(anchor_of(NUMBER)) + "$"))
    expect(number_input(page, NUMBER)).to_have_value("4")
    expect(choice(page, NUMBER, WEISS_NICHT)).not_to_be_checked()

    # "Weiß nicht" again empties the field; then cleared altogether; "Trifft nicht zu" changed to an option
    click_label(page, NUMBER, WEISS_NICHT)
    expect(number_input(page, NUMBER)).to_have_value("")
    click_label(page, NOT_APPLICABLE_CHOICE, label(NOT_APPLICABLE_CHOICE, "ab_15"))
    page.get_by_role("button", name="Zwischenspeichern").click()
    saved(page)
    expect(choice(page, NUMBER, WEISS_NICHT)).to_be_checked()
    expect(choice(page, NOT_APPLICABLE_CHOICE, label(NOT_APPLICABLE_CHOICE, "ab_15"))).to_be_checked()
    click_label(page, NUMBER, NO_SPECIAL)
    click_label(page, NOT_APPLICABLE_CHOICE, NO_ANSWER)
    page.get_by_role("button", name="Zwischenspeichern").click()
    saved(page)
    expect(choice(page, NUMBER, NO_SPECIAL)).to_be_checked()
    expect(number_input(page, NUMBER)).to_have_value("")
    expect(choice(page, NOT_APPLICABLE_CHOICE, NO_ANSWER)).to_be_checked()
    expect(page.locator("#fortschritt-titel")).to_contain_text("Fortschritt: 1 von")


def test_one_invalid_field_does_not_hold_back_the_others(page: Page, world: World, axe: AxeAudit) -> None:
    assessment_id = start_round(page, world)
    technik = Q.area("technik")
    go_to_area(page, technik)
    number_input(page, ONLINE_DIENSTE).fill("zwölf")
    click_label(page, ISMS, label(ISMS, "leitlinie"))
    page.get_by_role("button", name="Speichern und weiter").click()

    # still on the page: the valid answer is saved, the invalid one kept as typed with its message
    expect(page.get_by_role("heading", level=1)).to_have_text(technik.name)
    expect(page.locator(".flash-success")).to_have_text("1 Antwort ist gespeichert.")
    summary = page.locator("#fehler")
    expect(summary.get_by_role("link")).to_have_text([re.compile(re.escape(ONLINE_DIENSTE.text) + ".*ganze Zahl")])
    expect(number_input(page, ONLINE_DIENSTE)).to_have_value("zwölf")
    axe.check(page, "Teilweise gespeichert mit Fehler")
    page.screenshot(path="/tmp/e2e-corrections-partial.png", full_page=True)
    summary.get_by_role("link").click()
    expect(number_input(page, ONLINE_DIENSTE)).to_be_focused()

    # opened again: the valid answer is stored; the invalid one is only a draft in this browser
    page.goto(f"/bewertung/{assessment_id}/bereich/technik")
    expect(choice(page, ISMS, label(ISMS, "leitlinie"))).to_be_checked()
    expect(page.locator("#entwurf-hinweis")).to_be_visible()
    expect(number_input(page, ONLINE_DIENSTE)).to_have_value("zwölf")
    number_input(page, ONLINE_DIENSTE).fill("12")
    number_input(page, ONLINE_DIENSTE).press("Enter")
    saved(page)
    expect(number_input(page, ONLINE_DIENSTE)).to_have_value("12")
    assert axe.clean, axe.report()


def test_two_colleagues_on_one_page_never_undo_each_other(
    page: Page, chromium: Browser, live_server: LiveServer, world: World, axe: AxeAudit
) -> None:
    colleague_user = add_user("it@erbach.test", "IT-Leitung Erbach", world.kommune.role, world.erbach)
    assessment_id = start_round(page, world)
    colleague_context = chromium.new_context(base_url=live_server.url, locale="de-DE")
    try:
        colleague = colleague_context.new_page()
        colleague.goto("/")
        log_in(colleague, colleague_user.email)
        colleague.goto(f"/bewertung/{assessment_id}/bereich/strategie")
        # both have the page open; the colleague saves first, two answers
        click_label(colleague, DIGITALSTRATEGIE, label(DIGITALSTRATEGIE, "beschlossen"))
        click_label(colleague, VERANTWORTUNG, label(VERANTWORTUNG, "benannt"))
        colleague.get_by_role("button", name="Zwischenspeichern").click()
        saved(colleague)

        # I change the budget (untouched by the colleague) and the responsibility (changed by both)
        click_label(page, BUDGET, label(BUDGET, "jaehrlich"))
        click_label(page, VERANTWORTUNG, label(VERANTWORTUNG, "stabsstelle"))
        page.get_by_role("button", name="Zwischenspeichern").click()
        box = page.locator("#konflikt")
        expect(box).to_be_visible()
        expect(box.get_by_role("listitem")).to_have_count(1)
        expect(box).to_contain_text(VERANTWORTUNG.text)
        expect(box).to_contain_text(re.compile(r"IT-Leitung Erbach, \d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr"))
        # the item only the colleague changed shows their answer; mine not asked about was saved
        expect(choice(page, DIGITALSTRATEGIE, label(DIGITALSTRATEGIE, "beschlossen"))).to_be_checked()
        expect(choice(page, BUDGET, label(BUDGET, "jaehrlich"))).to_be_checked()
        expect(choice(page, VERANTWORTUNG, label(VERANTWORTUNG, "stabsstelle"))).to_be_checked()
        mine = page.get_by_label(f"Meine Eingabe: „{label(VERANTWORTUNG, 'stabsstelle')}“")
        theirs = page.get_by_label(f"Antwort von IT-Leitung Erbach: „{label(VERANTWORTUNG, 'benannt')}“")
        expect(mine).to_be_visible()
        expect(theirs).to_be_visible()
        axe.check(page, "Konflikt")
        page.screenshot(path="/tmp/e2e-corrections-conflict.png", full_page=True)

        # the colleague reloads: the budget is mine, the responsibility still theirs
        colleague.reload()
        expect(choice(colleague, BUDGET, label(BUDGET, "jaehrlich"))).to_be_checked()
        expect(choice(colleague, VERANTWORTUNG, label(VERANTWORTUNG, "benannt"))).to_be_checked()

        # I keep my answer knowingly
        mine.check()
        page.get_by_role("button", name="Zwischenspeichern").click()
        saved(page)
        expect(page.locator("#konflikt")).to_have_count(0)
        colleague.reload()
        expect(choice(colleague, VERANTWORTUNG, label(VERANTWORTUNG, "stabsstelle"))).to_be_checked()
        expect(choice(colleague, DIGITALSTRATEGIE, label(DIGITALSTRATEGIE, "beschlossen"))).to_be_checked()
    finally:
        colleague_context.close()
    assert axe.clean, axe.report()
