"""Pooled database connections that survive a database restart without a ping per request.

`pool_pre_ping` sends a round trip to the database on every checkout, i.e. on every request:
2–8 % of a request's time on PostgreSQL (issue 18). A connection that is in steady use has just
proved itself, though; the one that may have gone stale unnoticed is the one that sat idle in the
pool. So a connection is pinged on checkout only when it has been idle for `IDLE_PING_AFTER`
seconds (a stale one is replaced before the request sees it, as SQLAlchemy documents for
"pessimistic" disconnect handling), and every connection is replaced after `pool_recycle`.

A restart while connections are in busy use costs at most one request per worker: its query fails
with a disconnect, that request gets the German 503 page (digicheck/health.py), and SQLAlchemy
invalidates the whole pool, so the next request opens fresh connections.
tests/app/test_database_restart.py restarts nothing but terminates every server-side session,
which is what a client sees of a restart.
"""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from sqlalchemy import Engine, event, exc
from sqlalchemy.engine import Dialect

#: a connection idle in the pool for longer than this is pinged before use
IDLE_PING_AFTER = 10.0
#: every connection is replaced after this many seconds (also below any firewall's idle timeout)
RECYCLE_SECONDS = 1800
_RETURNED = "digicheck_returned_at"


def engine_options(database_url: str) -> dict[str, Any]:
    """The engine settings for `SQLALCHEMY_ENGINE_OPTIONS`."""
    options: dict[str, Any] = {"pool_recycle": RECYCLE_SECONDS}
    if database_url.startswith("postgresql"):
        options["connect_args"] = {"connect_timeout": 5}  # an unreachable host fails a request in 5 s, not minutes
    return options


def install(engine: Engine) -> None:
    """Ping connections that come back from a long idle time; idempotent per engine."""
    if event.contains(engine.pool, "checkin", _remember_return):
        return
    event.listen(engine.pool, "checkin", _remember_return)
    event.listen(engine.pool, "checkout", partial(_ping_if_idle, engine.dialect))


def _remember_return(dbapi_connection: Any, record: Any) -> None:
    if dbapi_connection is not None:
        record.info[_RETURNED] = time.monotonic()


def _ping_if_idle(dialect: Dialect, dbapi_connection: Any, record: Any, proxy: Any) -> None:
    returned = record.info.get(_RETURNED)
    if returned is None or time.monotonic() - returned < IDLE_PING_AFTER:
        return  # new, or in steady use
    try:
        # the dialect's own ping: psycopg's runs in autocommit, so it leaves no transaction open behind it
        # (a plain SELECT would, and a checkout that then asks for AUTOCOMMIT, `extensions.read_alone`, fails)
        dialect.do_ping(dbapi_connection)
    except Exception as error:  # the driver's own error class: the connection is gone
        raise exc.DisconnectionError() from error  # the pool discards it and checks out another
