"""Structured logs on stdout: one JSON line per request, audit events, no secrets in them."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import event

from digicheck import logs, pdf
from digicheck.accounts import services as accounts
from digicheck.extensions import db
from digicheck.models import Assessment, Invitation, Role
from tests.app.test_consult import post_level, submitted
from tests.conftest import PASSWORD, Browser, skip_or_fail

REQUEST_FIELDS = {
    "time",
    "level",
    "logger",
    "message",
    "request_id",
    "method",
    "path",
    "status",
    "duration_ms",
    "user_id",
    "role",
    "api_token_id",
}


def audit_lines(stderr: str, event: str | None = None) -> list[dict[str, Any]]:
    """The audit lines a `digicheck` command wrote among its stderr (its messages are plain text)."""
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    return [line for line in lines if line["logger"] == "digicheck.audit" and event in (None, line["event"])]


class Stdout:
    """What the app wrote to stdout since the last read, as parsed JSON lines."""

    def __init__(self, capsys: pytest.CaptureFixture[str]):
        self.capsys = capsys
        self.raw = ""

    def lines(self) -> list[dict[str, Any]]:
        self.raw = self.capsys.readouterr().out
        return [json.loads(line) for line in self.raw.splitlines()]  # every line must be JSON

    def requests(self) -> list[dict[str, Any]]:
        return [line for line in self.lines() if line["logger"] == "digicheck.request"]

    def audits(self, event: str | None = None) -> list[dict[str, Any]]:
        return [line for line in self.lines() if line["logger"] == "digicheck.audit" and event in (None, line["event"])]


@pytest.fixture
def stdout(capsys: pytest.CaptureFixture[str]) -> Iterator[Stdout]:
    capsys.readouterr()
    yield Stdout(capsys)


def test_a_request_is_one_json_line_with_every_field(browser, world, stdout) -> None:
    response = browser.get("/anmelden?email=geheim%40erbach.test&next=/x")
    [line] = stdout.requests()
    assert set(line) == REQUEST_FIELDS
    assert line["method"] == "GET" and line["path"] == "/anmelden" and line["status"] == 200
    assert "geheim" not in stdout.raw and "next" not in stdout.raw
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"]) and response.headers["X-Request-ID"] == line["request_id"]
    assert datetime.fromisoformat(line["time"]).utcoffset() is not None
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_id"] is None and line["role"] is None and line["level"] == "INFO"


def test_the_line_names_the_logged_in_user(browser, world, stdout) -> None:
    browser.login(world.berater)
    stdout.lines()
    browser.get("/beratung/")
    [line] = stdout.requests()
    assert (line["path"], line["status"], line["user_id"], line["role"]) == ("/beratung/", 200, world.berater.id, "berater")


def test_naming_the_user_reads_nothing_after_the_commit(browser, world, stdout) -> None:
    """The request line names the user without loading them again once the commit has expired
    their columns: after the request's commit, nothing reads the database (issue 18, part 6)."""
    browser.login(world.berater)
    stdout.lines()
    after_commit: list[str] = []
    committed: list[bool] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if committed:
            after_commit.append(statement)

    def commit(conn) -> None:  # type: ignore[no-untyped-def]
        committed.append(True)

    event.listen(db.engine, "commit", commit)
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert browser.get("/beratung/").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
        event.remove(db.engine, "commit", commit)
    [line] = stdout.requests()
    assert committed and after_commit == []
    assert (line["user_id"], line["role"]) == (world.berater.id, "berater")


def test_a_sane_request_id_is_taken_over_and_echoed(browser, stdout) -> None:
    response = browser.get("/anmelden", headers={"X-Request-ID": "proxy-4711.abc"})
    assert response.headers["X-Request-ID"] == "proxy-4711.abc"
    assert [line["request_id"] for line in stdout.requests()] == ["proxy-4711.abc"]


@pytest.mark.parametrize("supplied", ["x" * 129, "zwei wörter", "<script>", ""])
def test_an_odd_request_id_is_replaced(browser, stdout, supplied: str) -> None:
    response = browser.get("/anmelden", headers={"X-Request-ID": supplied})
    [line] = stdout.requests()
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"]) and response.headers["X-Request-ID"] == line["request_id"]


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/gibt-es-nicht?q=1", 404),
        ("get", "/abmelden", 405),
        ("post", "/anmelden", 400),
    ],
)
def test_error_pages_are_logged_once(browser, stdout, method: str, url: str, status: int) -> None:
    assert getattr(browser.client, method)(url).status_code == status
    lines = stdout.requests()
    assert [(line["path"], line["status"]) for line in lines] == [(url.split("?")[0], status)]


def test_an_invitation_link_is_not_logged(browser, stdout) -> None:
    browser.get("/einladung/geheimes-token-123")
    [line] = stdout.requests()
    assert line["path"] == "/einladung/***" and "geheimes-token" not in stdout.raw


def test_a_server_error_is_logged_once_and_its_traceback_as_json(world, database_url, stdout) -> None:
    from digicheck.app import create_app

    failing = create_app({"SECRET_KEY": "test-secret-of-at-least-32-characters", "SQLALCHEMY_DATABASE_URI": database_url})

    @failing.get("/test/kaputt")
    def broken() -> str:
        raise RuntimeError("kaputt")

    try:
        browser = Browser(failing.test_client())
        browser.login(world.kommune)
        stdout.lines()
        response = browser.get("/test/kaputt")
        lines = stdout.lines()
    finally:
        with failing.app_context():
            db.engine.dispose()
    assert response.status_code == 500 and "Interner Fehler" in response.get_data(as_text=True)
    [request] = [line for line in lines if line["logger"] == "digicheck.request"]
    assert (request["path"], request["status"], request["user_id"]) == ("/test/kaputt", 500, world.kommune.id)
    [error] = [line for line in lines if line["level"] == "ERROR"]
    assert "RuntimeError: kaputt" in error["exc_info"]
    handlers = [h for h in logging.getLogger("digicheck").handlers if isinstance(h, logs.StdoutHandler)]
    assert len(handlers) == 1  # many apps in one process, one handler


def test_failed_login_is_audited_without_password_or_address(app, browser, world, stdout) -> None:
    browser.post("/anmelden", {"email": world.kommune.email, "password": "falsch-aber-geheim"})
    browser.post("/anmelden", {"email": "niemand@nirgends.test", "password": "auch-geheim-123"})
    failed = stdout.audits("login_failed")
    assert [line["reason"] for line in failed] == ["wrong_password", "unknown_account"]
    assert failed[0]["email_hash"] == logs.email_hash(world.kommune.email) and len(failed[0]["email_hash"]) == 16
    assert failed[0]["email_hash"] == logs.email_hash(" Hauptamt@Erbach.test ")  # one address, one pseudonym
    assert failed[0]["level"] == "WARNING" and failed[0]["user_id"] is None and failed[0]["request_id"]
    for secret in ("falsch-aber-geheim", "auch-geheim", world.kommune.email, "niemand@"):
        assert secret not in stdout.raw


def test_login_of_a_locked_account_names_the_reason(browser, world, stdout) -> None:
    world.kommune.active = False
    db.session.commit()
    browser.post("/anmelden", {"email": world.kommune.email, "password": PASSWORD})
    assert [line["reason"] for line in stdout.audits("login_failed")] == ["account_locked"]


def test_successful_login_is_audited_with_the_user(browser, world, stdout) -> None:
    response = browser.login(world.kommune)
    lines = stdout.lines()
    [success] = [line for line in lines if line.get("event") == "login_succeeded"]
    [request] = [line for line in lines if line["logger"] == "digicheck.request" and line["method"] == "POST"]
    assert (success["user_id"], success["role"]) == (world.kommune.id, "kommune")
    assert success["request_id"] == request["request_id"] == response.headers["X-Request-ID"]
    assert (request["status"], request["user_id"]) == (302, world.kommune.id)


def test_twelve_failed_logins_leave_rate_limit_lines(app, browser, world, stdout) -> None:
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [browser.post("/anmelden", {"email": world.kommune.email, "password": "falsch-falsch"}).status_code for _ in range(12)]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    assert codes == [401] * 3 + [429] * 9
    lines = stdout.lines()
    hits = [line for line in lines if line.get("event") == "rate_limit_hit"]
    assert len(hits) == 9 and {(h["limit"], h["endpoint"], h["level"]) for h in hits} == {("3 per 1 minute", "auth.login", "WARNING")}
    assert len([line for line in lines if line.get("event") == "login_failed"]) == 3
    assert [line["status"] for line in lines if line["logger"] == "digicheck.request" and line["method"] == "POST"] == codes


def test_invitation_created_accepted_and_withdrawn(make_browser, world, stdout) -> None:
    admin = make_browser()
    admin.login(world.admin)
    response = admin.post(
        "/verwaltung/einladungen",
        {"email": "neu@erbach.example.org", "role": "kommune", "municipality": "06437006"},
        token_from="/verwaltung/einladungen",
        follow_redirects=True,
    )
    link = response.get_data(as_text=True).split('id="einladungslink">')[1].split("<")[0].replace("http://localhost", "")
    invitation = db.session.scalars(db.select(Invitation)).one()
    [created] = stdout.audits("invitation_created")
    assert (created["invitation_id"], created["invited_role"], created["municipality"]) == (invitation.id, "kommune", "06437006")
    assert (created["user_id"], created["role"]) == (world.admin.id, "admin")
    assert created["email_hash"] == logs.email_hash("neu@erbach.example.org") and "neu@erbach" not in stdout.raw

    guest = make_browser()
    guest.post(link, {"name": "Neue Kollegin", "password": "ein-gutes-passwort", "repeat": "ein-gutes-passwort"}, token_from=link)
    [accepted] = stdout.audits("invitation_accepted")
    new_user = accounts.find_user("neu@erbach.example.org")
    assert (accepted["invitation_id"], accepted["user_id"], accepted["role"]) == (invitation.id, new_user.id, "kommune")
    assert "ein-gutes-passwort" not in stdout.raw

    other = accounts.invite("zweite@erbach.example.org", Role.KOMMUNE, world.erbach, world.admin)
    admin.post(f"/verwaltung/einladungen/{other.invitation.id}/zurueckziehen", token_from="/verwaltung/einladungen")
    [withdrawn] = stdout.audits("invitation_withdrawn")
    assert (withdrawn["invitation_id"], withdrawn["user_id"]) == (other.invitation.id, world.admin.id)


def test_lock_and_unlock_are_audited(browser, world, stdout) -> None:
    browser.login(world.admin)
    for active in ("0", "1"):
        assert (
            browser.post(f"/verwaltung/konten/{world.kommune.id}/status", {"aktiv": active}, token_from="/verwaltung/konten").status_code
            == 302
        )
    events = [(line["event"], line["account_id"], line["user_id"]) for line in stdout.audits() if line["event"].startswith("account_")]
    assert events == [("account_locked", world.kommune.id, world.admin.id), ("account_unlocked", world.kommune.id, world.admin.id)]


def test_password_change_is_audited(browser, world, stdout) -> None:
    browser.login(world.kommune)
    browser.post("/passwort", {"current": PASSWORD, "new": "ganz-neues-passwort", "repeat": "ganz-neues-passwort"})
    [changed] = stdout.audits("password_changed")
    assert changed["user_id"] == world.kommune.id
    assert PASSWORD not in stdout.raw and "ganz-neues-passwort" not in stdout.raw


def test_validated_level_is_audited(browser, world, stdout) -> None:
    assessment = submitted(world.erbach, user=world.kommune)
    browser.login(world.berater)
    assert post_level(browser, assessment.id, "technik", "3", "ISMS im Aufbau.").status_code == 302
    [validated] = stdout.audits("level_validated")
    assert (validated["assessment_id"], validated["area_id"], validated["level"], validated["user_id"]) == (
        assessment.id,
        "technik",
        3,
        world.berater.id,
    )


@pytest.mark.parametrize(
    ("url", "event", "fields"),
    [
        ("/beratung/export.csv", "export_downloaded", {"export": "selection", "format": "csv"}),
        ("/beratung/bewertung/{id}/export.xlsx", "export_downloaded", {"export": "assessment", "format": "xlsx"}),
        ("/beratung/bewertung/{id}/profil.json", "export_downloaded", {"export": "profile", "format": "json"}),
        ("/beratung/bewertung/{id}/briefing.pdf", "briefing_downloaded", {}),
        ("/benchmark/export.csv", "export_downloaded", {"export": "benchmark", "format": "csv"}),
        ("/bewertung/{id}/bericht.pdf", "export_downloaded", {"export": "report", "format": "pdf"}),
        ("/bewertung/{id}/antworten.csv", "export_downloaded", {"export": "answers", "format": "csv"}),
    ],
)
def test_downloads_are_audited(browser, world, stdout, url: str, event: str, fields: dict[str, str]) -> None:
    if url.endswith(".pdf") and pdf.unavailable_reason():
        skip_or_fail(f"WeasyPrint cannot run here ({pdf.unavailable_reason()})")
    assessment: Assessment = submitted(world.erbach, user=world.kommune)
    browser.login(world.berater)
    stdout.lines()
    response = browser.get(url.format(id=assessment.id))
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    [line] = stdout.audits(event)
    assert {key: line[key] for key in fields} == fields and line["user_id"] == world.berater.id
    if "{id}" in url:
        assert line["assessment_id"] == assessment.id
