"""New passwords: refused with a German reason when too short, too weak, common, or made of
the person's e-mail address or name (zxcvbn, offline); on accepting an invitation and on change."""

from __future__ import annotations

import pytest

from digicheck.accounts import services as accounts
from digicheck.accounts.passwords import check_password
from digicheck.extensions import db
from digicheck.models import Role, User
from tests.conftest import PASSWORD

EMAIL = "anna.mueller@erbach.example.org"
NAME = "Anna Müller-Schmidt"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("kurz-123", "mindestens 10 Zeichen"),
        ("x" * 257, "höchstens 256 Zeichen"),
        ("aaaaaaaaaa", "Wiederholungen wie „aaa“ sind leicht zu erraten."),
        ("1234567890", "Es steht in einer Liste häufig verwendeter Passwörter."),
        ("qwertzuiop", "häufig verwendeter Passwörter"),
        ("passwort123", "Es ähnelt einem häufig verwendeten Passwort."),
        ("anna.mueller2025", "darf Ihre E-Mail-Adresse nicht enthalten"),
        ("Mueller!Sommer#99", "darf Ihre E-Mail-Adresse nicht enthalten"),
        ("Schmidt-Regenbogen-7", "darf Ihren Namen nicht enthalten"),
        ("abcdefghijk", "zu leicht zu erraten"),
    ],
)
def test_weak_passwords_are_refused_with_a_german_reason(password: str, reason: str) -> None:
    message = check_password(password, EMAIL, NAME)
    assert message is not None and reason in message
    assert message.startswith("Das Passwort")  # German, never zxcvbn's English
    assert "guess" not in message and "common" not in message


@pytest.mark.parametrize("password", ["Wolkenkratzer-Amsel-17", "richtig-geheim-123", "Tr0ub4dor&3x-Fahrrad"])
def test_strong_passwords_are_accepted(password: str) -> None:
    assert check_password(password, EMAIL, NAME) is None


def test_every_weak_password_gets_a_complete_sentence() -> None:
    for password in ("Sommer2019", "hallo12345", "0000000000", "2024-12-24!"):
        message = check_password(password, EMAIL, NAME)
        assert message and message.startswith("Das Passwort") and message.endswith(".") and "  " not in message


def test_short_name_parts_are_not_refused() -> None:
    """ "it@…" or a name "Li" inside another word must not refuse a good password."""
    assert check_password("Kitten-Lianen-Wald-42", "it@giessen.test", "Li Wu") is None


def test_password_change_refuses_a_weak_password_and_keeps_the_old(browser, world) -> None:
    browser.login(world.kommune)
    response = browser.post("/passwort", {"current": PASSWORD, "new": "1234567890", "repeat": "1234567890"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "häufig verwendeter Passwörter" in page
    assert accounts.authenticate(world.kommune.email, PASSWORD) is not None


def test_password_change_refuses_the_own_address(browser, world) -> None:
    browser.login(world.kommune)
    response = browser.post("/passwort", {"current": PASSWORD, "new": "hauptamt-erbach-2026", "repeat": "hauptamt-erbach-2026"})
    assert response.status_code == 400 and "darf Ihre E-Mail-Adresse nicht enthalten" in response.get_data(as_text=True)


def test_password_change_accepts_a_strong_password(browser, world) -> None:
    browser.login(world.kommune)
    response = browser.post("/passwort", {"current": PASSWORD, "new": "Wolkenkratzer-Amsel-17", "repeat": "Wolkenkratzer-Amsel-17"})
    assert response.status_code == 302
    assert accounts.authenticate(world.kommune.email, "Wolkenkratzer-Amsel-17") is not None


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("aaaaaaaaaa", "Wiederholungen"),
        ("anna.mueller.erbach", "darf Ihre E-Mail-Adresse nicht enthalten"),
        ("Annegret-Regenwurm", "darf Ihren Namen nicht enthalten"),
    ],
)
def test_invitation_refuses_weak_passwords(make_browser, world, password: str, reason: str) -> None:
    issued = accounts.invite(EMAIL, Role.KOMMUNE, world.erbach, world.admin)
    guest = make_browser()
    link = f"/einladung/{issued.token}"
    response = guest.post(link, {"name": "Annegret Müller", "password": password, "repeat": password}, token_from=link)
    assert response.status_code == 400 and reason in response.get_data(as_text=True)
    assert db.session.scalars(db.select(User).where(User.email == EMAIL)).first() is None
    accepted = guest.post(
        link, {"name": "Annegret Müller", "password": "Wolkenkratzer-Amsel-17", "repeat": "Wolkenkratzer-Amsel-17"}, token_from=link
    )
    assert accepted.status_code == 302  # the link still works after a refused password
