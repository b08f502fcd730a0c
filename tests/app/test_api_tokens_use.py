"""The API with Bearer tokens: what each token role may do, writes without CSRF, rate limits per token,
and the same anonymity as the report."""

from __future__ import annotations

from datetime import date

import pytest

from digicheck.accounts.tokens import create_token, revoke
from digicheck.extensions import db, limiter
from digicheck.models import AreaScore, ConsultationBooking, TokenRole, ValidatedLevel
from digicheck.timefmt import to_local
from tests.app.api_helpers import PROBLEM, ApiClient, bearer, submitted_assessment
from tests.app.test_logging import stdout  # noqa: F401 - fixture


@pytest.fixture
def client(make_browser):
    return ApiClient(make_browser())


def token_for(role: TokenRole, created_by=None, user=None) -> str:
    _, raw = create_token(f"System {role.value}", role, created_by=created_by, user=user)
    db.session.commit()
    return raw


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model)) or 0


def test_a_provider_reads_register_fields_only_and_reports_bookings(client, world) -> None:
    raw = token_for(TokenRole.PROVIDER)
    submitted_assessment(world.erbach, world.kommune)
    items = client.get("/api/v1/municipalities", headers=bearer(raw)).get_json()["items"]
    assert items[0]["name"] == "Erbach" and items[0]["population"] == 13876
    assert "status" not in items[0] and "levels" not in items[0]
    assert client.get("/api/v1/municipalities?status=submitted", headers=bearer(raw)).status_code == 403
    assert client.get("/api/v1/assessments", headers=bearer(raw)).status_code == 403

    url = f"/api/v1/municipalities/{world.erbach.id}/bookings/modul1"
    booked = client.put(url, json={"status": "booked", "date": "2027-03-01"}, headers=bearer(raw))
    assert booked.status_code == 200, booked.get_data(as_text=True)
    assert booked.get_json()["module"].startswith("Modul 1: ")
    held = client.put(url, json={"status": "held", "date": "2027-03-02"}, headers=bearer(raw))
    assert held.get_json()["status"] == "held"
    row = db.session.scalars(db.select(ConsultationBooking)).one()  # one row per municipality and module: the newest report
    assert (row.status.value, row.on, row.reported_by) == ("held", date(2027, 3, 2), "System provider")
    listed = client.get(f"/api/v1/municipalities/{world.erbach.id}/bookings", headers=bearer(raw)).get_json()["items"]
    assert [(b["module_id"], b["status"], b["date"]) for b in listed] == [("modul1", "held", "2027-03-02")]
    # the instant of the report in local time with its offset, as on every other surface
    assert listed[0]["updated_at"] == to_local(row.updated_at).isoformat(timespec="seconds")
    assert listed[0]["updated_at"].endswith(("+01:00", "+02:00"))


def test_bad_booking_input_stores_nothing(client, world) -> None:
    raw = token_for(TokenRole.PROVIDER)
    base = f"/api/v1/municipalities/{world.erbach.id}/bookings"
    unknown = client.put(f"{base}/modul99", json={"status": "booked", "date": "2027-03-01"}, headers=bearer(raw))
    assert unknown.status_code == 404 and "Modulkatalog" in unknown.get_json()["detail"]
    wrong = client.put(f"{base}/modul1", json={"status": "vielleicht", "date": "1.3.2027", "extra": 1}, headers=bearer(raw))
    assert wrong.status_code == 422 and wrong.mimetype == PROBLEM
    errors = wrong.get_json()["errors"]["json"]
    assert errors["date"] == ["Bitte ein Datum JJJJ-MM-TT."] and errors["extra"] == ["Unbekanntes Feld."]
    broken = client.put(f"{base}/modul1", data="kein JSON", headers=bearer(raw) | {"Content-Type": "application/json"})
    assert broken.status_code == 400 and broken.mimetype == PROBLEM
    assert broken.get_json()["errors"] == {"json": ["Der Inhalt ist kein gültiges JSON."]}
    assert count(ConsultationBooking) == 0


def test_an_analyst_reads_the_benchmark_only(client, world) -> None:
    raw = token_for(TokenRole.ANALYST)
    assessment = submitted_assessment(world.erbach, world.kommune)
    assert client.get("/api/v1/benchmark", headers=bearer(raw)).status_code == 200
    for url in (
        "/api/v1/municipalities",
        f"/api/v1/municipalities/{world.erbach.id}",
        "/api/v1/assessments",
        f"/api/v1/assessments/{assessment.id}/profile",
        f"/api/v1/assessments/{assessment.id}/answers",
        f"/api/v1/municipalities/{world.erbach.id}/bookings",
    ):
        response = client.get(url, headers=bearer(raw))
        assert response.status_code == 403 and response.get_json()["title"] == "Kein Zugriff", url


def test_a_consultant_token_reads_everything_and_validates_without_csrf(client, make_browser, world) -> None:
    raw = token_for(TokenRole.CONSULTANT, created_by=world.admin, user=world.berater)
    assessment = submitted_assessment(world.erbach, world.kommune)
    profile = client.get(f"/api/v1/assessments/{assessment.id}/profile", headers=bearer(raw)).get_json()
    assert profile["schema"] == "digicheck/profile-1" and profile["assessment"]["municipality"]["ags"] == "06437006"
    with_browser = make_browser()
    with_browser.login(world.berater)
    download = with_browser.get(f"/beratung/bewertung/{assessment.id}/profil.json").get_json()
    assert profile == download  # the consultants' profil.json, field for field
    answers = client.get(f"/api/v1/assessments/{assessment.id}/answers", headers=bearer(raw)).get_json()["items"]
    assert answers and all(a["answer"] for a in answers)
    made = client.post(
        f"/api/v1/assessments/{assessment.id}/validated-levels",
        json={"area_id": "strategie", "level": 4, "reason": "Im Gespräch bestätigt."},
        headers=bearer(raw),
    )
    # recorded under the consultant the token is bound to, not the admin who created it
    assert made.status_code == 201 and made.get_json()["by"] == "Beraterin"
    assert db.session.scalars(db.select(ValidatedLevel)).one().consultant_id == world.berater.id
    profile = client.get(f"/api/v1/assessments/{assessment.id}/profile", headers=bearer(raw)).get_json()
    assert next(a for a in profile["areas"] if a["id"] == "strategie")["validated"]["level"] == 4
    assert client.put(f"/api/v1/municipalities/{world.erbach.id}/bookings/modul1", json={"status": "booked", "date": "2027-01-01"},
                      headers=bearer(raw)).status_code == 403  # fmt: skip


def test_answers_carry_the_kommunes_evidence(client, world) -> None:
    """Reasons and references the Kommune gave (issue 16), references one per line; from an earlier round: its number."""
    from digicheck.models import Answer

    raw = token_for(TokenRole.CONSULTANT, user=world.berater)
    done = submitted_assessment(world.erbach, world.kommune)
    first, second, third = db.session.scalars(db.select(Answer).where(Answer.assessment_id == done.id).order_by(Answer.item_id)).all()[:3]
    first.evidence_comment = "Beschluss der Stadtverordnetenversammlung vom 12.03.2026"
    first.evidence_refs = "Drucksache 2026/041\n\n  https://erbach.de/strategie.pdf  \n"
    second.evidence_refs = "Dienstanweisung IT"
    second.evidence_from_round = 1
    third.evidence_comment = "   "  # nothing written
    db.session.commit()
    items = {a["item_id"]: a for a in client.get(f"/api/v1/assessments/{done.id}/answers", headers=bearer(raw)).get_json()["items"]}
    assert items[first.item_id]["evidence"] == {
        "comment": "Beschluss der Stadtverordnetenversammlung vom 12.03.2026",
        "refs": ["Drucksache 2026/041", "https://erbach.de/strategie.pdf"],
        "from_round": None,
    }
    assert items[second.item_id]["evidence"] == {"comment": None, "refs": ["Dienstanweisung IT"], "from_round": 1}
    assert items[third.item_id]["evidence"] is None
    assert sum(a["evidence"] is not None for a in items.values()) == 2


def test_validation_refusals_store_nothing(client, world) -> None:
    from digicheck.assess import services as svc

    raw = token_for(TokenRole.CONSULTANT, created_by=world.admin, user=world.berater)
    open_round = svc.start_round(world.giessen, world.other)
    done = submitted_assessment(world.erbach, world.kommune)
    body = {"area_id": "strategie", "level": 3, "reason": "Begründung"}
    assert client.post(f"/api/v1/assessments/{open_round.id}/validated-levels", json=body, headers=bearer(raw)).status_code == 409
    unknown_area = client.post(f"/api/v1/assessments/{done.id}/validated-levels", json=body | {"area_id": "mond"}, headers=bearer(raw))
    assert unknown_area.status_code == 422 and "mond" in unknown_area.get_json()["detail"]
    too_high = client.post(f"/api/v1/assessments/{done.id}/validated-levels", json=body | {"level": 6}, headers=bearer(raw))
    assert too_high.get_json()["errors"]["json"]["level"] == ["Die validierte Stufe muss zwischen 1 und 5 liegen."]
    assert count(ValidatedLevel) == 0


def test_unknown_revoked_and_malformed_tokens_get_401(client, world) -> None:
    from digicheck.models import ApiToken

    raw = token_for(TokenRole.ANALYST)
    assert client.get("/api/v1/benchmark", headers=bearer("dc_" + "x" * 43)).status_code == 401
    assert client.get("/api/v1/benchmark", headers={"Authorization": "Basic Zm9vOmJhcg=="}).status_code == 401
    revoke(db.session.scalars(db.select(ApiToken)).one())
    db.session.commit()
    response = client.get("/api/v1/benchmark", headers=bearer(raw))
    assert response.status_code == 401 and "widerrufen" in response.get_json()["detail"]


@pytest.mark.parametrize("ending", ["locked", "deleted"])
def test_a_consultant_token_stops_working_with_its_account(client, make_browser, world, ending) -> None:
    """Locked (until unlocked) or deleted by an admin in the account list: the token is refused, nothing is recorded."""
    raw = token_for(TokenRole.CONSULTANT, created_by=world.admin, user=world.berater)
    done = submitted_assessment(world.erbach, world.kommune)
    url = f"/api/v1/assessments/{done.id}/validated-levels"
    body = {"area_id": "strategie", "level": 3, "reason": "Begründung"}
    assert client.get(f"/api/v1/assessments/{done.id}/profile", headers=bearer(raw)).status_code == 200
    admin = make_browser()
    admin.login(world.admin)
    if ending == "locked":
        made = admin.post(f"/verwaltung/konten/{world.berater.id}/status", {"aktiv": "0"}, token_from="/verwaltung/konten")
    else:
        made = admin.post(
            f"/verwaltung/konten/{world.berater.id}/loeschen", {}, token_from=f"/verwaltung/konten/{world.berater.id}/loeschen"
        )
    assert made.status_code == 302, made.get_data(as_text=True)
    for response in (
        client.get(f"/api/v1/assessments/{done.id}/profile", headers=bearer(raw)),
        client.post(url, json=body, headers=bearer(raw)),
    ):
        assert response.status_code == 401 and "Beratungskonto ist gesperrt oder gelöscht" in response.get_json()["detail"]
    assert count(ValidatedLevel) == 0
    listing = admin.get("/verwaltung/api-tokens/").get_data(as_text=True)
    row = listing.split("<tr><td>System consultant</td>")[1].split("</tr>")[0]
    assert "Beratungskonto nicht aktiv" in row and "Widerrufen …" in row  # still revocable, so unlocking does not bring it back
    if ending == "locked":  # unlocked: the token works again, under the same consultant
        admin.post(f"/verwaltung/konten/{world.berater.id}/status", {"aktiv": "1"}, token_from="/verwaltung/konten")
        again = client.post(url, json=body, headers=bearer(raw))
        assert again.status_code == 201 and again.get_json()["by"] == "Beraterin"


def test_a_refused_request_is_a_use_stored_and_audited_once_a_minute(client, world, stdout) -> None:  # noqa: F811 - fixture
    """A token whose requests are refused (403) is still in use: the admin's list shows it, and the audit
    log names the use once a minute, not once per refused request."""
    token, raw = create_token("BI des Landes", TokenRole.ANALYST)
    db.session.commit()
    assert [line["event"] for line in stdout.audits()] == ["api_token_created"]
    assert [client.get("/api/v1/assessments", headers=bearer(raw)).status_code for _ in range(3)] == [403, 403, 403]
    assert [line["event"] for line in stdout.audits()] == ["api_token_used"]
    db.session.expire_all()
    assert token.last_used_at is not None


def test_rate_limit_counts_per_token(app, client, world, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per day")  # a fixed window: a day, so no window ends mid-test
    limiter.reset()
    first, second = token_for(TokenRole.ANALYST), token_for(TokenRole.ANALYST)
    answers = [client.get("/api/v1/benchmark", headers=bearer(first)) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    # every answer says how much is left; only the 429 says when to come back
    assert [a.headers.get("X-RateLimit-Remaining") for a in answers] == ["2", "1", "0", "0"]
    assert ["Retry-After" in a.headers for a in answers] == [False, False, False, True]
    limited = client.get("/api/v1/benchmark", headers=bearer(first))
    assert limited.mimetype == PROBLEM and limited.get_json()["title"] == "Zu viele Anfragen" and "Retry-After" in limited.headers
    assert (
        limited.get_json()["detail"].startswith("Das Anfragelimit dieses Tokens ist erreicht")
        and limited.headers["X-RateLimit-Limit"] == "3"
    )
    assert client.get("/api/v1/benchmark", headers=bearer(second)).status_code == 200  # another token has its own count


def test_consultants_see_reported_bookings_in_the_assessment_view(client, browser, world) -> None:
    raw = token_for(TokenRole.PROVIDER)
    assessment = submitted_assessment(world.erbach, world.kommune)
    browser.login(world.berater)
    empty = browser.get(f"/beratung/bewertung/{assessment.id}").get_data(as_text=True)
    assert "noch kein Beratungsmodul gemeldet" in empty
    for module, status, on in (("modul3", "booked", "2027-05-04"), ("modul1", "held", "2027-02-01")):
        assert client.put(f"/api/v1/municipalities/{world.erbach.id}/bookings/{module}", json={"status": status, "date": on},
                          headers=bearer(raw)).status_code == 200  # fmt: skip
    html = browser.get(f"/beratung/bewertung/{assessment.id}").get_data(as_text=True)
    table = html[html.index('id="buchungen-tabelle"') : html.index("</table>", html.index('id="buchungen-tabelle"'))]
    assert table.index("Modul 1: ") < table.index("Modul 3: ")  # in module order
    assert "<td>durchgeführt</td><td>01.02.2027</td><td>System provider</td>" in table
    assert "<td>gebucht</td><td>04.05.2027</td>" in table


def test_assessment_list_filters_and_cursor_pages(client, world) -> None:
    """The consultant's list: filters like the overview's, pages by cursor, each assessment once, in id order."""
    from digicheck.assess import services as svc

    raw = token_for(TokenRole.CONSULTANT, user=world.berater)
    erbach_1 = submitted_assessment(world.erbach, world.kommune)
    erbach_2 = svc.start_round(world.erbach, world.kommune)
    giessen_1 = submitted_assessment(world.giessen, world.other)
    db.session.commit()

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/assessments?{query}", headers=bearer(raw))
        assert response.status_code == 200, response.get_data(as_text=True)
        return [item["id"] for item in response.get_json()["items"]]

    assert ids("") == [erbach_1.id, erbach_2.id, giessen_1.id]
    assert ids("status=submitted") == [erbach_1.id, giessen_1.id]
    assert ids("status=in_progress") == [erbach_2.id]
    assert ids("kreis=Gießen") == [giessen_1.id]
    assert ids("round=2") == [erbach_2.id]
    assert ids(f"municipality_id={world.erbach.id}&status=submitted") == [erbach_1.id]
    assert ids("size=50k-100k") == [giessen_1.id]  # Gießen: 92,000 inhabitants
    assert ids("regierungsbezirk=Darmstadt") == [erbach_1.id, erbach_2.id]
    assert ids("kind=Stadt&regierungsbezirk=Gießen") == [giessen_1.id] and ids("kind=Gemeinde") == []

    def municipalities(query: str) -> list[str]:
        response = client.get(f"/api/v1/municipalities?{query}", headers=bearer(raw))
        assert response.status_code == 200, response.get_data(as_text=True)
        return [item["ags"] for item in response.get_json()["items"]]

    # the overview's status: Erbach's newest round is open, Gießen's submitted
    assert municipalities("status=submitted") == ["06531005"] and municipalities("status=in_progress") == ["06437006"]
    assert municipalities("regierungsbezirk=Darmstadt") == ["06437006"] and municipalities("kind=Stadt&kreis=Gießen") == ["06531005"]
    # a parameter the list does not have is refused, not left out (which would answer as if it had filtered)
    refused = client.get("/api/v1/municipalities?round=2", headers=bearer(raw))
    assert refused.status_code == 422 and refused.get_json()["errors"]["query"]["round"] == [
        "Unbekannter Parameter; welche es gibt, nennt /api/v1/openapi.json."
    ]

    etag = client.get("/api/v1/assessments", headers=bearer(raw)).headers["ETag"]
    unchanged = client.get("/api/v1/assessments", headers={**bearer(raw), "If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.headers["ETag"] == etag and not unchanged.data
    validated = client.post(f"/api/v1/assessments/{giessen_1.id}/validated-levels", json={"area_id": "technik", "level": 2, "reason": "Vor Ort geprüft."},
                            headers=bearer(raw))  # fmt: skip
    assert validated.status_code == 201
    changed = client.get("/api/v1/assessments", headers={**bearer(raw), "If-None-Match": etag})  # the list carries validated levels
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    whole = client.get("/api/v1/assessments", headers=bearer(raw)).get_json()["items"]
    seen, cursor = [], None
    while True:
        page = client.get("/api/v1/assessments?limit=1" + (f"&cursor={cursor}" if cursor else ""), headers=bearer(raw)).get_json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == whole and [item["id"] for item in seen] == [erbach_1.id, erbach_2.id, giessen_1.id]  # levels too, page by page
    stored = {s.area_id: s.level for s in db.session.scalars(db.select(AreaScore).filter_by(assessment_id=giessen_1.id))}
    giessen, overall = seen[2]["levels"], stored.pop("overall")
    assert overall is not None and giessen["overall"] == overall and giessen["areas"] == stored and len(stored) == 5
    assert giessen["validated"] == {"technik": 2} and seen[0]["levels"]["validated"] == {}
    assert seen[1]["levels"] == {"overall": None, "areas": {}, "validated": {}}  # in progress: no levels yet
    # the instant of submission in local time with its offset, to the second, as on every other surface
    assert erbach_1.submitted_at is not None and seen[0]["submitted_at"] == to_local(erbach_1.submitted_at).isoformat(timespec="seconds")
    assert seen[0]["submitted_at"].endswith(("+01:00", "+02:00")) and seen[1]["submitted_at"] is None


def test_the_request_line_names_the_token(client, world, stdout) -> None:  # noqa: F811 - fixture
    token, raw = create_token("BI des Landes", TokenRole.ANALYST)
    db.session.commit()
    assert [line["event"] for line in stdout.audits()] == ["api_token_created"]
    client.get("/api/v1/benchmark", headers=bearer(raw))
    client.get("/api/v1/benchmark", headers=bearer(raw))
    written = stdout.lines()  # read once: the fixture hands out what came since the last read
    lines = [line for line in written if line.get("message") == "request" and line["path"] == "/api/v1/benchmark"]
    assert [line["api_token_id"] for line in lines] == [token.id, token.id] and lines[0]["user_id"] is None
    assert [line["event"] for line in written if line.get("logger") == "digicheck.audit"] == ["api_token_used"]  # once a minute
