"""Municipalities from the official register: insert new ones, update changed ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from digicheck.extensions import db
from digicheck.models import Municipality
from digicheck.register import RegisterEntry

FIELDS = ("name", "name_official", "kind", "kreis", "kreis_ags", "regierungsbezirk", "population", "area_km2")


@dataclass(frozen=True)
class ImportCounts:
    new: int
    updated: int
    unchanged: int


def upsert(entries: list[RegisterEntry], edition: date | None) -> ImportCounts:
    """Insert or update every entry in one transaction; nothing is deleted."""
    existing = {m.ags: m for m in db.session.scalars(select(Municipality))}
    new = updated = unchanged = 0
    for entry in entries:
        values = {field: getattr(entry, field, None) for field in FIELDS}
        row = existing.get(entry.ags)
        if row is None:
            db.session.add(Municipality(ags=entry.ags, register_edition=edition, **values))
            new += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.register_edition = edition
            updated += 1
        else:
            unchanged += 1
    db.session.commit()
    return ImportCounts(new, updated, unchanged)


def by_ags(ags: str) -> Municipality | None:
    return db.session.scalars(select(Municipality).where(Municipality.ags == ags)).first()
