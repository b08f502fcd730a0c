"""Configuration: every environment variable is read and checked by `from_environment`; a bad
value is one German line naming the variable and what is allowed. One test per variable."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from digicheck.config import KNOWN, MIN_SECRET_LENGTH, VARIABLES, ConfigError, check_environment, from_environment

SECRET = "s" * MIN_SECRET_LENGTH


def settings(**env: str) -> dict:
    return from_environment({"SECRET_KEY": SECRET, **env})


def refused(**env: str) -> str:
    with pytest.raises(ConfigError) as caught:
        from_environment({"SECRET_KEY": SECRET, **env})
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_defaults_give_a_runnable_configuration(tmp_path: Path) -> None:
    config = settings(DIGICHECK_INSTANCE_PATH=str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'digicheck.sqlite3'}"
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=10)
    assert config["INVITATION_DAYS"] == 7 and config["BENCHMARK_K"] == 5 and config["PROXY_HOPS"] == 0
    assert config["SESSION_COOKIE_SECURE"] is False and config["DIGICHECK_DEMO"] is False


# SECRET_KEY


def test_secret_key_missing_outside_demo() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY fehlt"):
        from_environment({})


def test_secret_key_too_short_outside_demo() -> None:
    assert "mindestens 32 Zeichen" in refused(SECRET_KEY="x")
    assert settings(SECRET_KEY="k" * 32)["SECRET_KEY"] == "k" * 32


def test_secret_key_optional_in_demo_mode() -> None:
    first = from_environment({"DIGICHECK_DEMO": "1"})["SECRET_KEY"]
    assert len(first) >= 32 and first != from_environment({"DIGICHECK_DEMO": "1"})["SECRET_KEY"]
    assert from_environment({"DIGICHECK_DEMO": "ja", "SECRET_KEY": "kurz"})["SECRET_KEY"] == "kurz"


# DATABASE_URL


@pytest.mark.parametrize(
    "url, expected",
    [
        ("postgresql://u:p@db/digicheck", "postgresql+psycopg://u:p@db/digicheck"),
        ("postgres://u@db:5433/digicheck", "postgresql+psycopg://u@db:5433/digicheck"),
        ("postgresql+psycopg://u@db/digicheck", "postgresql+psycopg://u@db/digicheck"),
        ("sqlite:////srv/digicheck/data.sqlite3", "sqlite:////srv/digicheck/data.sqlite3"),
    ],
)
def test_database_url_accepted(url: str, expected: str) -> None:
    assert settings(DATABASE_URL=url)["SQLALCHEMY_DATABASE_URI"] == expected


@pytest.mark.parametrize(
    "url, words",
    [
        ("mysql://u@db/digicheck", "'mysql' wird nicht unterstützt"),
        ("postgresql+psycopg2://u@db/digicheck", "Treiber 'psycopg2' wird nicht unterstützt"),
        ("kein url", "keine gültige Datenbank-URL"),
        ("postgresql://u@db:zz/digicheck", "keine gültige Datenbank-URL"),
        ("postgresql://u@db", "nennt keine Datenbank"),
    ],
)
def test_database_url_refused_names_the_kind(url: str, words: str) -> None:
    message = refused(DATABASE_URL=url)
    assert message.startswith("DATABASE_URL") and words in message


def test_database_url_password_never_in_the_message() -> None:
    assert "geheim" not in refused(DATABASE_URL="mysql://u:geheim@db/x")


# DIGICHECK_INSTANCE_PATH


def test_instance_path_default_is_instance_where_the_app_starts(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert from_environment({"SECRET_KEY": SECRET})["INSTANCE_PATH"] == str(tmp_path / "instance")
    assert settings(DIGICHECK_INSTANCE_PATH=str(tmp_path / "x"))["INSTANCE_PATH"] == str(tmp_path / "x")


# RATELIMIT_STORAGE_URI


def test_ratelimit_storage() -> None:
    assert settings(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379")["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379"
    assert settings()["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is True  # Redis down: no 500 at login
    message = refused(RATELIMIT_STORAGE_URI="memcached://x")
    assert message.startswith("RATELIMIT_STORAGE_URI") and "redis://" in message


# DIGICHECK_LOGIN_RATE_LIMIT


def test_login_rate_limit() -> None:
    assert settings(DIGICHECK_LOGIN_RATE_LIMIT="5/minute;50/hour")["LOGIN_RATE_LIMIT"] == "5/minute;50/hour"
    assert "10 per minute" in refused(DIGICHECK_LOGIN_RATE_LIMIT="zehn pro Minute")


# DIGICHECK_PROXY_HOPS


def test_proxy_hops() -> None:
    assert settings(DIGICHECK_PROXY_HOPS="1")["PROXY_HOPS"] == 1
    assert "0 bis 5" in refused(DIGICHECK_PROXY_HOPS="-1")
    assert "0 bis 5" in refused(DIGICHECK_PROXY_HOPS="eins")


# DIGICHECK_SECURE_COOKIES (booleans accept 1/0/true/false/ja/nein)


@pytest.mark.parametrize("text, expected", [("1", True), ("true", True), ("JA", True), ("0", False), ("false", False), ("nein", False)])
def test_secure_cookies_booleans(text: str, expected: bool) -> None:
    config = settings(DIGICHECK_SECURE_COOKIES=text)
    assert config["SESSION_COOKIE_SECURE"] is expected and config["REMEMBER_COOKIE_SECURE"] is expected


def test_secure_cookies_refuses_other_words() -> None:
    message = refused(DIGICHECK_SECURE_COOKIES="yes")
    assert message.startswith("DIGICHECK_SECURE_COOKIES") and "ja/nein" in message


# DIGICHECK_SESSION_HOURS


def test_session_hours() -> None:
    assert settings(DIGICHECK_SESSION_HOURS="8")["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=8)
    assert "DIGICHECK_SESSION_HOURS='zehn'" in refused(DIGICHECK_SESSION_HOURS="zehn")
    assert "1 bis 720" in refused(DIGICHECK_SESSION_HOURS="0")
    assert "1 bis 720" in refused(DIGICHECK_SESSION_HOURS="9" * 5000)


# DIGICHECK_INVITATION_DAYS


def test_invitation_days() -> None:
    assert settings(DIGICHECK_INVITATION_DAYS="14")["INVITATION_DAYS"] == 14
    assert "1 bis 90" in refused(DIGICHECK_INVITATION_DAYS="sieben")


# DIGICHECK_BENCHMARK_K


def test_benchmark_k() -> None:
    assert settings(DIGICHECK_BENCHMARK_K="7")["BENCHMARK_K"] == 7
    assert "2 bis 1000" in refused(DIGICHECK_BENCHMARK_K="0")  # k = 0 would have started, then failed on every page
    assert "2 bis 1000" in refused(DIGICHECK_BENCHMARK_K="1")


# DIGICHECK_ACCOUNT_LOGIN_LIMIT


def test_account_login_limit() -> None:
    assert settings()["ACCOUNT_LOGIN_LIMIT"] == "10 per 15 minutes"
    assert settings(DIGICHECK_ACCOUNT_LOGIN_LIMIT="5 per hour")["ACCOUNT_LOGIN_LIMIT"] == "5 per hour"
    assert refused(DIGICHECK_ACCOUNT_LOGIN_LIMIT="viele").startswith("DIGICHECK_ACCOUNT_LOGIN_LIMIT")


# DIGICHECK_SESSION_IDLE_MINUTES


def test_session_idle_minutes() -> None:
    assert settings()["SESSION_IDLE_MINUTES"] == 0
    assert settings(DIGICHECK_SESSION_IDLE_MINUTES="30")["SESSION_IDLE_MINUTES"] == 30
    assert "0 (aus) oder eine ganze Zahl von 5 bis 1440" in refused(DIGICHECK_SESSION_IDLE_MINUTES="2")
    assert "0 (aus)" in refused(DIGICHECK_SESSION_IDLE_MINUTES="halbe Stunde")


# DIGICHECK_RESET_HOURS


def test_reset_hours() -> None:
    assert settings()["RESET_HOURS"] == 24 and settings(DIGICHECK_RESET_HOURS="48")["RESET_HOURS"] == 48
    assert "1 bis 168" in refused(DIGICHECK_RESET_HOURS="einen Tag")


# DIGICHECK_REQUIRE_2FA


def test_require_2fa() -> None:
    assert settings()["REQUIRE_2FA"] is False and settings(DIGICHECK_REQUIRE_2FA="ja")["REQUIRE_2FA"] is True
    assert "DIGICHECK_REQUIRE_2FA" in refused(DIGICHECK_REQUIRE_2FA="immer")


# DIGICHECK_SMTP_URL and DIGICHECK_MAIL_FROM


def test_smtp_url_and_sender() -> None:
    assert settings()["SMTP_URL"] == ""
    config = settings(DIGICHECK_SMTP_URL="smtp://u:p@mail.example.de:587", DIGICHECK_MAIL_FROM="Digi-Check <dc@example.de>")
    assert config["SMTP_URL"] == "smtp://u:p@mail.example.de:587" and config["MAIL_FROM"] == "Digi-Check <dc@example.de>"
    assert refused(DIGICHECK_SMTP_URL="http://mail.example.de", DIGICHECK_MAIL_FROM="dc@example.de").startswith(
        "DIGICHECK_SMTP_URL ist ungültig"
    )
    assert "geheim" not in refused(DIGICHECK_SMTP_URL="ftp://u:geheim@x", DIGICHECK_MAIL_FROM="dc@example.de")
    assert "Absenderadresse" in refused(DIGICHECK_SMTP_URL="smtp://127.0.0.1:25")
    assert "Absenderadresse" in refused(DIGICHECK_SMTP_URL="smtp://127.0.0.1:25", DIGICHECK_MAIL_FROM="kein Absender")


# DIGICHECK_TIMEZONE


def test_time_zone() -> None:
    assert settings()["TIMEZONE"] == "Europe/Berlin" == settings()["BABEL_DEFAULT_TIMEZONE"]
    assert settings(DIGICHECK_TIMEZONE="Europe/Vienna")["TIMEZONE"] == "Europe/Vienna"
    assert "IANA-Zeitzonenname" in refused(DIGICHECK_TIMEZONE="Mitteleuropa")
    assert "IANA-Zeitzonenname" in refused(DIGICHECK_TIMEZONE="../../etc/passwd")


# DIGICHECK_QUESTIONNAIRES


def test_questionnaires_folder(tmp_path: Path) -> None:
    assert settings(DIGICHECK_QUESTIONNAIRES=str(tmp_path))["DIGICHECK_QUESTIONNAIRES"] == str(tmp_path)
    assert "vorhandenes Verzeichnis" in refused(DIGICHECK_QUESTIONNAIRES=str(tmp_path / "fehlt"))


# DIGICHECK_DEMO


def test_demo_flag() -> None:
    assert from_environment({"DIGICHECK_DEMO": "true"})["DIGICHECK_DEMO"] is True
    assert "DIGICHECK_DEMO" in refused(DIGICHECK_DEMO="vielleicht")


# DIGICHECK_REGISTER_FILE


def test_register_file_passed_through() -> None:
    assert settings(DIGICHECK_REGISTER_FILE=" /data/GV100AD.txt ")["REGISTER_FILE"] == "/data/GV100AD.txt"


@pytest.mark.parametrize("document", ["README.md", "docs/operations.md"])
def test_every_variable_is_documented(document: str) -> None:
    text = (Path(__file__).resolve().parents[2] / document).read_text(encoding="utf-8")
    assert [v.name for v in VARIABLES if f"`{v.name}`" not in text] == []


def test_check_warns_about_typos_and_production_gaps(tmp_path: Path) -> None:
    warnings = check_environment({"SECRET_KEY": SECRET, "DIGICHECK_SESION_HOURS": "8", "DIGICHECK_INSTANCE_PATH": str(tmp_path)})
    assert any("DIGICHECK_SESION_HOURS" in w for w in warnings)
    assert any("RATELIMIT_STORAGE_URI" in w for w in warnings) and any("DIGICHECK_SECURE_COOKIES" in w for w in warnings)
    assert "DIGICHECK_SESSION_HOURS" in KNOWN


def test_config_check_command_prints_one_line_and_exits_1() -> None:
    from digicheck.cli import main

    result = CliRunner().invoke(main, ["config", "check"], env={"SECRET_KEY": SECRET, "DIGICHECK_SESSION_HOURS": "zehn"})
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Fehler: DIGICHECK_SESSION_HOURS='zehn' ist ungültig: erlaubt ist eine ganze Zahl von 1 bis 720."
    ]


def test_gunicorn_refuses_to_start_with_a_bad_value(tmp_path: Path) -> None:
    env = {"PATH": str(Path(sys.executable).parent), "SECRET_KEY": "x", "DIGICHECK_INSTANCE_PATH": str(tmp_path)}
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "python:digicheck.gunicorn_conf",
            "-b",
            "127.0.0.1:0",
            "digicheck.app:create_app()",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if "[INFO]" not in line]
    assert errors == [
        f"Fehler: SECRET_KEY ist zu kurz (1 Zeichen): erlaubt sind mindestens {MIN_SECRET_LENGTH} Zeichen, "
        "z. B. aus `python -c 'import secrets; print(secrets.token_hex(32))'`."
    ]
    assert "Traceback" not in done.stderr + done.stdout


def test_gunicorn_access_log_masks_one_time_tokens() -> None:
    from digicheck.gunicorn_conf import TOKEN

    token = "qBNxVC0RtfSgy2EPuD4uYPEBkh8V5IMJru_XSh7cEes"
    assert TOKEN.sub("***", f"/einladung/{token}") == "/einladung/***"
    assert TOKEN.sub("***", f"GET /passwort-zuruecksetzen/{token} HTTP/1.1") == "GET /passwort-zuruecksetzen/*** HTTP/1.1"
    assert TOKEN.sub("***", "/bewertung/12/bereich/kommunikation") == "/bewertung/12/bereich/kommunikation"
    assert TOKEN.sub("***", "/static/css/app.de3c8324d209.css") == "/static/css/app.de3c8324d209.css"
