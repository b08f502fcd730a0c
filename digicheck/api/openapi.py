"""The OpenAPI 3.1 document of /api/v1, generated from the routes and schemas by flask-smorest
(apispec), and its readable page: our own template, served locally (no CDN, no script).

flask-smorest's own error handler (JSON of its own shape) and its documentation pages
(Swagger UI, ReDoc: from a CDN) are left out; errors are problem details (digicheck.api.problems).
"""

from __future__ import annotations

import http
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from digicheck.api import problems, routes, schemas

DESCRIPTION = (
    "Daten des Digi-Checks für das Land, den Dienstleister der Beratungen und die Beratung. "
    "Anmeldung mit einem API-Token (`Authorization: Bearer …`, von der Administration erstellt); "
    "angemeldete Konten können die Lese-Endpunkte auch mit ihrer Browser-Sitzung abrufen (Schreiben dann mit X-CSRFToken). "
    "Fehler als Problem-Details (RFC 9457) auf Deutsch. Beispiele: docs/api.md."
)
SECURITY_SCHEMES = {
    "bearerAuth": {"type": "http", "scheme": "bearer", "description": "API-Token (Rollen: analyst, consultant, provider)"},
    "sessionCookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
        "description": "Anmeldung im Browser (Schreiben mit X-CSRFToken)",
    },
}


class DigicheckApi(Api):
    """flask-smorest's Api with problem details as every documented error, and no error handler of its own.

    Each operation documents the codes it answers (`routes.documented`, 422 from its arguments), in
    German, and no catch-all `default`: with one, the fuzz test's check of the status codes could not fail."""

    ERROR_SCHEMA = schemas.Problem
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_etag_headers(self) -> None:
        """flask-smorest's ETag header and If-None-Match and If-Match parameters, described in German."""

        def text(description: str) -> dict[str, Any]:
            return {"description": description, "schema": {"type": "string"}}

        self.spec.components.header("ETAG", text("Kennung dieses Stands der Daten; mit If-None-Match: 304, solange er gilt"), lazy=True)
        for name, header, description in (
            ("IF_NONE_MATCH", "If-None-Match", "ETag einer früheren Antwort"),
            ("IF_MATCH", "If-Match", "ETag des Stands, der geändert werden soll"),
        ):
            self.spec.components.parameter(name, "header", {"name": header, "in": "header", **text(description)}, lazy=True)

    def _register_error_handlers(self) -> None:
        """Errors are answered by digicheck.api.problems (the blueprint and the app's handlers)."""

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            # the problem's German title where it has one ("Nicht angemeldet"), else the standard phrase
            title = "Nicht geändert (ETag wie in If-None-Match)" if status == 304 else problems.TITLES.get(status, (status.phrase,))[0]
            response: dict[str, Any] = {"description": title}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, problems.PROBLEM_MIMETYPE)
            self.spec.components.response(status.name, response, lazy=True)


docs = Blueprint("api_docs", __name__, url_prefix="/api/v1")


def install(app: Flask) -> None:
    from digicheck.app import BoundedInt

    app.config.update(
        API_TITLE="Digi-Check API",
        API_VERSION="1",
        OPENAPI_VERSION="3.1.0",
        API_SPEC_OPTIONS={
            "info": {"description": DESCRIPTION},
            "servers": [{"url": "/"}],
            "security": [{"bearerAuth": []}, {"sessionCookie": []}],  # either
        },
    )
    api = DigicheckApi(app)
    api.register_converter(BoundedInt, lambda converter: {"type": "integer", "minimum": 0, "maximum": 2**31 - 1})
    for name, scheme in SECURITY_SCHEMES.items():
        api.spec.components.security_scheme(name, scheme)
    api.register_blueprint(routes.blp)
    app.register_blueprint(docs)
    app.extensions["digicheck.api"] = api


def document() -> dict[str, Any]:
    spec: dict[str, Any] = current_app.extensions["digicheck.api"].spec.to_dict()
    return spec


@docs.get("/openapi.json")
def openapi_json() -> ResponseReturnValue:
    return jsonify(document())


@docs.get("/docs")
def page() -> ResponseReturnValue:
    spec = document()
    return render_template("api/docs.html", spec=spec, operations=_operations(spec), schemas=spec["components"]["schemas"])


def _operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation of the document in path order, with its parameters and answers resolved for reading."""
    found = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            summary, _, _description = (op.get("summary", "") + "\n" + op.get("description", "")).strip().partition("\n")
            found.append(
                {
                    "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", "").strip("-"),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary") or summary,
                    "description": op.get("description", ""),
                    "parameters": [_resolve(spec, p) for p in [*item.get("parameters", []), *op.get("parameters", [])]],
                    "body": _schema_name(op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")),
                    "responses": [(code, _resolve(spec, r)) for code, r in op.get("responses", {}).items()],
                }
            )
    return found


def _resolve(spec: dict[str, Any], node: Any) -> dict[str, Any]:
    if isinstance(node, dict) and "$ref" in node:
        kind, name = node["$ref"].split("/")[-2:]
        resolved = dict(spec["components"][kind][name])
        return resolved | {"ref": name}
    if isinstance(node, dict):
        return node
    return {"ref": str(node)}


def _schema_name(schema: Any) -> str | None:
    if isinstance(schema, dict) and "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    return None
