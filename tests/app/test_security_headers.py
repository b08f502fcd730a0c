"""The same security headers on every response: each page without URL parameters (walked from
the URL map, so a new route is covered at once), downloads, error pages including the 503 page
while the database is down, health answers and static assets served by WhiteNoise."""

from __future__ import annotations

import re
from typing import Any

from digicheck.app import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY, STRICT_TRANSPORT_SECURITY
from tests.app.test_health import CLOSED_PORT, make_app  # noqa: F401 - fixture

EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Permissions-Policy": PERMISSIONS_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def missing_headers(response: Any, hsts: bool = False) -> dict[str, str | None]:
    expected = dict(EXPECTED, **({"Strict-Transport-Security": STRICT_TRANSPORT_SECURITY} if hsts else {}))
    return {name: response.headers.get(name) for name, value in expected.items() if response.headers.get(name) != value}


def parameterless_get_routes(app: Any) -> list[str]:
    return sorted(rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and not rule.arguments)


def static_responses(client: Any) -> dict[str, Any]:
    """A stylesheet as WhiteNoise answers it: 200, 304 for a cached copy, HEAD, and 405 for POST."""
    page = client.get("/anmelden").get_data(as_text=True)
    url = re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    fresh = client.get(url)
    responses = {
        "static 200": fresh,
        "static 304": client.get(url, headers={"If-None-Match": fresh.headers["ETag"]}),
        "static HEAD": client.head(url),
        "static 405": client.post(url),
    }
    assert [r.status_code for r in responses.values()] == [200, 304, 200, 405]
    for response in responses.values():
        response.close()
    return responses


def test_every_response_carries_the_security_headers(app: Any, world: Any, make_browser: Any) -> None:
    routes = parameterless_get_routes(app)
    assert {"/", "/anmelden", "/impressum", "/readyz", "/benchmark/export.csv", "/benchmark/bericht.pdf"} <= set(routes)
    seen: dict[str, Any] = {}
    for who in (None, world.kommune, world.admin):
        browser = make_browser()
        if who is not None:
            browser.login(who)
        for url in routes:
            seen[f"{who.email if who else 'anonym'} GET {url}"] = browser.get(url)
    anonymous = app.test_client()
    seen["404"] = anonymous.get("/gibt-es-nicht")
    seen["400 (CSRF)"] = anonymous.post("/anmelden", data={"email": "a@b.de", "password": "x"})
    seen["413"] = anonymous.post("/anmelden", data={"email": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)})
    seen["405"] = anonymous.post("/healthz")
    seen.update(static_responses(anonymous))

    statuses = {name: response.status_code for name, response in seen.items()}
    assert {200, 302, 400, 403, 404, 405, 413} <= set(statuses.values()), statuses
    assert any(r.mimetype == "text/csv" for r in seen.values()) and any(r.mimetype == "application/pdf" for r in seen.values())
    problems = {name: missing for name, response in seen.items() if (missing := missing_headers(response))}
    assert problems == {}


def test_the_database_down_page_carries_them_too(make_app: Any) -> None:  # noqa: F811
    response = make_app(SQLALCHEMY_DATABASE_URI=CLOSED_PORT).test_client().get("/anmelden")
    assert response.status_code == 503 and "Vorübergehend nicht verfügbar" in response.get_data(as_text=True)
    assert missing_headers(response) == {}


def test_hsts_on_every_response_with_secure_cookies(make_app: Any, database_url: str) -> None:  # noqa: F811
    secure = make_app(SQLALCHEMY_DATABASE_URI=database_url, SESSION_COOKIE_SECURE=True)
    client = secure.test_client()
    seen = {url: client.get(url) for url in parameterless_get_routes(secure)}
    seen["404"] = client.get("/gibt-es-nicht")
    seen.update(static_responses(client))
    assert {name: missing for name, response in seen.items() if (missing := missing_headers(response, hsts=True))} == {}
