"""A municipality never sees or changes another's data; every assessment route is checked."""

from __future__ import annotations

import pytest

from digicheck.assess import services as svc
from digicheck.extensions import db
from digicheck.models import Answer
from tests.app.helpers import area_answers, form_data


@pytest.fixture
def erbach_assessment(app, world):
    assessment = svc.start_round(world.erbach, world.kommune)
    svc.save_answers(assessment, world.kommune, {"strategie.digitalstrategie": "beschlossen"}, {})
    return assessment


ROUTES = [
    ("get", "/bewertung/{id}/bereich/strategie"),
    ("post", "/bewertung/{id}/bereich/strategie"),
    ("get", "/bewertung/{id}/ergebnis"),
    ("post", "/bewertung/{id}/ziele"),
    ("get", "/bewertung/{id}/abschliessen"),
    ("post", "/bewertung/{id}/abschliessen"),
    ("get", "/bewertung/{id}/verlauf"),
]


def call(browser, method: str, url: str):
    if method == "get":
        return browser.get(url)
    return browser.post(url, form_data(area_answers("strategie", "high")))


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_other_municipality_gets_404(browser, world, erbach_assessment, method, route) -> None:
    browser.login(world.other)  # Gießen
    response = call(browser, method, route.format(id=erbach_assessment.id))
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Erbach" not in page and "beschlossen" not in page
    answer = db.session.scalars(db.select(Answer).where(Answer.assessment_id == erbach_assessment.id)).one()
    assert answer.value == "beschlossen" and answer.version == 1


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_unknown_assessment_id_gets_404(browser, world, method, route) -> None:
    browser.login(world.kommune)
    assert call(browser, method, route.format(id=987654)).status_code == 404


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_anonymous_visitors_are_sent_to_login(browser, erbach_assessment, method, route) -> None:
    url = route.format(id=erbach_assessment.id)
    response = browser.get(url) if method == "get" else browser.post(url, {"x": "1"}, token_from="/anmelden")
    assert response.status_code == 302 and "/anmelden" in response.location


@pytest.mark.parametrize(("method", "route"), [r for r in ROUTES if r[1].endswith(("bereich/strategie", "ziele", "abschliessen"))])
def test_consultants_read_but_do_not_fill_out(browser, world, erbach_assessment, method, route) -> None:
    browser.login(world.berater)
    assert call(browser, method, route.format(id=erbach_assessment.id)).status_code == 403
    assert browser.get(f"/bewertung/{erbach_assessment.id}/ergebnis").status_code == 200
    assert browser.get(f"/bewertung/{erbach_assessment.id}/verlauf").status_code == 200


def test_forged_non_numeric_id(browser, world) -> None:
    browser.login(world.kommune)
    assert browser.get("/bewertung/abc/ergebnis").status_code == 404


def test_dashboard_shows_only_own_municipality(browser, world, erbach_assessment) -> None:
    browser.login(world.other)
    page = browser.get("/").get_data(as_text=True)
    assert "Gießen" in page and "Erbach" not in page


def test_starting_a_round_only_for_own_municipality(browser, world, erbach_assessment) -> None:
    browser.login(world.other)
    response = browser.post("/runden")
    assert response.status_code == 302
    assessments = svc.rounds_of(world.giessen.id)
    assert len(assessments) == 1 and assessments[0].municipality_id == world.giessen.id
    assert len(svc.rounds_of(world.erbach.id)) == 1


def test_consultant_cannot_start_rounds(browser, world) -> None:
    browser.login(world.berater)
    assert browser.post("/runden").status_code == 403


@pytest.mark.parametrize("role", ["berater", "admin"])
def test_consultants_land_in_their_workspace(browser, world, role) -> None:
    """`/` is the Kommune's dashboard; consultants and admins are sent to the consultant workspace."""
    browser.login(getattr(world, role))
    response = browser.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/beratung/")
    assert "Kommunen" in browser.get("/beratung/").get_data(as_text=True)
