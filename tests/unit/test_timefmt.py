"""digicheck.timefmt: UTC instants as local time in Europe/Berlin, daylight saving time included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from flask import Flask

from digicheck import timefmt


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("instant", "shown", "iso"),
    [
        ("2026-03-29 00:30", "29.03.2026, 01:30", "2026-03-29T01:30:00+01:00"),  # last hour of winter time
        ("2026-03-29 01:30", "29.03.2026, 03:30", "2026-03-29T03:30:00+02:00"),  # 02:00-03:00 does not exist
        ("2026-10-25 00:30", "25.10.2026, 02:30", "2026-10-25T02:30:00+02:00"),  # 02:30 twice: first in summer time,
        ("2026-10-25 01:30", "25.10.2026, 02:30", "2026-10-25T02:30:00+01:00"),  # then in winter time
        ("2026-01-15 23:30", "16.01.2026, 00:30", "2026-01-16T00:30:00+01:00"),
        ("2026-07-15 22:30", "16.07.2026, 00:30", "2026-07-16T00:30:00+02:00"),
    ],
)
def test_instants_on_both_sides_of_daylight_saving_changes(monkeypatch, instant: str, shown: str, iso: str) -> None:
    monkeypatch.delenv("DIGICHECK_TIMEZONE", raising=False)
    moment = utc(instant)
    assert timefmt.local_datetime(moment) == shown
    assert timefmt.local_date(moment) == shown.split(",")[0]
    assert timefmt.iso_with_offset(moment) == iso and datetime.fromisoformat(iso) == moment
    assert timefmt.local_wall_time(moment) == datetime.fromisoformat(iso).replace(tzinfo=None)
    assert timefmt.spreadsheet_datetime(moment) == datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M")
    assert timefmt.local_day(moment) == datetime.fromisoformat(iso).date()


def test_the_same_instant_in_any_offset_shows_the_same() -> None:
    moment = utc("2026-03-29 01:30")
    new_york = moment.astimezone(timezone(timedelta(hours=-4)))  # as PostgreSQL hands it out in a New York session
    naive_utc = moment.replace(tzinfo=None)  # as SQLite stores it
    shown = {timefmt.local_datetime(m, "Europe/Berlin") for m in (moment, new_york, naive_utc, moment.timestamp())}
    assert shown == {"29.03.2026, 03:30"}
    iso = {timefmt.iso_with_offset(m, "Europe/Berlin") for m in (moment, new_york, naive_utc, moment.timestamp())}
    assert iso == {"2026-03-29T03:30:00+02:00"}  # the API's form: the first hour of summer time


def test_plain_dates_are_not_shifted() -> None:
    assert timefmt.local_date(date(2026, 3, 29)) == "29.03.2026"


def test_zone_comes_from_the_app_inside_it_and_from_the_environment_outside(monkeypatch) -> None:
    moment = utc("2026-01-15 23:30")
    monkeypatch.setenv("DIGICHECK_TIMEZONE", "America/New_York")
    assert timefmt.local_datetime(moment) == "15.01.2026, 18:30"
    monkeypatch.delenv("DIGICHECK_TIMEZONE")
    assert timefmt.local_datetime(moment) == "16.01.2026, 00:30"
    app = Flask(__name__)
    with app.app_context():
        assert timefmt.zone_name() == "Europe/Berlin"
    app.config["TIMEZONE"] = "Asia/Tokyo"
    with app.app_context():
        assert timefmt.local_datetime(moment) == "16.01.2026, 08:30"
        assert timefmt.iso_with_offset(moment) == "2026-01-16T08:30:00+09:00"


def test_today_is_the_local_day(monkeypatch) -> None:
    monkeypatch.delenv("DIGICHECK_TIMEZONE", raising=False)
    now = datetime.now(UTC)
    assert timefmt.today() in {timefmt.local_day(now), timefmt.local_day(now + timedelta(seconds=5))}
