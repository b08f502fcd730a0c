"""Flask extensions, created unbound and attached in `create_app` via `init_app`."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import JSON, CursorResult, Engine, MetaData, Result, any_, bindparam, func, inspect, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.selectable import Join


class Base(DeclarativeBase):
    # stable constraint names, so Alembic migrations work on SQLite and PostgreSQL alike
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)

# The base class of the models. At run time Flask-SQLAlchemy's `db.Model`, built from `Base`; to the
# type checker `Base` itself, since an attribute is not a valid base class type.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE matched. `Session.execute` is typed to return a plain `Result`;
    for these statements it is a `CursorResult`, which has the count."""
    return cast(CursorResult[Any], result).rowcount


def columns(statement: Any, values: dict[str, Any]) -> Any:
    """The rows of a statement of plain columns (no ORM objects), through the session's connection and
    transaction. The ORM's execution layer cost more than the query itself for a page of 100 rows
    (bench/api_bench.py); pending changes are flushed first, as the ORM would. `statement` may be a
    function of the dialect's name that builds it (for `one_of`)."""
    db.session.flush()
    connection = db.session.connection()
    if callable(statement):
        statement = statement(connection.dialect.name)
    return connection.execute(statement, values)


def one_of(column: Any, name: str, dialect: str) -> Any:
    """`column` is one of the list bound as `name`, in a statement built for `dialect`.

    The list is one parameter, so the statement's text is the same for every list. SQLAlchemy's
    expanding IN renders a list of 100 ids as 100 parameters on every call: on PostgreSQL psycopg then
    parsed that statement anew each time, about 1 ms of an API list page of 100 rows, a fifth of it;
    on SQLite the rendering alone cost 0.06 ms a statement (bench/api_bench.py, issue 17).
    PostgreSQL: an array (`= ANY(%(name)s)`). SQLite has no arrays: a JSON array, whose elements
    its `json_each` yields (`IN (SELECT value FROM json_each(?))`)."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=postgresql.ARRAY(column.type)))
    elements = func.json_each(bindparam(name, type_=JSON)).table_valued("value")
    return column.in_(select(elements.c.value))


#: where an app keeps the autocommit view of its engine (same pool), made once
_AUTOCOMMIT = "digicheck.autocommit_engine"


def read_alone(statement: Any, values: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of one ORM read of whole entities (`select(A, B).join(…)`) that needs no transaction in
    the database: the login's session row and its user. Before the request has used its session, the
    statement runs as plain columns (on PostgreSQL in autocommit; SQLite: below), and each row's
    entities become objects of the request's session as if the ORM had loaded them (changes to them are
    stored with its commit, relationships load through it). On PostgreSQL this spares a read-only
    request the BEGIN and COMMIT round trips around that one statement, and the ORM's loading
    machinery, which cost more than the statement (issue 18, part 6); one statement is consistent by
    itself. Once the request has used its session (a transaction begun, an object loaded or added),
    the read joins it as an ORM query, as any other. (An API request's token is read as plain columns
    in the request's transaction instead, as every API route reads more: `digicheck.accounts.tokens`.)

    On SQLite there is nothing to spare: its driver begins no transaction for a read. There the read
    runs on the session's own connection, which the request's later statements use as well; a second
    connection, checked out and switched to autocommit and back around the one statement, cost a request
    0.4-0.6 ms (measured on an API list page of 4-5 ms when tokens were read here: issue 17, bench/api_bench.py).

    Made for lookups by a unique key of plain mapped classes, one entity per table, joined by inner
    joins: objects built here fire no ORM `load` events and no `@reconstructor` (the models have none)."""
    layout = _entity_layout(statement)  # refuses an outer join, whichever way the statement runs
    session = db.session()
    if session.in_transaction() or session.identity_map or session.new:
        return [tuple(row) for row in session.execute(statement, values).all()]
    if session.get_bind().dialect.name == "sqlite":
        rows = session.connection().execute(statement, values).all()
    else:
        autocommit: Engine | None = current_app.extensions.get(_AUTOCOMMIT)
        if autocommit is None:
            autocommit = current_app.extensions[_AUTOCOMMIT] = db.engine.execution_options(isolation_level="AUTOCOMMIT")
        with autocommit.connect() as connection:
            rows = connection.execute(statement, values).all()
    if len(rows) > 1:
        raise ValueError("read_alone is for lookups by a unique key: one row at most")
    return [tuple(_loaded(session, manager, fields, row) for manager, fields in layout) for row in rows]


@lru_cache(maxsize=64)  # the statements are module constants
def _entity_layout(statement: Any) -> tuple[tuple[Any, tuple[tuple[int, str], ...]], ...]:
    """Per entity of the statement, in order: its class manager and (column index, attribute) pairs.
    An outer join is refused: an entity it found nothing for would become an object without identity."""
    if any(_outer(table) for table in statement.get_final_froms()):
        raise ValueError("read_alone reads entities joined by inner joins only")
    mappers = [inspect(d["entity"]) for d in statement.column_descriptions]
    fields: list[list[tuple[int, str]]] = [[] for _ in mappers]
    for index, column in enumerate(statement.selected_columns):
        [which] = [n for n, mapper in enumerate(mappers) if column.table is mapper.local_table]  # one entity per table
        fields[which].append((index, mappers[which].get_property_by_column(column).key))
    return tuple((mapper.class_manager, tuple(found)) for mapper, found in zip(mappers, fields, strict=True))


def _outer(table: Any) -> bool:
    return isinstance(table, Join) and (table.isouter or _outer(table.left) or _outer(table.right))


def _loaded(session: Session, manager: Any, fields: tuple[tuple[int, str], ...], row: Any) -> Any:
    """One entity of a plain row as a persistent object of `session`, its columns loaded and unchanged
    (no query: the session's identity map was empty)."""
    instance = manager.new_instance()
    for index, key in fields:
        set_committed_value(instance, key, row[index])
    make_transient_to_detached(instance)  # its identity from the primary key just set
    session.add(instance)
    return instance


def recompute_locked(lock: Any, recompute: Any, ids: list[int], model: type, attributes: list[str]) -> None:
    """Run the UPDATE `recompute` of the rows `ids` (bound parameter `ids`) in the session's transaction,
    after flushing its pending changes: the stored derived columns of `digicheck.newest_round` and
    `digicheck.talk.waiting`. On PostgreSQL the rows are locked first (`lock`, in id order) and the UPDATE
    runs as a statement of its own: under READ COMMITTED it then sees what a concurrent writer of the
    same rows committed while this one waited for the lock, so the last writer to commit stores what
    both wrote (one UPDATE with subqueries re-evaluates a locked row with its old snapshot). The
    session's loaded `model` objects of those rows then read the recomputed `attributes` anew."""
    if not ids:
        return
    db.session.flush()
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(lock, {"ids": ids}).all()
    connection.execute(recompute, {"ids": ids})
    expire_loaded(model, ids, attributes)


def expire_loaded(model: type, ids: list[int], attributes: list[str]) -> None:
    """The session's loaded `model` objects of the rows `ids` read `attributes` anew: a Core UPDATE
    changed them past the ORM."""
    wanted = set(ids)
    for row in list(db.session.identity_map.values()):
        if isinstance(row, model) and getattr(row, "id", None) in wanted:
            db.session.expire(row, attributes)


csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
babel = Babel()
