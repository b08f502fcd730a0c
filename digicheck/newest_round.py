"""The newest round of each municipality, stored on its row for the consultant overview.

The overview filters by the newest round's status and sorts by the overall level of the newest
submitted round and by the last activity. Computing those for every municipality grouped every
assessment in the database on each view (issue 18); so they are stored in `Municipality.round_status`,
`round_level` and `last_activity` (indexed, migration 0016) and recomputed from the assessments in the
same transaction by every writer: a new round, a save (the activity), submit, a validated level, the
bulk loaders. One statement recomputes them (`refresh`), so no writer keeps its own increments.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, case, exists, func, select, update
from sqlalchemy.engine import Connection

from digicheck.extensions import db, expire_loaded, recompute_locked
from digicheck.models import AreaScore, Assessment, AssessmentStatus, Municipality, ValidatedLevel

_M = cast(Table, Municipality.__table__)  # a mapped class's table, typed as FromClause
_A = cast(Table, Assessment.__table__)
_S = cast(Table, AreaScore.__table__)
_V = cast(Table, ValidatedLevel.__table__)


def _newest(*columns: Any, submitted: bool = False) -> Any:
    """A scalar subquery of the municipality row's newest round (newest submitted round): an index
    probe on the unique (municipality, round) index per municipality, never a grouping of all rounds."""
    statement = select(*columns).where(_A.c.municipality_id == _M.c.id)
    if submitted:
        statement = statement.where(_A.c.status == AssessmentStatus.SUBMITTED)
    return statement.order_by(_A.c.round.desc()).limit(1).correlate(_M).scalar_subquery()


def _recomputed() -> dict[str, Any]:
    """The stored columns as SQL expressions over the municipality row's assessments (the definition)."""
    submitted = _A.c.status == AssessmentStatus.SUBMITTED
    status = case(
        (and_(submitted, exists().where(_V.c.assessment_id == _A.c.id)), "validated"),
        (submitted, "submitted"),
        else_="in_progress",
    )
    level = select(_S.c.level).where(_S.c.assessment_id == _newest(_A.c.id, submitted=True), _S.c.area_id == "overall")
    return {
        "round_status": _newest(status),
        "round_level": func.coalesce(level.scalar_subquery(), 0),
        "last_activity": _newest(_A.c.updated_at),
    }


#: the stored columns of every municipality recomputed (bulk loaders, after writing their rows);
#: `updated_at` stays: it says when the register data changed
REFRESH_ALL = update(_M).values(**_recomputed(), updated_at=_M.c.updated_at)
_REFRESH = REFRESH_ALL.where(_M.c.id.in_(bindparam("ids", expanding=True)))
_LOCK = select(_M.c.id).where(_M.c.id.in_(bindparam("ids", expanding=True))).order_by(_M.c.id).with_for_update()
#: a save touched the open round: its activity, if it is the newest round (it always is: a new round
#: starts only after the last one was submitted)
_TOUCH = (
    update(_M)
    .where(
        _M.c.id == bindparam("municipality_id"),
        ~exists().where(_A.c.municipality_id == _M.c.id, _A.c.round > bindparam("round")),
    )
    .values(last_activity=bindparam("now"), updated_at=_M.c.updated_at)
)


def refresh(municipality_ids: Iterable[int]) -> None:
    """Recompute the stored newest round of these municipalities from their assessments, in the
    session's transaction (after flushing its pending changes).

    On PostgreSQL the rows are locked first, in id order, and the UPDATE runs as a statement of its
    own: under READ COMMITTED it then sees what a concurrent writer of the same municipality committed
    while this one waited for the lock, so the last writer to commit stores what both wrote.
    """
    recompute_locked(_LOCK, _REFRESH, sorted(set(municipality_ids)), Municipality, ["round_status", "round_level", "last_activity"])


def touch(municipality_id: int, round_: int, now: datetime) -> None:
    """A save changed round `round_`: the municipality's last activity is `now` (the instant the
    round's `updated_at` got). One UPDATE by primary key; concurrent saves of the same round are
    serialised by the round's own row lock, which the save took before."""
    db.session.connection().execute(_TOUCH, {"municipality_id": municipality_id, "round": round_, "now": now})
    expire_loaded(Municipality, [municipality_id], ["last_activity"])


def refresh_all(connection: Connection) -> None:
    """Recompute every municipality (bulk loaders and seeders, after their rows are written)."""
    connection.execute(REFRESH_ALL)


_STORED = select(_M.c.id, _M.c.round_status, _M.c.round_level, _M.c.last_activity)
_RECOMPUTED = select(_M.c.id, *(value.label(name) for name, value in _recomputed().items()))


def mismatches(connection: Connection) -> list[tuple[Any, ...]]:
    """Municipalities whose stored newest round differs from a recomputation: (id, stored, recomputed).
    Empty when every writer kept them in step (the tests check this after each writer)."""
    stored = {row[0]: tuple(row[1:]) for row in connection.execute(_STORED)}
    recomputed = {row[0]: tuple(row[1:]) for row in connection.execute(_RECOMPUTED)}
    return [(key, stored.get(key), value) for key, value in sorted(recomputed.items()) if stored.get(key) != value]
