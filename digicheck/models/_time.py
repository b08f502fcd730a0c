"""Timestamps: always timezone-aware UTC, evaluated per row (never once at import).

`UTCDateTime` is the column type of every instant. On PostgreSQL it is TIMESTAMP WITH TIME
ZONE (absolute instants: comparisons and `AT TIME ZONE` never depend on the session's time
zone, and the schema needs no migration); the driver hands back the session's offset, which
is turned into UTC here. SQLite has no zone type: values are stored as UTC text and read back
as aware UTC. A naive datetime is refused when written, so no local wall time slips in.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An instant: written from an aware datetime (converted to UTC), read as aware UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"UTCDateTime expects a datetime, not {type(value).__name__}")
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: instants must be timezone-aware")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """SQLite: naive UTC text; PostgreSQL: aware, in the session's time zone."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
