"""One transaction per request and per CLI command: services flush, the boundary commits.

A request commits once, after its view returned a response: a page, a redirect, a download, or
a 4xx answer of normal control flow (a form with errors, a 409 conflict page, a 401 after a
failed login). Anything raised instead (an `abort()`, an error, a failed commit) rolls back,
so two operations composed in one request are stored together or not at all. CLI commands get
the same rule from `digicheck.cli.base.app_context`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, has_app_context
from sqlalchemy import event

from digicheck.extensions import db

_FAILED = "transaction_failed"
#: set once the request's session has taken a database connection (begun a transaction on it)
_CONNECTED = "transaction_connected"


def install(app: Flask) -> None:
    """Commit at the end of every request that did not fail. Registered after the other
    after-request hooks, so it runs before them: a failed commit becomes the 500 page (which
    rolls back) before headers are set and the request is logged."""
    app.after_request(_commit)
    if not event.contains(db.session, "after_begin", _connected):
        event.listen(db.session, "after_begin", _connected)


def _connected(session: Any, transaction: Any, connection: Any) -> None:
    # on the app context's `g`: a test's requests share the test's app context and session, so a
    # transaction the test began before a request is committed by it, as before
    if has_app_context():
        g.setdefault(_CONNECTED, True)


def discard() -> None:
    """This request failed: roll back what it did and store nothing more (the error handlers
    call this; the error page may still read the database)."""
    g.setdefault(_FAILED, True)
    db.session.rollback()


def mark_failed() -> None:
    """Like `discard`, for a handler that must not touch the database (it is unreachable);
    the session is cleaned up at teardown."""
    g.setdefault(_FAILED, True)


def _commit(response: Response) -> Response:
    failed, connected = g.pop(_FAILED, False), g.pop(_CONNECTED, False)  # popped: a test's app context outlives its requests
    if not failed and _began(connected):
        db.session.commit()
    return response


def _began(connected: bool) -> bool:
    """Whether the request used the database through its session: took a connection, or has changes
    to flush. A request that never did (anonymous pages, health checks, the favicon, on PostgreSQL a
    logged-in read whose login check ran alone: `extensions.read_alone`) has nothing to commit; its
    commit only built and ended a transaction object without a connection (issue 18, part 6). On SQLite
    the login read takes the request's connection; its commit then ends no transaction in the database,
    as the driver begins none for reads."""
    session = db.session()
    return bool(connected or session.new or session.dirty or session.deleted)
