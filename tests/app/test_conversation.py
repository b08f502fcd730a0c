"""The conversation per item and per assessment (issue 16): the Kommune answers a consultant's shared
note and asks its own questions; internal notes stay invisible to it; authors edit or delete their
own entries within 24 hours; the consultant overview lists the open questions."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from digicheck.assess import services as svc
from digicheck.consult import services as consult
from digicheck.extensions import db
from digicheck.models import Note
from digicheck.models._time import utcnow
from digicheck.models.consult import NOTE_MAX
from tests.app.helpers import Q


def text_of(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


@pytest.fixture
def assessment(world):
    a = svc.start_round(world.erbach, world.kommune)
    db.session.commit()
    return a


@pytest.fixture
def shared(assessment, world) -> Note:
    note = consult.add_note(assessment, world.berater, "Bitte den Ratsbeschluss zur Strategie nennen.", shared=True)
    db.session.commit()
    return note


@pytest.fixture
def internal(assessment, world) -> Note:
    note = consult.add_note(assessment, world.berater, "Intern: Bürgermeister skeptisch.")
    db.session.commit()
    return note


def test_kommune_answers_a_shared_note_and_the_consultant_sees_the_reply(
    browser, make_browser, world, assessment, shared, internal
) -> None:
    browser.login(world.kommune)
    url = f"/bewertung/{assessment.id}/gespraech"
    assert f'href="{url}"' in browser.get("/").get_data(as_text=True)  # the home page leads to the conversation
    page = text_of(browser.get(url))
    assert "Bitte den Ratsbeschluss zur Strategie nennen." in page and "Intern" not in page
    response = browser.post(f"/gespraech/{shared.id}/antwort", {f"antwort-{shared.id}-text": "Beschluss vom 12.03.2026"}, token_from=url)
    assert response.status_code == 302 and response.location.endswith(f"{url}#notiz-{shared.id}")
    page = text_of(browser.get(url))
    assert re.search(r"Hauptamt Erbach \(Kommune\), \d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr Beschluss vom 12\.03\.2026", page)
    consultant = make_browser()
    consultant.login(world.berater)
    view = text_of(consultant.get(f"/beratung/bewertung/{assessment.id}"))
    assert "Beschluss vom 12.03.2026" in view and "offene Frage" in view  # a Kommune entry waits for the consultation
    assert "Offene Fragen der Kommunen (1)" in text_of(consultant.get("/beratung/"))


def test_internal_notes_and_other_municipalities_stay_invisible(browser, make_browser, world, assessment, shared, internal) -> None:
    browser.login(world.kommune)
    url = f"/bewertung/{assessment.id}/gespraech"
    assert browser.post(f"/gespraech/{internal.id}/antwort", {f"antwort-{internal.id}-text": "Hallo"}, token_from=url).status_code == 404
    assert "Intern" not in text_of(browser.get(f"/bewertung/{assessment.id}/ergebnis"))
    other = make_browser()
    other.login(world.other)
    own = svc.start_round(world.giessen, world.other)
    db.session.commit()
    token_page = f"/bewertung/{own.id}/gespraech"
    assert other.get(url).status_code == 404
    for action, field in (("antwort", "antwort-{}-text"), ("bearbeiten", "bearbeiten-{}-text"), ("loeschen", "x")):
        response = other.post(f"/gespraech/{shared.id}/{action}", {field.format(shared.id): "fremd"}, token_from=token_page)
        assert response.status_code == 404
    assert other.post(url, {"frage-text": "fremd", "frage-frage": ""}, token_from=token_page).status_code == 404
    assert db.session.scalar(db.select(db.func.count(Note.id))) == 2


def test_kommune_asks_per_item_and_the_question_is_open_until_answered_or_closed(browser, make_browser, world, assessment) -> None:
    browser.login(world.kommune)
    url = f"/bewertung/{assessment.id}/gespraech"
    item = Q.item("strategie.verantwortung")
    assert f'value="{item.id}"' in browser.get(url + f"?frage={item.id}").get_data(as_text=True)
    response = browser.post(url, {"frage-frage": item.id, "frage-text": "Zählt eine Stabsstelle in Teilzeit?"}, token_from=url)
    assert response.status_code == 302
    question = db.session.scalars(db.select(Note).where(Note.author_id == world.kommune.id)).one()
    assert (question.item_id, question.shared, question.resolved_at) == (item.id, True, None)
    consultant = make_browser()
    consultant.login(world.berater)
    overview = text_of(consultant.get("/beratung/"))
    assert "Offene Fragen der Kommunen (1)" in overview and "Zählt eine Stabsstelle in Teilzeit?" in overview
    view = consultant.get(f"/beratung/bewertung/{assessment.id}").get_data(as_text=True)
    answer = view[view.index(f'id="frage-{item.id.replace(".", "-")}"') :]
    assert "Frage der Kommune" in answer[: answer.index("</article>")]
    reply = consultant.post(
        f"/gespraech/{question.id}/antwort",
        {f"antwort-{question.id}-text": "Ja, wenn benannt."},
        token_from=f"/beratung/bewertung/{assessment.id}",
    )
    assert reply.status_code == 302 and reply.location.endswith(f"/beratung/bewertung/{assessment.id}#notiz-{question.id}")
    assert "Offene Fragen der Kommunen (0)" in text_of(consultant.get("/beratung/"))
    # a follow-up of the Kommune opens it again; the consultant closes it without answering
    browser.post(f"/gespraech/{question.id}/antwort", {f"antwort-{question.id}-text": "Danke, und bei 50 %?"}, token_from=url)
    assert "Offene Fragen der Kommunen (1)" in text_of(consultant.get("/beratung/"))
    assert consultant.post(f"/gespraech/{question.id}/erledigt", {}, token_from="/beratung/").status_code == 302
    assert "Offene Fragen der Kommunen (0)" in text_of(consultant.get("/beratung/"))
    page = text_of(browser.get(url))
    assert "Ja, wenn benannt." in page and "(Beratung)" in page


def test_authors_edit_and_delete_within_24_hours_visibly(browser, world, assessment, shared) -> None:
    browser.login(world.kommune)
    url = f"/bewertung/{assessment.id}/gespraech"
    browser.post(f"/gespraech/{shared.id}/antwort", {f"antwort-{shared.id}-text": "Erste Fassung"}, token_from=url)
    mine = db.session.scalars(db.select(Note).where(Note.parent_id == shared.id)).one()
    mine.created_at = utcnow() - timedelta(hours=23)
    db.session.commit()
    assert (
        browser.post(f"/gespraech/{mine.id}/bearbeiten", {f"bearbeiten-{mine.id}-text": "Zweite Fassung"}, token_from=url).status_code
        == 302
    )
    page = text_of(browser.get(url))
    assert "Zweite Fassung" in page and "Erste Fassung" not in page and "bearbeitet" in page
    # the consultant's note is not the Kommune's to edit
    response = browser.post(f"/gespraech/{shared.id}/bearbeiten", {f"bearbeiten-{shared.id}-text": "fremd"}, token_from=url)
    assert response.status_code == 403
    assert browser.post(f"/gespraech/{mine.id}/loeschen", {}, token_from=url).status_code == 302
    db.session.refresh(mine)
    assert mine.text == "" and mine.deleted_at is not None
    assert "gelöscht am" in text_of(browser.get(url)) and "Zweite Fassung" not in text_of(browser.get(url))


def test_a_25_hours_old_entry_can_no_longer_be_changed_and_the_typed_text_is_kept(browser, world, assessment, shared) -> None:
    browser.login(world.kommune)
    url = f"/bewertung/{assessment.id}/gespraech"
    browser.post(f"/gespraech/{shared.id}/antwort", {f"antwort-{shared.id}-text": "Alte Antwort"}, token_from=url)
    mine = db.session.scalars(db.select(Note).where(Note.parent_id == shared.id)).one()
    mine.created_at = utcnow() - timedelta(hours=25)
    db.session.commit()
    assert f"/gespraech/{mine.id}/bearbeiten" not in browser.get(url).get_data(as_text=True)  # no form offered
    response = browser.post(f"/gespraech/{mine.id}/bearbeiten", {f"bearbeiten-{mine.id}-text": "Neue Antwort"}, token_from=url)
    assert response.status_code == 409
    assert "diese Frist ist abgelaufen" in text_of(response)
    assert ">Neue Antwort</textarea>" in response.get_data(as_text=True)  # to copy: nothing typed is lost
    assert browser.post(f"/gespraech/{mine.id}/loeschen", {}, token_from=url).status_code == 409
    db.session.refresh(mine)
    assert (mine.text, mine.edited_at, mine.deleted_at) == ("Alte Antwort", None, None)


def test_empty_or_oversized_entries_get_a_german_message_and_keep_the_text(browser, world, assessment, shared) -> None:
    browser.login(world.kommune)
    url = f"/bewertung/{assessment.id}/gespraech"
    too_long = "Ä" * (NOTE_MAX + 1)
    response = browser.post(f"/gespraech/{shared.id}/antwort", {f"antwort-{shared.id}-text": too_long}, token_from=url)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert f"Ein Beitrag darf höchstens {NOTE_MAX} Zeichen lang sein." in body and f">{too_long}</textarea>" in body
    assert f'href="#antwort-{shared.id}-text"' in body
    response = browser.post(url, {"frage-frage": "gibt.es.nicht", "frage-text": "Meine Frage"}, token_from=url)
    assert response.status_code == 400 and "\nMeine Frage</textarea>" in response.get_data(as_text=True)
    response = browser.post(url, {"frage-frage": "", "frage-text": "   "}, token_from=url)
    assert response.status_code == 400 and "Bitte füllen Sie dieses Feld aus." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Note.id))) == 1


def test_the_kommune_cannot_take_its_own_question_back_to_internal(browser, make_browser, world, assessment) -> None:
    browser.login(world.kommune)
    url = f"/bewertung/{assessment.id}/gespraech"
    browser.post(url, {"frage-frage": "", "frage-text": "Wann ist der Termin?"}, token_from=url)
    question = db.session.scalars(db.select(Note)).one()
    consultant = make_browser()
    consultant.login(world.berater)
    response = consultant.post(f"/beratung/notizen/{question.id}/freigabe", {"freigeben": "0"}, token_from="/beratung/")
    assert response.status_code == 403
    db.session.refresh(question)
    assert question.shared


def test_a_thread_the_kommune_answered_cannot_be_taken_back_to_internal(browser, make_browser, world, assessment, shared) -> None:
    browser.login(world.kommune)
    url = f"/bewertung/{assessment.id}/gespraech"
    browser.post(f"/gespraech/{shared.id}/antwort", {f"antwort-{shared.id}-text": "Beschluss liegt vor."}, token_from=url)
    consultant = make_browser()
    consultant.login(world.berater)
    response = consultant.post(f"/beratung/notizen/{shared.id}/freigabe", {"freigeben": "0"}, token_from="/beratung/")
    assert response.status_code == 409 and "bleibt für sie sichtbar" in text_of(response)
    assert "Beschluss liegt vor." in text_of(browser.get(url))  # the Kommune still sees its own answer


def test_deleting_the_consultations_answer_opens_the_question_again(browser, make_browser, world, assessment) -> None:
    browser.login(world.kommune)
    url = f"/bewertung/{assessment.id}/gespraech"
    browser.post(url, {"frage-frage": "", "frage-text": "Wann ist der Termin?"}, token_from=url)
    question = db.session.scalars(db.select(Note)).one()
    consultant = make_browser()
    consultant.login(world.berater)
    consultant.post(f"/gespraech/{question.id}/antwort", {f"antwort-{question.id}-text": "Am 12.03."}, token_from=url)
    answer = db.session.scalars(db.select(Note).where(Note.parent_id == question.id)).one()
    db.session.refresh(question)
    assert question.resolved_at is not None
    assert consultant.post(f"/gespraech/{answer.id}/loeschen", {}, token_from=url).status_code == 302
    db.session.refresh(question)
    assert question.resolved_at is None
    assert "offene Frage" in text_of(consultant.get(url))
    # another person cannot delete or edit an entry that is not theirs
    assert browser.post(f"/gespraech/{answer.id}/loeschen", {}, token_from=url).status_code == 403
