"""A second factor (TOTP with recovery codes): enrolment, the code step at login, rate limits,
DIGICHECK_REQUIRE_2FA for consultants and admins, the admin's reset, switching off."""

from __future__ import annotations

import hashlib

import pyotp
from sqlalchemy import select

from digicheck.extensions import db
from digicheck.models import RecoveryCode, SecondFactor, User
from tests.app.login_helpers import SECRET, code_step, enrol, later_code, logout, password_step, settings
from tests.app.test_logging import stdout  # noqa: F401 - fixture
from tests.conftest import PASSWORD


def _enrolled(make_browser, user):  # type: ignore[no-untyped-def]
    browser = make_browser()
    browser.login(user)
    totp, codes = enrol(browser)
    logout(browser)
    return totp, codes


def test_enrolment_page_draws_the_qr_code_itself(browser, world) -> None:
    browser.login(world.kommune)
    response = browser.get("/konto/zweiter-faktor")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<svg role="img" aria-label="QR-Code für die Authenticator-App"' in page and 'id="totp-secret"' in page
    assert "<img" not in page and "otpauth://" not in page  # no image request, the URI only inside the drawing
    assert "img-src 'self' data:" in response.headers["Content-Security-Policy"]
    again = browser.get("/konto/zweiter-faktor").get_data(as_text=True)
    assert again.split('id="totp-secret"')[1][:60] == page.split('id="totp-secret"')[1][:60]  # a reload keeps the key


def test_enrolment_needs_a_right_code_and_the_password(browser, world) -> None:
    browser.login(world.kommune)
    browser.get("/konto/zweiter-faktor")
    wrong_code = browser.post("/konto/zweiter-faktor", {"code": "000000", "password": PASSWORD}, token_from="/konto/zweiter-faktor")
    assert wrong_code.status_code == 400 and "Der Code stimmt nicht." in wrong_code.get_data(as_text=True)
    page = browser.get("/konto/zweiter-faktor").get_data(as_text=True)
    code = pyotp.TOTP(SECRET.search(page).group(1).replace(" ", "")).now()
    wrong_password = browser.post("/konto/zweiter-faktor", {"code": code, "password": "falsch-falsch"}, token_from="/konto/zweiter-faktor")
    assert wrong_password.status_code == 400 and "Das Passwort stimmt nicht." in wrong_password.get_data(as_text=True)
    assert db.session.get(SecondFactor, world.kommune.id) is None


def test_recovery_codes_are_shown_once_and_stored_hashed(make_browser, world, stdout) -> None:  # noqa: F811
    browser = make_browser()
    browser.login(world.kommune)
    _, codes = enrol(browser)
    assert len(set(codes)) == 10
    assert [line["user_id"] for line in stdout.audits("totp_enrolled")] == [world.kommune.id]
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == world.kommune.id)).all()
    assert sorted(stored) == sorted(hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes)
    account = browser.get("/konto/sicherheit").get_data(as_text=True)
    assert "Noch 10 von 10 Wiederherstellungscodes" in account and not any(c in account for c in codes)


def test_login_with_a_second_factor_asks_for_the_code(make_browser, world) -> None:
    totp, _ = _enrolled(make_browser, world.kommune)
    browser = make_browser()
    response = password_step(browser, world.kommune)
    assert response.status_code == 302 and response.location == "/anmelden/code"
    assert browser.get("/").status_code == 302  # the password alone does not log in
    page = browser.get("/anmelden/code").get_data(as_text=True)
    assert "Bestätigungscode eingeben" in page and 'autocomplete="one-time-code"' in page
    assert code_step(browser, totp.now()).location == "/"
    assert "Digi-Check für Erbach" in browser.get("/").get_data(as_text=True)


def test_a_wrong_code_is_refused_in_german(make_browser, world) -> None:
    _enrolled(make_browser, world.kommune)
    browser = make_browser()
    password_step(browser, world.kommune)
    response = code_step(browser, "123456")
    assert response.status_code == 401 and "Der Code stimmt nicht oder wurde schon verwendet." in response.get_data(as_text=True)
    assert browser.get("/").status_code == 302


def test_a_code_logs_in_once(make_browser, world) -> None:
    totp, _ = _enrolled(make_browser, world.kommune)
    first, second = make_browser(), make_browser()
    code = totp.now()
    password_step(first, world.kommune)
    assert code_step(first, code).status_code == 302
    password_step(second, world.kommune)
    assert code_step(second, code).status_code == 401  # replayed
    assert code_step(second, later_code(totp)).status_code == 302


def test_a_recovery_code_logs_in_once(make_browser, world) -> None:
    _, codes = _enrolled(make_browser, world.kommune)
    browser = make_browser()
    password_step(browser, world.kommune)
    response = code_step(browser, codes[3].lower().replace("-", " "))  # typed loosely
    assert response.status_code == 302
    assert "9 sind noch übrig" in browser.get("/").get_data(as_text=True)
    other = make_browser()
    password_step(other, world.kommune)
    assert code_step(other, codes[3]).status_code == 401


def test_the_code_step_without_the_password_step_goes_back_to_the_login(browser, world) -> None:
    response = browser.get("/anmelden/code")
    assert response.status_code == 302 and response.location == "/anmelden"
    assert "Die Anmeldung ist abgelaufen" in browser.get("/anmelden").get_data(as_text=True)


def test_failed_codes_count_against_the_login_rate_limit(app, make_browser, world) -> None:
    _enrolled(make_browser, world.kommune)
    browser = make_browser()
    address = {"REMOTE_ADDR": "10.0.0.31"}
    with settings(app, LOGIN_RATE_LIMIT="3 per minute"):
        assert password_step(browser, world.kommune, environ_base=address).status_code == 302  # a right password is free
        codes = [code_step(browser, "000000", environ_base=address).status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        assert password_step(make_browser(), world.kommune, environ_base=address).status_code == 429  # one count


def test_an_account_whose_codes_are_guessed_waits(app, make_browser, world, stdout) -> None:  # noqa: F811
    """Only someone with the password can fail codes; from many addresses, the account stops them."""
    totp, _ = _enrolled(make_browser, world.kommune)
    with settings(app, ACCOUNT_LOGIN_LIMIT="3 per 15 minutes"):
        for number in range(3):
            guesser = make_browser()
            password_step(guesser, world.kommune, environ_base={"REMOTE_ADDR": f"203.0.113.{number}"})
            assert code_step(guesser, "000000", environ_base={"REMOTE_ADDR": f"203.0.113.{number}"}).status_code == 401
        browser = make_browser()
        password_step(browser, world.kommune)
        response = code_step(browser, totp.now())
    assert response.status_code == 429 and "Zu viele falsche Codes" in response.get_data(as_text=True)
    events = [line["event"] for line in stdout.audits() if line["event"].startswith("login_code")]
    assert events == ["login_code_failed"] * 3 + ["login_code_limited"]


def test_with_require_2fa_consultants_enrol_before_any_other_page(app, make_browser, world) -> None:
    with settings(app, REQUIRE_2FA=True):
        browser = make_browser()
        browser.login(world.berater)
        for url in ("/", "/beratung/", "/konto/sicherheit", "/passwort"):
            response = browser.get(url)
            assert response.status_code == 302 and response.location == "/konto/zweiter-faktor", url
        page = browser.get("/konto/zweiter-faktor").get_data(as_text=True)
        assert "ist ein zweiter Faktor vorgeschrieben" in page
        totp, _ = enrol(browser)
        assert browser.get("/beratung/").status_code == 200
        logout(browser)
        again = make_browser()
        assert password_step(again, world.berater).location == "/anmelden/code"
        assert code_step(again, later_code(totp)).status_code == 302
        assert again.get("/beratung/").status_code == 200


def test_with_require_2fa_kommune_users_may_but_need_not_enrol(app, make_browser, world) -> None:
    with settings(app, REQUIRE_2FA=True):
        browser = make_browser()
        browser.login(world.kommune)
        assert browser.get("/").status_code == 200
        page = browser.get("/konto/sicherheit").get_data(as_text=True)
        assert "Nicht eingerichtet" in page and "Zweiten Faktor einrichten" in page


def test_without_require_2fa_consultants_log_in_with_the_password(browser, world) -> None:
    browser.login(world.berater)
    assert browser.get("/beratung/").status_code == 200


def test_admin_resets_a_second_factor_and_it_is_audited(make_browser, world, stdout) -> None:  # noqa: F811
    totp, _ = _enrolled(make_browser, world.berater)
    consultant = make_browser()
    password_step(consultant, world.berater)
    assert code_step(consultant, totp.now()).status_code == 302
    assert consultant.get("/beratung/").status_code == 200
    admin = make_browser()
    admin.login(world.admin)
    users = admin.get("/verwaltung/konten").get_data(as_text=True)
    assert users.count(">Zweiten Faktor zurücksetzen</button>") == 1
    response = admin.post(f"/verwaltung/konten/{world.berater.id}/zweiter-faktor", token_from="/verwaltung/konten")
    assert response.status_code == 302
    assert "alle Anmeldungen des Kontos sind beendet" in admin.get("/verwaltung/konten").get_data(as_text=True)
    assert db.session.get(SecondFactor, world.berater.id) is None
    assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == world.berater.id)).first() is None
    [line] = stdout.audits("totp_reset")
    assert (line["account_id"], line["user_id"], line["role"]) == (world.berater.id, world.admin.id, "admin")
    assert consultant.get("/beratung/").status_code == 302  # its sessions ended
    assert make_browser().login(world.berater).location == "/"  # the password alone again


def test_only_admins_reset_second_factors(make_browser, world) -> None:
    _enrolled(make_browser, world.kommune)
    consultant = make_browser()
    consultant.login(world.berater)
    assert consultant.post(f"/verwaltung/konten/{world.kommune.id}/zweiter-faktor").status_code == 403
    assert db.session.get(SecondFactor, world.kommune.id) is not None


def test_switching_off_needs_the_password(make_browser, world, stdout) -> None:  # noqa: F811
    browser = make_browser()
    browser.login(world.kommune)
    enrol(browser)
    wrong = browser.post("/konto/zweiter-faktor/abschalten", {"password": "falsch-falsch"}, token_from="/konto/sicherheit")
    assert wrong.status_code == 400 and "Das Passwort stimmt nicht." in wrong.get_data(as_text=True)
    assert db.session.get(SecondFactor, world.kommune.id) is not None
    right = browser.post("/konto/zweiter-faktor/abschalten", {"password": PASSWORD}, token_from="/konto/sicherheit")
    assert right.status_code == 302 and db.session.get(SecondFactor, world.kommune.id) is None
    assert len(stdout.audits("totp_disabled")) == 1
    logout(browser)
    assert make_browser().login(world.kommune).location == "/"


def test_with_require_2fa_a_consultant_cannot_switch_it_off(app, make_browser, world) -> None:
    with settings(app, REQUIRE_2FA=True):
        browser = make_browser()
        browser.login(world.berater)
        enrol(browser)
        response = browser.post("/konto/zweiter-faktor/abschalten", {"password": PASSWORD}, token_from="/konto/sicherheit")
    assert response.status_code == 400 and "vorgeschrieben" in response.get_data(as_text=True)
    assert db.session.get(SecondFactor, world.berater.id) is not None


def test_a_new_device_replaces_the_old_one_and_its_codes(make_browser, world) -> None:
    browser = make_browser()
    browser.login(world.kommune)
    old_totp, old_codes = enrol(browser)
    new_totp, _ = enrol(browser)
    logout(browser)
    other = make_browser()
    password_step(other, world.kommune)
    assert code_step(other, old_codes[0]).status_code == 401
    if old_totp.now() != new_totp.now():
        assert code_step(other, old_totp.now()).status_code == 401
    assert code_step(other, later_code(new_totp)).status_code == 302


def test_enrolment_ends_the_other_sessions(make_browser, world) -> None:
    first, second = make_browser(), make_browser()
    first.login(world.kommune)
    second.login(world.kommune)
    enrol(first)
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302


def test_a_locked_account_cannot_finish_the_code_step(make_browser, world) -> None:
    totp, _ = _enrolled(make_browser, world.kommune)
    browser = make_browser()
    password_step(browser, world.kommune)
    user = db.session.get(User, world.kommune.id)
    user.active = False
    db.session.commit()
    token = browser.token("/anmelden")
    response = browser.post("/anmelden/code", {"code": totp.now(), "csrf_token": token})
    assert response.status_code == 302 and response.location == "/anmelden"
    assert browser.get("/").status_code == 302
