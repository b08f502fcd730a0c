"""Timestamps: always timezone-aware UTC, evaluated per row (never once at import)."""

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
