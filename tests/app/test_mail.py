"""Mail when the operator has it: links delivered to a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import re
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from digicheck.extensions import db
from digicheck.mail import parse_smtp_url
from digicheck.models import Invitation

SENDER = "Digi-Check <digicheck@land.example.org>"
INVITED = "neu@erbach.example.org"


class Inbox:
    """aiosmtpd handler that keeps every delivered message."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=default)
        self.messages.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, Inbox]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


@pytest.fixture
def mail_to(app, monkeypatch):  # type: ignore[no-untyped-def]
    def configure(url: str) -> None:
        monkeypatch.setitem(app.config, "SMTP_URL", url)
        monkeypatch.setitem(app.config, "MAIL_FROM", SENDER)

    return configure


def _invite(browser, world):  # type: ignore[no-untyped-def]
    browser.login(world.admin)
    return browser.post(
        "/verwaltung/einladungen",
        {"email": INVITED, "role": "kommune", "municipality": "06437006"},
        token_from="/verwaltung/einladungen",
        follow_redirects=True,
    )


def _body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None and part.get_content_type() == "text/plain"
    return str(part.get_content())


def test_invitation_link_is_also_mailed_in_german(browser, world, smtp_server, mail_to) -> None:
    port, inbox = smtp_server
    mail_to(f"smtp://127.0.0.1:{port}")
    response = _invite(browser, world)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f"zusätzlich per E-Mail an {INVITED} geschickt" in page
    link = page.split('id="einladungslink">')[1].split("<")[0]
    ((recipients, message),) = inbox.messages
    assert recipients == [INVITED] and message["To"] == INVITED and message["From"] == SENDER
    assert message["Subject"] == "Ihre Einladung zum Digi-Check"
    body = _body(message)
    assert link in body and "Guten Tag" in body and "Erbach" in body and "gilt einmal" in body


def test_reset_link_is_also_mailed(make_browser, world, smtp_server, mail_to) -> None:
    port, inbox = smtp_server
    mail_to(f"smtp://localhost:{port}")
    admin = make_browser()
    admin.login(world.admin)
    assert admin.post(f"/verwaltung/konten/{world.kommune.id}/ruecksetzlink", token_from="/verwaltung/konten").status_code == 302
    page = admin.get("/verwaltung/konten").get_data(as_text=True)
    link = re.search(r'id="ruecksetzlink">([^<]+)<', page).group(1)  # type: ignore[union-attr]
    assert "zusätzlich per E-Mail" in page
    ((recipients, message),) = inbox.messages
    assert recipients == [world.kommune.email] and message["Subject"] == "Neues Passwort für den Digi-Check"
    body = _body(message)
    assert link in body and "Guten Tag Hauptamt Erbach" in body and "neues Passwort" in body
    assert make_browser().get(link.replace("http://localhost", "")).status_code == 200


def test_failed_delivery_is_shown_and_logged_and_the_link_still_shown(browser, world, mail_to, capsys) -> None:
    mail_to(f"smtp://127.0.0.1:{_free_port()}")  # nobody listens there
    response = _invite(browser, world)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Die E-Mail an {INVITED} konnte nicht zugestellt werden: der Mailserver ist nicht erreichbar" in page
    assert 'id="einladungslink">http://localhost/einladung/' in page
    assert db.session.scalars(db.select(Invitation)).one().is_open
    log = capsys.readouterr().out
    assert '"event": "mail_failed"' in log and '"level": "WARNING"' in log and INVITED not in log


def test_credentials_never_go_over_an_unencrypted_connection(browser, world, smtp_server, mail_to) -> None:
    port, inbox = smtp_server  # this test server offers no STARTTLS
    mail_to(f"smtp://digicheck:geheim@127.0.0.1:{port}")
    page = _invite(browser, world).get_data(as_text=True)
    assert "keine verschlüsselte Verbindung (STARTTLS)" in page and 'id="einladungslink"' in page
    assert inbox.messages == []


def test_without_smtp_nothing_is_sent_and_nothing_said(browser, world, smtp_server) -> None:
    _, inbox = smtp_server
    page = _invite(browser, world).get_data(as_text=True)
    assert 'id="einladungslink"' in page and "E-Mail an" not in page
    assert inbox.messages == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://user:pa%40ss@mail.example.org:587", ("mail.example.org", 587, "starttls", "user", "pa@ss")),
        ("smtp://mail.example.org", ("mail.example.org", 587, "starttls", None, None)),
        ("smtps://user:pw@mail.example.org", ("mail.example.org", 465, "tls", "user", "pw")),
        ("smtp://relay.example.org:25", ("relay.example.org", 25, "plain", None, None)),
        ("smtp://user:pw@relay.example.org:25", ("relay.example.org", 25, "starttls", "user", "pw")),
        ("smtp://127.0.0.1:2525", ("127.0.0.1", 2525, "plain", None, None)),
    ],
)
def test_smtp_url_forms(url: str, expected: tuple[Any, ...]) -> None:
    server = parse_smtp_url(url)
    assert (server.host, server.port, server.security, server.username, server.password) == expected


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "smtp://host:abc", "mail.example.org:25"])
def test_bad_smtp_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="smtp://"):
        parse_smtp_url(url)
