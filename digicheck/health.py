"""Health endpoints for the load balancer and the service manager, and the page users get
while the database is down.

`/healthz`: the process answers (touches nothing else). `/readyz`: the database and the
rate-limit store answer, each probed with a short timeout. Neither needs a login, and
neither says more than "ok" or "fehler": no versions, no addresses, no exception texts.
`/readyz` adds `hinweise` while a legal page still shows placeholders (digicheck/legal/texts.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.pool import NullPool

from digicheck import transactions
from digicheck.api import problems
from digicheck.extensions import csrf, db, limiter
from digicheck.legal import texts

bp = Blueprint("health", __name__)
csrf.exempt(bp)
limiter.exempt(bp)

#: seconds a probe may take before its part counts as failed
PROBE_TIMEOUT = 2

#: what a request meets while the database is down, unreachable or saturated (connection
#: refused or lost, statement timeout, no pooled connection free); a wrong query stays a 500
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeoutError)

#: if even the template cannot be rendered (a broken installation), this still answers in German
UNAVAILABLE_TEXT = (
    '<!doctype html><html lang="de"><meta charset="utf-8"><title>Vorübergehend nicht verfügbar</title>'
    "<h1>Vorübergehend nicht verfügbar</h1><p>Digi-Check kann gerade nicht auf seine Datenbank "
    "zugreifen. Bitte versuchen Sie es in einigen Minuten erneut.</p></html>"
)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    return _answer({"status": "ok"}, 200)


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    checks = {"database": _database_answers(), "ratelimit": _ratelimit_store_answers()}
    ready = all(checks.values())
    body: dict[str, Any] = {name: "ok" if fine else "fehler" for name, fine in checks.items()}
    notes = [note.short for note in texts.notes(Path(current_app.instance_path))]
    if notes:  # still ready: the operator has work to do, the service can run
        body["hinweise"] = notes
    return _answer(body, 200 if ready else 503)


def _answer(body: dict[str, Any], status: int) -> ResponseReturnValue:
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, status


def _database_answers() -> bool:
    """`SELECT 1` on a connection of its own, bounded in time: a probe never waits behind a
    busy pool or an unreachable host for longer than PROBE_TIMEOUT."""
    try:
        with _probe_engine(current_app).connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


def _ratelimit_store_answers() -> bool:
    """The configured store itself (Redis), even while the limiter runs on its in-memory fallback."""
    try:
        return bool(limiter.storage.check())
    except Exception:  # a storage that cannot even say it is unwell is not ready either
        return False


def _probe_engine(app: Flask) -> Engine:
    engine: Engine | None = app.extensions.get("digicheck_probe_engine")
    if engine is None:
        url = db.engine.url
        connect_args: dict[str, Any] = {}
        if url.get_backend_name() == "postgresql":
            connect_args = {"connect_timeout": PROBE_TIMEOUT, "options": f"-c statement_timeout={PROBE_TIMEOUT * 1000}"}
        elif url.get_backend_name() == "sqlite":
            connect_args = {"timeout": PROBE_TIMEOUT}
        engine = create_engine(url, poolclass=NullPool, connect_args=connect_args)
        app.extensions["digicheck_probe_engine"] = engine
    return engine


#: what an API client reads while the database is unreachable (a problem document, as every API error)
UNAVAILABLE_API = "Die Datenbank ist gerade nicht erreichbar. Bitte versuchen Sie es in einer halben Minute erneut."


def database_unavailable(error: Exception) -> ResponseReturnValue:
    """The German 503 page while the database is unreachable, under /api/ a problem document. Its
    template reads no user and no database and is rendered without context processors, so this
    handler cannot fail the same way the request did (the session is cleaned up at teardown, as always)."""
    transactions.mark_failed()  # nothing is committed: the database is not there to take it
    headers = {"Retry-After": "30", "Cache-Control": "no-store"}
    if problems.is_api_request():
        return problems.problem(503, UNAVAILABLE_API, headers=headers)
    try:
        page = current_app.jinja_env.get_template("errors/unavailable.html").render()
    except Exception:
        page = UNAVAILABLE_TEXT
    return page, 503, headers


def require_database() -> None:
    """For pages that are useless without the database (the login form): one `SELECT 1` on the
    request's own session, so an outage shows the 503 page at once instead of after the form."""
    db.session.execute(text("SELECT 1"))
