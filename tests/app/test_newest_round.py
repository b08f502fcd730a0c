"""The newest round stored per municipality (digicheck/newest_round.py): every writer of assessments
keeps it equal to a recomputation from the assessments, also when two write at once (PostgreSQL), and
the overview's status filter and sorts choose their page from it without reading the assessments."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from sqlalchemy import event, insert, select

from digicheck import demo_data, newest_round
from digicheck.assess import services as svc
from digicheck.consult import queries
from digicheck.consult import services as consult_svc
from digicheck.consult.queries import OverviewQuery, overview
from digicheck.extensions import db
from digicheck.models import AreaScore, Assessment, AssessmentStatus, Municipality
from tests.app.helpers import Q, answer_for, restricted_to_chosen_municipalities, run_at_once
from tests.app.test_consult import full_answers, town


def in_step() -> None:
    """The stored newest round of every municipality equals its recomputation, and it agrees with the
    status the overview shows for the row (computed there from the assessments themselves)."""
    db.session.flush()
    assert newest_round.mismatches(db.session.connection()) == []
    ids = list(db.session.scalars(select(Municipality.id)))
    shown = queries.chosen_rows(ids)
    for m in db.session.scalars(select(Municipality)):
        row = shown.get(m.id)
        if row is not None and m.round_status is not None:
            assert row["status"] == m.round_status, m.name
            assert (row["overall_level"] or 0) == m.round_level and row["last_activity"] == m.last_activity, m.name


def stored(m: Municipality) -> tuple[str | None, int, Any]:
    values = db.session.execute(
        select(Municipality.round_status, Municipality.round_level, Municipality.last_activity).where(Municipality.id == m.id)
    ).one()
    return values[0], values[1], values[2]


def test_every_writer_of_a_round_keeps_the_stored_newest_round_in_step(app, world) -> None:
    assert stored(world.erbach) == (None, 0, None)
    assert world.erbach.round_status is None  # loaded into the session before the write
    first = svc.start_round(world.erbach, world.kommune)
    assert world.erbach.round_status == "in_progress"  # the loaded object reads the recomputed value
    in_step()
    assert stored(world.erbach) == ("in_progress", 0, first.updated_at)

    before = first.updated_at
    svc.save_answers(first, world.kommune, {i.id: answer_for(i) for i in Q.area("strategie").items}, {})
    in_step()
    db.session.refresh(first)
    assert first.updated_at > before and stored(world.erbach)[2] == first.updated_at  # the save's activity

    svc.set_targets(first, {"strategie": 4})
    in_step()

    stored_answers, versions = svc.answers_of(first)
    wanted = full_answers()
    svc.save_answers(first, world.kommune, {k: v for k, v in wanted.items() if stored_answers.get(k) != v}, versions)
    assert svc.submit(first, world.kommune) == []
    in_step()
    level = db.session.scalar(select(AreaScore.level).where(AreaScore.assessment_id == first.id, AreaScore.area_id == "overall"))
    assert level and stored(world.erbach)[:2] == ("submitted", level)

    consult_svc.validate_level(first, "technik", 2, "vor Ort geprüft", world.berater)
    in_step()
    assert stored(world.erbach)[0] == "validated"

    second = svc.start_round(world.erbach, world.kommune)  # carries the answers over; the level stays that of round 1
    in_step()
    assert second.round == 2 and stored(world.erbach)[:2] == ("in_progress", level)
    db.session.commit()
    assert svc.start_round(world.erbach, world.kommune).id == second.id  # the open round again: nothing written
    in_step()


def test_the_demo_seeder_and_a_register_import_keep_it_in_step(app) -> None:
    demo_data.seed()  # imports the demo register (new municipalities), starts and submits rounds
    in_step()
    submitted = db.session.scalars(select(Municipality).where(Municipality.round_status.is_not(None))).all()
    assert submitted and all(m.round_status == "submitted" and m.round_level > 0 for m in submitted)
    assert db.session.scalar(select(Municipality).where(Municipality.round_status.is_(None))) is not None
    demo_data.seed()  # again: nothing new
    in_step()


def test_bulk_loaders_recompute_every_municipality(app, world) -> None:
    """The bench loaders write rounds with plain INSERTs, then call `refresh_all` (scale_seed.finish_load)."""
    now = world.erbach.created_at
    db.session.execute(
        insert(Assessment),
        [
            {"municipality_id": world.erbach.id, "questionnaire_version": "2026.1", "round": 1, "status": AssessmentStatus.SUBMITTED,
             "created_at": now, "updated_at": now, "submitted_at": now},
            {"municipality_id": world.erbach.id, "questionnaire_version": "2026.1", "round": 2, "status": AssessmentStatus.IN_PROGRESS,
             "created_at": now, "updated_at": now},
            {"municipality_id": world.giessen.id, "questionnaire_version": "2026.1", "round": 1, "status": AssessmentStatus.SUBMITTED,
             "created_at": now, "updated_at": now, "submitted_at": now},
        ],
    )  # fmt: skip
    for a in db.session.scalars(select(Assessment).where(Assessment.status == AssessmentStatus.SUBMITTED)):
        db.session.add(AreaScore(assessment_id=a.id, area_id="overall", score=50.0, level=3, coverage=1.0, provisional=False))
    db.session.flush()
    assert newest_round.mismatches(db.session.connection())  # written behind the writers' back: not in step yet
    newest_round.refresh_all(db.session.connection())
    in_step()
    assert stored(world.erbach)[:2] == ("in_progress", 3) and stored(world.giessen)[:2] == ("submitted", 3)


# --- two writers of the same municipality at once (PostgreSQL) ---------------------------------


def recompute_together(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on `refresh` waits until two threads have written their rows, so that the two
    recomputations start at the same moment, each before the other's commit."""
    barrier = threading.Barrier(2, timeout=20)
    original = newest_round.refresh

    def refresh_together(municipality_ids: Any) -> None:
        db.session.flush()
        barrier.wait()
        original(municipality_ids)

    monkeypatch.setattr(newest_round, "refresh", refresh_together)


def test_a_validation_and_a_new_round_at_once_end_in_step(postgres_app, postgres_world, monkeypatch) -> None:
    """On PostgreSQL in both passes (SQLite lets one writer in at a time)."""
    app, world = postgres_app, postgres_world
    towns = [town(i) for i in range(4)]
    for m in towns:
        svc.save_demo_answers(round_one := _started(m), full_answers())
        assert svc.submit(round_one, None) == []
    db.session.commit()
    ids = [m.id for m in towns]
    recompute_together(monkeypatch)

    def validate(municipality_id: int) -> None:
        first = db.session.scalars(select(Assessment).where(Assessment.municipality_id == municipality_id)).one()
        consult_svc.validate_level(first, "technik", 3, "geprüft", db.session.get(type(world.berater), world.berater.id))

    def new_round(municipality_id: int) -> None:
        svc.start_round(db.session.get(Municipality, municipality_id), None)

    for municipality_id in ids:
        run_at_once(app, {"validate": lambda i=municipality_id: validate(i), "new round": lambda i=municipality_id: new_round(i)})
    db.session.expire_all()
    in_step()
    assert {stored(m)[0] for m in towns} == {"in_progress"}


def _started(m: Municipality) -> Assessment:
    return svc.start_round(m, None)


# --- the overview chooses its page from the stored columns --------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        OverviewQuery(status="in_progress"),
        OverviewQuery(status="validated", sort="level", descending=True),
        OverviewQuery(status="invited"),
        OverviewQuery(sort="level", descending=True),
        OverviewQuery(sort="level"),
        OverviewQuery(sort="activity", descending=True),
        OverviewQuery(sort="status"),
    ],
)
def test_status_filter_and_sorts_choose_the_page_without_reading_assessments(app, world, query: OverviewQuery) -> None:
    for index in range(9):
        m = town(index, population=1000 * (index + 1))
        if index % 3 == 0:
            a = _started(m)
            svc.save_demo_answers(a, full_answers("high" if index else "low"))
            assert svc.submit(a, None) == []
            if index == 3:
                consult_svc.validate_level(a, "strategie", 3, "geprüft", world.berater)
        elif index % 3 == 1:
            svc.save_answers(_started(m), world.kommune, {"strategie.budget": "keine"}, {})
    db.session.commit()
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        page = overview(query)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    page_ids, count = statements[:2]
    assert "LIMIT" in page_ids and "count(*)" in count
    for statement in (page_ids, count):
        assert not re.search(r"\bassessments\b", statement), statement
    assert page.rows  # the rows themselves come from their assessments (the page's ids only)
    assert re.search(r"\bassessments\b", statements[2]) and restricted_to_chosen_municipalities(statements[2])
