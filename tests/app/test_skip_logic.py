"""Skip logic on the area pages, as a browser without JavaScript sees it: questions whose
`applies_if` is not met are hidden after a save, with a note, their posted answers are not
stored, and they count neither as open nor against the score ("Trifft nicht zu")."""

from __future__ import annotations

import re

import pytest

from digicheck.assess.forms import client_conditions
from digicheck.extensions import db
from digicheck.models import AreaScore
from scoring import score_checked
from scoring.model import NOT_APPLICABLE
from tests.app.helpers import Q, area_answers, form_data, input_value, versions_on
from tests.app.test_questionnaire import page_url, save, stored
from tests.unit.factory import document, questionnaire

DETAILS = ("kooperation.ikz_laufzeit", "kooperation.ikz_personalkosten", "kooperation.ikz_partner", "kooperation.ratsbeschluss")
#: the whole Kooperation page as a browser without JavaScript posts it, the details included
PAGE = {
    **area_answers("kooperation"),
    "kooperation.ikz_laufzeit": "unbefristet",
    "kooperation.ikz_partner": 6,
    "kooperation.ratsbeschluss": "ja",
}


@pytest.fixture
def assessment_id(browser, world) -> int:
    browser.login(world.kommune)
    return int(re.search(r"/bewertung/(\d+)/", browser.post("/runden").location).group(1))


def hidden_questions(page: str) -> list[str]:
    return re.findall(r'<fieldset [^>]*id="([a-z_-]+)-fieldset"[^>]*\shidden>', page)


def notes(page: str) -> list[str]:
    return re.findall(r'<p class="skip-note" id="([a-z_-]+)-entfaellt">', page)


def test_the_details_are_asked_until_the_kommune_says_it_has_no_cooperation(browser, assessment_id) -> None:
    page = browser.get(page_url(assessment_id, "kooperation")).get_data(as_text=True)
    assert hidden_questions(page) == [] and notes(page) == []
    assert page.count("data-applies-if=") == len(DETAILS) and "js/skip." in page
    assert "js/skip." not in browser.get(page_url(assessment_id, "strategie")).get_data(as_text=True)

    response = save(browser, assessment_id, "kooperation", {**PAGE, "kooperation.ikz_vereinbarung": "keine"})
    assert response.status_code == 302
    saved = stored(assessment_id)
    assert saved["kooperation.ikz_vereinbarung"] == "keine"
    assert not set(DETAILS) & set(saved)  # posted, but not stored: the questions do not apply
    page = browser.get(page_url(assessment_id, "kooperation")).get_data(as_text=True)
    names = [item_id.replace(".", "-") for item_id in DETAILS]
    assert hidden_questions(page) == names and notes(page) == names
    assert "Entfällt nach Ihrer Antwort auf Frage 1 und zählt als „Trifft nicht zu“." in page
    # not open: 11 questions done on this page, of which the 4 skipped ones
    assert f"Fortschritt: {len(PAGE)} von {len(Q.items)} Fragen beantwortet" in page


def test_answers_given_before_stay_and_come_back_with_the_cooperation(browser, assessment_id) -> None:
    save(browser, assessment_id, "kooperation", {**PAGE, "kooperation.ikz_vereinbarung": "projekte"})
    assert stored(assessment_id)["kooperation.ikz_partner"] == 6
    save(browser, assessment_id, "kooperation", {**PAGE, "kooperation.ikz_vereinbarung": "keine", "kooperation.ikz_partner": 1})
    assert stored(assessment_id)["kooperation.ikz_partner"] == 6  # kept, unused while not asked
    save(browser, assessment_id, "kooperation", {**PAGE, "kooperation.ikz_vereinbarung": "vereinbarung"})
    page = browser.get(page_url(assessment_id, "kooperation")).get_data(as_text=True)
    assert hidden_questions(page) == [] and input_value(page, "kooperation-ikz_partner") == "6"


def post_without_cooperation(browser, assessment_id: int, field: str, typed: str):
    """The Kooperation page sent with "Keine Zusammenarbeit", every question filled, `field` typed as given."""
    url = page_url(assessment_id, "kooperation")
    data = form_data({**PAGE, "kooperation.ikz_vereinbarung": "keine"}, versions_on(browser.get(url).get_data(as_text=True)))
    data[field] = typed
    return browser.post(url, data, token_from=url)


def test_an_invalid_answer_to_a_question_that_does_not_apply_blocks_nothing(browser, assessment_id) -> None:
    response = post_without_cooperation(browser, assessment_id, "kooperation-ikz_partner", "viele")
    assert response.status_code == 302
    assert stored(assessment_id)["kooperation.ikz_vereinbarung"] == "keine"


def test_a_page_sent_back_with_an_error_hides_what_its_answers_skip(browser, assessment_id) -> None:
    page = post_without_cooperation(browser, assessment_id, "kooperation-nachnutzung", "erfunden").get_data(as_text=True)
    assert 'id="kooperation-nachnutzung-error"' in page and len(hidden_questions(page)) == len(DETAILS)


def test_a_round_without_cooperation_is_submitted_without_the_details(browser, assessment_id) -> None:
    for area in Q.areas:
        answers = area_answers(area.id)
        if area.id == "kooperation":
            answers = {k: v for k, v in answers.items() if k not in DETAILS} | {"kooperation.ikz_vereinbarung": "keine"}
        assert save(browser, assessment_id, area.id, answers).status_code == 302
    submit = f"/bewertung/{assessment_id}/abschliessen"
    overview = browser.get(submit).get_data(as_text=True)
    assert not any(Q.item(item_id).text[:40] in overview for item_id in DETAILS)
    response = browser.post(submit, token_from=submit)
    assert response.status_code == 302  # the four details are not open
    kooperation = db.session.scalars(
        db.select(AreaScore).where(AreaScore.assessment_id == assessment_id, AreaScore.area_id == "kooperation")
    ).one()
    answers = {item_id: tuple(v) if isinstance(v, list) else v for item_id, v in stored(assessment_id).items()}
    as_not_applicable = score_checked(Q, answers | dict.fromkeys(DETAILS, NOT_APPLICABLE)).area("kooperation")
    assert kooperation.score == pytest.approx(as_not_applicable.score)
    assert kooperation.coverage == 1.0 and as_not_applicable.applicable == len(Q.area("kooperation").items) - len(DETAILS)


def test_skip_js_gets_the_hiding_answers_as_a_browser_posts_them() -> None:
    """Per kind: an option's id, a multi choice's sorted ids, a number's reserved answer and ranges."""
    areas = document()["areas"]
    areas[0]["items"][0]["applies_if"] = [{"item": "strategie.n", "min_value": 10}, {"item": "strategie.m", "none_of": ["keines"]}]
    areas[0]["items"][1]["applies_if"] = [{"item": "strategie.s2", "any_of": ["hoch"]}]
    q = questionnaire(areas=areas)
    number, multi = client_conditions(q, q.item("strategie.s0"))
    assert number == {
        "item": "strategie-n",
        "fields": ["strategie-n", "strategie-n-special"],
        "hide": [["trifft_nicht_zu"]],
        "numbers": ((0, 9),),
    }
    assert multi["fields"] == ["strategie-m"] and multi["numbers"] == ()
    assert multi["hide"] == [["trifft_nicht_zu"], ["keines"]]
    (single,) = client_conditions(q, q.item("strategie.s1"))
    assert single["hide"] == [["trifft_nicht_zu"], ["niedrig"], ["mittel"]]
