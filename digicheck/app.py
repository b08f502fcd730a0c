"""The application factory: defaults, then the environment, then explicit overrides."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, render_template, request
from flask_limiter.util import get_qualified_name
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from digicheck import access, assets, db_pool, logs, offload, request_body, timefmt, transactions
from digicheck.config import from_environment
from digicheck.extensions import babel, csrf, db, limiter, login_manager
from digicheck.register import ATTRIBUTION
from digicheck.resources import shipped
from scoring.benchmark import archetypes

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
#: with DIGICHECK_SECURE_COOKIES (served over HTTPS): browsers use only HTTPS here for a year
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
#: no page of ours needs a device or an API like these: no script or frame may ask for them
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), browsing-topics=()"
)


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    overrides = overrides or {}
    env: dict[str, str] | None = None
    if "SECRET_KEY" in overrides:
        import os

        env = dict(os.environ, SECRET_KEY=str(overrides["SECRET_KEY"]))
    settings = from_environment(env)  # checked before anything else: a bad value stops here
    settings.update(overrides)
    app = Flask(
        __name__,
        template_folder=str(shipped("templates")),
        static_folder=str(shipped("static")),
        instance_path=str(settings["INSTANCE_PATH"]),
    )
    # before any route exists: every <int:…> in a URL is a database id (see BoundedInt)
    app.url_map.converters["int"] = BoundedInt
    app.config.update(settings)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)

    if app.config["PROXY_HOPS"]:
        # behind the reverse proxy the README asks for: the client's address (rate limits) and
        # scheme (https links in invitations) come from its X-Forwarded-* headers
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]  # Flask's middleware idiom replaces the method
    db.init_app(app)
    _register_sqlite_pragmas(app)
    csrf.init_app(app)
    _register_limiter(app)
    babel.init_app(app, locale_selector=lambda: "de")
    _register_login(app)
    _register_blueprints(app)
    _register_error_pages(app)
    # archetypes' k-means runs in a child process: no web worker imports scikit-learn (issue 18)
    archetypes.run_fits_with(offload.call)
    _register_headers(app)
    _register_input_guard(app)
    request_body.install(app)
    logs.install(app)
    access.install(app)
    transactions.install(app)  # last: its commit runs before the other after-request hooks
    logs.note_actor_before_commit(app)  # ... but after this one
    app.jinja_env.globals["REGISTER_ATTRIBUTION"] = ATTRIBUTION
    app.jinja_env.globals["DEMO"] = app.config["DIGICHECK_DEMO"]
    app.jinja_env.filters["answer_label"] = _answer_label
    app.jinja_env.filters["de_date"] = _german_date
    app.jinja_env.filters["local_datetime"] = timefmt.local_datetime
    app.jinja_env.filters["local_date"] = timefmt.local_date
    return app


class BoundedInt(IntegerConverter):
    """`<int:…>` in every route: ids are 32-bit INTEGER columns, so a larger number is no page
    of ours (404) rather than an overflow in the database driver (500)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


#: what no form field of ours accepts: C0 control characters except tab, line feed, carriage
#: return (PostgreSQL refuses NUL in text outright; the others are never typed, only forged)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CONTROL_MESSAGE = "Die Eingabe enthält unzulässige Steuerzeichen. Bitte prüfen Sie Ihre Eingabe und senden Sie sie erneut."


def _register_limiter(app: Flask) -> None:
    """Flask-Limiter runs hooks of its own on every request: a check before the view and the
    rate-limit headers after it. Our limits sit on routes (the login forms, checked by the
    decorator's wrapper when the view runs) and on blueprints (the API); nothing app-wide. So both
    hooks run only for an endpoint that has a limit, and a page without one pays nothing for the
    limiter (issue 18, part 6). The limits themselves and their store are Flask-Limiter's, unchanged."""
    limiter.init_app(app)
    before = limiter._check_request_limit  # the hooks Flask-Limiter registered, to be scoped
    after = next(f for f in app.after_request_funcs[None] if isinstance(f, partial) and f.args == (limiter,))
    limited: dict[str | None, tuple[bool, bool]] = {}

    def limits_of(endpoint: str | None) -> tuple[bool, bool]:
        """(app-wide or blueprint limits, any limit at all) of an endpoint; declared at import, so cached."""
        if endpoint not in limited:
            manager = limiter.limit_manager
            view = app.view_functions.get(endpoint or "")
            blueprint = endpoint.rpartition(".")[0] if endpoint and "." in endpoint else None
            wide = bool(manager.application_limits or manager.default_limits or (blueprint and manager.blueprint_limits(app, blueprint)))
            own = bool(view and manager.decorated_limits(get_qualified_name(view)))
            limited[endpoint] = (wide, wide or own)
        return limited[endpoint]

    def check_where_limited() -> None:
        if limits_of(request.endpoint)[0]:
            before()

    def headers_where_limited(response: Response) -> Response:
        if not limits_of(request.endpoint)[1]:
            return response
        own = response.headers.get("Retry-After")
        response = after(response)
        if response.status_code != 429:
            # Flask-Limiter sets Retry-After on every answer of a limited route; it means "come back
            # then" only on a 429 (RFC 9110 10.2.3). Other answers keep their own (the 503 page's) or none.
            if own is None:
                response.headers.pop("Retry-After", None)
            else:
                response.headers["Retry-After"] = own
        return response

    before_hooks, after_hooks = app.before_request_funcs[None], app.after_request_funcs[None]
    before_hooks[before_hooks.index(before)] = check_where_limited
    after_hooks[after_hooks.index(after)] = headers_where_limited


def _register_input_guard(app: Flask) -> None:
    """One check for every request, before any view or form sees the input."""

    @app.before_request
    def refuse_control_characters() -> None:
        if not request.query_string and request.method != "POST":
            return  # nothing to check: no query, no form (most page views, issue 18 part 6)
        sources = [request.args]
        if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            sources.append(request.form)
        for source in sources:
            if source and CONTROL_CHARACTERS.search("\n".join(text for pair in source.items(multi=True) for text in pair)):
                abort(400, description=CONTROL_MESSAGE)


def _register_sqlite_pragmas(app: Flask) -> None:
    """Every engine pings connections back from idle time (digicheck/db_pool.py). SQLite in write-ahead-log mode: readers and the writer do not block each other, and a
    commit no longer waits for fsync (synchronous=NORMAL keeps the database consistent after a
    crash; at worst the last commits before a power loss are lost). A writer waits for a lock
    up to the driver's default timeout of 5 s. PostgreSQL is left alone."""
    with app.app_context():
        for engine in db.engines.values():
            db_pool.install(engine)
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _german_date(value: Any) -> str:
    """ISO date (or date) as 23.11.2026."""
    from datetime import date

    return timefmt.local_date(date.fromisoformat(value) if isinstance(value, str) else value)


def _answer_label(value: Any, item: Any) -> str:
    from scoring.answers import answer_label

    if item is None:
        return "–" if value is None else str(value)
    return answer_label(item, tuple(value) if isinstance(value, list) else value)


def _register_login(app: Flask) -> None:
    from digicheck.accounts import sessions

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Bitte melden Sie sich an, um diese Seite zu sehen."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(sessions.load_user)  # the user of an open server-side session, else anonymous
    sessions.install(app)


def _register_blueprints(app: Flask) -> None:
    from digicheck import health
    from digicheck.accounts import account_routes, admin_routes, security_routes, token_routes
    from digicheck.accounts import routes as auth_routes
    from digicheck.assess import routes as assess_routes
    from digicheck.benchmark import routes as benchmark_routes
    from digicheck.consult import briefing_routes, tools_routes
    from digicheck.consult import routes as consult_routes
    from digicheck.legal import routes as legal_routes
    from digicheck.plan import document_routes as plan_document_routes
    from digicheck.plan import routes as plan_routes
    from digicheck.talk import routes as talk_routes

    for module in (
        auth_routes,
        security_routes,
        account_routes,
        assess_routes,
        admin_routes,
        token_routes,
        consult_routes,
        tools_routes,
        briefing_routes,
        talk_routes,
        benchmark_routes,
        health,
        legal_routes,
        plan_routes,
        plan_document_routes,
    ):
        app.register_blueprint(module.bp)
    from digicheck.api import openapi

    openapi.install(app)


def _register_error_pages(app: Flask) -> None:
    from digicheck import health
    from digicheck.api import problems

    messages = {
        400: ("Ungültige Anfrage", "Die Anfrage konnte nicht verarbeitet werden."),
        403: ("Kein Zugriff", "Für diese Seite fehlt Ihnen die Berechtigung."),
        404: ("Nicht gefunden", "Diese Seite gibt es nicht, oder sie ist für Sie nicht sichtbar."),
        405: ("Nicht erlaubt", "Diese Aktion ist hier nicht möglich."),
        409: ("Konflikt", "Die Daten wurden inzwischen geändert."),
        413: ("Zu groß", "Die gesendeten Daten sind zu umfangreich."),
        429: ("Zu viele Versuche", "Bitte warten Sie einen Moment und versuchen Sie es dann erneut."),
        500: ("Interner Fehler", "Es ist ein Fehler aufgetreten. Ihre gespeicherten Daten sind nicht betroffen."),
        503: ("Nicht verfügbar", "Diese Funktion ist auf diesem Server gerade nicht verfügbar."),
    }

    def render(code: int, text: str | None = None) -> Any:
        title, default = messages[code]
        try:
            return render_template("errors/error.html", title=title, message=text or default, code=code), code
        except health.DATABASE_UNAVAILABLE as failed:  # the page reads the user, from the database
            return health.database_unavailable(failed)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        transactions.discard()
        if problems.is_api_request():
            return problems.problem(400, "Schreibende Anfragen mit Sitzungs-Cookie brauchen das CSRF-Token im Kopf X-CSRFToken.")
        return render(
            400,
            "Die Sicherheitsprüfung des Formulars ist fehlgeschlagen (fehlendes oder ungültiges CSRF-Token). "
            "Bitte laden Sie die Seite neu und senden Sie das Formular erneut. "
            "Ihre Eingaben im Fragebogen bleiben in diesem Browser erhalten.",
        )

    def handler(error: Exception) -> Any:
        if not isinstance(error, HTTPException):
            error = InternalServerError()
        # whatever the request did is not stored; a failed flush or commit also leaves the
        # session unusable, and the error page itself reads the user: start over
        transactions.discard()
        if problems.is_api_request():  # the API's 404, 405, 429, 500 … as problem details
            return problems.from_exception(error)
        code = error.code or 500
        custom = error.description if error.description != type(error).description else None
        return render(code if code in messages else 500, custom)

    def offload_failed(error: offload.OffloadError) -> Any:
        # logged like any unhandled error (the child's stderr went into the log before)
        app.logger.error("offloaded job failed: %s", error)
        return handler(ServiceUnavailable(error.message) if error.status == 503 else InternalServerError(error.message))

    for code in messages:
        app.register_error_handler(code, handler)
    app.register_error_handler(offload.OffloadError, offload_failed)
    for unavailable in health.DATABASE_UNAVAILABLE:
        app.register_error_handler(unavailable, health.database_unavailable)


def _register_headers(app: Flask) -> None:
    """The same security headers on every response: pages, downloads, error pages, health
    answers (after_request runs for error handlers too) and static assets (answered before
    Flask by digicheck/assets.py, which adds them itself)."""
    hsts = {"Strict-Transport-Security": STRICT_TRANSPORT_SECURITY} if app.config.get("SESSION_COOKIE_SECURE") else {}
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "Permissions-Policy": PERMISSIONS_POLICY,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        **hsts,
    }
    assets.install(app, headers)

    by_name = [(name.lower(), name, value) for name, value in headers.items()]

    @app.after_request
    def security_headers(response: Response) -> Response:
        """Each header unless the response set its own (one pass over its headers, not one per header)."""
        present = {name.lower() for name, _ in response.headers.items()}
        response.headers.extend([(name, value) for lower, name, value in by_name if lower not in present])
        if "cache-control" not in present and (response.mimetype == "text/html" or "content-disposition" in present):
            # pages and downloads (exports, briefings, reports) carry a municipality's data
            response.headers["Cache-Control"] = "no-store"
        return response
