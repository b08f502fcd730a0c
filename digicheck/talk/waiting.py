"""Which threads wait for the consultation, stored on their root note for the consultant overview.

A thread waits while its root is not resolved or deleted and a Kommune user wrote an entry in it that
stands (`Thread.open_question`). Counting those on every overview view read every root note and the
role of every author (issue 18); so each root stores `Note.waiting_since` (its `created_at` while it
waits, else None; a partial index, migration 0017), recomputed by one statement (`refresh`) in the
same transaction by every writer of notes: a new note, a reply, a deletion, "erledigt", and the bulk
loaders (`refresh_all`). An author's role never changes, also not when the account is deleted
(`digicheck.accounts.personal_data` keeps the row and its role), so no writer of accounts needs it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, case, exists, or_, select, update
from sqlalchemy.engine import Connection

from digicheck.extensions import recompute_locked
from digicheck.models import Note, Role, User

_N = cast(Table, Note.__table__)  # a mapped class's table, typed as FromClause
_U = cast(Table, User.__table__)


def _recomputed() -> Any:
    """`waiting_since` as an SQL expression over the root row and its replies (the definition)."""
    entry, author = _N.alias("entry"), _U.alias("author")
    root_by_kommune = exists().where(author.c.id == _N.c.author_id, author.c.role == Role.KOMMUNE.value)
    reply_by_kommune = exists().where(
        entry.c.parent_id == _N.c.id, entry.c.deleted_at.is_(None), author.c.id == entry.c.author_id, author.c.role == Role.KOMMUNE.value
    )
    stands = and_(_N.c.parent_id.is_(None), _N.c.resolved_at.is_(None), _N.c.deleted_at.is_(None))
    return case((and_(stands, or_(root_by_kommune, reply_by_kommune)), _N.c.created_at), else_=None)


#: every note's marker recomputed (bulk loaders and seeders, after writing their rows)
REFRESH_ALL = update(_N).values(waiting_since=_recomputed())
_REFRESH = REFRESH_ALL.where(_N.c.id.in_(bindparam("ids", expanding=True)))
_LOCK = select(_N.c.id).where(_N.c.id.in_(bindparam("ids", expanding=True))).order_by(_N.c.id).with_for_update()


def refresh(root_ids: Iterable[int]) -> None:
    """Recompute the marker of these root notes from their threads, in the session's transaction
    (after flushing its pending changes). On PostgreSQL the root rows are locked first
    (`recompute_locked`), so the recomputation sees the replies a concurrent writer of the same thread
    committed while this one waited for the lock."""
    ids = sorted(set(root_ids))
    recompute_locked(_LOCK, _REFRESH, ids, Note, ["waiting_since"])


def refresh_all(connection: Connection) -> None:
    """Recompute every note (bulk loaders and seeders, after their rows are written)."""
    connection.execute(REFRESH_ALL)


_STORED = select(_N.c.id, _N.c.waiting_since)
_RECOMPUTED = select(_N.c.id, _recomputed())


def mismatches(connection: Connection) -> list[tuple[Any, ...]]:
    """Notes whose stored marker differs from a recomputation: (id, stored, recomputed). Empty when
    every writer kept them in step (the tests check this after each writer)."""
    stored: dict[int, Any] = {row[0]: row[1] for row in connection.execute(_STORED)}
    recomputed: dict[int, Any] = {row[0]: row[1] for row in connection.execute(_RECOMPUTED)}
    return [(key, stored.get(key), value) for key, value in sorted(recomputed.items()) if stored.get(key) != value]
