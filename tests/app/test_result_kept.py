"""The result page keeps a submitted round's profile, advice and rendered reasons per worker
(issue 18 part 4): what a reader sees never goes stale, and the buttons of a kept page work."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete, select, update

from digicheck.assess import services as svc
from digicheck.extensions import db
from digicheck.models import Answer, AnswerChange, AreaScore, Assessment, Municipality, PlanEntry, Target
from tests.app.test_consult import full_answers, submitted
from tests.app.test_plan import TAKE_FORM, text_of
from tests.conftest import CSRF, World

OVERALL = re.compile(r'<h2 id="gesamt">Gesamt: (.*?)</h2>', re.S)


def result(browser: Any, assessment_id: int) -> str:
    page = browser.get(f"/bewertung/{assessment_id}/ergebnis")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def overall(html: str) -> str:
    found = OVERALL.search(html)
    assert found
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def test_a_kept_page_shows_the_same_and_its_buttons_take_suggestions_into_the_plan(world: World, browser) -> None:
    assessment = submitted(world.erbach, "mid", user=world.kommune)
    db.session.commit()
    browser.login(world.kommune)
    first, second = result(browser, assessment.id), result(browser, assessment.id)
    assert CSRF.sub("", first) == CSRF.sub("", second), "the second view (kept fragments) shows exactly the first"
    tokens = set(CSRF.findall(second))
    assert len(tokens) == 1 and "\x00" not in second, "every form of the kept page carries the session's token"
    kind, source_id, round_id = TAKE_FORM.findall(second)[0]
    response = browser.post(
        f"/plan/kommune/{world.erbach.id}/uebernehmen",
        {"quelle": kind, "kennung": source_id, "bewertung": round_id, "csrf_token": tokens.pop()},
    )
    assert response.status_code == 302 and "/plan/eintrag/" in response.location
    assert db.session.scalars(select(PlanEntry.source_id)).all() == [source_id]
    after = result(browser, assessment.id)
    assert (kind, source_id, round_id) not in TAKE_FORM.findall(after)
    assert text_of(browser.get(f"/bewertung/{assessment.id}/ergebnis")).count("steht im Maßnahmenplan") == 1


def test_an_open_round_shows_every_save_at_once_and_the_submitted_answers_after_submitting(world: World, browser) -> None:
    assessment = svc.start_round(world.erbach, world.kommune)
    svc.save_demo_answers(assessment, full_answers("mid"))
    db.session.commit()
    browser.login(world.kommune)
    mid = overall(result(browser, assessment.id))
    stored, versions = svc.answers_of(assessment)
    high = {k: v for k, v in full_answers("high").items() if stored.get(k) != v}
    svc.save_answers(assessment, world.kommune, high, versions)
    db.session.commit()
    raised = overall(result(browser, assessment.id))
    assert raised != mid, "a saved answer shows on the next view of an open round"
    assert svc.submit(assessment, world.kommune) == []
    db.session.commit()
    assert overall(result(browser, assessment.id)) == raised
    assert overall(result(browser, assessment.id)) == raised


def test_a_round_written_again_under_the_same_id_is_scored_anew(world: World, browser) -> None:
    """Another worker (or a restore) may replace a submitted round: the id alone does not name it."""
    first = submitted(world.erbach, "mid", user=world.kommune)
    db.session.commit()
    browser.login(world.kommune)
    kept = result(browser, first.id)
    ident = first.id
    for table in (AnswerChange, Answer, AreaScore, Target):
        db.session.execute(delete(table).where(table.assessment_id == ident))
    db.session.execute(delete(Assessment).where(Assessment.id == ident))
    db.session.commit()
    again = svc.start_round(world.erbach, world.kommune)
    db.session.execute(update(Assessment).where(Assessment.id == again.id).values(id=ident))
    db.session.commit()
    again = db.session.get(Assessment, ident)
    svc.save_demo_answers(again, full_answers("high"))
    assert svc.submit(again, world.kommune) == []
    db.session.commit()
    assert overall(result(browser, ident)) != overall(kept)


def test_a_new_population_from_the_register_changes_the_kept_profile(world: World, browser) -> None:
    """The register's population picks the suggested next steps; an import by another worker is seen."""
    assessment = submitted(world.erbach, "mid", user=world.kommune)
    db.session.commit()
    browser.login(world.kommune)
    result(browser, assessment.id)
    db.session.execute(update(Municipality).where(Municipality.id == world.erbach.id).values(population=123))
    db.session.commit()
    _, profile = svc.profile_of(db.session.get(Assessment, assessment.id))
    assert svc.profile_of(db.session.get(Assessment, assessment.id))[1] is profile, "kept under the new key"
    db.session.execute(update(Municipality).where(Municipality.id == world.erbach.id).values(population=456))
    db.session.commit()
    db.session.expire_all()
    assert svc.profile_of(db.session.get(Assessment, assessment.id))[1] is not profile
