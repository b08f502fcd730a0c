"""Instants as people here read them: local time (Europe/Berlin unless configured), German format (Babel).

Stored instants are aware UTC (`digicheck.models._time.UTCDateTime`); this is the one place
that turns one into text or into a local calendar day, for pages, exports, PDFs and the CLI.
Daylight saving time comes from the time zone database, never from a fixed offset.
The zone is the app's `TIMEZONE` setting inside the app, else `DIGICHECK_TIMEZONE`.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from flask import current_app, has_app_context

TIMEZONE = "Europe/Berlin"
LOCALE = "de_DE"
DATETIME_PATTERN = "dd.MM.yyyy, HH:mm"
DATE_PATTERN = "dd.MM.yyyy"
#: a spreadsheet cell as text: read as a date and time by spreadsheet programs in any language
SPREADSHEET_PATTERN = "yyyy-MM-dd HH:mm"
#: the number format of local date-time cells in XLSX exports

Instant = datetime | float


def zone_name() -> str:
    """The configured zone name: app config inside the app, the environment in the plain CLI."""
    if has_app_context():
        return str(current_app.config.get("TIMEZONE", TIMEZONE))
    from digicheck.config import time_zone

    return time_zone(os.environ)


def local_zone(zone: str | None = None) -> tzinfo:
    return _zone(zone or zone_name())


@lru_cache(maxsize=16)
def _zone(name: str) -> tzinfo:
    """The zone of a name, looked up once, from the standard library's zone database (as
    digicheck.config validates the name): Babel's lookup gave a pytz zone, whose conversion cost
    a list of 100 instants a millisecond (bench/api_bench.py). Babel formats with either."""
    return ZoneInfo(name)


def as_utc(instant: Instant) -> datetime:
    """An aware UTC datetime from an aware datetime, a naive UTC one, or a POSIX timestamp."""
    if isinstance(instant, (int, float)):
        return datetime.fromtimestamp(instant, tz=UTC)
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


def to_local(instant: Instant, zone: str | None = None) -> datetime:
    """The instant as an aware datetime in the local zone (with that day's offset: CET or CEST)."""
    if isinstance(instant, datetime) and instant.tzinfo is not None:
        return instant.astimezone(local_zone(zone))  # aware: converts from whatever zone it is in
    return as_utc(instant).astimezone(local_zone(zone))


def local_datetime(instant: Instant, zone: str | None = None) -> str:
    """'16.01.2026, 00:30'."""
    return format_datetime(as_utc(instant), DATETIME_PATTERN, tzinfo=local_zone(zone), locale=LOCALE)


def local_date(value: Instant | date, zone: str | None = None) -> str:
    """An instant's local calendar day as '16.01.2026'; a plain date (no time of day) as it is."""
    if isinstance(value, (datetime, int, float)):
        return format_datetime(as_utc(value), DATE_PATTERN, tzinfo=local_zone(zone), locale=LOCALE)
    return format_date(value, DATE_PATTERN, locale=LOCALE)


def local_day(instant: Instant, zone: str | None = None) -> date:
    """The local calendar day of an instant (deadlines, 'as of' dates)."""
    return to_local(instant, zone).date()


def today(zone: str | None = None) -> date:
    """Today here, not on the server's clock."""
    return local_day(datetime.now(UTC), zone)


def iso_with_offset(instant: Instant, zone: str | None = None) -> str:
    """ISO 8601 in local time with its offset, for JSON: '2026-01-16T00:30:00+01:00'."""
    return to_local(instant, zone).isoformat(timespec="seconds")


def local_wall_time(instant: Instant, zone: str | None = None) -> datetime:
    """Local wall time without a zone, for XLSX cells: spreadsheets know no time zones."""
    return to_local(instant, zone).replace(tzinfo=None)


def spreadsheet_datetime(instant: Instant, zone: str | None = None) -> str:
    """Local wall time as CSV text: '2026-01-16 00:30'."""
    return format_datetime(as_utc(instant), SPREADSHEET_PATTERN, tzinfo=local_zone(zone), locale=LOCALE)
