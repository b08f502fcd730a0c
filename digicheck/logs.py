"""Structured logs on stdout: one JSON line per request, and audit events.

Everything under the `digicheck` logger is written as JSON (python-json-logger) to stdout,
where gunicorn, systemd or a container runtime collects it; while a `digicheck` command runs, to
stderr (`on_stderr`), so that what the command prints stays alone on stdout. docs/operations.md
("Logs") lists every field and event; keep it in step with this module.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TextIO

from flask import Flask, Response, current_app, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import inspect

from digicheck.accounts.services import normalise_email
from digicheck.extensions import limiter

request_log = logging.getLogger("digicheck.request")
audit_log = logging.getLogger("digicheck.audit")

#: a client's or proxy's X-Request-ID is taken over only if it is a plain token like these
REQUEST_ID = re.compile(r"[A-Za-z0-9._:@+=/-]{1,128}")
#: URL parts that are secrets (one-time invitation links): the request line shows *** instead
SECRET_VIEW_ARGS = frozenset({"token"})
#: audit events an operator should notice; the others are INFO
WARNING_EVENTS = frozenset({"login_failed", "rate_limit_hit", "mail_failed"})


class StdoutHandler(logging.StreamHandler):
    """Writes to whatever `sys.stdout` is when a line is logged (gunicorn's, pytest's capture),
    as the standard library's last-resort handler does for stderr; `sys.stderr` within `on_stderr`."""

    #: inside `on_stderr`: the lines go to stderr
    commands = 0

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    @property
    def stream(self) -> TextIO:
        return sys.stderr if StdoutHandler.commands else sys.stdout

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


class _Formatter(JsonFormatter):
    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        """ISO 8601 in UTC with its offset, to the millisecond."""
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


@contextmanager
def on_stderr() -> Iterator[None]:
    """Log lines go to stderr while a command runs: its output stays alone on stdout, so that
    `TOKEN=$(digicheck token create …)` holds the token and nothing else (the audit line of the
    token's creation is logged meanwhile)."""
    StdoutHandler.commands += 1
    try:
        yield
    finally:
        StdoutHandler.commands -= 1


def install(app: Flask) -> None:
    """Log every request of this app, and make sure the JSON handler exists once per process."""
    _configure()
    # first in the lists: the clock starts before any other hook (rate limits, input checks),
    # and the response is seen after all others have changed it (hooks run in reverse order)
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request_funcs.setdefault(None, []).insert(0, _finish)
    app.teardown_request_funcs.setdefault(None, []).insert(0, _log_request)


def note_actor_before_commit(app: Flask) -> None:
    """Read who is logged in before the request's commit (register after `transactions.install`:
    after-request hooks run in reverse order). The commit expires the user's columns, and reading
    them afterwards would load the user from the database a second time in every request."""
    app.after_request(_note_actor)


def _note_actor(response: Response) -> Response:
    g.log_actor = _actor()
    return response


def _configure() -> None:
    """Idempotent: tests create many apps in one process, each must not add a handler."""
    package = logging.getLogger("digicheck")
    if any(isinstance(handler, StdoutHandler) for handler in package.handlers):
        return
    handler = StdoutHandler()
    handler.setFormatter(
        _Formatter(
            "{asctime}{levelname}{name}{message}", style="{", rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}
        )
    )
    package.addHandler(handler)
    package.setLevel(logging.INFO)


def request_id() -> str | None:
    """The id of the current request (taken from X-Request-ID or new), None outside a request."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        supplied = request.headers.get("X-Request-ID", "")
        g.request_id = supplied if REQUEST_ID.fullmatch(supplied) else uuid.uuid4().hex
    return str(g.request_id)


def email_hash(address: str) -> str:
    """A stable pseudonym for an e-mail address in the logs: HMAC-SHA256 keyed with SECRET_KEY,
    first 16 hex digits. The same address always gives the same value (until the key changes)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, normalise_email(address).encode(), hashlib.sha256).hexdigest()[:16]


def audit(event: str, **fields: Any) -> None:
    """One audit line: the event, who did it (in a request) and the given fields.
    Never pass a password or a clear e-mail address; use `email_hash`."""
    user_id, role = _actor() if has_request_context() else (None, None)
    level = logging.WARNING if event in WARNING_EVENTS else logging.INFO
    audit_log.log(level, event, extra={"event": event, "request_id": request_id(), "user_id": user_id, "role": role, **fields})


def _actor() -> tuple[int | None, str | None]:
    """The logged-in user if this request has looked them up; logging itself never queries the
    database (health checks stay database-free, a failed database does not break the log)."""
    user = g.get("_login_user")  # where Flask-Login keeps the user once something asked for it
    # is_anonymous, not is_authenticated: the latter reads `active`, which a commit or rollback
    # expires, and would load the user again (issue 18, part 6)
    if user is None or user.is_anonymous:
        return None, None
    state = inspect(user)
    role = state.dict.get("role")  # what is loaded; after a rollback the role may be expired
    return (state.identity[0] if state.identity else None), (role.value if role is not None else None)


def _start() -> None:
    g.log_started = time.perf_counter()
    request_id()


def _finish(response: Response) -> Response:
    response.headers["X-Request-ID"] = request_id() or ""
    g.log_status = response.status_code
    if "log_actor" not in g:  # noted before the commit, unless a hook in between failed
        g.log_actor = _actor()
    if response.status_code == 429 and not g.get("log_rate_limited"):
        g.log_rate_limited = True
        breached = limiter.current_limit
        audit("rate_limit_hit", limit=str(breached.limit) if breached else None, endpoint=request.endpoint)
    return response


def _log_request(error: BaseException | None) -> None:
    """Teardown runs once per request, also when a response came from an error handler."""
    started = g.get("log_started")
    user_id, role = g.get("log_actor", (None, None))
    request_log.info(
        "request",
        extra={
            "request_id": request_id(),
            "method": request.method,
            "path": _path(),
            "status": g.get("log_status", 500),
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started is not None else None,
            "user_id": user_id,
            "role": role,
            "api_token_id": g.get("log_api_token"),
        },
    )


def _path() -> str:
    """The path without query string, secrets in it replaced by ***."""
    path = request.path
    view_args = request.view_args or {}
    for name in SECRET_VIEW_ARGS.intersection(view_args):
        path = path.replace(str(view_args[name]), "***")
    return path
