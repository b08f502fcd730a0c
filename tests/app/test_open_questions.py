"""The open questions stored on their root note (`Note.waiting_since`, digicheck/talk/waiting.py): every
writer of notes keeps the marker equal to a recomputation and to the conversation's own definition
(`Thread.open_question`), also when two write in one thread at once (PostgreSQL); the overview lists
and counts the open questions from it."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import insert, select

from digicheck import demo_data
from digicheck.accounts.personal_data import delete_account
from digicheck.assess import services as svc
from digicheck.consult import queries
from digicheck.consult import services as consult
from digicheck.extensions import db
from digicheck.models import Note, Role
from digicheck.talk import services as talk
from digicheck.talk import waiting
from tests.app.helpers import run_at_once
from tests.conftest import add_user


def in_step() -> set[int]:
    """The stored marker of every note equals its recomputation in SQL and the conversation's own
    definition of an open question; returns the ids of the waiting roots."""
    db.session.flush()
    assert waiting.mismatches(db.session.connection()) == []
    db.session.expire_all()
    notes = list(db.session.scalars(select(Note).order_by(Note.created_at, Note.id)))
    oldest_first = [t.root.id for t in talk.threads(notes) if t.open_question]
    stored = {n.id for n in notes if n.waiting_since is not None}
    assert stored == set(oldest_first)
    assert all(n.waiting_since == n.created_at for n in notes if n.waiting_since is not None)
    count, shown = queries.open_questions()
    assert count == len(oldest_first) and [q.note_id for q in shown] == oldest_first[: queries.OPEN_QUESTIONS_SHOWN]
    return set(oldest_first)


@pytest.fixture
def assessment(world):
    a = svc.start_round(world.erbach, world.kommune)
    db.session.commit()
    return a


def test_every_writer_of_notes_keeps_the_open_questions_in_step(app, world, assessment) -> None:
    question = talk.ask(assessment, world.kommune, "Was heißt Ende-zu-Ende-Digitalisierung?")
    assert in_step() == {question.id}  # a Kommune user's question waits from the start
    internal = consult.add_note(assessment, world.berater, "Intern: nachfragen.")
    shared = consult.add_note(assessment, world.berater, "Bitte den Ratsbeschluss nennen.", shared=True)
    assert in_step() == {question.id}  # the consultation's own notes do not wait

    reply = talk.reply(shared, world.kommune, "Beschluss vom 12.03.2026")
    assert in_step() == {question.id, shared.id}  # the Kommune wrote in it: now it waits
    answer = talk.reply(shared, world.berater, "Danke, übernommen.")
    assert in_step() == {question.id}  # the consultation answered
    talk.delete(answer)
    assert in_step() == {question.id, shared.id}  # its answer gone, the Kommune's entry is the last that stands
    talk.delete(reply)
    assert in_step() == {question.id}  # no Kommune entry stands any more
    talk.reply(shared, world.kommune, "Doch noch eine Frage.")
    assert in_step() == {question.id, shared.id}

    talk.resolve(question)
    assert in_step() == {shared.id}  # "erledigt"
    talk.reply(question, world.kommune, "Noch offen: die E-Akte.")
    assert in_step() == {question.id, shared.id}  # the Kommune opens it again
    talk.edit(question, "Was heißt Ende-zu-Ende-Digitalisierung genau?")
    consult.set_shared(internal, True)
    assert in_step() == {question.id, shared.id}
    talk.delete(question)
    assert in_step() == {shared.id}  # a deleted root never waits

    # a deleted account keeps its role and its entries: the question it asked still waits
    second = add_user("zweite@erbach.test", "Zweite Person", Role.KOMMUNE, world.erbach)
    asked = talk.ask(assessment, second, "Wer ist für das OZG zuständig?")
    delete_account(second, world.admin)
    assert in_step() == {shared.id, asked.id}
    db.session.commit()


def test_the_overview_lists_the_oldest_open_questions_and_counts_all(app, world, assessment) -> None:
    asked = [talk.ask(assessment, world.kommune, f"Frage {n}") for n in range(queries.OPEN_QUESTIONS_SHOWN + 3)]
    talk.resolve(asked[0])
    in_step()
    count, shown = queries.open_questions()
    assert count == len(asked) - 1
    assert [q.text for q in shown] == [f"Frage {n}" for n in range(1, queries.OPEN_QUESTIONS_SHOWN + 1)]
    assert shown[0].municipality == "Erbach" and shown[0].round == assessment.round


def test_the_demo_seeder_and_bulk_loaders_keep_it_in_step(app) -> None:
    demo_data.seed()  # the consultant's shared note with the Kommune's reply: waiting
    assert len(in_step()) == 1
    demo_data.seed()  # again: nothing new
    assert len(in_step()) == 1


def test_bulk_loaders_recompute_every_note(app, world, assessment) -> None:
    """The bench loaders write notes with plain INSERTs, then call `refresh_all` (scale_seed.finish_load)."""
    now = assessment.created_at
    row = {"assessment_id": assessment.id, "item_id": None, "shared": True, "created_at": now}
    db.session.execute(
        insert(Note), [row | {"text": "Frage", "author_id": world.kommune.id}, row | {"text": "Notiz", "author_id": world.berater.id}]
    )
    db.session.flush()
    assert waiting.mismatches(db.session.connection())  # written behind the writers' back: not in step yet
    waiting.refresh_all(db.session.connection())
    assert len(in_step()) == 1


# --- two writers of the same thread at once (PostgreSQL) ----------------------------------------


def test_a_deletion_and_a_reply_of_the_kommune_at_once_end_in_step(postgres_app, postgres_world, monkeypatch) -> None:
    """Neither writer changes the root row itself. The deletion recomputes while the reply's
    recomputation holds the root row: without the lock taken before its own statement, the deletion's
    UPDATE would not see the reply committed meanwhile and store "not waiting". On PostgreSQL in both
    passes (SQLite lets one writer in at a time)."""
    app, world = postgres_app, postgres_world
    assessment = svc.start_round(world.erbach, world.kommune)
    db.session.commit()
    root = consult.add_note(assessment, world.berater, "Bitte den Ratsbeschluss nennen.", shared=True)
    first = talk.reply(root, world.kommune, "Beschluss folgt.")
    db.session.commit()
    root_id, first_id = root.id, first.id
    barrier = threading.Barrier(2, timeout=20)
    replied = threading.Event()
    original = waiting.refresh

    def refresh_together(root_ids: Any) -> None:
        db.session.flush()
        barrier.wait()  # both have written their rows, neither has committed
        if threading.current_thread().name == "delete":  # recomputes after the reply's recomputation, before its commit
            assert replied.wait(20)
            original(root_ids)
        else:
            original(root_ids)
            replied.set()

    monkeypatch.setattr(waiting, "refresh", refresh_together)

    def delete_first() -> None:
        talk.delete(db.session.get(Note, first_id))

    def reply_again() -> None:
        talk.reply(db.session.get(Note, root_id), db.session.get(type(world.kommune), world.kommune.id), "Beschluss vom 12.03.2026")

    run_at_once(app, {"delete": delete_first, "reply": reply_again})
    db.session.expire_all()
    assert in_step() == {root_id}
