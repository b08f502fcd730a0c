"""Evidence per answer (issue 16): the Kommune's comment and references beside each item, saved with
the answers under the same optimistic locking, kept in the history, carried into a new round
("aus Runde N"), shown to the consultant, in the briefing and in the exports."""

from __future__ import annotations

import html
import re

import pytest

from digicheck.assess import services as svc
from digicheck.content import questionnaire
from digicheck.extensions import db
from digicheck.models import Answer, AnswerChange, Assessment
from digicheck.models.assessment import EVIDENCE_COMMENT_MAX
from tests.app.helpers import answer_for, german_csv_rows, page_form

ITEM = "strategie.verantwortung"
NAME = "strategie-verantwortung"
COMMENT = "Beschluss der Stadtverordnetenversammlung vom 12.03."
REFS = "https://www.erbach.de/beschluss-12-03\nDrucksache 2026/17"


@pytest.fixture
def started(browser, world):
    browser.login(world.kommune)
    response = browser.post("/runden")
    return browser, int(re.search(r"/bewertung/(\d+)/", response.location).group(1))


def area_url(assessment_id: int) -> str:
    return f"/bewertung/{assessment_id}/bereich/strategie"


def save_as_shown(browser, url: str, **changes: list[str]):
    form = page_form(browser.get(url).get_data(as_text=True)) | changes
    return browser.post(url, form, token_from=url)


def answer(assessment_id: int) -> Answer:
    return db.session.scalars(db.select(Answer).where(Answer.assessment_id == assessment_id, Answer.item_id == ITEM)).one()


def test_evidence_is_saved_with_the_answer_shown_again_and_kept_in_the_history(started) -> None:
    browser, assessment_id = started
    url = area_url(assessment_id)
    page = browser.get(url).get_data(as_text=True)
    assert "Begründung und Belege" in page and f"höchstens {EVIDENCE_COMMENT_MAX} Zeichen" in page
    response = save_as_shown(browser, url, **{f"e-{NAME}": [f"  {COMMENT}  "], f"r-{NAME}": [REFS.replace("\n", "\r\n\r\n")]})
    assert response.status_code == 302
    stored = answer(assessment_id)
    assert (stored.evidence_comment, stored.evidence_refs, stored.evidence_from_round) == (COMMENT, REFS, None)
    assert stored.value is None  # evidence without an answer yet is kept too
    page = browser.get(url).get_data(as_text=True)
    assert f">{COMMENT}</textarea>" in html.unescape(page) and "(eingetragen)" in page
    # the answer alone changes: the evidence stays
    choice = next(v for v in re.findall(rf'name="{NAME}" type="radio" value="([^"]+)"', page) if v)
    assert save_as_shown(browser, url, **{NAME: [choice]}).status_code == 302
    assert answer(assessment_id).evidence_comment == COMMENT
    changes = db.session.scalars(db.select(AnswerChange).where(AnswerChange.item_id == ITEM).order_by(AnswerChange.id)).all()
    assert changes[0].old_evidence is None and changes[0].new_evidence == {"comment": COMMENT, "refs": REFS}
    assert changes[1].new_evidence is None  # the second save did not touch the evidence
    history = html.unescape(browser.get(f"/bewertung/{assessment_id}/verlauf").get_data(as_text=True))
    assert f"Begründung: {COMMENT}; Belege: https://www.erbach.de/beschluss-12-03, Drucksache 2026/17" in history


def test_oversized_evidence_gets_a_german_message_and_nothing_of_the_item_is_lost_or_stored(started) -> None:
    browser, assessment_id = started
    url = area_url(assessment_id)
    page = browser.get(url).get_data(as_text=True)
    choice = next(v for v in re.findall(rf'name="{NAME}" type="radio" value="([^"]+)"', page) if v)
    too_long = "x" * (EVIDENCE_COMMENT_MAX + 1)
    response = save_as_shown(browser, url, **{NAME: [choice], f"e-{NAME}": [too_long], "strategie-digitalstrategie": ["begonnen"]})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert f"Der Kommentar darf höchstens {EVIDENCE_COMMENT_MAX} Zeichen lang sein (jetzt {EVIDENCE_COMMENT_MAX + 1})." in body
    assert f'href="#e-{NAME}"' in body  # the error summary links to the comment
    assert f">{too_long}</textarea>" in body  # what was typed comes back
    assert re.search(rf'<input checked id="[^"]+" name="{NAME}" type="radio" value="{choice}">', body)
    rows = {a.item_id: a for a in db.session.scalars(db.select(Answer).where(Answer.assessment_id == assessment_id))}
    assert ITEM not in rows  # neither the answer nor the evidence of that item
    assert rows["strategie.digitalstrategie"].value == "begonnen"  # the other answers are stored
    assert re.search(rf'<textarea aria-invalid="true" aria-describedby="e-{NAME}-hint e-{NAME}-error" id="e-{NAME}"', body)
    # references alone too long: the summary leads to them, and they (not the comment) are marked
    refs = "\n".join(["https://example.org/" + "b" * 90] * 12)
    body = save_as_shown(browser, url, **{f"r-{NAME}": [refs]}).get_data(as_text=True)
    assert f'href="#r-{NAME}"' in body and f'id="r-{NAME}-error"' in body
    assert re.search(rf'<textarea aria-invalid="true" aria-describedby="r-{NAME}-error" id="r-{NAME}"', body)
    assert re.search(rf'<textarea aria-describedby="e-{NAME}-hint" id="e-{NAME}"', body)


def test_evidence_changed_by_a_colleague_meanwhile_is_a_conflict_not_overwritten(started, make_browser, world) -> None:
    browser, assessment_id = started
    url = area_url(assessment_id)
    assert save_as_shown(browser, url, **{f"e-{NAME}": ["erste Fassung"]}).status_code == 302
    stale = page_form(browser.get(url).get_data(as_text=True))
    assert save_as_shown(browser, url, **{f"e-{NAME}": ["Fassung der Kollegin"]}).status_code == 302
    response = browser.post(url, stale | {f"e-{NAME}": ["meine Fassung"]}, token_from=url)
    assert response.status_code == 409
    assert "Inzwischen von jemand anderem geändert" in response.get_data(as_text=True)
    assert "meine Fassung</textarea>" in response.get_data(as_text=True)  # kept for the choice
    assert answer(assessment_id).evidence_comment == "Fassung der Kollegin"


def test_evidence_written_while_a_colleague_changed_only_the_answer_is_stored_beside_her_answer(started) -> None:
    """Only the answer moved on: the evidence is stored with her answer, which is kept (no conflict, and the
    old answer on the stale page is never written back)."""
    browser, assessment_id = started
    url = area_url(assessment_id)
    page = browser.get(url).get_data(as_text=True)
    choices = [v for v in re.findall(rf'name="{NAME}" type="radio" value="([^"]+)"', page) if v]
    assert save_as_shown(browser, url, **{NAME: [choices[0]]}).status_code == 302
    stale = page_form(browser.get(url).get_data(as_text=True))
    assert save_as_shown(browser, url, **{NAME: [choices[1]]}).status_code == 302  # the colleague's answer
    response = browser.post(url, stale | {f"e-{NAME}": ["Beschluss vom 12.03."]}, token_from=url)
    assert response.status_code == 302
    stored = answer(assessment_id)
    assert (stored.value, stored.evidence_comment) == (choices[1], "Beschluss vom 12.03.")


def test_a_new_round_carries_the_evidence_forward_marked_with_its_round(started, world, make_browser) -> None:
    browser, assessment_id = started
    url = area_url(assessment_id)
    page = browser.get(url).get_data(as_text=True)
    choice = next(v for v in re.findall(rf'name="{NAME}" type="radio" value="([^"]+)"', page) if v)
    assert save_as_shown(browser, url, **{NAME: [choice], f"e-{NAME}": [COMMENT], f"r-{NAME}": [REFS]}).status_code == 302
    first = db.session.get(Assessment, assessment_id)
    q = questionnaire(first.questionnaire_version)
    svc.save_answers(first, world.kommune, {i.id: answer_for(i) for i in q.items if i.id != ITEM}, svc.answers_of(first)[1])
    assert svc.submit(first, world.kommune) == []
    db.session.commit()
    second = svc.start_round(world.erbach, world.kommune)
    db.session.commit()
    carried = answer(second.id)
    assert (carried.evidence_comment, carried.evidence_refs, carried.evidence_from_round) == (COMMENT, REFS, 1)
    assert '<span class="badge">aus Runde 1</span>' in browser.get(area_url(second.id)).get_data(as_text=True)
    # a third round still names the round the evidence was written in
    svc.save_answers(second, world.kommune, {}, {})
    assert svc.submit(second, world.kommune) == []
    db.session.commit()
    third = svc.start_round(world.erbach, world.kommune)
    assert answer(third.id).evidence_from_round == 1
    # edited in this round, it is this round's own again
    db.session.commit()
    assert save_as_shown(browser, area_url(third.id), **{f"e-{NAME}": ["neu bewertet"]}).status_code == 302
    assert answer(third.id).evidence_from_round is None and answer(third.id).evidence_refs == REFS


def test_consultant_sees_evidence_beside_the_answer_in_the_briefing_and_the_exports(started, make_browser, world) -> None:
    browser, assessment_id = started
    assert save_as_shown(browser, area_url(assessment_id), **{f"e-{NAME}": [COMMENT], f"r-{NAME}": [REFS]}).status_code == 302
    own = german_csv_rows(browser.get(f"/bewertung/{assessment_id}/antworten.csv").data)
    row = next(r for r in own if r["Frage-ID"] == ITEM)
    assert (row["Begründung"], row["Belege"], row["Begründung aus Runde"]) == (COMMENT, REFS, "")
    consultant = make_browser()
    consultant.login(world.berater)
    view = html.unescape(consultant.get(f"/beratung/bewertung/{assessment_id}").get_data(as_text=True))
    article = view[view.index(f'id="frage-{NAME}"') :]
    article = article[: article.index("</article>")]
    assert f"Begründung der Kommune: {COMMENT}" in re.sub(r"<[^>]+>", "", article)
    assert '<a href="https://www.erbach.de/beschluss-12-03" rel="noopener noreferrer">' in article and "Drucksache 2026/17" in article
    briefing = html.unescape(consultant.get(f"/beratung/bewertung/{assessment_id}/briefing").get_data(as_text=True))
    assert "Begründungen und Belege der Kommune" in briefing and COMMENT in briefing and "1 Antwort mit Begründung oder Beleg" in briefing
    export = german_csv_rows_of_kind(consultant.get(f"/beratung/bewertung/{assessment_id}/export.csv").data)
    row = next(r for r in export if r["Frage-ID"] == ITEM)
    assert (row["Begründung"], row["Belege"]) == (COMMENT, REFS)


def german_csv_rows_of_kind(body: bytes) -> list[dict[str, str]]:
    """The consultant export's answer rows (its first column names the kind of row)."""
    return [r for r in german_csv_rows(body) if r.get("Frage-ID")]
