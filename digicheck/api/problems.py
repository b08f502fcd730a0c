"""Errors of the API as RFC 9457 problem details (application/problem+json), in German.

Every error under /api/ is answered here: the API's own aborts and validation errors (422), and
the application's 404/405/429/500 for paths below /api/ (digicheck/app.py hands them over).
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, json, request
from werkzeug.exceptions import HTTPException

PROBLEM_MIMETYPE = "application/problem+json"
API_PREFIX = "/api/"

#: status -> (title, detail when the error brings none of its own)
TITLES: dict[int, tuple[str, str]] = {
    400: ("Ungültige Anfrage", "Die Anfrage konnte nicht verarbeitet werden."),
    401: ("Nicht angemeldet", "Bitte senden Sie ein gültiges API-Token im Kopf „Authorization: Bearer …“."),
    403: ("Kein Zugriff", "Für diese Ressource fehlt Ihnen die Berechtigung."),
    404: ("Nicht gefunden", "Diese Ressource gibt es nicht, oder sie ist für Sie nicht sichtbar."),
    405: ("Methode nicht erlaubt", "Diese Methode ist für diese Ressource nicht möglich."),
    406: ("Nicht annehmbar", "Die API antwortet nur mit JSON."),
    409: ("Konflikt", "Die Ressource ist in einem Zustand, der diese Änderung nicht erlaubt."),
    412: ("Vorbedingung nicht erfüllt", "Die Ressource wurde inzwischen geändert."),
    413: ("Zu groß", "Die gesendeten Daten sind zu umfangreich."),
    415: ("Nicht unterstütztes Format", "Bitte senden Sie den Inhalt als application/json."),
    422: ("Ungültige Eingabe", "Mindestens ein Parameter oder Feld ist ungültig; „errors“ nennt sie."),
    428: ("Vorbedingung erforderlich", "Diese Anfrage braucht eine Vorbedingung."),
    429: ("Zu viele Anfragen", "Das Anfragelimit dieses Tokens ist erreicht; bitte warten Sie und versuchen Sie es dann erneut."),
    500: ("Interner Fehler", "Es ist ein Fehler aufgetreten. Es wurde nichts gespeichert."),
    503: ("Nicht verfügbar", "Dieser Dienst ist gerade nicht verfügbar."),
}


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def problem(status: int, detail: str | None = None, *, errors: Any = None, headers: dict[str, str] | None = None) -> Response:
    """One problem document; `errors` lists what was wrong per location and field (422)."""
    status = status if status in TITLES else 500
    title, default = TITLES[status]
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail or default, "instance": request.path}
    if errors:
        body["errors"] = errors
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE)
    response.headers.update(headers or {})
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="digicheck"'
    return response


def from_exception(error: HTTPException) -> Response:
    """An HTTPException as a problem: its own description where it has one, webargs' field errors as `errors`."""
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    custom = error.description if error.description != type(error).description else None
    headers = dict(data.get("headers") or {})
    if code == 405 and error.get_response().headers.get("Allow"):
        headers["Allow"] = error.get_response().headers["Allow"]
    if code == 429:
        headers.update({k: v for k, v in error.get_response().headers.items() if k.startswith(("Retry-After", "X-RateLimit"))})
        custom = None  # Flask-Limiter describes the limit in English ("120 per 1 minute"); the headers carry it
    return problem(code, data.get("message") or custom, errors=data.get("errors") or data.get("messages"), headers=headers)
