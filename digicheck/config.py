"""Configuration from the environment, read and checked once, with safe defaults for a
zero-setup start.

`from_environment` is the one function that reads environment variables. It is called by
`create_app` (so by gunicorn and every CLI command that needs the app) and by
`digicheck config check`. A bad value raises `ConfigError` with one German line that names the
variable and what is allowed; the CLI prints it and exits 1, and gunicorn refuses to start.
Never read at import time, so tests and the CLI can set the environment first.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from digicheck import db_pool

#: Smallest length of SECRET_KEY outside demo mode (32 characters: 128+ bits of a random hex value).
MIN_SECRET_LENGTH = 32
TRUE_WORDS = ("1", "true", "ja")
FALSE_WORDS = ("0", "false", "nein")


class ConfigError(RuntimeError):
    """The environment does not describe a runnable configuration (one German line)."""


@dataclass(frozen=True)
class Variable:
    """One environment variable: its default and what is allowed, for the README's table and
    `digicheck config check`."""

    name: str
    default: str
    allowed: str
    meaning: str


VARIABLES: tuple[Variable, ...] = (
    Variable(
        "SECRET_KEY",
        "",
        f"mindestens {MIN_SECRET_LENGTH} Zeichen (im Demo-Modus optional)",
        "signs sessions and CSRF tokens; a long random value, e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`",
    ),
    Variable(
        "DATABASE_URL",
        "sqlite:///INSTANCE/digicheck.sqlite3",
        "sqlite:///PFAD oder postgresql://…",
        "SQLAlchemy URL of the database; PostgreSQL in production (driver psycopg 3)",
    ),
    Variable(
        "DIGICHECK_INSTANCE_PATH",
        "./instance",
        "ein Verzeichnis (wird angelegt)",
        "run-time state: the default SQLite database, imported catalogues, the operator's legal texts",
    ),
    Variable(
        "RATELIMIT_STORAGE_URI",
        "memory://",
        "memory://, redis://HOST:PORT[/DB] oder rediss://…",
        "where login limits are counted; with several processes `redis://…` (needs `digicheck[redis]`)",
    ),
    Variable(
        "DIGICHECK_LOGIN_RATE_LIMIT",
        "10 per minute",
        "eine Grenze wie '10 per minute' oder '5/minute;50/hour'",
        "failed login (and password-change) attempts per client address",
    ),
    Variable(
        "DIGICHECK_API_RATE_LIMIT",
        "120 per minute",
        "eine Grenze wie '120 per minute' oder '60/minute;1000/hour'",
        "requests to /api/v1 per API token (per account for signed-in users)",
    ),
    Variable(
        "DIGICHECK_ACCOUNT_LOGIN_LIMIT",
        "10 per 15 minutes",
        "eine Grenze wie '10 per 15 minutes'",
        "failed logins per account (any address); over it, an account with a second factor still logs in with its code, one without waits",
    ),
    Variable(
        "DIGICHECK_PROXY_HOPS", "0", "ganze Zahl 0–5", "reverse proxies whose X-Forwarded-For/-Proto/-Host are trusted (1 behind one proxy)"
    ),
    Variable(
        "DIGICHECK_SECURE_COOKIES", "0", "1/0/true/false/ja/nein", "on behind HTTPS: cookies only over TLS, and HSTS on every response"
    ),
    Variable("DIGICHECK_SESSION_HOURS", "10", "ganze Zahl 1–720", "how long a login lasts"),
    Variable(
        "DIGICHECK_SESSION_IDLE_MINUTES",
        "0",
        "0 (aus) oder ganze Zahl 5–1440",
        "a login ends after this many minutes without a request (0: only the absolute lifetime)",
    ),
    Variable("DIGICHECK_INVITATION_DAYS", "7", "ganze Zahl 1–90", "how long an invitation link is valid"),
    Variable("DIGICHECK_RESET_HOURS", "24", "ganze Zahl 1–168", "how long a password reset link is valid"),
    Variable(
        "DIGICHECK_REQUIRE_2FA",
        "0",
        "1/0/true/false/ja/nein",
        "on: consultants and admins must enrol a second factor (TOTP) at their next login",
    ),
    Variable(
        "DIGICHECK_SMTP_URL",
        "",
        "smtp://[BENUTZER:PASSWORT@]HOST[:PORT] (STARTTLS) oder smtps://… (TLS)",
        "mail server for invitation and reset links; without it links are only shown to the person who creates them",
    ),
    Variable(
        "DIGICHECK_MAIL_FROM",
        "",
        "eine Adresse, z. B. 'Digi-Check <digicheck@example.de>'",
        "sender of those mails; required with DIGICHECK_SMTP_URL",
    ),
    Variable("DIGICHECK_BENCHMARK_K", "5", "ganze Zahl 2–1000", "smallest number of submitted assessments behind any benchmark figure"),
    Variable(
        "DIGICHECK_TIMEZONE",
        "Europe/Berlin",
        "ein IANA-Zeitzonenname wie Europe/Berlin",
        "the local time of every date and time shown on pages, exports, PDFs and the CLI (stored instants are UTC)",
    ),
    Variable(
        "DIGICHECK_QUESTIONNAIRES",
        "(shipped)",
        "ein Verzeichnis mit Fragebogen-Dateien",
        "folder of questionnaire versions; the shipped one by default",
    ),
    Variable("DIGICHECK_DEMO", "0", "1/0/true/false/ja/nein", "demo mode: random secret key, demo banner, `digicheck demo seed` allowed"),
    Variable(
        "DIGICHECK_REGISTER_FILE",
        "(newest ../shared/data/gv100ad/GV100AD_*.txt)",
        "Pfad einer Datei",
        "the official municipality register the demo reads its municipalities from",
    ),
)
KNOWN = {v.name for v in VARIABLES}


def normalise_database_url(url: str) -> str:
    """Accept the common `postgres://` and `postgresql://` forms and use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def instance_path(env: Mapping[str, str] | None = None) -> Path:
    """The instance folder: `DIGICHECK_INSTANCE_PATH`, else `./instance` where the app starts."""
    env = os.environ if env is None else env
    text = env.get("DIGICHECK_INSTANCE_PATH", "").strip()
    return Path(text or "instance").expanduser().resolve()


def from_environment(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every setting of the app, read from `env` (default: the process environment) and checked."""
    env = dict(os.environ if env is None else env)
    demo = boolean(env, "DIGICHECK_DEMO", "0")
    secure = boolean(env, "DIGICHECK_SECURE_COOKIES", "0")
    instance = instance_path(env)
    database = database_url(env, instance)
    zone = time_zone(env)
    engine = db_pool.engine_options(database)  # recovery after a database restart: digicheck/db_pool.py
    return {
        "SECRET_KEY": secret_key(env, demo),
        "SQLALCHEMY_DATABASE_URI": database,
        "SQLALCHEMY_ENGINE_OPTIONS": engine,
        "INSTANCE_PATH": str(instance),
        "DIGICHECK_DEMO": demo,
        "DIGICHECK_QUESTIONNAIRES": folder(env, "DIGICHECK_QUESTIONNAIRES"),
        "RATELIMIT_STORAGE_URI": ratelimit_storage(env),
        # Redis unreachable: count in this process (one warning in the log) instead of a 500
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": rate_limit(env, "DIGICHECK_LOGIN_RATE_LIMIT", "10 per minute"),
        "API_RATE_LIMIT": rate_limit(env, "DIGICHECK_API_RATE_LIMIT", "120 per minute"),
        "ACCOUNT_LOGIN_LIMIT": rate_limit(env, "DIGICHECK_ACCOUNT_LOGIN_LIMIT", "10 per 15 minutes"),
        "SESSION_IDLE_MINUTES": idle_minutes(env),
        "PROXY_HOPS": whole_number(env, "DIGICHECK_PROXY_HOPS", "0", 0, 5),
        "REGISTER_FILE": env.get("DIGICHECK_REGISTER_FILE", "").strip(),
        "INVITATION_DAYS": whole_number(env, "DIGICHECK_INVITATION_DAYS", "7", 1, 90),
        # a CSRF token lives as long as the login session: an open form never goes stale by the clock alone
        "WTF_CSRF_TIME_LIMIT": None,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=whole_number(env, "DIGICHECK_SESSION_HOURS", "10", 1, 720)),
        # the cookie is signed and sent only when the session changed: its lifetime is absolute anyway
        # (the server-side session row decides, digicheck/accounts/sessions.py), so re-signing it on
        # every response bought nothing and cost every request (issue 18)
        "SESSION_REFRESH_EACH_REQUEST": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SECURE": secure,
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "BABEL_DEFAULT_LOCALE": "de",
        "TIMEZONE": zone,
        "BABEL_DEFAULT_TIMEZONE": zone,
        "MAX_TEXT_LENGTH": 2000,
        "BENCHMARK_K": whole_number(env, "DIGICHECK_BENCHMARK_K", "5", 2, 1000),
        "RESET_HOURS": whole_number(env, "DIGICHECK_RESET_HOURS", "24", 1, 168),
        "REQUIRE_2FA": boolean(env, "DIGICHECK_REQUIRE_2FA", "0"),
        **mail_settings(env),
    }


def boolean(env: Mapping[str, str], name: str, default: str) -> bool:
    text = env.get(name, default).strip().lower() or default
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}={_shown(text)} ist ungültig: erlaubt sind 1/0, true/false, ja/nein.")


def whole_number(env: Mapping[str, str], name: str, default: str, low: int, high: int) -> int:
    text = env.get(name, default).strip() or default
    if not (text.isascii() and text.isdigit() and len(text) <= 6) or not low <= int(text) <= high:
        raise ConfigError(f"{name}={_shown(text)} ist ungültig: erlaubt ist eine ganze Zahl von {low} bis {high}.")
    return int(text)


def idle_minutes(env: Mapping[str, str]) -> int:
    text = env.get("DIGICHECK_SESSION_IDLE_MINUTES", "0").strip() or "0"
    if text == "0":
        return 0
    try:
        return whole_number(env, "DIGICHECK_SESSION_IDLE_MINUTES", "0", 5, 1440)
    except ConfigError:
        raise ConfigError(
            f"DIGICHECK_SESSION_IDLE_MINUTES={_shown(text)} ist ungültig: erlaubt ist 0 (aus) oder eine ganze Zahl von 5 bis 1440."
        ) from None


def secret_key(env: Mapping[str, str], demo: bool) -> str:
    secret = env.get("SECRET_KEY", "")
    if demo:
        return secret or secrets.token_hex(32)
    if not secret:
        raise ConfigError(
            "SECRET_KEY fehlt: setzen Sie einen zufälligen Wert mit mindestens "
            f"{MIN_SECRET_LENGTH} Zeichen (nur im Demo-Modus DIGICHECK_DEMO=1 entbehrlich)."
        )
    if len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"SECRET_KEY ist zu kurz ({len(secret)} Zeichen): erlaubt sind mindestens {MIN_SECRET_LENGTH} "
            "Zeichen, z. B. aus `python -c 'import secrets; print(secrets.token_hex(32))'`."
        )
    return secret


SUPPORTED_DATABASES = "sqlite:///PFAD oder postgresql://BENUTZER:PASSWORT@HOST/DATENBANK"


def database_url(env: Mapping[str, str], instance: Path) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    raw = env.get("DATABASE_URL", "").strip()
    if not raw:
        return f"sqlite:///{instance / 'digicheck.sqlite3'}"
    try:
        url = make_url(normalise_database_url(raw))
    except (ArgumentError, ValueError):
        raise ConfigError(f"DATABASE_URL ist keine gültige Datenbank-URL: erlaubt ist {SUPPORTED_DATABASES}.") from None
    backend, driver = url.get_backend_name(), url.get_driver_name()
    if backend == "sqlite" and driver in ("pysqlite", "sqlite"):
        return url.render_as_string(hide_password=False)
    if backend == "postgresql":
        if driver != "psycopg":
            raise ConfigError(
                f"DATABASE_URL: der PostgreSQL-Treiber '{driver}' wird nicht unterstützt; verwenden Sie "
                "postgresql://… (Digi-Check bringt psycopg 3 mit)."
            )
        if not url.database:
            raise ConfigError(f"DATABASE_URL nennt keine Datenbank: erlaubt ist {SUPPORTED_DATABASES}.")
        return url.render_as_string(hide_password=False)
    raise ConfigError(f"DATABASE_URL: die Datenbank '{backend}' wird nicht unterstützt; erlaubt ist {SUPPORTED_DATABASES}.")


def time_zone(env: Mapping[str, str]) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = env.get("DIGICHECK_TIMEZONE", "").strip() or "Europe/Berlin"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"DIGICHECK_TIMEZONE={_shown(name)} ist ungültig: erlaubt ist ein IANA-Zeitzonenname wie Europe/Berlin."
        ) from None
    return name


def mail_settings(env: Mapping[str, str]) -> dict[str, str]:
    from email.headerregistry import Address
    from email.utils import parseaddr

    from email_validator import EmailNotValidError, validate_email

    url = env.get("DIGICHECK_SMTP_URL", "").strip()
    sender = env.get("DIGICHECK_MAIL_FROM", "").strip()
    if not url:
        return {"SMTP_URL": "", "MAIL_FROM": sender}
    from digicheck.mail import parse_smtp_url

    try:
        parse_smtp_url(url)
    except ValueError as exc:
        raise ConfigError(f"DIGICHECK_SMTP_URL ist ungültig: {exc}.") from None
    address = parseaddr(sender)[1]
    try:
        validate_email(address, check_deliverability=False)
        Address(addr_spec=address)
    except (EmailNotValidError, ValueError, IndexError):
        raise ConfigError(
            f"DIGICHECK_MAIL_FROM={_shown(sender)} ist ungültig: mit DIGICHECK_SMTP_URL ist eine Absenderadresse "
            "nötig, z. B. 'Digi-Check <digicheck@example.de>'."
        ) from None
    return {"SMTP_URL": url, "MAIL_FROM": sender}


def folder(env: Mapping[str, str], name: str) -> str:
    text = env.get(name, "").strip()
    if not text:
        from scoring.library import DEFAULT_DIR

        return str(DEFAULT_DIR)
    if not Path(text).is_dir():
        raise ConfigError(f"{name}={_shown(text)} ist ungültig: erlaubt ist ein vorhandenes Verzeichnis.")
    return text


def ratelimit_storage(env: Mapping[str, str]) -> str:
    uri = env.get("RATELIMIT_STORAGE_URI", "").strip() or "memory://"
    scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
    if scheme == "memory":
        return uri
    if scheme in ("redis", "rediss"):
        try:
            import redis  # noqa: F401
        except ImportError:
            raise ConfigError(
                "RATELIMIT_STORAGE_URI nennt Redis, aber der Redis-Client fehlt: "
                "installieren Sie Digi-Check mit `pip install 'digicheck[redis]'`."
            ) from None
        return uri
    raise ConfigError(f"RATELIMIT_STORAGE_URI={_shown(uri)} ist ungültig: erlaubt sind memory:// und redis://HOST:PORT.")


def rate_limit(env: Mapping[str, str], name: str, default: str) -> str:
    from limits import parse_many

    text = env.get(name, default).strip() or default
    try:
        if not parse_many(text):
            raise ValueError(text)
    except ValueError:
        raise ConfigError(
            f"{name}={_shown(text)} ist ungültig: erlaubt ist eine Grenze wie '10 per minute' oder '5/minute;50/hour'."
        ) from None
    return text


def _shown(text: str) -> str:
    """A value as it may appear in an error: short and printable (never a secret)."""
    text = text if text.isprintable() else text.encode("unicode_escape").decode("ascii")
    return repr(text if len(text) <= 60 else text[:57] + "…")


def check_environment(env: Mapping[str, str] | None = None) -> list[str]:
    """Warnings about a configuration that runs but is probably not meant that way."""
    env = os.environ if env is None else env
    settings = from_environment(env)
    warnings = [
        f"{name} ist gesetzt, aber Digi-Check kennt diese Variable nicht (Tippfehler?)"
        for name in sorted(env)
        if name.startswith("DIGICHECK_") and name not in KNOWN and not name.startswith("DIGICHECK_TEST_")
    ]
    if not settings["DIGICHECK_DEMO"]:
        if settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            warnings.append("DATABASE_URL ist nicht gesetzt oder SQLite: für den Betrieb mit mehreren Prozessen PostgreSQL verwenden")
        if settings["RATELIMIT_STORAGE_URI"].startswith("memory"):
            warnings.append(
                "RATELIMIT_STORAGE_URI=memory://: jeder Prozess zählt Anmeldeversuche für sich; mit mehreren Prozessen Redis verwenden"
            )
        if not settings["SESSION_COOKIE_SECURE"]:
            warnings.append("DIGICHECK_SECURE_COOKIES ist aus: hinter HTTPS einschalten")
    return warnings
