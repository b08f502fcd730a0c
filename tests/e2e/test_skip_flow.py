"""Skip logic in a real Chromium: "Keine Zusammenarbeit" hides the four IKZ detail questions at
once, choosing a cooperation brings them back, and the result scores them as "Trifft nicht zu".
Without JavaScript every question is shown until the page is saved; then the server hides them.

Screenshots for a human look land in /tmp/e2e-skip-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from scoring import check_answers, score_checked
from scoring.model import NOT_APPLICABLE
from scoring.report import level_span
from tests.app.helpers import answer_for
from tests.conftest import World
from tests.e2e.conftest import AxeAudit, LiveServer
from tests.e2e.test_questionnaire_flow import ASSESSMENT_URL, Q, answer, click_label, fieldset, go_to_area, log_in, number_input

KOOPERATION = Q.area("kooperation")
IKZ = Q.item("kooperation.ikz_vereinbarung")
DETAILS = [item for item in KOOPERATION.items if item.applies_if]
OTHERS = [item for item in KOOPERATION.items if item is not IKZ and not item.applies_if]
NONE, PROJECTS = IKZ.option("keine").label, IKZ.option("projekte").label
LAUFZEIT = Q.item("kooperation.ikz_partner")  # the number among the IKZ details


def start_at_kooperation(page: Page, world: World) -> int:
    page.goto("/")
    log_in(page, world.kommune.email)
    page.get_by_role("button", name="Digi-Check beginnen").click()
    expect(page).to_have_url(ASSESSMENT_URL)
    go_to_area(page, KOOPERATION)
    return int(ASSESSMENT_URL.search(page.url).group(1))


def expect_asked(page: Page, asked: bool) -> None:
    """The detail questions are shown (asked) or hidden with a note in their place."""
    for item in DETAILS:
        expect(fieldset(page, item)).to_be_visible() if asked else expect(fieldset(page, item)).to_be_hidden()
        note = page.locator(f"#{item.id.replace('.', '-')}-entfaellt")
        expect(note).to_be_hidden() if asked else expect(note).to_contain_text("zählt als „Trifft nicht zu“")


def test_keine_zusammenarbeit_hides_the_details_without_a_reload(page: Page, world: World, axe: AxeAudit) -> None:
    assessment_id = start_at_kooperation(page, world)
    expect_asked(page, True)
    page.evaluate("() => { window.sameDocument = true; }")

    status = page.locator("#entfall-status")  # what a screen reader announces
    expect(status).to_be_empty()
    click_label(page, IKZ, NONE)
    expect_asked(page, False)
    expect(status).to_have_text(f"{len(DETAILS)} Fragen entfallen nach Ihrer Antwort.")
    page.screenshot(path="/tmp/e2e-skip-hidden.png", full_page=True)
    axe.check(page, "Kooperation ohne Zusammenarbeit")
    click_label(page, IKZ, PROJECTS)
    expect_asked(page, True)
    expect(status).to_have_text(f"{len(DETAILS)} Fragen werden wieder gestellt.")
    assert page.evaluate("() => window.sameDocument === true"), "the page was reloaded"

    # a detail typed while there was a cooperation is not saved once "Keine Zusammenarbeit" is chosen,
    # and this browser's draft (static/js/draft.js) does not offer it back as unsaved
    for item in OTHERS:
        answer(page, item)
    number_input(page, LAUFZEIT).fill("5")
    click_label(page, IKZ, NONE)
    expect_asked(page, False)
    page.get_by_role("button", name="Zwischenspeichern").click()
    expect(page.locator(".flash-success")).to_contain_text("sind gespeichert")
    expect_asked(page, False)
    expect(page.locator("#entwurf-hinweis")).to_be_hidden()
    expect(page.locator("#fortschritt-titel")).to_contain_text(f"Fortschritt: {len(KOOPERATION.items)} von {len(Q.items)}")
    axe.check(page, "Kooperation gespeichert ohne Zusammenarbeit")
    click_label(page, IKZ, PROJECTS)
    expect(number_input(page, LAUFZEIT)).to_have_value("")  # sent while the question did not apply: not stored

    # the result: the details count as "Trifft nicht zu" (docs/scoring.md "Entfallende Fragen")
    answers = check_answers(Q, {item.id: answer_for(item) for item in OTHERS} | {IKZ.id: "keine"})
    expected = score_checked(Q, answers | {item.id: NOT_APPLICABLE for item in DETAILS}).area(KOOPERATION.id)
    assert expected.applicable == len(OTHERS) + 1
    page.goto(f"/bewertung/{assessment_id}/ergebnis")
    row = page.locator("#radar-tabelle tbody tr").filter(has=page.get_by_role("rowheader", name=KOOPERATION.name, exact=True))
    span = level_span(expected.level_min, expected.level_max)
    expect(row.locator("td")).to_have_text(
        [f"{expected.score:.0f}", re.compile(rf"^Stufe {expected.level}\b"), re.compile(rf"^{span}\b"), "100 %"]
    )
    assert axe.clean, axe.report()


@pytest.fixture
def page_without_js(chromium: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = chromium.new_context(
        base_url=live_server.url, locale="de-DE", java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_without_javascript_the_server_hides_the_details_after_saving(page_without_js: Page, world: World, app: Any) -> None:
    page = page_without_js
    start_at_kooperation(page, world)
    click_label(page, IKZ, NONE)
    expect_asked(page, True)  # no script: every question stays on the page until it is saved
    number_input(page, LAUFZEIT).fill("5")
    for item in OTHERS:
        answer(page, item)
    page.get_by_role("button", name="Zwischenspeichern").click()
    expect(page.locator(".flash-success")).to_contain_text("sind gespeichert")
    expect_asked(page, False)
    page.screenshot(path="/tmp/e2e-skip-nojs.png", full_page=True)

    click_label(page, IKZ, PROJECTS)
    page.get_by_role("button", name="Zwischenspeichern").click()
    expect(page.locator(".flash-success")).to_contain_text("sind gespeichert")
    expect_asked(page, True)
    expect(number_input(page, LAUFZEIT)).to_have_value("")  # posted while it did not apply: not stored
