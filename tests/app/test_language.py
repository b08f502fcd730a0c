"""German wording: counts in singular and plural (Flask-Babel's ngettext), the invitation's wording,
and a favicon on every page and at /favicon.ico."""

from __future__ import annotations

import re
from datetime import date

from digicheck.accounts import services as accounts
from digicheck.assess import services as svc
from digicheck.models import Role
from scoring.advice.render import status_label
from scoring.advice.rules import DateStatus
from tests.app.helpers import Q, answer_for
from tests.conftest import Browser, World

ICON_LINK = re.compile(r'<link rel="icon" href="(/static/img/favicon\.[0-9a-f]{12}\.(ico|svg))"')


def test_one_open_question_is_singular(browser: Browser, world: World) -> None:
    assessment = svc.start_round(world.erbach, world.kommune)
    left_open = Q.items[-1]
    svc.save_answers(assessment, world.kommune, {i.id: answer_for(i) for i in Q.items if i.id != left_open.id}, {})
    browser.login(world.kommune)
    page = browser.get(f"/bewertung/{assessment.id}/abschliessen").get_data(as_text=True)
    assert "Noch 1 Frage offen" in page and "Frage(n)" not in page


def test_ending_one_other_login_is_singular(make_browser, world: World) -> None:
    mine, other = make_browser(), make_browser()
    mine.login(world.kommune)
    other.login(world.kommune)
    mine.post("/konto/sitzungen/beenden", {"alle": "1"}, token_from="/konto/sicherheit")
    assert "1 andere Anmeldung beendet." in mine.get("/konto/sicherheit").get_data(as_text=True)


def test_counts_on_the_consultants_overview(browser: Browser, world: World) -> None:
    browser.login(world.berater)
    assert "2 Kommunen gefunden." in browser.get("/beratung/").get_data(as_text=True)
    assert "1 Kommune gefunden." in browser.get("/beratung/?q=Erbach").get_data(as_text=True)


def test_the_invitation_names_the_municipality_once(make_browser, world: World) -> None:
    for_kommune = accounts.invite("neu@erbach.example.org", Role.KOMMUNE, world.erbach, world.admin)
    for_consulting = accounts.invite("neu@beratung.example.org", Role.BERATER, None, world.admin)
    kommune_page = make_browser().get(f"/einladung/{for_kommune.token}").get_data(as_text=True)
    assert "für die Kommune Erbach." in kommune_page and "der Kommune" not in kommune_page
    assert "mit der Rolle „Beratung“." in make_browser().get(f"/einladung/{for_consulting.token}").get_data(as_text=True)


def test_one_day_left_is_singular() -> None:
    assert status_label(DateStatus("closing", date(2026, 12, 7), 1)) == "endet am 07.12.2026 (noch 1 Tag)"
    assert status_label(DateStatus("closing", date(2026, 12, 8), 2), applications=True) == "Antragsfrist endet am 08.12.2026 (noch 2 Tage)"


def body(browser: Browser, url: str) -> tuple[int, str, bytes]:
    """Status, type and body of a file response, the file closed."""
    response = browser.get(url)
    try:
        return response.status_code, response.mimetype, response.get_data()
    finally:
        response.close()


def test_every_page_links_a_favicon_and_favicon_ico_is_there(browser: Browser, world: World) -> None:
    login = browser.get("/anmelden").get_data(as_text=True)
    links = {kind: url for url, kind in ICON_LINK.findall(login)}
    assert set(links) == {"ico", "svg"}
    status, mimetype, svg = body(browser, links["svg"])
    assert status == 200 and mimetype == "image/svg+xml" and b"<svg" in svg
    status, mimetype, ico = body(browser, "/favicon.ico")
    assert status == 200 and mimetype == "image/vnd.microsoft.icon" and ico[:4] == b"\x00\x00\x01\x00"
    assert ico == body(browser, links["ico"])[2]
    browser.login(world.kommune)
    assert ICON_LINK.search(browser.get("/").get_data(as_text=True))
