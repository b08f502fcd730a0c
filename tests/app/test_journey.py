"""The path from start to submit: start page, resume, review with open questions and "Bitte prüfen",
then the next-steps page; the interim result is no dead end."""

from __future__ import annotations

import re

import pytest

from digicheck.extensions import db
from digicheck.models import Assessment
from scoring.progress import duration_minutes
from tests.app.helpers import Q, area_answers, form_data, versions_on


@pytest.fixture
def started(browser, world):
    browser.login(world.kommune)
    response = browser.post("/runden")
    assert response.status_code == 302 and re.fullmatch(r"/bewertung/\d+/start", response.location)
    return browser, int(re.search(r"/bewertung/(\d+)/", response.location).group(1))


def save(browser, assessment_id: int, area_id: str, answers: dict, action: str = "speichern"):
    url = f"/bewertung/{assessment_id}/bereich/{area_id}"
    versions = versions_on(browser.get(url).get_data(as_text=True))
    return browser.post(url, form_data(answers, versions, action), token_from=url)


def test_a_new_round_opens_on_the_start_page(started) -> None:
    browser, assessment_id = started
    page = browser.get(f"/bewertung/{assessment_id}/start").get_data(as_text=True)
    assert f"etwa {duration_minutes(Q)} Minuten" in page and f"{len(Q.items)} Fragen in 5 Bereichen" in page
    assert Q.item("technik.online_dienste").text in page  # a figure to have at hand
    assert "Mit der ersten Frage beginnen" in page
    assert browser.get(f"/bewertung/{assessment_id}/weiter").location == f"/bewertung/{assessment_id}/bereich/strategie"


def test_resume_goes_to_the_first_area_with_open_questions(started) -> None:
    browser, assessment_id = started
    save(browser, assessment_id, "strategie", area_answers("strategie"))
    save(browser, assessment_id, "kooperation", area_answers("kooperation"))
    assert browser.get(f"/bewertung/{assessment_id}/weiter").location == f"/bewertung/{assessment_id}/bereich/organisation"
    home = browser.get("/").get_data(as_text=True)
    assert f'href="/bewertung/{assessment_id}/weiter">Weiterarbeiten<' in home
    partial = dict(area_answers("organisation"))
    partial.pop(Q.area("organisation").items[-1].id)
    save(browser, assessment_id, "organisation", partial)  # one question left open there
    assert browser.get(f"/bewertung/{assessment_id}/weiter").location == f"/bewertung/{assessment_id}/bereich/organisation"


def test_after_the_last_area_comes_the_review_then_the_next_steps(started) -> None:
    browser, assessment_id = started
    for area in Q.areas[:-1]:
        save(browser, assessment_id, area.id, area_answers(area.id))
    last = Q.areas[-1].id
    response = save(browser, assessment_id, last, area_answers(last), action="weiter")
    assert response.status_code == 302 and response.location == f"/bewertung/{assessment_id}/abschliessen"
    assert browser.get(f"/bewertung/{assessment_id}/weiter").location == f"/bewertung/{assessment_id}/abschliessen"
    review = browser.get(response.location).get_data(as_text=True)
    assert "Beantwortet je Bereich" in review and "offen" not in review.split("Beantwortet je Bereich")[1].split("<table")[0]
    assert "Jetzt verbindlich abschließen" in review
    # the next steps wait for the submission
    assert browser.get(f"/bewertung/{assessment_id}/naechste-schritte").location == f"/bewertung/{assessment_id}/abschliessen"
    url = f"/bewertung/{assessment_id}/abschliessen"
    done = browser.post(url, token_from=url)
    assert done.status_code == 302 and done.location == f"/bewertung/{assessment_id}/naechste-schritte"
    assert db.session.get(Assessment, assessment_id).submitted
    steps = browser.get(done.location).get_data(as_text=True)
    assert "Runde 1 ist abgeschlossen" in steps and "Die Digitalisierungsberatung sieht jetzt Ihr Reifegrad-Profil" in steps
    assert f'href="/bewertung/{assessment_id}/bericht.pdf"' in steps
    assert browser.get(f"/bewertung/{assessment_id}/weiter").location == f"/bewertung/{assessment_id}/naechste-schritte"


def test_review_lists_open_questions_and_contradictions(started) -> None:
    browser, assessment_id = started
    technik = area_answers("technik")
    technik.update({"technik.dms_eakte": "pilot", "technik.dms_vorhanden": "nein"})  # an E-Akte without a DMS
    save(browser, assessment_id, "technik", technik)
    review = browser.get(f"/bewertung/{assessment_id}/abschliessen").get_data(as_text=True)
    open_count = len(Q.items) - len(Q.area("technik").items)
    assert f"Noch {open_count} Fragen offen" in review and "Jetzt verbindlich abschließen" not in review
    assert f'href="/bewertung/{assessment_id}/bereich/strategie#strategie-' in review
    hints = review.split('id="pruefen"')[1]
    assert "Bitte prüfen" in review and "kein Dokumentenmanagementsystem (DMS) in Betrieb" in hints
    assert f"/bewertung/{assessment_id}/bereich/technik#technik-dms_vorhanden-fieldset" in hints


def test_one_open_question_is_singular(started) -> None:
    browser, assessment_id = started
    answers = {area.id: area_answers(area.id) for area in Q.areas}
    answers["technik"].pop("technik.online_dienste")
    for area_id, values in answers.items():
        save(browser, assessment_id, area_id, values)
    review = browser.get(f"/bewertung/{assessment_id}/abschliessen").get_data(as_text=True)
    assert "Noch 1 Frage offen" in review


def test_the_interim_result_leads_on_to_the_review(started, make_browser, world) -> None:
    browser, assessment_id = started
    save(browser, assessment_id, "strategie", area_answers("strategie"))
    result = browser.get(f"/bewertung/{assessment_id}/ergebnis").get_data(as_text=True)
    banner = result.split('id="noch-offen"')[1].split("</div>")[0]
    assert "Noch nicht abgeschlossen" in banner and f'href="/bewertung/{assessment_id}/abschliessen"' in banner
    consultant = make_browser()
    consultant.login(world.berater)
    assert 'id="noch-offen"' not in consultant.get(f"/bewertung/{assessment_id}/ergebnis").get_data(as_text=True)


def test_the_review_leaves_out_questions_that_are_not_asked(started) -> None:
    """IKZ details answered "Weiß nicht", then "Keine Zusammenarbeit": those details are no longer
    asked (skip logic), so the review does not count them as "Weiß nicht"."""
    browser, assessment_id = started
    answers = area_answers("kooperation")
    details = [item.id for item in Q.area("kooperation").items if item.applies_if]
    assert details, "2026.1 hides the IKZ details after 'keine'"
    save(browser, assessment_id, "kooperation", {**answers, **{item_id: "weiss_nicht" for item_id in details}})
    review = browser.get(f"/bewertung/{assessment_id}/abschliessen").get_data(as_text=True)
    assert f"{len(details)} Fragen sind mit „Weiß nicht“ beantwortet" in review
    save(browser, assessment_id, "kooperation", {"kooperation.ikz_vereinbarung": "keine"})
    review = browser.get(f"/bewertung/{assessment_id}/abschliessen").get_data(as_text=True)
    assert "mit „Weiß nicht“ beantwortet" not in review


def test_next_steps_say_not_assessable_when_nothing_could_be_scored(started) -> None:
    browser, assessment_id = started
    for area in Q.areas:
        save(browser, assessment_id, area.id, {item.id: "weiss_nicht" for item in area.items})
    url = f"/bewertung/{assessment_id}/abschliessen"
    assert browser.post(url, token_from=url).status_code == 302
    steps = browser.get(f"/bewertung/{assessment_id}/naechste-schritte").get_data(as_text=True)
    # every item is open (the IKZ details too: whether there is a cooperation is not known), so any level is possible
    assert f'Ihr Gesamtergebnis: nicht bewertbar <span class="level-range">(1–5, je nach {len(Q.items)} offenen Fragen)</span>.' in steps
    assert "None" not in steps
