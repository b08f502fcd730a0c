"""Input and deployment edge cases found in review: numbers too large for an id, control
characters (PostgreSQL refuses NUL in text), the login limit behind a proxy, downloads not
cached, and the error page after a failed write. On SQLite and on PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from digicheck.extensions import db
from digicheck.models import Assessment, User
from tests.conftest import PASSWORD

HUGE = "99999999999999999999"


@pytest.fixture
def assessment(app, world) -> Assessment:
    a = Assessment(municipality_id=world.erbach.id, questionnaire_version="2026.1", round=1)
    db.session.add(a)
    db.session.commit()
    return a


@pytest.mark.parametrize(
    "url",
    [
        f"/bewertung/{HUGE}/ergebnis",
        f"/bewertung/{HUGE}/verlauf",
        f"/bewertung/{HUGE}/bereich/strategie",
        f"/bewertung/{2**31}/ergebnis",
        f"/beratung/bewertung/{HUGE}",
        f"/beratung/bewertung/{HUGE}/briefing",
    ],
)
def test_ids_beyond_the_database_range_are_not_found(browser, world, url: str) -> None:
    browser.login(world.berater if url.startswith("/beratung") else world.kommune)
    response = browser.get(url)
    assert response.status_code == 404 and "Nicht gefunden" in response.get_data(as_text=True)


def test_largest_id_still_reaches_the_database(browser, world) -> None:
    """Only numbers beyond the INTEGER range are refused before the database: an assessment stored
    under the largest id is found and shown, and a free id next to it is looked up and not there."""
    largest = 2**31 - 1
    db.session.add(Assessment(id=largest, municipality_id=world.erbach.id, questionnaire_version="2026.1", round=1))
    db.session.commit()
    browser.login(world.kommune)
    page = browser.get(f"/bewertung/{largest}/bereich/strategie")
    assert page.status_code == 200 and "<h1>Strategie" in page.get_data(as_text=True)
    assert browser.get(f"/bewertung/{largest - 1}/ergebnis").status_code == 404


def test_note_share_with_huge_id(browser, world) -> None:
    browser.login(world.berater)
    response = browser.post(f"/beratung/notizen/{HUGE}/freigabe", {"freigeben": "1"}, token_from="/beratung/")
    assert response.status_code == 404


def test_benchmark_round_out_of_range_shows_the_latest_round(browser, world) -> None:
    """The round is a select of the rounds with data; a forged year falls back to the latest."""
    browser.login(world.kommune)
    assert browser.get(f"/benchmark/?runde={HUGE}").status_code == 200
    assert browser.get(f"/benchmark/export.csv?runde={HUGE}").status_code == 200


@pytest.mark.parametrize(
    "method,url,data",
    [
        ("post", "/anmelden", {"email": "a\x00b@erbach.example.org", "password": "x"}),
        ("get", "/beratung/?q=Erb%00ach", None),
        ("get", "/beratung/ikz?kommunen=Erb%00ach,Michelstadt", None),
        ("get", "/beratung/export.csv?q=%01", None),
    ],
)
def test_control_characters_are_refused_in_german(browser, world, method: str, url: str, data: Any) -> None:
    if url.startswith("/beratung"):
        browser.login(world.berater)
    response = browser.post(url, data) if method == "post" else browser.get(url)
    assert response.status_code == 400
    assert "unzulässige Steuerzeichen" in response.get_data(as_text=True)


def test_note_with_nul_is_refused_and_nothing_stored(browser, world, assessment) -> None:
    from digicheck.models import Note

    browser.login(world.berater)
    page = f"/beratung/bewertung/{assessment.id}"
    response = browser.post(f"{page}/notizen", {"text": "Vor\x00Ort klären"}, token_from=page)
    assert response.status_code == 400 and "unzulässige Steuerzeichen" in response.get_data(as_text=True)
    assert db.session.scalars(db.select(Note)).all() == []


def test_tabs_and_line_breaks_stay_allowed(browser, world) -> None:
    browser.login(world.berater)
    assert browser.get("/beratung/?q=Erbach%09").status_code == 200


def test_successful_logins_do_not_use_up_the_limit(app, make_browser, world) -> None:
    """Colleagues behind one municipal address log in all day; only failed attempts count."""
    app.config["LOGIN_RATE_LIMIT"] = "4 per minute"
    address = {"REMOTE_ADDR": "10.0.0.41"}
    try:
        for _ in range(6):
            assert (
                make_browser().post("/anmelden", {"email": world.kommune.email, "password": PASSWORD}, environ_base=address).status_code
                == 302
            )
        codes = [
            make_browser().post("/anmelden", {"email": world.kommune.email, "password": "falsch-falsch"}, environ_base=address).status_code
            for _ in range(5)
        ]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    assert codes == [401, 401, 401, 401, 429]


def _proxied_app(other_app: Callable[..., Any]) -> Any:
    return other_app(TESTING=True, LOGIN_RATE_LIMIT="2 per minute", PROXY_HOPS=1)


def test_behind_a_proxy_each_client_has_its_own_limit(world, other_app) -> None:
    from tests.conftest import Browser

    proxied = _proxied_app(other_app)

    def attempt(client_address: str) -> int:
        browser = Browser(proxied.test_client())
        return browser.post(
            "/anmelden",
            {"email": world.kommune.email, "password": "falsch-falsch"},
            headers={"X-Forwarded-For": client_address},
            environ_base={"REMOTE_ADDR": "10.9.9.9"},
        ).status_code

    assert [attempt("203.0.113.7") for _ in range(3)] == [401, 401, 429]
    assert attempt("198.51.100.20") == 401  # another client behind the same proxy is not locked out


def test_behind_a_proxy_invitation_links_use_https(world, other_app) -> None:
    from tests.conftest import Browser

    proxied = _proxied_app(other_app)
    browser = Browser(proxied.test_client())
    # over https Flask-WTF also checks that the Referer is this site, as a browser sends it
    headers = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "digicheck.example.de",
        "Referer": "https://digicheck.example.de/verwaltung/einladungen",
    }
    response = browser.post("/anmelden", {"email": world.admin.email, "password": PASSWORD}, headers=headers)
    assert response.status_code == 302
    page = browser.get("/verwaltung/einladungen", headers=headers)
    token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    created = browser.post(
        "/verwaltung/einladungen",
        {"csrf_token": token, "email": "neu@erbach.example.org", "role": "kommune", "municipality": world.erbach.ags},
        headers=headers,
        follow_redirects=True,
    )
    assert "https://digicheck.example.de/einladung/" in created.get_data(as_text=True)


def test_downloads_are_not_cached(browser, world, assessment) -> None:
    browser.login(world.berater)
    response = browser.get("/beratung/export.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"


def test_error_page_renders_after_a_failed_write(world, other_app) -> None:
    """A failed flush leaves the session unusable; the German error page must still render."""
    from tests.conftest import Browser

    failing = other_app(TESTING=False)

    taken = {"email": world.kommune.email, "role": world.kommune.role, "municipality_id": world.erbach.id}

    @failing.get("/test/doppelt")
    def duplicate() -> str:
        db.session.add(User(name="Doppelt", password_hash="x", **taken))
        db.session.flush()  # unique e-mail: IntegrityError
        return "nicht erreicht"

    browser = Browser(failing.test_client())
    browser.login(world.kommune)
    response = browser.get("/test/doppelt")
    text = response.get_data(as_text=True)
    assert response.status_code == 500 and "Interner Fehler" in text and "Abmelden" in text
    with failing.app_context():
        assert db.session.scalars(db.select(User).where(User.name == "Doppelt")).all() == []


def test_a_round_started_twice_at_once_opens_the_one_round(world, monkeypatch) -> None:
    """The other request wins the unique (municipality, round): this one opens its round instead of a 500."""
    from sqlalchemy.exc import IntegrityError

    from digicheck.assess import services as svc

    real = svc._start_round
    winner: list[Assessment] = []

    def loses_the_race(municipality, user, is_demo):  # type: ignore[no-untyped-def]
        winner.append(real(municipality, user, is_demo))
        db.session.commit()  # the colleague's request, committed first (at its end, as every request)
        raise IntegrityError("INSERT INTO assessments", {}, Exception("uq_assessments_municipality_round"))

    monkeypatch.setattr(svc, "_start_round", loses_the_race)
    opened = svc.start_round(world.erbach, world.kommune)
    assert opened.id == winner[0].id and not opened.submitted
    assert len(db.session.scalars(db.select(Assessment).where(Assessment.municipality_id == world.erbach.id)).all()) == 1
