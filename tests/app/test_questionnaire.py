"""Filling out the questionnaire: saving per page, validation, conflicts, history, submit."""

from __future__ import annotations

import re

import pytest

from digicheck.assess import services as svc
from digicheck.extensions import db
from digicheck.models import Answer, AnswerChange, AreaScore, Assessment
from tests.app.helpers import Q, area_answers, checked_values, form_data, input_value, page_form, versions_on


@pytest.fixture
def started(browser, world):
    browser.login(world.kommune)
    response = browser.post("/runden")
    assert response.status_code == 302
    assessment_id = int(re.search(r"/bewertung/(\d+)/", response.location).group(1))
    return browser, assessment_id


def page_url(assessment_id: int, area_id: str) -> str:
    return f"/bewertung/{assessment_id}/bereich/{area_id}"


def save(browser, assessment_id, area_id, answers, action="speichern"):
    url = page_url(assessment_id, area_id)
    versions = versions_on(browser.get(url).get_data(as_text=True))
    return browser.post(url, form_data(answers, versions, action), token_from=url)


def stored(assessment_id: int) -> dict:
    rows = db.session.scalars(db.select(Answer).where(Answer.assessment_id == assessment_id)).all()
    return {r.item_id: r.value for r in rows}


def test_start_creates_round_one_and_opens_first_area(started) -> None:
    browser, assessment_id = started
    page = browser.get(page_url(assessment_id, "strategie")).get_data(as_text=True)
    assert "Strategie &amp; Steuerung" in page
    assert f"Fortschritt: 0 von {len(Q.items)} Fragen beantwortet" in page
    for item in Q.area("strategie").items:
        assert item.text.replace("&", "&amp;").replace('"', "&#34;")[:40] in page or item.text[:30] in page
    assert page.count("Weiß nicht") >= len(Q.area("strategie").items)


def test_saving_a_page_stores_answers_and_progress(started) -> None:
    browser, assessment_id = started
    answers = area_answers("strategie")
    response = save(browser, assessment_id, "strategie", answers, action="weiter")
    assert response.status_code == 302 and response.location.endswith("/bereich/organisation")
    saved = stored(assessment_id)
    assert len(saved) == len(answers)
    for item_id, value in answers.items():
        assert saved[item_id] == value
    page = browser.get(page_url(assessment_id, "strategie")).get_data(as_text=True)
    assert f"Fortschritt: {len(answers)} von {len(Q.items)}" in page
    assert "sind gespeichert" in page


def test_saved_answers_are_shown_again(started) -> None:
    browser, assessment_id = started
    answers = area_answers("technik")
    save(browser, assessment_id, "technik", answers)
    page = browser.get(page_url(assessment_id, "technik")).get_data(as_text=True)
    for item in Q.area("technik").items:
        name = item.id.replace(".", "-")
        if item.type in ("single", "yesno"):
            assert checked_values(page, name) == [answers[item.id]]
        elif item.type == "multi":
            assert checked_values(page, name) == answers[item.id]
        else:
            assert input_value(page, name) == str(answers[item.id])


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update({"technik-online_dienste": "viele"}), "Bitte eine ganze Zahl eintragen"),
        (lambda d: d.update({"technik-online_dienste": "1" * 300}), "zu lang"),
        (lambda d: d.update({"technik-online_dienste": "-5"}), "zwischen"),
        (lambda d: d.update({"technik-isms": "erfunden"}), "Diese Antwort gibt es bei dieser Frage nicht"),
        (lambda d: d.update({"technik-online_dienste": "12", "technik-online_dienste-special": "weiss_nicht"}), "nicht beides"),
    ],
)
def test_invalid_answers_get_german_messages_and_the_valid_ones_are_stored(started, mutate, message) -> None:
    browser, assessment_id = started
    url = page_url(assessment_id, "technik")
    data = form_data(area_answers("technik"))
    mutate(data)
    response = browser.post(url, data, token_from=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Bitte prüfen Sie Ihre Eingaben" in page and message in page
    invalid = {"technik.online_dienste", "technik.isms"}
    saved = stored(assessment_id)
    assert len(saved) == len(Q.area("technik").items) - 1 and not invalid.issuperset(saved)
    assert {i: v for i, v in area_answers("technik").items() if i in saved} == saved
    # what the user typed is still in the form, the stored answers too
    ok_item = next(i for i in Q.area("technik").items if i.type == "single" and i.id != "technik.isms")
    assert checked_values(page, ok_item.id.replace(".", "-")) == [area_answers("technik")[ok_item.id]]
    if "technik-online_dienste" in data and data["technik-online_dienste"] != str(area_answers("technik")["technik.online_dienste"]):
        assert input_value(page, "technik-online_dienste") == data["technik-online_dienste"]


def test_forged_item_id_is_refused(started) -> None:
    browser, assessment_id = started
    url = page_url(assessment_id, "strategie")
    data = form_data(area_answers("strategie"))
    data["strategie-erfunden"] = "ja"
    response = browser.post(url, data, token_from=url)
    assert response.status_code == 400 and "unbekannte Felder" in response.get_data(as_text=True)
    assert stored(assessment_id) == {}


def test_item_of_another_area_cannot_be_smuggled_in(started) -> None:
    browser, assessment_id = started
    url = page_url(assessment_id, "strategie")
    data = form_data(area_answers("strategie"))
    data["technik-isms"] = "weiss_nicht"
    assert browser.post(url, data, token_from=url).status_code == 400
    assert stored(assessment_id) == {}


def test_unknown_area(started) -> None:
    browser, assessment_id = started
    assert browser.get(page_url(assessment_id, "finanzen")).status_code == 404


def test_missing_csrf_token_on_save(started) -> None:
    browser, assessment_id = started
    response = browser.post(page_url(assessment_id, "strategie"), form_data(area_answers("strategie")), csrf=False)
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    assert stored(assessment_id) == {}


def test_oversized_request_is_refused(started) -> None:
    browser, assessment_id = started
    data = form_data(area_answers("strategie"))
    data["strategie-digitalstrategie"] = "x" * 300_000
    response = browser.post(page_url(assessment_id, "strategie"), data, token_from=page_url(assessment_id, "strategie"))
    assert response.status_code == 413
    assert stored(assessment_id) == {}


def test_stale_save_is_a_conflict_showing_both_values(started, make_browser, world) -> None:
    browser, assessment_id = started
    url = page_url(assessment_id, "strategie")
    colleague = make_browser()
    colleague.login(world.kommune)
    mine_page = browser.get(url).get_data(as_text=True)
    their_page = colleague.get(url).get_data(as_text=True)
    item = Q.item("strategie.digitalstrategie")
    ranked = item.ranked_options
    their = colleague.post(url, form_data({item.id: ranked[-1].id}, versions_on(their_page)), token_from=url)
    assert their.status_code == 302
    budget = area_answers("strategie")["strategie.budget"]
    mine = browser.post(url, form_data({item.id: ranked[0].id, "strategie.budget": budget}, versions_on(mine_page)), token_from=url)
    page = mine.get_data(as_text=True)
    assert mine.status_code == 409
    assert "Inzwischen von jemand anderem geändert" in page and "Hauptamt Erbach" in page
    assert f"Antwort von Hauptamt Erbach: „{ranked[-1].label}“" in page and f"Meine Eingabe: „{ranked[0].label}“" in page
    assert stored(assessment_id) == {item.id: ranked[-1].id, "strategie.budget": budget}  # the budget answer is not held back
    assert checked_values(page, "strategie-digitalstrategie") == [ranked[0].id]  # my input is kept
    # saving again without choosing keeps the conflict; choosing "mine" overwrites knowingly
    undecided = browser.post(url, page_form(page), token_from=url)
    assert undecided.status_code == 409 and stored(assessment_id)[item.id] == ranked[-1].id
    again = browser.post(url, page_form(undecided.get_data(as_text=True)) | {"k-strategie-digitalstrategie": ["", "mine"]}, token_from=url)
    assert again.status_code == 302
    assert stored(assessment_id)[item.id] == ranked[0].id


def test_same_value_by_two_people_is_no_conflict(started, make_browser, world) -> None:
    browser, assessment_id = started
    url = page_url(assessment_id, "strategie")
    colleague = make_browser()
    colleague.login(world.kommune)
    stale = versions_on(browser.get(url).get_data(as_text=True))
    answers = {"strategie.digitalstrategie": Q.item("strategie.digitalstrategie").ranked_options[-1].id}
    assert (
        colleague.post(url, form_data(answers, versions_on(colleague.get(url).get_data(as_text=True))), token_from=url).status_code == 302
    )
    assert browser.post(url, form_data(answers, stale), token_from=url).status_code == 302


def test_history_records_who_changed_what(started) -> None:
    browser, assessment_id = started
    item = Q.item("strategie.digitalstrategie")
    save(browser, assessment_id, "strategie", {item.id: item.ranked_options[0].id})
    save(browser, assessment_id, "strategie", {item.id: item.ranked_options[-1].id})
    changes = db.session.scalars(db.select(AnswerChange).where(AnswerChange.item_id == item.id).order_by(AnswerChange.id)).all()
    assert [(c.old_value, c.new_value) for c in changes] == [
        (None, item.ranked_options[0].id),
        (item.ranked_options[0].id, item.ranked_options[-1].id),
    ]
    page = browser.get(f"/bewertung/{assessment_id}/verlauf").get_data(as_text=True)
    assert "Hauptamt Erbach" in page and item.ranked_options[-1].label in page and item.ranked_options[0].label in page


def fill_all(browser, assessment_id, strength="mid"):
    for area in Q.areas:
        response = save(browser, assessment_id, area.id, area_answers(area.id, strength))
        assert response.status_code == 302


def test_submit_needs_every_item_answered(started) -> None:
    browser, assessment_id = started
    save(browser, assessment_id, "strategie", area_answers("strategie"))
    url = f"/bewertung/{assessment_id}/abschliessen"
    response = browser.post(url, token_from=url)
    assert response.status_code == 400 and f"Noch {len(Q.items) - len(Q.area('strategie').items)} Fragen offen" in response.get_data(
        as_text=True
    )
    assert not db.session.get(Assessment, assessment_id).submitted


def test_submit_makes_the_assessment_read_only(started) -> None:
    browser, assessment_id = started
    fill_all(browser, assessment_id)
    url = f"/bewertung/{assessment_id}/abschliessen"
    response = browser.post(url, token_from=url)
    assert response.status_code == 302
    assessment = db.session.get(Assessment, assessment_id)
    assert assessment.submitted and assessment.submitted_at is not None
    scores = db.session.scalars(db.select(AreaScore).where(AreaScore.assessment_id == assessment_id)).all()
    assert {s.area_id for s in scores} == {a.id for a in Q.areas} | {"overall"}
    before = stored(assessment_id)
    area_url = page_url(assessment_id, "strategie")
    blocked = browser.post(area_url, form_data(area_answers("strategie", "high")), token_from="/passwort")
    assert blocked.status_code == 409 and "abgeschlossen" in blocked.get_data(as_text=True)
    assert stored(assessment_id) == before
    assert browser.post(url, token_from="/passwort").status_code == 409
    assert browser.post(f"/bewertung/{assessment_id}/ziele", {"target-strategie": "4"}, token_from="/passwort").status_code == 409


def test_new_round_is_prefilled_from_the_last(started) -> None:
    browser, assessment_id = started
    fill_all(browser, assessment_id)
    url = f"/bewertung/{assessment_id}/abschliessen"
    browser.post(url, token_from=url)
    response = browser.post("/runden")
    second_id = int(re.search(r"/bewertung/(\d+)/", response.location).group(1))
    assert second_id != assessment_id
    second = db.session.get(Assessment, second_id)
    assert second.round == 2 and second.previous_id == assessment_id and not second.submitted
    assert stored(second_id) == stored(assessment_id)
    save(browser, second_id, "strategie", area_answers("strategie", "high"))
    assert stored(assessment_id) != stored(second_id)  # the first round is untouched


def test_new_round_while_one_is_open_returns_the_open_one(started) -> None:
    browser, assessment_id = started
    response = browser.post("/runden")
    assert f"/bewertung/{assessment_id}/" in response.location


def test_targets_are_saved_and_shown_beside_levels(started) -> None:
    browser, assessment_id = started
    fill_all(browser, assessment_id)
    result = f"/bewertung/{assessment_id}/ergebnis"
    response = browser.post(f"/bewertung/{assessment_id}/ziele", {f"target-{a.id}": "4" for a in Q.areas}, token_from=result)
    assert response.status_code == 302
    page = browser.get(result).get_data(as_text=True)
    assert '<th scope="col">Ziel</th>' in page and page.count("Ziel: Stufe 4") == 5


@pytest.mark.parametrize("value", ["6", "0", "abc", "99999999999999999999"])
def test_invalid_target(started, value) -> None:
    browser, assessment_id = started
    result = f"/bewertung/{assessment_id}/ergebnis"
    response = browser.post(f"/bewertung/{assessment_id}/ziele", {"target-strategie": value}, token_from=result)
    assert response.status_code == 400 and "Ziel" in response.get_data(as_text=True)
    assert svc.targets_of(db.session.get(Assessment, assessment_id)) == {}


def test_result_page_explains_levels(started) -> None:
    browser, assessment_id = started
    fill_all(browser, assessment_id)
    save(browser, assessment_id, "technik", {"technik.isms": "weiss_nicht"})
    page = browser.get(f"/bewertung/{assessment_id}/ergebnis").get_data(as_text=True)
    assert "Reifegrad-Profil Erbach" in page
    assert 'id="radar-tabelle"' in page and '<svg id="radar"' in page
    assert "Warum diese Stufe?" in page and "Zu klären" in page
    isms = Q.item("technik.isms").text
    assert isms in page.split("Zu klären")[1]
    for area in Q.areas:
        assert area.name.replace("&", "&amp;") in page


def test_provisional_levels_are_flagged(started) -> None:
    browser, assessment_id = started
    save(browser, assessment_id, "strategie", dict(list(area_answers("strategie").items())[:3]))
    page = browser.get(f"/bewertung/{assessment_id}/ergebnis").get_data(as_text=True)
    assert "vorläufig" in page and "Vorläufig:" in page


STYLESHEET = re.compile(r'<link rel="stylesheet" href="(/static/css/app\.[0-9a-f]{12}\.css)">')


def test_result_page_assets_are_served_locally(started) -> None:
    browser, assessment_id = started
    url = STYLESHEET.search(browser.get(f"/bewertung/{assessment_id}/ergebnis").get_data(as_text=True)).group(1)
    response = browser.get(url)
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert len(response.get_data()) > 1_000
    assert "immutable" in response.headers["Cache-Control"] and response.headers["ETag"]
    again = browser.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""  # the browser's copy is still good
    response.close()


def test_result_page_gives_advice_with_modules_funding_and_measures(started) -> None:
    browser, assessment_id = started
    fill_all(browser, assessment_id)
    page = browser.get(f"/bewertung/{assessment_id}/ergebnis").get_data(as_text=True)
    assert "Empfehlung: Beratungsmodule" in page and "Förderprogramme" in page and "So haben es andere gemacht" in page
    assert "Förderung der interkommunalen Zusammenarbeit" in page
    assert "beendet am" in page  # every programme of the sources has ended: shown as history
    assert "Beratungstage" in page


def test_reference_profiles_can_be_overlaid(started) -> None:
    browser, assessment_id = started
    fill_all(browser, assessment_id)
    url = f"/bewertung/{assessment_id}/ergebnis"
    plain = browser.get(url).get_data(as_text=True)
    assert 'name="vergleich" value="giessen-2020"' in plain
    table = plain.split('id="radar-tabelle"')[1].split("</table>")[0]
    assert "Gießen" not in table
    overlaid = browser.get(url + "?vergleich=giessen-2020&vergleich=erbach-ikz-2023&vergleich=unbekannt").get_data(as_text=True)
    table = overlaid.split('id="radar-tabelle"')[1].split("</table>")[0]
    assert "Gießen" in table and "Erbach" in table
    assert "keine offizielle Selbsteinschätzung" in overlaid
