"""Municipalities from the official register: insert new ones, update changed ones, mark merged ones.

Nothing is ever deleted: a municipality that leaves the register keeps its
assessments and is marked (merged into its successor where known).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import ColumnElement, false, func, or_, select

from digicheck import timefmt
from digicheck.extensions import db
from digicheck.models import Municipality
from digicheck.register import RegisterEntry
from scoring.laender import GERMANY, HOME_LAND, LAENDER, land_name
from scoring.names import search_key

FIELDS = ("name", "name_official", "kind", "kreis", "kreis_ags", "regierungsbezirk", "population", "area_km2")
MERGES_FILE = Path(__file__).resolve().parent / "data" / "merges.csv"
AGS = re.compile(r"^\d{5}(\d{3})?$", re.ASCII)


@dataclass(frozen=True)
class ImportCounts:
    new: int
    updated: int
    unchanged: int
    merged: int
    left: int


def known_merges(path: Path = MERGES_FILE) -> dict[str, str]:
    """Old AGS -> AGS of the municipality it was merged into (Gebietsänderungen)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["ags"]: row["merged_into_ags"] for row in csv.DictReader(handle)}


def upsert(entries: list[RegisterEntry], edition: date | None, *, land: str | None = None, complete: bool = True) -> ImportCounts:
    """Apply one register edition in a single transaction.

    Municipalities of the imported scope (`land`, or the Länder present in the
    file) that are missing from it are marked as having left the register, and
    as merged where `data/merges.csv` names their successor. `complete=False`
    (a partial list such as the demo fixture) marks nothing.
    """
    existing = {m.ags: m for m in db.session.scalars(select(Municipality))}
    new = updated = unchanged = 0
    for entry in entries:
        values = {field: getattr(entry, field, None) for field in FIELDS}
        row = existing.get(entry.ags)
        if row is None:
            row = Municipality(ags=entry.ags, register_edition=edition, **values)
            db.session.add(row)
            existing[entry.ags] = row
            new += 1
        elif any(getattr(row, k) != v for k, v in values.items()) or row.left_register is not None:
            for key, value in values.items():
                setattr(row, key, value)
            row.register_edition, row.left_register = edition, None
            updated += 1
        else:
            unchanged += 1
    db.session.flush()
    merged = left = 0
    present = {entry.ags for entry in entries}
    scope = {land} if land else {entry.ags[:2] for entry in entries}
    merges = known_merges()
    for ags, row in existing.items():
        if not complete or ags in present or ags[:2] not in scope or not row.in_register:
            continue
        row.left_register = edition or timefmt.today()
        successor = existing.get(merges.get(ags, ""))
        if successor is not None:
            row.merged_into_id = successor.id
            merged += 1
        else:
            left += 1
    db.session.flush()
    return ImportCounts(new, updated, unchanged, merged, left)


#: what the official register says of a municipality, as the CLI and the API show it
REGISTER_FIELDS = ("ags", "name", "land", "kind", "kreis", "regierungsbezirk", "population", "in_register")


def register_fields(municipality: object) -> dict[str, object]:
    """The register fields of a Municipality (or of a row with the same attributes)."""
    return {name: getattr(municipality, name) for name in REGISTER_FIELDS}


def by_ags(ags: str) -> Municipality | None:
    return db.session.scalars(select(Municipality).where(Municipality.ags == ags)).first()


def name_contains(text: str, column: ColumnElement[str] | None = None) -> ColumnElement[bool]:
    """Rows whose name contains `text`, spelled forgivingly (`scoring.names.search_key` on both sides):
    a LIKE on the stored key, the same on SQLite and PostgreSQL. `column` is a `name_search` column
    of a subquery; nothing matches text without a letter or digit."""
    key = search_key(text)
    target = Municipality.name_search if column is None else column
    return target.contains(key, autoescape=True) if key else false()


def describe(municipalities: list[Municipality]) -> str:
    return ", ".join(f"{m.name} ({m.kind}, {m.ags})" for m in municipalities)


def named(entries: list[str]) -> tuple[list[Municipality], list[str]]:
    """The municipalities named by AGS or by name (spelled forgivingly, see `name_contains`), in the
    given order and without repeats (one query); a German message for each entry that names none or several."""
    errors = [
        f"„{e}“ ist kein Amtlicher Gemeindeschlüssel (8 Ziffern, für Landkreise 5)." for e in entries if e.isdigit() and not AGS.match(e)
    ]
    codes = [e for e in entries if AGS.match(e)]
    names = [e for e in entries if not e.isdigit()]
    conditions = ([Municipality.ags.in_(codes)] if codes else []) + [name_contains(n) for n in names]
    found = (
        list(db.session.scalars(select(Municipality).where(or_(*conditions)).order_by(Municipality.name, Municipality.ags)))
        if conditions
        else []
    )
    chosen: list[Municipality] = []
    for entry in entries:
        if entry.isdigit():
            matches = [m for m in found if m.ags == entry]
            if AGS.match(entry) and not matches:
                errors.append(f"Keine Kommune mit dem AGS {entry} gefunden.")
        else:
            key = search_key(entry)
            matches = [m for m in found if key and m.name_search == key]
            similar = [m for m in found if key and key in m.name_search][:5]
            if len(matches) > 1:
                errors.append(f"„{entry}“ ist mehrdeutig: {describe(matches)}. Bitte geben Sie den AGS an.")
            elif not matches:
                errors.append(f"Keine Kommune heißt „{entry}“." + (f" Meinten Sie: {describe(similar)}?" if similar else ""))
        if len(matches) == 1 and matches[0] not in chosen:
            chosen.append(matches[0])
    return chosen, errors


def in_register() -> ColumnElement[bool]:
    """Municipalities the current register lists (not merged, not left)."""
    return Municipality.left_register.is_(None) & Municipality.merged_into_id.is_(None)


def laender() -> list[tuple[str, int]]:
    """(Land key, municipalities in the register) of every Land imported, in key order."""
    rows = db.session.execute(select(Municipality.land, func.count()).where(in_register()).group_by(Municipality.land)).all()
    return sorted((str(land), int(count)) for land, count in rows)


def land_choices(present: list[tuple[str, int]]) -> list[tuple[str, str]]:
    """The Land filter's options: every imported Land, then "Deutschland" (all of them together)."""
    return [(key, land_name(key)) for key, _count in present if key in LAENDER] + [(GERMANY, land_name(GERMANY))]


def default_land(municipality: Municipality | None, present: list[tuple[str, int]]) -> str:
    """The scope a view starts with: a Kommune's own Land; for everyone else Hessen when imported, else the
    Land with the most municipalities (docs/benchmark.md "Länder"); GERMANY when nothing is imported."""
    if municipality is not None:
        return municipality.land
    keys = [key for key, _count in present]
    if HOME_LAND in keys:
        return HOME_LAND
    return max(present, key=lambda item: (item[1], item[0]))[0] if present else GERMANY
