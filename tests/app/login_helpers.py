"""Steps of the login with a second factor, as a browser takes them (tests/conftest.py's Browser)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyotp

from tests.conftest import PASSWORD

SECRET = re.compile(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<')
RECOVERY = re.compile(r"<li><code>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</code></li>")


def enrol(browser: Any) -> tuple[pyotp.TOTP, list[str]]:
    """Enrol the logged-in user: read the key off the page, confirm with a code and the password."""
    page = browser.get("/konto/zweiter-faktor").get_data(as_text=True)
    totp = pyotp.TOTP(SECRET.search(page).group(1).replace(" ", ""))
    response = browser.post("/konto/zweiter-faktor", {"code": totp.now(), "password": PASSWORD}, token_from="/konto/zweiter-faktor")
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    codes = RECOVERY.findall(response.get_data(as_text=True))
    assert len(codes) == 10
    return totp, codes


def password_step(browser: Any, user: Any, password: str = PASSWORD, **kwargs: Any) -> Any:
    return browser.post("/anmelden", {"email": user.email, "password": password}, token_from="/anmelden", **kwargs)


def code_step(browser: Any, code: str, **kwargs: Any) -> Any:
    response = browser.post("/anmelden/code", {"code": code}, token_from="/anmelden/code", **kwargs)
    if response.status_code == 302 and response.location != "/anmelden":
        browser.logged_in = True
    return response


def later_code(totp: pyotp.TOTP, steps: int = 1) -> str:
    """The code of a later 30-second step (each step's code logs in only once); the server
    accepts one step ahead for clocks that run fast."""
    return totp.at(time.time() + steps * totp.interval)


def logout(browser: Any) -> None:
    assert browser.post("/abmelden", token_from="/konto/sicherheit").status_code == 302
    browser.logged_in = False


@contextmanager
def settings(app: Any, **values: Any) -> Iterator[None]:
    """App settings for one test (the app is shared by the session)."""
    missing = object()
    before = {name: app.config.get(name, missing) for name in values}
    app.config.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is missing:
                app.config.pop(name, None)
            else:
                app.config[name] = value
