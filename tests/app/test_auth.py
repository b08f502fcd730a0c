"""Login, logout, password change, invitations, CSRF and rate limiting."""

from __future__ import annotations

from datetime import timedelta

from digicheck.accounts import services as accounts
from digicheck.extensions import db
from digicheck.models import Invitation, Role, User
from tests.conftest import PASSWORD


def test_login_page_is_german_and_has_labels(browser) -> None:
    page = browser.get("/anmelden").get_data(as_text=True)
    assert '<html lang="de">' in page
    assert 'for="email"' in page and 'for="password"' in page


def test_login_with_right_password(browser, world) -> None:
    response = browser.login(world.kommune)
    assert response.location == "/"
    assert "Digi-Check für Erbach" in browser.get("/").get_data(as_text=True)


def test_login_with_wrong_password_says_so_in_german(browser, world) -> None:
    response = browser.post("/anmelden", {"email": world.kommune.email, "password": "falsch-falsch"})
    assert response.status_code == 401
    assert "E-Mail-Adresse oder Passwort ist falsch." in response.get_data(as_text=True)


def test_unknown_email_gets_the_same_message(browser, world) -> None:
    response = browser.post("/anmelden", {"email": "niemand@x.test", "password": "falsch-falsch"})
    assert response.status_code == 401 and "E-Mail-Adresse oder Passwort ist falsch." in response.get_data(as_text=True)


def test_passwords_are_stored_as_argon2_hashes(app, world) -> None:
    user = db.session.get(User, world.kommune.id)
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_login_without_csrf_token_is_refused(browser, world) -> None:
    response = browser.post("/anmelden", {"email": world.kommune.email, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_login_with_forged_csrf_token_is_refused(browser, world) -> None:
    browser.token()
    response = browser.post("/anmelden", {"email": world.kommune.email, "password": PASSWORD, "csrf_token": "gefälscht"})
    assert response.status_code == 400 and "Sicherheitsprüfung" in response.get_data(as_text=True)


def test_login_attempts_are_rate_limited(app, browser, world) -> None:
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [browser.post("/anmelden", {"email": world.kommune.email, "password": "falsch-falsch"}).status_code for _ in range(4)]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    assert codes[:3] == [401, 401, 401] and codes[3] == 429


def test_pages_need_login(browser) -> None:
    response = browser.get("/")
    assert response.status_code == 302 and response.location.startswith("/anmelden")


def test_logout_needs_post_with_token(browser, world) -> None:
    browser.login(world.kommune)
    assert browser.get("/abmelden").status_code == 405
    assert browser.post("/abmelden", csrf=False).status_code == 400
    assert browser.post("/abmelden").status_code == 302
    assert browser.get("/").status_code == 302


def test_open_redirect_after_login_is_ignored(browser, world) -> None:
    response = browser.post("/anmelden?next=https://boese.example/", {"email": world.kommune.email, "password": PASSWORD})
    assert response.location == "/"


def test_password_change_ends_other_sessions(make_browser, world) -> None:
    first, second = make_browser(), make_browser()
    first.login(world.kommune)
    second.login(world.kommune)
    response = first.post("/passwort", {"current": PASSWORD, "new": "ganz-neues-passwort", "repeat": "ganz-neues-passwort"})
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302  # logged out
    assert accounts.authenticate(world.kommune.email, "ganz-neues-passwort") is not None


def test_password_change_with_wrong_current(browser, world) -> None:
    browser.login(world.kommune)
    response = browser.post("/passwort", {"current": "falsch-falsch", "new": "ganz-neues-passwort", "repeat": "ganz-neues-passwort"})
    assert response.status_code == 400 and "Das bisherige Passwort stimmt nicht." in response.get_data(as_text=True)


def test_password_too_short(browser, world) -> None:
    browser.login(world.kommune)
    response = browser.post("/passwort", {"current": PASSWORD, "new": "kurz", "repeat": "kurz"})
    assert response.status_code == 400 and "10 bis 256 Zeichen" in response.get_data(as_text=True)


def _invite(browser, world, role: str = "kommune", ags: str = "06437006", email: str = "neu@erbach.example.org"):
    browser.login(world.admin)
    return browser.post(
        "/verwaltung/einladungen",
        {"email": email, "role": role, "municipality": ags},
        token_from="/verwaltung/einladungen",
        follow_redirects=True,
    )


def test_admin_invites_and_the_link_works_once(make_browser, world) -> None:
    admin = make_browser()
    response = _invite(admin, world)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "/einladung/" in page
    link = page.split('id="einladungslink">')[1].split("<")[0].replace("http://localhost", "")
    guest = make_browser()
    form = guest.get(link)
    assert form.status_code == 200 and "neu@erbach.example.org" in form.get_data(as_text=True)
    accepted = guest.post(
        link, {"name": "Neue Kollegin", "password": "ein-gutes-passwort", "repeat": "ein-gutes-passwort"}, token_from=link
    )
    assert accepted.status_code == 302
    user = db.session.scalars(db.select(User).where(User.email == "neu@erbach.example.org")).one()
    assert user.role == Role.KOMMUNE and user.municipality_id == world.erbach.id
    again = make_browser().get(link)
    assert again.status_code == 410 and "bereits verwendet" in again.get_data(as_text=True)


def test_expired_invitation(app, make_browser, world) -> None:
    issued = accounts.invite("spaet@erbach.example.org", Role.KOMMUNE, world.erbach, world.admin)
    issued.invitation.expires_at = issued.invitation.expires_at - timedelta(days=30)
    db.session.commit()
    guest = make_browser()
    response = guest.get(f"/einladung/{issued.token}")
    assert response.status_code == 410 and "abgelaufen" in response.get_data(as_text=True)
    post = guest.post(f"/einladung/{issued.token}", {"name": "x", "password": "ein-gutes-passwort", "repeat": "ein-gutes-passwort"})
    assert post.status_code == 410
    assert db.session.scalars(db.select(User).where(User.email == "spaet@erbach.example.org")).first() is None


def test_unknown_invitation_token(browser) -> None:
    assert browser.get("/einladung/gibt-es-nicht").status_code == 410


def test_invitation_tokens_are_stored_hashed(app, world) -> None:
    issued = accounts.invite("x@erbach.example.org", Role.KOMMUNE, world.erbach, world.admin)
    stored = db.session.get(Invitation, issued.invitation.id)
    assert issued.token not in stored.token_hash and len(stored.token_hash) == 64


def test_consultant_may_only_invite_kommune_users(browser, world) -> None:
    browser.login(world.berater)
    response = browser.post("/verwaltung/einladungen", {"email": "chef@beispiel.de", "role": "admin"}, token_from="/verwaltung/einladungen")
    assert response.status_code == 400
    assert db.session.scalars(db.select(Invitation)).first() is None


def test_kommune_invitation_needs_a_municipality(browser, world) -> None:
    response = _invite(browser, world, ags="")
    assert response.status_code == 400 and "Kommune" in response.get_data(as_text=True)


def test_invitation_for_unknown_municipality(browser, world) -> None:
    response = _invite(browser, world, ags="99999999")
    assert response.status_code == 400


def test_oversized_email_is_refused(browser, world) -> None:
    response = _invite(browser, world, email="a" * 300 + "@beispiel.de")
    assert response.status_code == 400
    assert db.session.scalars(db.select(Invitation)).first() is None


def test_kommune_users_cannot_invite(browser, world) -> None:
    browser.login(world.kommune)
    assert browser.get("/verwaltung/einladungen").status_code == 403
    assert browser.get("/verwaltung/konten").status_code == 403
