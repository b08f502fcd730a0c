"""The API with a browser session: consultants read everything, a Kommune only its own municipality,
writes need the CSRF token; errors are German problem details, lists are paged by cursor, GETs carry ETags."""

from __future__ import annotations

import http
import json

import pytest

from digicheck.extensions import db
from digicheck.models import Role, ValidatedLevel
from tests.app.api_helpers import PROBLEM, ApiClient, submitted_assessment
from tests.conftest import add_user


@pytest.fixture
def client(make_browser):
    return ApiClient(make_browser())


def test_a_consultant_reads_municipalities_with_status_and_levels(browser, world) -> None:
    assessment = submitted_assessment(world.erbach, world.kommune)
    browser.login(world.berater)
    response = browser.get("/api/v1/municipalities")
    assert response.status_code == 200 and response.mimetype == "application/json"
    items = response.get_json()["items"]
    assert [m["name"] for m in items] == ["Erbach", "Gießen"]  # by AGS: 06437006 before 06531005
    erbach = items[0]
    assert erbach["status"] == "submitted" and erbach["submitted_assessment_id"] == assessment.id
    assert erbach["levels"]["overall"] in range(1, 6) and set(erbach["levels"]["areas"]) >= {"strategie"}
    assert items[1]["status"] == "invited" and items[1]["levels"]["overall"] is None


def test_a_kommune_sees_only_itself_and_gets_404_for_another(browser, world) -> None:
    mine = submitted_assessment(world.erbach, world.kommune)
    theirs = submitted_assessment(world.giessen, world.other)
    browser.login(world.kommune)
    assert [m["ags"] for m in browser.get("/api/v1/municipalities").get_json()["items"]] == ["06437006"]
    assert [a["id"] for a in browser.get("/api/v1/assessments").get_json()["items"]] == [mine.id]
    assert browser.get(f"/api/v1/assessments/{mine.id}/profile").status_code == 200
    for url in (
        f"/api/v1/municipalities/{world.giessen.id}",
        f"/api/v1/assessments/{theirs.id}/profile",
        f"/api/v1/assessments/{theirs.id}/answers",
    ):
        response = browser.get(url)
        assert response.status_code == 404 and response.mimetype == PROBLEM, url
        assert response.get_json()["title"] == "Nicht gefunden"
    assert browser.get(f"/api/v1/municipalities/{world.giessen.id}/bookings").status_code == 403


def test_anonymous_gets_401_problem(client) -> None:
    response = client.get("/api/v1/municipalities")
    assert response.status_code == 401 and response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.get_json()["detail"]


def test_unknown_paths_and_methods_are_problems_in_german(client) -> None:
    missing = client.get("/api/v1/gibt-es-nicht")
    assert missing.status_code == 404 and missing.mimetype == PROBLEM and missing.get_json()["title"] == "Nicht gefunden"
    wrong = client.delete("/api/v1/municipalities")
    assert wrong.status_code == 405 and wrong.mimetype == PROBLEM and "GET" in wrong.headers["Allow"]


def test_bad_parameters_are_422_with_german_field_messages(browser, world) -> None:
    browser.login(world.berater)
    response = browser.get("/api/v1/municipalities?limit=1000&kind=Dorf")
    assert response.status_code == 422 and response.mimetype == PROBLEM
    errors = response.get_json()["errors"]["query"]
    assert errors["limit"] == ["Bitte eine Zahl von 1 bis 100."]
    assert errors["kind"][0].startswith("Erlaubt sind:")
    assert browser.get("/api/v1/municipalities?cursor=kaputt").get_json()["errors"]["query"]["cursor"][0].startswith("Ungültiger Cursor")


def test_cursor_pages_cover_every_municipality_once(browser, world) -> None:
    from tests.app.benchmark_helpers import municipality

    for n in range(5):
        municipality(f"0643{n}999", kreis_ags="06431", kreis="Bergstraße", rb="Darmstadt", population=5000 + n)
    db.session.commit()
    browser.login(world.berater)
    seen, cursor = [], None
    while True:
        page = browser.get("/api/v1/municipalities?limit=3" + (f"&cursor={cursor}" if cursor else "")).get_json()
        seen += [m["ags"] for m in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 7
    filtered = browser.get("/api/v1/municipalities?kreis=Bergstraße&size=5k-10k").get_json()
    assert len(filtered["items"]) == 5 and all(m["kreis"] == "Bergstraße" for m in filtered["items"])
    assert browser.get("/api/v1/municipalities?size=10k-20k").get_json()["items"][0]["name"] == "Erbach"


def test_etag_answers_304_until_the_data_change(browser, world) -> None:
    browser.login(world.berater)
    first = browser.get(f"/api/v1/municipalities/{world.erbach.id}")
    etag = first.headers["ETag"]
    again = browser.get(f"/api/v1/municipalities/{world.erbach.id}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    world.erbach.population = 14000
    db.session.commit()
    changed = browser.get(f"/api/v1/municipalities/{world.erbach.id}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["population"] == 14000


def test_the_lists_bodies_and_so_their_etags_depend_only_on_the_data(browser, world) -> None:
    """Keys sorted, compact, UTF-8: the same data gives the same bytes and ETag, whatever order the
    database returned the rows of a page's levels in."""
    submitted_assessment(world.erbach, world.kommune)
    browser.login(world.berater)
    for url in ("/api/v1/assessments", "/api/v1/municipalities", "/api/v1/benchmark?dimension=kreis"):
        response = browser.get(url)
        assert response.status_code == 200, url
        body = response.get_data()
        canonical = json.dumps(json.loads(body), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
        assert body == canonical, url
    assert "Gießen".encode() in browser.get("/api/v1/municipalities").get_data()


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Asia/Kolkata", "America/St_Johns"])
def test_the_lists_write_instants_as_every_other_surface_does(app, zone: str) -> None:
    """The lists hand their instants to the encoder as local datetimes (`routes.dumped`); it writes each
    as `timefmt.iso_with_offset` does: to the second (not rounded), with the day's offset, on both sides
    of daylight saving changes, in whole and half-hour zones."""
    from datetime import UTC, datetime

    from digicheck import timefmt
    from digicheck.api.routes import dumped

    texts = [
        "2026-03-29 00:30:59.999999",
        "2026-03-29 01:00",
        "2026-10-25 00:30",
        "2026-10-25 01:30:00.5",
        "2026-07-15 22:30",
        "2027-01-15 23:59:59.1",
    ]
    instants = [datetime.fromisoformat(text).replace(tzinfo=UTC) for text in texts]
    with app.test_request_context():
        body = json.loads(dumped({"items": [timefmt.to_local(instant, zone) for instant in instants]}).get_data())
    assert body["items"] == [timefmt.iso_with_offset(instant, zone) for instant in instants]
    if zone == "Europe/Berlin":
        assert body["items"][:4] == [
            "2026-03-29T01:30:59+01:00",
            "2026-03-29T03:00:00+02:00",
            "2026-10-25T02:30:00+02:00",
            "2026-10-25T02:30:00+01:00",
        ]


def test_a_session_write_needs_the_csrf_token(browser, world) -> None:
    assessment = submitted_assessment(world.erbach, world.kommune)
    browser.login(world.berater)
    body = {"area_id": "strategie", "level": 3, "reason": "Vor Ort bestätigt."}
    refused = ApiClient(browser).post(f"/api/v1/assessments/{assessment.id}/validated-levels", json=body)
    assert refused.status_code == 400 and refused.mimetype == PROBLEM and "CSRF" in refused.get_json()["detail"]
    assert db.session.scalar(db.select(db.func.count()).select_from(ValidatedLevel)) == 0
    token = browser.token("/passwort")
    made = ApiClient(browser).post(f"/api/v1/assessments/{assessment.id}/validated-levels", json=body, headers={"X-CSRFToken": token})
    assert made.status_code == 201, made.get_data(as_text=True)
    assert made.get_json()["level"] == 3 and made.get_json()["by"] == "Beraterin"


def test_an_admin_session_records_a_validated_level_under_its_own_name(make_browser, world) -> None:
    """Admins act as consultants in the API (the route matrix allows it): the level names the admin."""
    assessment = submitted_assessment(world.erbach, world.kommune)
    admin = make_browser()
    admin.login(world.admin)
    body = {"area_id": "technik", "level": 2, "reason": "Im Workshop nachgefragt."}
    made = ApiClient(admin).post(
        f"/api/v1/assessments/{assessment.id}/validated-levels", json=body, headers={"X-CSRFToken": admin.token("/passwort")}
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    stored = db.session.scalars(db.select(ValidatedLevel)).one()
    assert (stored.consultant_id, stored.level, made.get_json()["by"]) == (world.admin.id, 2, world.admin.name)


def test_no_cors_headers(browser, world) -> None:
    browser.login(world.berater)
    response = browser.get("/api/v1/municipalities", headers={"Origin": "https://bi.example"})
    assert not any(name.lower().startswith("access-control-") for name, _ in response.headers)
    preflight = ApiClient(browser).options(
        "/api/v1/municipalities", headers={"Origin": "https://bi.example", "Access-Control-Request-Method": "GET"}
    )
    assert not any(name.lower().startswith("access-control-") for name, _ in preflight.headers)


def test_openapi_document_and_docs_page_are_served_locally(client) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    assert "/api/v1/benchmark" in spec["paths"] and "bearerAuth" in spec["components"]["securitySchemes"]
    assert spec["security"] == [{"bearerAuth": []}, {"sessionCookie": []}]  # either a token or a signed-in browser
    described = [response.get("description", "") for operations in spec["paths"].values() if isinstance(operations, dict)
                 for operation in operations.values() if isinstance(operation, dict) for response in operation.get("responses", {}).values()]  # fmt: skip
    described += [response["description"] for response in spec["components"]["responses"].values()]
    english = {status.phrase for status in http.HTTPStatus} | {"Tag for the returned entry", "Tag to check against"}
    assert described and not [text for text in described if text in english]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "put", "post", "patch", "delete"):
                continue  # the path's own parameters
            responses = operation["responses"]
            # the codes it answers, named in German; no catch-all that would let any code conform
            assert "default" not in responses and responses["401"]["description"] == "Nicht angemeldet", (method, path)
            assert {"400", "500", "503"} <= set(responses) and ("413" in responses) == (method != "get"), (method, path)
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "<code>GET /api/v1/benchmark</code>" in page and "Anonymisierte" not in page
    assert 'src="http' not in page and 'href="http' not in page and "<script" not in page


def test_analyst_session_role_is_refused_beyond_the_benchmark(browser, world) -> None:
    analyst = add_user("analyse@land.test", "Analyse", Role.ANALYST)
    browser.login(analyst)
    assert browser.get("/api/v1/benchmark").status_code == 200
    assert browser.get("/api/v1/municipalities").status_code == 403
