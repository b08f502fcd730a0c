"""Instants as people here read them: local time in Europe/Berlin, German format (Babel).

Stored instants are UTC; this is the one place that turns one into text for a person.
"""

from __future__ import annotations

from datetime import datetime, timezone

from babel.dates import format_datetime, get_timezone

TIMEZONE = "Europe/Berlin"


def local_datetime(instant: datetime | float, zone: str = TIMEZONE) -> str:
    """`instant` (aware or naive UTC datetime, or a POSIX timestamp) as '06.12.2026, 14:05'."""
    if isinstance(instant, (int, float)):
        instant = datetime.fromtimestamp(instant, tz=timezone.utc)
    elif instant.tzinfo is None:
        instant = instant.replace(tzinfo=timezone.utc)
    return format_datetime(instant, "dd.MM.yyyy, HH:mm", tzinfo=get_timezone(zone), locale="de_DE")
