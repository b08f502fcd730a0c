"""Taking access away: admins lock and unlock accounts, invitations are withdrawn."""

from __future__ import annotations

import re

from digicheck.accounts import services as accounts
from digicheck.extensions import db
from digicheck.models import Invitation, Role, User
from tests.conftest import PASSWORD, add_user


def _status(browser, user: User, active: str):  # type: ignore[no-untyped-def]
    return browser.post(f"/verwaltung/konten/{user.id}/status", {"aktiv": active}, token_from="/verwaltung/konten")


def test_locking_ends_the_sessions_and_the_logins_of_an_account(make_browser, world) -> None:
    kommune = make_browser()
    kommune.login(world.kommune)
    assert kommune.get("/").status_code == 200
    admin = make_browser()
    admin.login(world.admin)
    response = _status(admin, world.kommune, "0")
    assert response.status_code == 302
    page = admin.get("/verwaltung/konten").get_data(as_text=True)
    assert "ist gesperrt" in page and "gesperrt" in page
    assert kommune.get("/").status_code == 302  # the open session has ended
    refused = make_browser().post("/anmelden", {"email": world.kommune.email, "password": PASSWORD})
    assert refused.status_code == 401
    assert _status(admin, world.kommune, "1").status_code == 302
    assert make_browser().post("/anmelden", {"email": world.kommune.email, "password": PASSWORD}).status_code == 302


def test_the_own_and_the_last_admin_account_stay_unlocked(browser, world) -> None:
    browser.login(world.admin)
    response = _status(browser, world.admin, "0")
    assert response.status_code == 400 and "eigene Konto" in response.get_data(as_text=True)
    with_last = add_user("zweit@land.example.org", "Zweite Admin", Role.ADMIN)
    accounts.set_active(with_last, False, world.admin)  # another admin can be locked while one is left
    try:
        accounts.set_active(world.admin, False, with_last)
    except accounts.AccountError as exc:
        assert "letzte aktive" in str(exc)
    else:
        raise AssertionError("the last active admin was locked")
    db.session.refresh(world.admin)
    assert world.admin.active


def test_only_admins_manage_accounts(make_browser, world) -> None:
    for user in (world.kommune, world.berater):
        browser = make_browser()
        browser.login(user)
        response = browser.post(f"/verwaltung/konten/{world.other.id}/status", {"aktiv": "0"}, token_from="/passwort")
        assert response.status_code == 403
    db.session.refresh(world.other)
    assert world.other.active


def test_bad_account_requests(browser, world) -> None:
    browser.login(world.admin)
    assert _status(browser, world.kommune, "vielleicht").status_code == 400
    assert browser.post("/verwaltung/konten/999999/status", {"aktiv": "0"}, token_from="/verwaltung/konten").status_code == 404
    assert browser.post(f"/verwaltung/konten/{world.kommune.id}/status", {"aktiv": "0"}, csrf=False).status_code == 400
    db.session.refresh(world.kommune)
    assert world.kommune.active


def test_withdrawn_invitation_link_stops_working(make_browser, world) -> None:
    issued = accounts.invite("neu@erbach.example.org", Role.KOMMUNE, world.erbach, world.berater)
    berater = make_browser()
    berater.login(world.berater)
    page = berater.get("/verwaltung/einladungen").get_data(as_text=True)
    assert "Zurückziehen" in page
    response = berater.post(f"/verwaltung/einladungen/{issued.invitation.id}/zurueckziehen", token_from="/verwaltung/einladungen")
    assert response.status_code == 302
    assert "zurückgezogen" in berater.get("/verwaltung/einladungen").get_data(as_text=True)
    guest = make_browser().get(f"/einladung/{issued.token}")
    assert guest.status_code == 410 and "zurückgezogen" in guest.get_data(as_text=True)


def test_consultants_withdraw_only_their_own_invitations(browser, world) -> None:
    issued = accounts.invite("andere@erbach.example.org", Role.KOMMUNE, world.erbach, world.admin)
    browser.login(world.berater)
    response = browser.post(f"/verwaltung/einladungen/{issued.invitation.id}/zurueckziehen", token_from="/verwaltung/einladungen")
    assert response.status_code == 404
    assert db.session.get(Invitation, issued.invitation.id).revoked_at is None


def test_a_new_invitation_replaces_the_open_one(make_browser, world) -> None:
    first = accounts.invite("neu@erbach.example.org", Role.KOMMUNE, world.erbach, world.admin)
    second = accounts.invite("Neu@Erbach.example.org", Role.KOMMUNE, world.erbach, world.admin)
    assert make_browser().get(f"/einladung/{first.token}").status_code == 410
    assert make_browser().get(f"/einladung/{second.token}").status_code == 200


def test_accepted_invitation_cannot_be_withdrawn(make_browser, world) -> None:
    issued = accounts.invite("neu@erbach.example.org", Role.KOMMUNE, world.erbach, world.admin)
    accounts.accept_invitation(issued.token, "Neue Kollegin", "ein-gutes-passwort")
    admin = make_browser()
    admin.login(world.admin)
    page = admin.get("/verwaltung/einladungen").get_data(as_text=True)
    assert not re.search(rf"/einladungen/{issued.invitation.id}/zurueckziehen", page)
    response = admin.post(f"/verwaltung/einladungen/{issued.invitation.id}/zurueckziehen", token_from="/verwaltung/einladungen")
    assert response.status_code == 400 and "bereits angenommen" in response.get_data(as_text=True)
