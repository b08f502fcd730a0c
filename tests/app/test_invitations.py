"""Creating invitations on the admin page: POST-redirect-GET, the link shown once beside an empty
form, the same form sent twice makes one invitation, and withdrawing an older one is announced."""

from __future__ import annotations

import re

from digicheck.extensions import db
from digicheck.models import Invitation, Role
from tests.conftest import Browser, World

PAGE = "/verwaltung/einladungen"
EMAIL = "neu@erbach.example.org"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
NONCE = re.compile(r'name="nonce" type="hidden" value="([^"]+)"')
LINK = re.compile(r'id="einladungslink">([^<]+)<')


def blank_form(browser: Browser) -> dict[str, str]:
    """The hidden fields of a freshly loaded form, as the browser sends them back."""
    page = browser.get(PAGE).get_data(as_text=True)
    return {"csrf_token": CSRF.search(page).group(1), "nonce": NONCE.search(page).group(1)}  # type: ignore[union-attr]


def send(browser: Browser, form: dict[str, str], email: str = EMAIL, role: str = "kommune") -> tuple[int, str]:
    """Post the form; follow the redirect: the status of the POST and the page the user then sees."""
    response = browser.post(PAGE, {**form, "email": email, "role": role, "municipality": "06437006"})
    if response.status_code != 302:
        return response.status_code, response.get_data(as_text=True)
    assert response.location.endswith(PAGE)
    return 302, browser.get(PAGE).get_data(as_text=True)


def link_in(page: str) -> str:
    match = LINK.search(page)
    assert match, "no invitation link on the page"
    return match.group(1).replace("http://localhost", "")


def open_invitations() -> list[Invitation]:
    return list(db.session.scalars(db.select(Invitation).where(Invitation.revoked_at.is_(None))))


def test_the_link_is_shown_once_beside_an_empty_form(make_browser, world: World) -> None:
    admin = make_browser()
    admin.login(world.admin)
    status, page = send(admin, blank_form(admin))
    assert status == 302
    link = link_in(page)
    assert 'data-copy="einladungslink"' in page and "Link kopieren" in page and "js/copy" in page
    assert f"Einladungslink für {EMAIL}" in page
    assert re.search(r'<input [^>]*name="email"[^>]*value=""', page)  # the form is empty again
    assert "läuft nach 7 Tagen ab" in page
    reloaded = admin.get(PAGE).get_data(as_text=True)
    assert "einladungslink" not in reloaded and "Einladungslink für" not in reloaded
    assert make_browser().get(link).status_code == 200  # a reload withdrew nothing


def test_the_same_form_sent_twice_makes_one_invitation(make_browser, world: World) -> None:
    admin = make_browser()
    admin.login(world.admin)
    form = blank_form(admin)
    _, first = send(admin, form)
    status, second = send(admin, form)  # a double click, or the POST sent again
    assert status == 302
    assert link_in(second) == link_in(first)
    assert "Das Formular kam ein zweites Mal an" in second
    [invitation] = open_invitations()
    assert invitation.email == EMAIL
    assert make_browser().get(link_in(first)).status_code == 200

    # the same form with another address is another invitation
    _, other = send(admin, form, email="zwei@erbach.example.org")
    assert link_in(other) != link_in(first) and len(open_invitations()) == 2


def test_a_new_form_for_the_same_address_withdraws_the_older_link_and_says_so(make_browser, world: World) -> None:
    admin = make_browser()
    admin.login(world.admin)
    _, first = send(admin, blank_form(admin))
    _, second = send(admin, blank_form(admin))
    assert f"Eine ältere offene Einladung an {EMAIL} ist zurückgezogen; ihr Link gilt nicht mehr." in second
    assert make_browser().get(link_in(first)).status_code == 410
    assert make_browser().get(link_in(second)).status_code == 200
    assert "zurückgezogen" in admin.get(PAGE).get_data(as_text=True)  # and the list shows it


def test_a_repeated_form_still_announces_what_its_first_sending_withdrew(make_browser, world: World) -> None:
    """In a double click the browser drops the first answer (and its message); the second says it again."""
    admin = make_browser()
    admin.login(world.admin)
    send(admin, blank_form(admin))
    form = blank_form(admin)
    lost = admin.post(PAGE, {**form, "email": EMAIL, "role": "kommune", "municipality": "06437006"})
    assert lost.status_code == 302
    with admin.client.session_transaction() as session:
        session.pop("_flashes", None)
        session.pop("issued_invitation", None)
    _, page = send(admin, form)
    assert "Das Formular kam ein zweites Mal an" in page
    assert f"Eine ältere offene Einladung an {EMAIL} ist zurückgezogen" in page


def test_a_repeated_form_whose_invitation_was_withdrawn_makes_no_new_one(make_browser, world: World) -> None:
    admin = make_browser()
    admin.login(world.admin)
    form = blank_form(admin)
    send(admin, form)
    [invitation] = open_invitations()
    admin.post(f"{PAGE}/{invitation.id}/zurueckziehen", token_from=PAGE)
    status, page = send(admin, form)
    assert status == 400 and "Dieses Formular wurde bereits abgeschickt, und die Einladung daraus gilt nicht mehr" in page
    assert open_invitations() == []
    # the form comes back with a new nonce: sent again as it stands, it makes a new invitation
    again = {"csrf_token": form["csrf_token"], "nonce": NONCE.search(page).group(1)}  # type: ignore[union-attr]
    assert again["nonce"] != form["nonce"]
    status, page = send(admin, again)
    assert status == 302 and link_in(page) and len(open_invitations()) == 1


def test_another_persons_form_nonce_does_not_show_their_link(make_browser, world: World) -> None:
    admin = make_browser()
    admin.login(world.admin)
    form = blank_form(admin)
    _, page = send(admin, form)
    berater = make_browser()
    berater.login(world.berater)
    status, seen = send(berater, {**blank_form(berater), "nonce": form["nonce"]})
    assert status == 400 and "jemand anderes ausgestellt hat" in seen
    assert link_in(page) not in seen and "einladungslink" not in seen


def test_a_broken_nonce_is_refused(browser: Browser, world: World) -> None:
    browser.login(world.admin)
    status, page = send(browser, {**blank_form(browser), "nonce": "<kurz>"})
    assert status == 400 and "Das Formular ist ungültig. Bitte laden Sie die Seite neu." in page
    assert db.session.scalars(db.select(Invitation)).first() is None


def test_a_form_without_nonce_still_works(browser: Browser, world: World) -> None:
    """A page loaded before the nonce existed: the invitation is made, only without the double-submit guard."""
    browser.login(world.admin)
    status, page = send(browser, {"csrf_token": blank_form(browser)["csrf_token"]}, role=Role.KOMMUNE.value)
    assert status == 302 and link_in(page)
