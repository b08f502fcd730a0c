"""Bad input over HTTP: oversized chunked bodies are refused with the German 413 page (test client
and a real gunicorn), and a long answer history is shown a page at a time."""

from __future__ import annotations

import http.client
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from digicheck.assess import services as svc
from digicheck.extensions import db
from digicheck.models import AnswerChange
from digicheck.models._time import utcnow
from scoring.answers import answer_label
from tests.app.helpers import Q
from tests.conftest import PASSWORD

LIMIT = 256 * 1024
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def login_body(token: str, padding: int) -> bytes:
    return urllib.parse.urlencode(
        {"csrf_token": token, "email": "hauptamt@erbach.example.org", "password": "falsch-falsch", "pad": "a" * padding}
    ).encode()


def chunked_post(browser: Any, body: bytes) -> Any:
    """A POST as a server passes on a chunked request: no length (PEP 3333: empty), the stream ended by the server."""
    return browser._request(
        "post",
        "/anmelden",
        input_stream=io.BytesIO(body),
        content_type="application/x-www-form-urlencoded",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""},
    )


def test_chunked_body_over_the_limit_gets_the_german_413_page(browser, world) -> None:
    body = login_body(browser.token(), LIMIT)
    assert len(body) > LIMIT
    response = chunked_post(browser, body)
    assert response.status_code == 413
    assert "Zu groß" in response.get_data(as_text=True)


def test_small_chunked_body_is_processed(browser, world) -> None:
    response = chunked_post(browser, login_body(browser.token(), 1000))
    assert response.status_code == 401  # the login was tried (wrong password), not refused or emptied


# --- the same against a real server ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(app, database_url: str, tmp_path) -> Iterator[int]:
    """gunicorn with the test database; yields its port."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="test-secret-of-at-least-32-characters")
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "digicheck.app:create_app()"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not start: {log.read_text(errors='replace')[-2000:]}")
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def post_chunked(port: int, padding: int) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/anmelden")
    response = connection.getresponse()
    page = response.read().decode()
    connection.close()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    body = login_body(token, padding)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        "POST",
        "/anmelden",
        body=(body[i : i + 8192] for i in range(0, len(body), 8192)),
        encode_chunked=True,
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    return response.status, TITLE.search(text).group(1) if TITLE.search(text) else text[:200]  # type: ignore[union-attr]


def test_real_server_refuses_an_oversized_chunked_body(server: int, world) -> None:
    status, title = post_chunked(server, LIMIT + 40_000)
    assert status == 413 and "Zu groß" in title
    status, title = post_chunked(server, 1000)
    assert status == 401 and "Anmelden" in title


# --- answer history, a page at a time ----------------------------------------------------------

ITEM = Q.item("technik.notebooks")


def with_changes(world: Any, count: int) -> Any:
    """A round whose number item was saved `count` times: value i at minute i, so the newest is count - 1."""
    assessment = svc.start_round(world.erbach, world.kommune)
    start = utcnow() - timedelta(days=1)
    db.session.execute(
        AnswerChange.__table__.insert(),
        [
            {
                "assessment_id": assessment.id,
                "item_id": ITEM.id,
                "old_value": i - 1 if i else None,
                "new_value": i,
                "user_id": world.kommune.id,
                "changed_at": start + timedelta(minutes=i),
            }
            for i in range(count)
        ],
    )
    db.session.commit()
    return assessment


def history_rows(page: str) -> list[str]:
    section = page[page.index('id="verlauf"') :]
    table = section[section.index("<tbody>") : section.index("</tbody>")]
    return re.findall(r"<tr>(.*?)</tr>", table, re.S)


def test_kommune_history_shows_50_changes_and_links_to_older_ones(browser, world) -> None:
    assessment = with_changes(world, 200)
    browser.login(world.kommune, PASSWORD)
    page = browser.get(f"/bewertung/{assessment.id}/verlauf").get_data(as_text=True)
    rows = history_rows(page)
    assert len(rows) == 50
    assert answer_label(ITEM, 199) in rows[0] and answer_label(ITEM, 150) in rows[-1]
    assert "Seite 1 von 4" in page and "Neuere Änderungen" not in page
    assert f'href="/bewertung/{assessment.id}/verlauf?verlauf=2#verlauf">Ältere Änderungen' in page

    last = browser.get(f"/bewertung/{assessment.id}/verlauf?verlauf=4").get_data(as_text=True)
    assert len(history_rows(last)) == 50 and "Seite 4 von 4" in last
    assert "Neuere Änderungen" in last and "Ältere Änderungen" not in last


@pytest.mark.parametrize("bad", ["0", "5", "-1", "zwei", "9" * 40, "1e3"])
def test_history_page_that_does_not_exist_is_404(browser, make_browser, world, bad: str) -> None:
    assessment = with_changes(world, 200)
    browser.login(world.kommune, PASSWORD)
    assert browser.get(f"/bewertung/{assessment.id}/verlauf?verlauf={bad}").status_code == 404
    consultant = make_browser()
    consultant.login(world.berater, PASSWORD)
    assert consultant.get(f"/beratung/bewertung/{assessment.id}?verlauf={bad}").status_code == 404
    assert consultant.get(f"/beratung/bewertung/{assessment.id}?verlauf=4").status_code == 200


def test_consultant_page_stays_small_however_long_the_history(browser, world) -> None:
    short = with_changes(world, 60)
    browser.login(world.berater, PASSWORD)
    short_page = browser.get(f"/beratung/bewertung/{short.id}").get_data(as_text=True)
    db.session.execute(AnswerChange.__table__.delete())
    db.session.commit()
    long = with_changes(world, 2000)
    page = browser.get(f"/beratung/bewertung/{long.id}?vergleich=median").get_data(as_text=True)
    assert len(history_rows(page)) == 50 and "Seite 1 von 40" in page
    assert f"/beratung/bewertung/{long.id}?verlauf=2&amp;vergleich=median#verlauf" in page  # keeps the chosen overlays
    assert "Verlauf (2000 Änderungen)" in page and page.count(f"{answer_label(ITEM, 1999)}</li>") == 1
    assert len(page.encode()) < len(short_page.encode()) + 2_000  # 2000 saves weigh what 60 do

    older = browser.get(f"/beratung/bewertung/{long.id}?verlauf=40").get_data(as_text=True)
    assert len(history_rows(older)) == 50 and answer_label(ITEM, 0) in history_rows(older)[-1]
