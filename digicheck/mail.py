"""Mail, when the operator has it: invitation and reset links also go out as German plain text.

`DIGICHECK_SMTP_URL` names the server (standard library smtplib, no queue):
`smtp://user:pass@host:587` STARTTLS (required), `smtps://user:pass@host:465` implicit TLS,
`smtp://host:25` or a relay on the same machine without credentials: plain SMTP. Certificates
are verified. Without the setting nothing is sent and the link is only shown, as before.
A failed delivery never loses the link: the person who created it sees why and hands it over.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from ipaddress import ip_address
from urllib.parse import unquote, urlsplit

from flask import current_app, flash

from digicheck import logs, timefmt

TIMEOUT_SECONDS = 10
SCHEMES = {"smtp": 587, "smtps": 465}
SIGNATURE = "\n\n-- \nDiese Nachricht wurde automatisch vom Digi-Check der hessischen Kommunen erstellt.\n"


class MailError(RuntimeError):
    """Why a message was not delivered (German, for the person who sent it)."""


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str  # "starttls", "tls" or "plain"
    username: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpServer:
    """The server of a DIGICHECK_SMTP_URL; ValueError (German) for anything else."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in SCHEMES or not parts.hostname or port == -1:
        raise ValueError("erwartet smtp://[BENUTZER:PASSWORT@]HOST[:PORT] (STARTTLS) oder smtps://… (TLS)")
    port = port or SCHEMES[parts.scheme]
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    if parts.scheme == "smtps":
        security = "tls"
    elif username is None and (port == 25 or _loopback(parts.hostname)):
        security = "plain"  # a relay on port 25 or on this machine; credentials never travel in clear
    else:
        security = "starttls"
    return SmtpServer(parts.hostname, port, security, username, password)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def enabled() -> bool:
    return bool(current_app.config.get("SMTP_URL"))


def send(to: str, subject: str, body: str) -> None:
    """Deliver one plain-text message now, or raise MailError saying why not."""
    sender = str(current_app.config.get("MAIL_FROM") or "")
    if not sender:
        raise MailError("keine Absenderadresse eingerichtet (DIGICHECK_MAIL_FROM)")
    try:
        server = parse_smtp_url(str(current_app.config.get("SMTP_URL", "")))
    except ValueError as exc:
        raise MailError(f"DIGICHECK_SMTP_URL ist ungültig: {exc}") from None
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message.set_content(body + SIGNATURE)
    context = ssl.create_default_context()
    try:
        if server.security == "tls":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_SECONDS, context=context)
        else:
            connection = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
        with connection:
            if server.security == "starttls":
                connection.starttls(context=context)
            if server.username is not None:
                connection.login(server.username, server.password or "")
            connection.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(_reason(exc)) from exc


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return "der Mailserver bietet keine verschlüsselte Verbindung (STARTTLS) an"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "der Mailserver hat die Anmeldung abgelehnt"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "der Mailserver hat die Empfängeradresse abgelehnt"
    if isinstance(exc, ssl.SSLError):
        return "die TLS-Verbindung zum Mailserver ist fehlgeschlagen"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "der Mailserver antwortet nicht"
    if isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException):
        return "der Mailserver ist nicht erreichbar"
    return "der Mailserver hat die Nachricht abgelehnt"


def invitation_message(link: str, role_label: str, municipality: str | None, expires_at: datetime) -> tuple[str, str]:
    where = f" für {municipality}" if municipality else ""
    body = (
        f"Guten Tag,\n\nSie sind zum Digi-Check der hessischen Kommunen eingeladen (Rolle: {role_label}{where}).\n\n"
        f"Über diesen Link richten Sie Ihr Konto ein. Er gilt einmal und bis {timefmt.local_datetime(expires_at)} Uhr:\n\n"
        f"{link}\n\nWenn Sie diese Einladung nicht erwartet haben, können Sie diese Nachricht ignorieren."
    )
    return "Ihre Einladung zum Digi-Check", body


def reset_message(name: str, link: str, expires_at: datetime) -> tuple[str, str]:
    body = (
        f"Guten Tag {name},\n\nfür Ihr Konto im Digi-Check wurde ein Link erstellt, mit dem Sie ein neues Passwort "
        f"setzen. Er gilt einmal und bis {timefmt.local_datetime(expires_at)} Uhr:\n\n{link}\n\n"
        "Mit dem neuen Passwort enden alle bisherigen Anmeldungen Ihres Kontos. Wenn Sie um keinen neuen "
        "Zugang gebeten haben, wenden Sie sich bitte an die Administration."
    )
    return "Neues Passwort für den Digi-Check", body


def send_link(kind: str, to: str, message: tuple[str, str]) -> bool:
    """Mail a link if mail is set up, and tell the person who created it how that went (flash, audit).
    Returns whether it was delivered; the caller shows the link either way."""
    if not enabled():
        return False
    subject, body = message
    try:
        send(to, subject, body)
    except MailError as exc:
        logs.audit("mail_failed", kind=kind, email_hash=logs.email_hash(to), reason=str(exc))
        flash(f"Die E-Mail an {to} konnte nicht zugestellt werden: {exc}. Bitte geben Sie den Link selbst weiter.", "warning")
        return False
    logs.audit("mail_sent", kind=kind, email_hash=logs.email_hash(to))
    flash(f"Der Link wurde zusätzlich per E-Mail an {to} geschickt.", "success")
    return True
