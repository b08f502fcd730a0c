"""Sessions on the server (logout ends them, absolute lifetime, the list of one's own logins)
and failed logins limited per account as well as per address."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, select

from digicheck.accounts.sessions import COOKIE_KEY
from digicheck.extensions import db
from digicheck.models import User, UserSession
from digicheck.models._time import utcnow
from tests.app.login_helpers import code_step, enrol, logout, password_step, settings
from tests.app.test_logging import stdout  # noqa: F401 - fixture
from tests.conftest import PASSWORD


def _copy_cookie(app, source, target) -> None:  # type: ignore[no-untyped-def]
    name = app.config["SESSION_COOKIE_NAME"]
    target.client.set_cookie(name, source.client.get_cookie(name).value)


def _rows(user) -> list[UserSession]:  # type: ignore[no-untyped-def]
    return list(db.session.scalars(select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.created_at)))


def test_a_cookie_copied_before_logout_is_refused_afterwards(app, make_browser, world) -> None:
    browser = make_browser()
    browser.login(world.kommune)
    thief = make_browser()
    _copy_cookie(app, browser, thief)
    assert thief.get("/").status_code == 200  # a copy works while the login is open …
    logout(browser)
    for url in ("/", "/konto/sicherheit", "/konto/daten"):
        response = thief.get(url)
        assert response.status_code == 302 and response.location.startswith("/anmelden"), url  # … and not after logout
    saved = thief.post("/konto/sitzungen/beenden", {"alle": "1"}, token_from="/anmelden")
    assert saved.status_code in (302, 400) and thief.get("/").status_code == 302
    [row] = _rows(world.kommune)
    assert row.ended_at is not None


def test_the_cookie_holds_a_token_whose_hash_alone_is_stored(app, browser, world) -> None:
    from digicheck.accounts.sessions import token_hash

    browser.login(world.kommune)
    cookie = browser.client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    token = app.session_interface.get_signing_serializer(app).loads(cookie)[COOKIE_KEY]
    [row] = _rows(world.kommune)
    assert row.id == token_hash(token) and token not in row.id


def test_use_does_not_extend_the_absolute_lifetime(app, browser, world) -> None:
    browser.login(world.kommune)
    [row] = _rows(world.kommune)
    lifetime = app.permanent_session_lifetime
    row.created_at = utcnow() - lifetime + timedelta(minutes=2)
    db.session.commit()
    assert browser.get("/").status_code == 200
    db.session.expire_all()
    [row] = _rows(world.kommune)
    assert row.created_at < utcnow() - lifetime + timedelta(minutes=3)  # using it did not move the start
    row.created_at = utcnow() - lifetime - timedelta(seconds=1)
    row.last_seen_at = utcnow()
    db.session.commit()
    response = browser.get("/")
    assert response.status_code == 302 and response.location.startswith("/anmelden")


def test_an_idle_timeout_when_configured(app, browser, world) -> None:
    browser.login(world.kommune)
    [row] = _rows(world.kommune)
    row.last_seen_at = utcnow() - timedelta(minutes=31)
    db.session.commit()
    assert browser.get("/").status_code == 200  # off by default
    [row] = _rows(world.kommune)
    row.last_seen_at = utcnow() - timedelta(minutes=31)
    db.session.commit()
    with settings(app, SESSION_IDLE_MINUTES=30):
        assert browser.get("/").status_code == 302


def test_last_seen_is_written_at_most_once_a_minute(app, browser, world) -> None:
    browser.login(world.kommune)
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        browser.get("/")
        browser.get("/")
        touching = [s for s in statements if "user_sessions" in s]
        assert len(touching) == 2 and all(s.lstrip().upper().startswith("SELECT") for s in touching)  # one lookup each
        [row] = _rows(world.kommune)
        row.last_seen_at = utcnow() - timedelta(minutes=2)
        db.session.commit()
        statements.clear()
        browser.get("/")
        assert [s.split()[0].upper() for s in statements if "user_sessions" in s] == ["SELECT", "UPDATE"]
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    db.session.expire_all()
    [row] = _rows(world.kommune)
    assert utcnow() - row.last_seen_at < timedelta(seconds=30)


def test_the_account_page_lists_the_open_logins(app, make_browser, world) -> None:
    phone, laptop = make_browser(), make_browser()
    phone.post(
        "/anmelden",
        {"email": world.kommune.email, "password": PASSWORD},
        headers={
            "User-Agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36"
        },
    )
    laptop.post(
        "/anmelden",
        {"email": world.kommune.email, "password": PASSWORD},
        headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"},
    )
    laptop.logged_in = phone.logged_in = True
    [first, _] = _rows(world.kommune)
    page = laptop.get("/konto/sicherheit", headers={"User-Agent": "Firefox"}).get_data(as_text=True)
    assert "Chrome Mobile 131 unter Android" in page and "Firefox 133 unter Windows" in page
    assert "diese Anmeldung" in page and page.count(">Beenden</button>") == 1
    from digicheck.timefmt import local_datetime

    assert local_datetime(first.created_at) in page  # local time, as on every page


def test_ending_one_other_login(make_browser, world, stdout) -> None:  # noqa: F811
    mine, other, third = make_browser(), make_browser(), make_browser()
    for browser in (mine, other, third):
        browser.login(world.kommune)
    rows = _rows(world.kommune)
    response = mine.post("/konto/sitzungen/beenden", {"sitzung": rows[1].id}, token_from="/konto/sicherheit")
    assert response.status_code == 302
    assert "Die Anmeldung ist beendet." in mine.get("/konto/sicherheit").get_data(as_text=True)
    assert (mine.get("/").status_code, other.get("/").status_code, third.get("/").status_code) == (200, 302, 200)
    assert [line["scope"] for line in stdout.audits("session_ended")] == ["one"]


def test_ending_all_other_logins(make_browser, world) -> None:
    mine, other, third = make_browser(), make_browser(), make_browser()
    for browser in (mine, other, third):
        browser.login(world.kommune)
    response = mine.post("/konto/sitzungen/beenden", {"alle": "1"}, token_from="/konto/sicherheit")
    assert response.status_code == 302
    assert "2 andere Anmeldungen beendet." in mine.get("/konto/sicherheit").get_data(as_text=True)
    assert (mine.get("/").status_code, other.get("/").status_code, third.get("/").status_code) == (200, 302, 302)


def test_nobody_ends_another_persons_login(make_browser, world) -> None:
    mine, theirs = make_browser(), make_browser()
    mine.login(world.kommune)
    theirs.login(world.other)
    [row] = _rows(world.other)
    response = mine.post("/konto/sitzungen/beenden", {"sitzung": row.id}, token_from="/konto/sicherheit")
    assert response.status_code == 404 and theirs.get("/").status_code == 200


def test_password_change_and_lock_end_every_server_session(make_browser, world) -> None:
    first, second = make_browser(), make_browser()
    first.login(world.kommune)
    second.login(world.kommune)
    first.post("/passwort", {"current": PASSWORD, "new": "Wolkenkratzer-Amsel-17", "repeat": "Wolkenkratzer-Amsel-17"})
    assert second.get("/").status_code == 302
    page = first.get("/konto/sicherheit").get_data(as_text=True)
    assert page.count("<tr><td>") == 1  # only this browser's login is listed
    admin = make_browser()
    admin.login(world.admin)
    admin.post(f"/verwaltung/konten/{world.kommune.id}/status", {"aktiv": "0"}, token_from="/verwaltung/konten")
    assert first.get("/").status_code == 302


# --- failed logins per account and per address ---------------------------------------------------


def _fail(make_browser, user, address: str):  # type: ignore[no-untyped-def]
    return password_step(make_browser(), user, "falsch-falsch", environ_base={"REMOTE_ADDR": address})


def test_strangers_failures_do_not_block_a_right_login_from_another_address(app, make_browser, world) -> None:
    with settings(app, LOGIN_RATE_LIMIT="3 per minute"):
        codes = [_fail(make_browser, world.kommune, "198.51.100.66").status_code for _ in range(4)]
        right = password_step(make_browser(), world.kommune, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert codes == [401, 401, 401, 429]
    assert right.status_code == 302


def test_an_account_under_attack_without_second_factor_waits(app, make_browser, world, stdout) -> None:  # noqa: F811
    for number in range(10):  # ten addresses, each far below its own limit
        assert _fail(make_browser, world.kommune, f"198.51.100.{number}").status_code == 401
    response = password_step(make_browser(), world.kommune, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert response.status_code == 429
    assert "zu viele fehlgeschlagene Anmeldeversuche" in response.get_data(as_text=True)
    assert len(stdout.audits("login_account_limited")) == 1
    assert make_browser().login(world.other).status_code == 302  # other accounts log in as always


def test_an_account_under_attack_with_second_factor_logs_in_with_it(app, make_browser, world) -> None:
    browser = make_browser()
    browser.login(world.berater)
    totp, _ = enrol(browser)
    for number in range(12):
        _fail(make_browser, world.berater, f"198.51.100.{number}")
    assert _fail(make_browser, world.berater, "198.51.100.99").status_code == 401  # still only "wrong password"
    user = make_browser()
    assert password_step(user, world.berater, environ_base={"REMOTE_ADDR": "10.1.2.3"}).location == "/anmelden/code"
    assert code_step(user, totp.now(), environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 302
    assert user.get("/beratung/").status_code == 200


def test_an_unknown_address_is_limited_like_an_account(app, make_browser, world) -> None:
    """The per-account limit does not tell which addresses have an account."""
    nobody = User(email="niemand@nirgends.test", name="x", password_hash="x")  # never stored
    codes = [_fail(make_browser, nobody, f"198.51.100.{n}").status_code for n in range(11)]
    assert codes == [401] * 10 + [429]
    assert db.session.scalars(select(User).where(User.email == nobody.email)).first() is None


def test_the_cookie_is_sent_only_when_the_session_changed(app, browser, world) -> None:
    """No re-signed cookie on every response (issue 18); the login still ends at its absolute lifetime."""
    browser.login(world.kommune)
    browser.get("/")  # the first form page may put the CSRF token into the session
    for url in ("/", "/konto/sicherheit", "/"):
        response = browser.get(url)
        assert response.status_code == 200
        assert app.config["SESSION_COOKIE_NAME"] not in response.headers.get("Set-Cookie", ""), url


def test_a_cookie_verified_once_still_needs_its_exact_signature_and_age(app, make_browser, world) -> None:
    """Cookies are verified once per worker and remembered (VerifiedCookieSessions): a forged or
    altered copy of a remembered cookie is still refused, an old one still expires, and what one
    request writes into its session does not reach the next request with the same cookie."""
    browser = make_browser()
    browser.login(world.kommune)
    assert browser.get("/").status_code == 200  # verified and remembered now
    name = app.config["SESSION_COOKIE_NAME"]
    genuine = browser.client.get_cookie(name).value
    payload, _, signature = genuine.rpartition(".")
    forger = make_browser()
    for forged in (f"{payload}.{signature[:-2]}AA", f"{payload}x.{signature}", genuine[:-1]):
        forger.client.set_cookie(name, forged)
        response = forger.get("/")
        assert response.status_code == 302 and response.location.startswith("/anmelden"), forged
    copy = make_browser()
    copy.client.set_cookie(name, genuine)
    assert copy.get("/").status_code == 200
    with settings(app, PERMANENT_SESSION_LIFETIME=timedelta(seconds=0)):
        response = copy.get("/")  # signed more than 0 s ago: expired, though remembered
        assert response.status_code == 302 and response.location.startswith("/anmelden")

    with app.test_request_context("/", headers={"Cookie": f"{name}={genuine}"}):
        from flask import request

        first = app.session_interface.open_session(app, request)
        assert first is not None and first.get(COOKIE_KEY)
        first.setdefault("_flashes", []).append(("info", "nur diese Anfrage"))
        first[COOKIE_KEY] = "geändert"
        again = app.session_interface.open_session(app, request)
        assert again is not None and "_flashes" not in again and again[COOKIE_KEY] != "geändert"
