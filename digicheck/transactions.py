"""One transaction per request and per CLI command: services flush, the boundary commits.

A request commits once, after its view returned a response: a page, a redirect, a download, or
a 4xx answer of normal control flow (a form with errors, a 409 conflict page, a 401 after a
failed login). Anything raised instead (an `abort()`, an error, a failed commit) rolls back,
so two operations composed in one request are stored together or not at all. CLI commands get
the same rule from `digicheck.cli.base.app_context`.
"""

from __future__ import annotations

from flask import Flask, Response, g

from digicheck.extensions import db

_FAILED = "transaction_failed"


def install(app: Flask) -> None:
    """Commit at the end of every request that did not fail. Registered after the other
    after-request hooks, so it runs before them: a failed commit becomes the 500 page (which
    rolls back) before headers are set and the request is logged."""
    app.after_request(_commit)


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
    if not g.pop(_FAILED, False) and _began():  # popped: a test's app context outlives its requests
        db.session.commit()
    return response


def _began() -> bool:
    """Whether the request used the database at all. A request that never did (anonymous pages,
    health checks, the favicon) has nothing to commit; its commit only built and ended an empty
    transaction object (issue 18, part 6)."""
    session = db.session()
    return session.in_transaction() or bool(session.new or session.dirty or session.deleted)
