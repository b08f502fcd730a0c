"""URL rules of /api/v1: parse (schemas), authorise (digicheck.api.access), call one query or service.

The OpenAPI document is generated from these rules and schemas (flask-smorest); every JSON
answer to a GET carries an ETag and honours If-None-Match (304). Errors are problem details
(digicheck.api.problems). Bearer-token callers are exempt from CSRF; session callers' writes are not.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn

import marshmallow as ma
import orjson
from flask import Response, current_app, request
from flask_smorest import Blueprint, abort
from webargs import flaskparser
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from digicheck import logs
from digicheck.api import access, problems, queries, schemas
from digicheck.consult import bookings as bookings_svc
from digicheck.consult import services as consult_svc
from digicheck.extensions import csrf, limiter


class _GermanParser(flaskparser.FlaskParser):
    """webargs' parser, with the messages it brings itself in German (a body that is no JSON).

    An unknown query parameter is a 422, as an unknown field of a body is: webargs leaves it out by
    default, and `/municipalities?round=2` then answered every municipality as if it had filtered."""

    DEFAULT_VALIDATION_MESSAGE = "Ungültiger Wert."
    DEFAULT_UNKNOWN_BY_LOCATION = {  # noqa: RUF012 - webargs reads the class attribute
        **flaskparser.FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE,
        "querystring": ma.RAISE,
    }

    def _handle_invalid_json_error(self, error: Exception, req: Any, *args: Any, **kwargs: Any) -> NoReturn:
        flaskparser.abort(400, exc=error, messages={"json": ["Der Inhalt ist kein gültiges JSON."]})


class _Blueprint(Blueprint):
    ARGUMENTS_PARSER = _GermanParser()
    #: a success's description in the OpenAPI document, in German (flask-smorest takes the English phrase)
    SUCCESS = {200: "Erfolgreich", 201: "Angelegt"}  # noqa: RUF012 - read only

    def response(self, status_code: int, schema: Any = None, **kwargs: Any) -> Any:
        kwargs.setdefault("description", self.SUCCESS.get(status_code))
        return super().response(status_code, schema, **kwargs)


blp = _Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="Kommunen, Bewertungen, Profile, Antworten, Benchmark und Beratungsbuchungen (Version 1)",
)
csrf.exempt(blp)  # access.authenticate asks session callers' writes for the CSRF token
limiter.limit(lambda: str(current_app.config["API_RATE_LIMIT"]), key_func=lambda: access.authenticate().rate_key)(blp)

#: what any route may answer besides its success: control characters in the query (400, the app's input
#: guard), no or a bad token, beyond the role, over the limit, an error (500), the database unreachable (503)
AUTH_ERRORS = (400, 401, 403, 429, 500, 503)
READ_ERRORS = (*AUTH_ERRORS, 404)
#: a write's body besides: too large (413); no JSON is a 400 as above
WRITE_ERRORS = (*READ_ERRORS, 413)


def documented(*codes: int) -> Callable[[Any], Any]:
    """Document the problem answers a route gives besides its success (401, 403, 404, …)."""

    def decorate(view: Any) -> Any:
        for code in codes:
            title = problems.TITLES[code][0]
            view = blp.alt_response(code, schema=schemas.Problem, content_type=problems.PROBLEM_MIMETYPE, description=title)(view)
        return view

    return decorate


def requires(allowed: Callable[[access.Caller], bool]) -> Callable[[Any], Any]:
    """The caller's role may use this route at all (else 403), decided before its input is parsed;
    which municipality's data it may see is decided where the resource is loaded."""

    def decorate(view: Any) -> Any:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            caller = access.authenticate()
            access.require_route(caller, allowed(caller))
            return view(*args, **kwargs)

        return checked

    return decorate


def conditional(view: Any) -> Any:
    """Document ETag, If-None-Match and 304 on a GET as flask-smorest's `etag` decorator does (its
    documentation flag only); the answer itself is made conditional in `_etag`, by werkzeug, so a
    304 carries the ETag too. A manual `doc(parameters=…)` would replace the query parameters."""
    view._apidoc = {**getattr(view, "_apidoc", {}), "etag": True}
    return view


#: `dumped`'s encoding: keys sorted (as `flask.json` wrote them), numpy numbers as numbers, instants to the second
_JSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_OMIT_MICROSECONDS


def dumped(document: dict[str, Any]) -> Response:
    """A large document (lists, the benchmark) as JSON, already in its schema's shape: marshmallow's
    dump costs more than the query at 100 rows (bench/api_bench.py); the fuzz test checks the shape.

    Encoded by orjson, byte for byte as the documents were before (`flask.json`): UTF-8, compact, keys
    sorted. Sorted keys keep the ETag (a hash of the body) the same for the same data, whatever order
    the database returned a page's area levels in. Flask's encoder took 0.45 ms of a list page of 100
    rows (issue 17). numpy numbers, which Flask's encoder wrote as floats, are written as numbers too.

    Instants come as aware local datetimes (`timefmt.to_local`) and are written as
    `timefmt.iso_with_offset` writes them: ISO 8601 to the second, with the day's offset
    ("2026-01-16T00:30:00+01:00"). orjson writes 100 of them in 0.01 ms; `isoformat` took 0.14 ms of a
    list page of 100 rows (issue 17). A naive datetime would lose its offset: none may be given. (orjson
    writes an offset in whole minutes; every zone's offset has been whole minutes since 1972, and the
    instants here are the product's own, from 2026 on.)"""
    return current_app.response_class(orjson.dumps(document, option=_JSON_OPTIONS), mimetype="application/json")


@blp.before_request
def _authenticate() -> None:
    access.authenticate()


@blp.after_request
def _etag(response: Response) -> BaseResponse:
    if request.method == "GET" and response.status_code == 200 and response.mimetype == "application/json":
        response.add_etag()
        response.headers["Cache-Control"] = "private, no-cache"
        return response.make_conditional(request)
    if response.status_code == 304:
        return response
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@blp.errorhandler(HTTPException)
def _problem(error: HTTPException) -> Response:
    # reached only for codes the app has no handler of its own for (401 and 422 among them): Flask prefers a
    # handler for the code, and the app's (digicheck/app.py) answer problem details under /api/v1 and roll back
    return problems.from_exception(error)


@blp.get("/municipalities")
@requires(access.reads_register)
@blp.arguments(schemas.MunicipalityQuery(), location="query", as_kwargs=True)
@blp.response(200, schemas.MunicipalityPage)
@documented(*AUTH_ERRORS)
@conditional
def municipalities(**args: Any) -> Any:
    """Kommunen mit Verzeichnisangaben, Status und aktuellen Stufen

    Nach AGS sortiert, seitenweise (`next_cursor`). Der Dienstleister erhält nur die Verzeichnisangaben,
    eine Kommune nur sich selbst."""
    caller = access.authenticate()
    with_status = access.reads_assessments(caller)
    if args.get("status") and not with_status:
        abort(403, message="Der Status der Kommunen ist für Ihre Rolle nicht sichtbar.")
    return dumped(queries.municipality_page(args, only=caller.municipality_id, with_status=with_status))


@blp.get("/municipalities/<int:municipality_id>")
@requires(access.reads_register)
@blp.response(200, schemas.Municipality)
@documented(*READ_ERRORS)
@conditional
def municipality(municipality_id: int) -> Any:
    """Eine Kommune"""
    caller = access.authenticate()
    found = access.load_municipality(caller, municipality_id)
    return queries.municipality_one(found, with_status=access.reads_assessments(caller))


@blp.get("/municipalities/<int:municipality_id>/bookings")
@requires(access.reads_bookings)
@blp.response(200, schemas.Bookings)
@documented(*READ_ERRORS)
@conditional
def bookings(municipality_id: int) -> Any:
    """Beratungsbuchungen einer Kommune je Modul"""
    caller = access.authenticate()
    found = access.load_municipality(caller, municipality_id)
    return {"items": [queries.booking_document(row) for row in bookings_svc.bookings_of(found)]}


@blp.put("/municipalities/<int:municipality_id>/bookings/<string(maxlength=40):module_id>")
@requires(access.books)
@blp.arguments(schemas.BookingIn())
@blp.response(200, schemas.BookingOut)
@documented(*WRITE_ERRORS)
def book(body: dict[str, Any], municipality_id: int, module_id: str) -> Any:
    """Buchungsstatus eines Beratungsmoduls setzen (Dienstleister)

    `booked`: gebucht für das Datum; `held`: am Datum durchgeführt. Die neueste Meldung gilt."""
    caller = access.authenticate()
    found = access.load_municipality(caller, municipality_id)
    try:
        booking = bookings_svc.set_booking(found, module_id, body["status"], body["date"], caller.name)
    except consult_svc.RecordError as error:
        abort(404, message=str(error))
    logs.audit(
        "booking_reported",
        municipality_id=found.id,
        module_id=module_id,
        booking_status=booking.status.value,
        token_id=caller.token.id if caller.token else None,
    )
    return queries.booking_document(bookings_svc.BookingRow(booking, bookings_svc.module_title(module_id) or module_id))


@blp.get("/assessments")
@requires(access.reads_assessments)
@blp.arguments(schemas.AssessmentQuery(), location="query", as_kwargs=True)
@blp.response(200, schemas.AssessmentPage)
@documented(*AUTH_ERRORS)
@conditional
def assessments(**args: Any) -> Any:
    """Bewertungen mit Status und Stufen

    Nach id sortiert, seitenweise (`next_cursor`); Filter wie in der Beratungsübersicht und nach Runde."""
    return dumped(queries.assessment_page(args, only=access.authenticate().municipality_id))


@blp.get("/assessments/<int:assessment_id>/profile")
@requires(access.reads_assessments)
@blp.response(200, schemas.Profile)
@documented(*READ_ERRORS)
@conditional
def profile(assessment_id: int) -> Any:
    """Profil einer Bewertung (Schema digicheck/profile-1) mit validierten Stufen und Zielen"""
    from digicheck.consult.export import profile_document

    return profile_document(access.load_assessment(access.authenticate(), assessment_id))


@blp.get("/assessments/<int:assessment_id>/answers")
@requires(access.reads_assessments)
@blp.response(200, schemas.Answers)
@documented(*READ_ERRORS)
@conditional
def answers(assessment_id: int) -> Any:
    """Antworten einer Bewertung"""
    return queries.answers_document(access.load_assessment(access.authenticate(), assessment_id))


@blp.post("/assessments/<int:assessment_id>/validated-levels")
@requires(access.validates)
@blp.arguments(schemas.ValidatedLevelIn())
@blp.response(201, schemas.ValidatedLevelOut)
@documented(*WRITE_ERRORS, 409)
def validate(body: dict[str, Any], assessment_id: int) -> Any:
    """Validierte Stufe eines Bereichs festhalten (Beratung)

    Erst nach Abschluss der Bewertung (sonst 409); die neueste validierte Stufe je Bereich gilt."""
    caller = access.authenticate()
    assessment = access.load_assessment(caller, assessment_id)
    consultant = access.recording_consultant(caller)
    if not assessment.submitted:
        abort(409, message="Validierte Stufen können erst gesetzt werden, wenn die Kommune die Bewertung abgeschlossen hat.")
    try:
        row = consult_svc.validate_level(assessment, body["area_id"], body["level"], body["reason"], consultant)
    except consult_svc.RecordError as error:
        abort(422, message=str(error))
    logs.audit(
        "level_validated",
        assessment_id=assessment.id,
        area=row.area_id,
        level=row.level,
        token_id=caller.token.id if caller.token else None,
    )
    return queries.validated_level_document(row)


@blp.get("/benchmark")
@requires(access.reads_benchmark)
@blp.arguments(schemas.BenchmarkQuery(), location="query", as_kwargs=True)
@blp.response(200, schemas.Benchmark)
@documented(*AUTH_ERRORS)
@conditional
def benchmark(**args: Any) -> Any:
    """Benchmark: anonymisierte Kennzahlen je Vergleichsgruppe

    Dieselben Zahlen und dieselbe Zurückhaltung wie der Bericht: keine Angabe aus weniger als k Bewertungen
    und keine Gruppe, deren Vergleich einzelne Kommunen verriete; zurückgehaltene Werte sind null mit `reason_code`."""
    own = access.authenticate().own
    return dumped(queries.benchmark_document(args.get("round"), args["dimension"], args.get("land"), own=own))
