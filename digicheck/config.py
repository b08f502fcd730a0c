"""Configuration from the environment, with safe defaults for a zero-setup start.

Read once in `create_app`, never at import time, so tests and the CLI can set
the environment first.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = PROJECT_ROOT / "instance" / "digicheck.sqlite3"


class ConfigError(RuntimeError):
    """The environment does not describe a runnable configuration."""


def normalise_database_url(url: str) -> str:
    """Accept the common `postgres://` and `postgresql://` forms and use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def from_environment(env: dict[str, str] | None = None) -> dict[str, Any]:
    env = dict(os.environ if env is None else env)
    demo = env.get("DIGICHECK_DEMO", "") == "1"
    secret = env.get("SECRET_KEY", "")
    if not secret:
        if not demo and env.get("FLASK_DEBUG") != "1":
            raise ConfigError("SECRET_KEY fehlt: setzen Sie die Umgebungsvariable (außer im Demo-Modus DIGICHECK_DEMO=1).")
        secret = secrets.token_hex(32)
    database = normalise_database_url(env.get("DATABASE_URL", f"sqlite:///{DEFAULT_DATABASE}"))
    return {
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "DIGICHECK_DEMO": demo,
        "DIGICHECK_QUESTIONNAIRES": env.get("DIGICHECK_QUESTIONNAIRES", str(PROJECT_ROOT / "questionnaires")),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": env.get("DIGICHECK_LOGIN_RATE_LIMIT", "10 per minute"),
        "PROXY_HOPS": _whole_number(env, "DIGICHECK_PROXY_HOPS", "0"),
        "REGISTER_FILE": env.get("DIGICHECK_REGISTER_FILE", ""),
        "INVITATION_DAYS": int(env.get("DIGICHECK_INVITATION_DAYS", "7")),
        # a CSRF token lives as long as the login session: an open form never goes stale by the clock alone
        "WTF_CSRF_TIME_LIMIT": None,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=int(env.get("DIGICHECK_SESSION_HOURS", "10"))),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("DIGICHECK_SECURE_COOKIES", "0") == "1",
        "REMEMBER_COOKIE_SECURE": env.get("DIGICHECK_SECURE_COOKIES", "0") == "1",
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "BABEL_DEFAULT_LOCALE": "de",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Berlin",
        "MAX_TEXT_LENGTH": 2000,
        "BENCHMARK_K": int(env.get("DIGICHECK_BENCHMARK_K", "5")),
    }


def _whole_number(env: dict[str, str], name: str, default: str) -> int:
    text = env.get(name, default).strip()
    if not text.isascii() or not text.isdigit():
        raise ConfigError(f"{name} muss eine ganze Zahl ab 0 sein, nicht {text!r}.")
    return int(text)
