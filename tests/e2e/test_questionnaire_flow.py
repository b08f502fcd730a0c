"""A Kommune user takes the Digi-Check in a real Chromium: log in, read the start page, answer
every area, resume, recover a draft, review, submit, see the next steps and the radar chart;
axe-core checks the pages on the way.

Screenshots for a human look land in /tmp/e2e-*.png.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from scoring import Library
from scoring.model import SPECIAL_LABELS, Area, Item
from scoring.progress import duration_minutes
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import AxeAudit

Q = Library.load().latest
WEISS_NICHT = SPECIAL_LABELS["weiss_nicht"]
UNKNOWN_ITEMS = ("strategie.budget", "technik.notebooks")  # answered "Weiß nicht": one choice, one number
ASSESSMENT_URL = re.compile(r"/bewertung/(\d+)/")
DRAFT_RESTORED = "Nicht gespeicherte Eingaben aus diesem Browser wurden wiederhergestellt"


def planned(item: Item) -> str | int:
    """What the user answers: a middle option, the first plain checkbox, a number from the second band."""
    if item.id in UNKNOWN_ITEMS:
        return WEISS_NICHT
    if item.type == "number":
        return item.bands[1].min
    if item.type == "multi":
        return next(o for o in item.options if not o.exclusive).label
    ranked = item.ranked_options
    return ranked[len(ranked) // 2].label


def fieldset(page: Page, item: Item) -> Locator:
    return page.locator(f"#{item.id.replace('.', '-')}-fieldset")


def number_input(page: Page, item: Item) -> Locator:
    return fieldset(page, item).get_by_label(re.compile(r"^Anzahl"))


def click_label(page: Page, item: Item, text: str) -> None:
    fieldset(page, item).locator("label").filter(has_text=re.compile(rf"^\s*{re.escape(text)}\s*$")).click()


def answer(page: Page, item: Item) -> None:
    value = planned(item)
    if isinstance(value, int):
        number_input(page, item).fill(str(value))
    else:
        click_label(page, item, value)


def expect_answered(page: Page, item: Item) -> None:
    value = planned(item)
    if isinstance(value, int):
        expect(number_input(page, item)).to_have_value(str(value))
    else:
        expect(fieldset(page, item).get_by_label(value, exact=True)).to_be_checked()


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.get_by_label("E-Mail-Adresse", exact=True).fill(email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden", exact=True).click()


def go_to_area(page: Page, area: Area) -> None:
    """Through the progress steps, as a user jumps between areas."""
    page.locator(".area-steps").get_by_role("link", name=area.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(area.name)


def save_and_continue(page: Page) -> None:
    page.get_by_role("button", name="Speichern und weiter").click()


def test_kommune_fills_out_resumes_submits_and_sees_the_radar(page: Page, world: World) -> None:
    areas = Q.areas
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/anmelden"))
    log_in(page, world.kommune.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Digi-Check für Erbach")
    page.get_by_role("button", name="Digi-Check beginnen").click()
    # the start page: how long, what to have at hand
    expect(page).to_have_url(re.compile(r"/bewertung/\d+/start$"))
    expect(page.locator(".lead")).to_contain_text(f"etwa {duration_minutes(Q)} Minuten")
    expect(page.locator("#bereithalten")).to_be_visible()
    page.screenshot(path="/tmp/e2e-start.png", full_page=True)
    page.get_by_role("link", name="Mit der ersten Frage beginnen").click()
    expect(page).to_have_url(re.compile(rf"/bereich/{areas[0].id}$"))
    assessment_id = int(ASSESSMENT_URL.search(page.url).group(1))

    # areas 1 and 2: answer everything, save and go on
    for area in areas[:2]:
        expect(page.get_by_role("heading", level=1)).to_have_text(area.name)
        expect(page.locator("#entwurf-hinweis")).to_be_hidden()
        for item in area.items:
            answer(page, item)
        if area is areas[0]:
            page.screenshot(path="/tmp/e2e-questionnaire.png", full_page=True)
        save_and_continue(page)
        expect(page.locator(".flash-success")).to_contain_text(f"„{area.name}“ sind gespeichert")

    # half-way: the saved answers are there after going back and after a reload
    done = len(areas[0].items) + len(areas[1].items)
    expect(page.locator("#fortschritt-titel")).to_have_text(f"Fortschritt: {done} von {len(Q.items)} Fragen beantwortet")
    for area in areas[:2]:
        go_to_area(page, area)
        page.reload()
        for item in area.items:
            expect_answered(page, item)

    # leaving and coming back: "Weiterarbeiten" resumes at the first area with open questions
    page.get_by_role("link", name="Übersicht").first.click()
    page.get_by_role("link", name="Weiterarbeiten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(areas[2].name)

    # area 3: typed but not saved survives a reload as a draft, with a notice
    third = areas[2]
    started = [next(i for i in third.items if i.type == "single"), next(i for i in third.items if i.type == "number")]
    for item in started:
        answer(page, item)
    page.reload()
    expect(page.locator("#entwurf-hinweis")).to_be_visible()
    expect(page.locator("#entwurf-hinweis")).to_contain_text(DRAFT_RESTORED)
    for item in started:
        expect_answered(page, item)
    for item in third.items:
        if item not in started:
            answer(page, item)
    save_and_continue(page)

    # areas 4 and 5; the last "Speichern und weiter" leads to the review page
    for area in areas[3:]:
        expect(page.get_by_role("heading", level=1)).to_have_text(area.name)
        expect(page.locator("#entwurf-hinweis")).to_be_hidden()
        for item in area.items:
            answer(page, item)
        save_and_continue(page)
    expect(page).to_have_url(re.compile(rf"/bewertung/{assessment_id}/abschliessen$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Runde 1: prüfen und abschließen")
    expect(page.get_by_role("button", name="Jetzt verbindlich abschließen")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"{len(UNKNOWN_ITEMS)} Fragen sind mit „Weiß nicht“ beantwortet")  # ngettext
    page.screenshot(path="/tmp/e2e-review.png", full_page=True)
    # the favicon the page links is served (an image, not the 404 page)
    for icon in page.locator("link[rel~=icon]").evaluate_all("links => links.map(l => l.href)"):
        response = page.request.get(icon)
        assert response.ok and response.headers["content-type"].startswith("image/"), (icon, response.status)

    # the interim result leads back to the review
    page.get_by_role("link", name="Zwischenergebnis ansehen").click()
    expect(page.locator(".lead").first).to_contain_text("Zwischenergebnis")
    expect(page.locator("#noch-offen")).to_contain_text("Noch nicht abgeschlossen")

    # the saved draft is gone: area 3 shows the stored answers, no notice
    page.goto(f"/bewertung/{assessment_id}/bereich/{third.id}")
    expect(page.locator("#entwurf-hinweis")).to_be_hidden()
    for item in third.items:
        expect_answered(page, item)
    expect(page.locator("#fortschritt-titel")).to_have_text(f"Fortschritt: {len(Q.items)} von {len(Q.items)} Fragen beantwortet")

    # submit: then the next steps with the own report
    page.get_by_role("link", name="Antworten prüfen und abschließen").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Runde 1: prüfen und abschließen")
    page.get_by_role("button", name="Jetzt verbindlich abschließen").click()
    expect(page).to_have_url(re.compile(rf"/bewertung/{assessment_id}/naechste-schritte$"))
    expect(page.locator(".flash-success")).to_contain_text("Die Bewertung ist abgeschlossen")
    expect(page.locator("#was-jetzt")).to_be_visible()
    expect(page.get_by_role("link", name="Bericht als PDF herunterladen")).to_be_visible()
    page.screenshot(path="/tmp/e2e-next-steps.png", full_page=True)

    # the result: radar chart, its data table, the "Weiß nicht" list
    page.get_by_role("link", name="Ergebnis im Browser ansehen").click()
    expect(page).to_have_url(re.compile(rf"/bewertung/{assessment_id}/ergebnis$"))
    expect(page.locator(".lead").first).to_contain_text("Abgeschlossen am")
    radar = page.locator("#radar")
    expect(radar).to_be_visible()  # SVG drawn on the server, no script
    expect(radar.locator("g.series")).to_have_count(1)
    expect(radar).to_contain_text("Selbsteinschätzung")
    labels = radar.locator("text.area-label").evaluate_all(  # long names are drawn in two lines
        "texts => texts.map(t => Array.from(t.querySelectorAll('tspan')).map(l => l.textContent).join(' '))"
    )
    assert labels == [area.name for area in areas]
    expect(page.locator("#radar-tabelle tbody th")).to_have_text([a.name for a in areas])
    expect(page.locator("#radar-tabelle tbody td:nth-child(3)")).to_contain_text([re.compile(r"^Stufe [1-5]")] * len(areas))
    expect(page.locator("#klaeren")).to_contain_text(f"({len(UNKNOWN_ITEMS)})")
    unknown_list = page.locator("section[aria-labelledby=klaeren] li")
    expect(unknown_list).to_have_count(len(UNKNOWN_ITEMS))
    for item_id in UNKNOWN_ITEMS:
        expect(unknown_list.filter(has_text=Q.item(item_id).text)).to_have_count(1)
    expect(page.get_by_role("link", name="Antworten prüfen und abschließen")).to_have_count(0)
    page.screenshot(path="/tmp/e2e-result.png", full_page=True)

    # read-only: saving an area now is a conflict, even with a valid CSRF token
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    item = areas[0].items[0]
    name = item.id.replace(".", "-")
    response = page.request.post(
        f"/bewertung/{assessment_id}/bereich/{areas[0].id}",
        form={"csrf_token": token, "action": "speichern", f"v-{name}": "1", name: item.ranked_options[-1].id},
    )
    assert response.status == 409, response.text()[:500]
    assert "abgeschlossen und kann nicht mehr geändert werden" in response.text()
    page.get_by_role("link", name="Übersicht").first.click()
    expect(page.get_by_role("heading", name=re.compile(r"^Runde 1 \(abgeschlossen am"))).to_be_visible()
    expect(page.get_by_role("link", name="Weiterarbeiten")).to_have_count(0)


def test_pages_have_no_serious_accessibility_violations(page: Page, world: World, axe: AxeAudit) -> None:
    from digicheck.assess import services as svc
    from digicheck.extensions import db
    from digicheck.models import Assessment
    from tests.app.helpers import area_answers

    page.goto("/anmelden")
    axe.check(page, "Anmeldung")
    log_in(page, world.kommune.email, "falsch")
    expect(page.locator("#fehler")).to_contain_text("E-Mail-Adresse oder Passwort ist falsch")
    axe.check(page, "Anmeldung mit Fehler")
    log_in(page, world.kommune.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Digi-Check für Erbach")
    axe.check(page, "Übersicht ohne Runde")
    page.get_by_role("button", name="Digi-Check beginnen").click()
    axe.check(page, "Start der Runde")
    page.get_by_role("link", name="Mit der ersten Frage beginnen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(Q.areas[0].name)
    assessment_id = int(ASSESSMENT_URL.search(page.url).group(1))
    axe.check(page, "Fragebogen")

    # a number item with letters: error summary, message at the field, input kept
    notebooks = Q.item("technik.notebooks")
    go_to_area(page, Q.area("technik"))
    number_input(page, notebooks).fill("abc")
    page.get_by_role("button", name="Zwischenspeichern").click()
    summary = page.locator("#fehler")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_text([re.compile(re.escape(notebooks.text) + ".*ganze Zahl")])
    expect(fieldset(page, notebooks).locator(".field-error")).to_contain_text("Bitte eine ganze Zahl eintragen")
    expect(number_input(page, notebooks)).to_have_value("abc")
    expect(number_input(page, notebooks)).to_have_attribute("aria-invalid", "true")
    page.screenshot(path="/tmp/e2e-validation.png", full_page=True)
    axe.check(page, "Fragebogen mit Fehlern")

    # the answers themselves are not what this test is about: saved directly, as a colleague would have
    assessment = db.session.get(Assessment, assessment_id)
    for area in Q.areas:
        result = svc.save_answers(assessment, world.kommune, area_answers(area.id), {})
        assert result.ok
    db.session.commit()  # as the colleague's request would have
    page.goto(f"/bewertung/{assessment_id}/ergebnis")
    for area in Q.areas:
        page.get_by_label(f"Ziel für {area.name}", exact=True).select_option("4")
    page.get_by_role("button", name="Ziele speichern").click()
    expect(page.locator("#radar g.series")).to_have_count(2)
    expect(page.locator("#radar")).to_contain_text("Ziel in 2–3 Jahren")
    axe.check(page, "Zwischenergebnis mit Zielen")
    page.get_by_role("link", name="Antworten prüfen und abschließen").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Runde 1: prüfen und abschließen")
    axe.check(page, "Prüfen und abschließen")
    page.get_by_role("button", name="Jetzt verbindlich abschließen").click()
    axe.check(page, "Nächste Schritte")
    page.get_by_role("link", name="Ergebnis im Browser ansehen").click()
    expect(page.locator("#radar")).to_be_visible()
    axe.check(page, "Ergebnis")
    overlays = page.locator("form.overlays")
    overlays.get_by_role("checkbox").first.check()
    overlays.get_by_role("button", name="Anzeigen").click()
    expect(page.locator("#radar-tabelle thead th")).to_have_count(7)  # the new page, with the overlay column
    expect(page.locator("#radar g.series")).to_have_count(3)
    page.screenshot(path="/tmp/e2e-result-targets.png", full_page=True)
    axe.check(page, "Ergebnis mit Vergleichsprofil")
    page.goto(f"/bewertung/{assessment_id}/verlauf")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Änderungsverlauf")
    axe.check(page, "Änderungsverlauf")
    page.goto("/")
    axe.check(page, "Übersicht nach Abschluss")

    assert axe.clean, axe.report()


def test_admin_locks_an_account_and_withdraws_an_invitation(page: Page, world: World, axe: AxeAudit) -> None:
    """The account and invitation pages as an admin uses them, with axe-core on each."""
    page.goto("/anmelden")
    log_in(page, world.admin.email)
    page.get_by_role("link", name="Einladungen").click()
    page.get_by_label("E-Mail-Adresse der eingeladenen Person").fill("neu@erbach.example.org")
    page.get_by_label("Kommune (nur für Kommune-Konten)").select_option(world.erbach.ags)
    page.get_by_role("button", name="Einladung erstellen").click()
    link = page.locator("#einladungslink").inner_text()
    axe.check(page, "Einladungen mit neuem Link")
    page.get_by_role("button", name="Einladung an neu@erbach.example.org zurückziehen").click()
    expect(page.locator(".flash")).to_contain_text("ist zurückgezogen")
    expect(page.locator("table")).to_contain_text("zurückgezogen")
    page.goto(link.replace("http://localhost", ""))
    expect(page.locator("main")).to_contain_text("zurückgezogen")

    page.goto("/verwaltung/konten")
    page.get_by_role("button", name=f"Konto sperren: {world.kommune.email}").click()
    expect(page.locator(".flash")).to_contain_text("gesperrt")
    expect(page.get_by_role("button", name=f"Konto freigeben: {world.kommune.email}")).to_be_visible()
    axe.check(page, "Konten mit gesperrtem Konto")
    assert axe.clean, axe.report()
