"""Read the official municipality register (Destatis GV100AD) and its CSV form.

Standard library and `scoring` only, so the CLI, the app and the tests share
one parser and it runs without Flask or a database. Parsing is all-or-nothing: the first bad
record raises `RegisterError` naming file and line, and no entries come back,
so an import can never be half done.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from scoring.kinds import KINDS, KREISFREIE_STADT, LANDKREIS, REGISTER_GEMEINDE_KINDS, REGISTER_LANDKREIS_CODES, ags_length
from scoring.safe_yaml import YamlRefused, decode_utf8, read_limited

CSV_REQUIRED = ("ags", "name", "kind", "kreis", "regierungsbezirk", "population")
RECORD_LENGTH = 220
DEFAULT_EDITION = date(2025, 11, 30)
_SOURCE_LINE = "Quelle: Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV100AD, Gebietsstand {:%d.%m.%Y}, dl-de/by-2-0"
ATTRIBUTION = _SOURCE_LINE.format(DEFAULT_EDITION)

# Textkennzeichen (positions 123-124) of Satzart 60 and 40, from the Datensatzbeschreibung;
# those that name a kind are in `scoring.kinds`.
_GEMEINDEFREI = {"65", "66"}
_CITY_KREIS = {"41", "42"}  # Kreis record of a kreisfreie Stadt / Stadtkreis: the city is its Gemeinde record
#: Largest register file read (the whole of Germany, GV100AD, is about 3.5 MB).
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Largest population the database stores (a 32-bit integer column).
MAX_POPULATION = 2**31 - 1
#: Text fields that are stored, with their label and the length of their column in `models.Municipality`.
TEXT_FIELDS = {
    "name": ("Name", 120),
    "name_official": ("amtlicher Name", 200),
    "kreis": ("Kreis", 120),
    "regierungsbezirk": ("Regierungsbezirk", 80),
}
_AGS_WIDTH = {"10": 2, "20": 3, "30": 4, "40": 5, "50": 5, "60": 8}  # 30 Region, 50 Gemeindeverband: checked, not used


class RegisterError(ValueError):
    """The register file is broken; the message names file, line and problem in German."""

    def __init__(self, file: str, line: int | None, problem: str):
        self.file, self.line, self.problem = file, line, problem
        super().__init__(f"{file}: Zeile {line}: {problem}" if line else f"{file}: {problem}")


class _Invalid(ValueError):
    """A field is wrong; the caller adds file and line."""


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    """One Gemeinde (8-digit AGS) or Landkreis (5-digit Kreisschlüssel) as the app stores it."""

    ags: str
    name: str
    kind: str
    kreis: str
    kreis_ags: str
    regierungsbezirk: str
    regierungsbezirk_code: str
    population: int
    area_km2: float | None = None
    plz: str = ""
    name_official: str = ""
    population_male: int | None = None
    verwaltungssitz: str = ""


@dataclass(frozen=True, slots=True)
class Register:
    """A parsed file: the entries plus what an import reports (skipped areas) and cites (edition)."""

    entries: list[RegisterEntry]
    gebietsstand: date | None
    skipped_gemeindefrei: int = 0
    format: str = "gv100ad"

    @property
    def attribution(self) -> str:
        return attribution(self.gebietsstand)


def attribution(gebietsstand: date | None = None) -> str:
    """The source line the licence requires, for the given edition (default: the shipped one)."""
    return ATTRIBUTION if gebietsstand is None else _SOURCE_LINE.format(gebietsstand)


def short_name(official: str) -> str:
    """'Erbach, Kreisstadt' -> 'Erbach': the register appends status titles after a comma."""
    return official.split(",", 1)[0].strip()


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _number(text: str, label: str) -> int:
    value = text.strip()
    if not _digits(value):
        raise _Invalid(f"{label} '{value[:20]}' ist keine Zahl")
    if len(value) > 18:  # int() refuses more than 4300 digits; nothing real comes near 18
        raise _Invalid(f"{label} mit {len(value)} Ziffern ist zu groß")
    return int(value)


def _checked(entry: RegisterEntry) -> RegisterEntry:
    """Refuse values the database cannot store: over-long or control characters in names, huge populations."""
    for field, (label, limit) in TEXT_FIELDS.items():
        value = getattr(entry, field)
        if len(value) > limit:
            raise _Invalid(f"{label} ist {len(value)} Zeichen lang (höchstens {limit})")
        control = next((c for c in value if unicodedata.category(c) == "Cc"), None)
        if control is not None:
            raise _Invalid(f"{label} enthält ein Steuerzeichen (U+{ord(control):04X})")
    if entry.population > MAX_POPULATION:
        raise _Invalid(f"Einwohnerzahl {entry.population} ist zu groß (höchstens {MAX_POPULATION})")
    return entry


def _area(value: str) -> float:
    try:
        area = float(value)
    except ValueError:
        area = math.nan
    if math.isfinite(area) and area >= 0:
        return area
    raise _Invalid(f"Fläche '{value}' ist keine Zahl")


def _plz(text: str) -> str:
    value = text.strip()
    if value and not (len(value) == 5 and _digits(value)):
        raise _Invalid(f"Postleitzahl '{value}' ist ungültig")
    return value


def _gebietsstand(text: str) -> date:
    try:
        if len(text) == 8 and _digits(text):
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        pass
    raise _Invalid(f"Gebietsstand '{text}' ist kein Datum (JJJJMMTT)")


def _check_land(land: str | None) -> None:
    if land is not None and not (len(land) == 2 and _digits(land)):
        raise ValueError(f"Land muss ein zweistelliger Schlüssel sein, z. B. '06', nicht {land!r}")


def parse_gv100ad(text: str, source: str = "GV100AD", land: str | None = None) -> Register:
    """Parse fixed-width GV100AD records (220 characters each, Satzart 10-60).

    Kreis and Regierungsbezirk names and the Landkreis totals (all areas in the
    Kreis, gemeindefreie Gebiete included) are resolved after reading, so record
    order does not matter. The whole file is checked even when `land` selects
    one Land: a broken file is refused as a whole.
    """
    _check_land(land)
    rb_names: dict[str, str] = {}
    kreise: dict[str, tuple[int, str, str, str]] = {}
    gemeinden: list[tuple[int, str, str, str, int, int, int, str]] = []
    totals: dict[str, list[int]] = {}
    seen: dict[str, int] = {}
    stand, skipped = "", 0
    for number, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            if len(line) != RECORD_LENGTH:
                raise _Invalid(f"Satz hat {len(line)} statt {RECORD_LENGTH} Zeichen")
            satzart = line[:2]
            if satzart not in _AGS_WIDTH:
                raise _Invalid(f"unbekannte Satzart '{satzart}'")
            if line[2:10] != stand:
                if stand:
                    raise _Invalid(f"Gebietsstand '{line[2:10]}' weicht vom ersten Satz ({stand}) ab")
                _gebietsstand(line[2:10])
                stand = line[2:10]
            width = _AGS_WIDTH[satzart]
            ags = line[10 : 10 + width]
            if not _digits(ags) or line[10 + width : 18].strip():
                raise _Invalid(f"Schlüssel '{line[10:18].rstrip()}' ist für Satzart {satzart} ungültig")
            if satzart in ("30", "50"):
                continue
            if ags in seen:
                raise _Invalid(f"Schlüssel {ags} doppelt (zuerst in Zeile {seen[ags]})")
            seen[ags] = number
            official, code = line[22:72].strip(), line[122:124]
            if not official:
                raise _Invalid("Bezeichnung fehlt")
            if satzart == "40" and code not in _CITY_KREIS and code not in REGISTER_LANDKREIS_CODES:
                raise _Invalid(f"unbekanntes Textkennzeichen '{code}' für einen Kreis")
            if satzart == "60":
                if code not in REGISTER_GEMEINDE_KINDS and code not in _GEMEINDEFREI:
                    raise _Invalid(f"unbekanntes Textkennzeichen '{code}' für eine Gemeinde")
                area = _number(line[128:139], "Fläche")
                people = _number(line[139:150], "Einwohnerzahl")
                male = _number(line[150:161], "Einwohnerzahl männlich")
                plz = _plz(line[165:170])
            if land and ags[:2] != land:
                continue
            if satzart == "20":
                rb_names[ags] = official.removeprefix("Reg.-Bez. ")
            elif satzart == "40":
                kreise[ags] = (number, official, code, line[72:122].strip())
            elif satzart == "60":
                total = totals.setdefault(ags[:5], [0, 0, 0])
                total[:] = total[0] + area, total[1] + people, total[2] + male
                if code in _GEMEINDEFREI:
                    skipped += 1
                else:
                    gemeinden.append((number, ags, official, code, area, people, male, plz))
        except _Invalid as exc:
            raise RegisterError(source, number, str(exc)) from None

    def regierungsbezirk(number: int, ags: str) -> str:
        if ags[2] == "0":  # Land without Regierungsbezirke
            return ""
        if ags[:3] not in rb_names:
            raise RegisterError(source, number, f"Regierungsbezirk {ags[:3]} fehlt (kein Satz der Satzart 20)")
        return rb_names[ags[:3]]

    entries: list[RegisterEntry] = []
    for number, ags, official, code, area, people, male, plz in gemeinden:
        kind = REGISTER_GEMEINDE_KINDS[code]
        if kind == KREISFREIE_STADT:
            kreis = short_name(official)
        elif ags[:5] in kreise:
            kreis = short_name(kreise[ags[:5]][1])
        else:
            raise RegisterError(source, number, f"Kreis {ags[:5]} fehlt (kein Satz der Satzart 40)")
        entries.append(
            _checked_at(
                source,
                number,
                RegisterEntry(
                    ags=ags,
                    name=short_name(official),
                    kind=kind,
                    kreis=kreis,
                    kreis_ags=ags[:5],
                    regierungsbezirk=regierungsbezirk(number, ags),
                    regierungsbezirk_code=ags[:3],
                    population=people,
                    area_km2=area / 100,
                    plz=plz,
                    name_official=official,
                    population_male=male,
                ),
            )
        )
    for ags, (number, official, code, seat) in kreise.items():
        if code in REGISTER_LANDKREIS_CODES:
            area, people, male = totals.get(ags) or [0, 0, 0]
            entries.append(
                _checked_at(
                    source,
                    number,
                    RegisterEntry(
                        ags=ags,
                        name=short_name(official),
                        kind=LANDKREIS,
                        kreis=short_name(official),
                        kreis_ags=ags,
                        regierungsbezirk=regierungsbezirk(number, ags),
                        regierungsbezirk_code=ags[:3],
                        population=people,
                        area_km2=area / 100,
                        name_official=official,
                        population_male=male,
                        verwaltungssitz=seat,
                    ),
                )
            )
    entries.sort(key=lambda entry: entry.ags)
    return Register(entries, _gebietsstand(stand) if stand else None, skipped, "gv100ad")


def _checked_at(source: str, number: int, entry: RegisterEntry) -> RegisterEntry:
    try:
        return _checked(entry)
    except _Invalid as exc:
        raise RegisterError(source, number, str(exc)) from None


def _csv_entry(row: dict[str, str]) -> RegisterEntry:
    """Check one CSV row; raises `_Invalid` naming the offending value."""
    ags, kind = row["ags"], row["kind"]
    if not (_digits(ags) and len(ags) in (5, 8)):
        raise _Invalid(f"AGS '{ags}' ist ungültig (8 Ziffern für Gemeinden, 5 für Landkreise)")
    if kind not in KINDS:
        raise _Invalid(f"Art '{kind}' ist unbekannt (erlaubt: {', '.join(KINDS)})")
    if ags_length(kind) != len(ags):
        raise _Invalid(f"Art '{kind}' passt nicht zur {len(ags)}-stelligen AGS {ags}")
    for column in ("name", "kreis"):
        if not row[column]:
            raise _Invalid(f"Feld '{column}' ist leer")
    kreis_ags = row.get("kreis_ags") or ags[:5]
    rb_code = row.get("regierungsbezirk_code") or ags[:3]
    for value, width, label in ((kreis_ags, 5, "Kreisschlüssel"), (rb_code, 3, "Regierungsbezirksschlüssel")):
        if not (_digits(value) and len(value) == width):
            raise _Invalid(f"{label} '{value}' ist ungültig")
    area, male = row.get("area_km2", ""), row.get("population_male", "")
    return _checked(
        RegisterEntry(
            ags=ags,
            name=row["name"],
            kind=kind,
            kreis=row["kreis"],
            kreis_ags=kreis_ags,
            regierungsbezirk=row["regierungsbezirk"],
            regierungsbezirk_code=rb_code,
            population=_number(row["population"], "Einwohnerzahl"),
            area_km2=_area(area) if area else None,
            plz=_plz(row.get("plz", "")),
            name_official=row.get("name_official") or row["name"],
            population_male=_number(male, "Einwohnerzahl männlich") if male else None,
            verwaltungssitz=row.get("verwaltungssitz", ""),
        )
    )


def parse_csv(text: str, source: str = "CSV", land: str | None = None) -> Register:
    """Parse the CSV form: a header with at least `CSV_REQUIRED`; other columns are optional."""
    _check_land(land)
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        raise RegisterError(source, 1, "Datei ist leer") from None
    except csv.Error as exc:
        raise RegisterError(source, 1, f"Kopfzeile ist kein gültiges CSV ({exc})") from None
    missing = [column for column in CSV_REQUIRED if column not in header]
    if missing:
        raise RegisterError(source, 1, f"Spalte(n) {', '.join(missing)} fehlen in der Kopfzeile")
    entries: list[RegisterEntry] = []
    seen: dict[str, int] = {}
    stand = ""
    while True:
        number = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise RegisterError(source, number, f"kein gültiges CSV ({exc})") from None
        if not any(field.strip() for field in fields):
            continue
        try:
            if len(fields) != len(header):
                raise _Invalid(f"{len(fields)} statt {len(header)} Felder")
            row = {column: value.strip() for column, value in zip(header, fields, strict=True)}
            entry = _csv_entry(row)
            if entry.ags in seen:
                raise _Invalid(f"AGS {entry.ags} doppelt (zuerst in Zeile {seen[entry.ags]})")
            if not stand and row.get("gebietsstand"):
                _gebietsstand(row["gebietsstand"])
                stand = row["gebietsstand"]
        except _Invalid as exc:
            raise RegisterError(source, number, str(exc)) from None
        seen[entry.ags] = number
        if not land or entry.ags[:2] == land:
            entries.append(entry)
    return Register(entries, _gebietsstand(stand) if stand else None, 0, "csv")


def detect_format(text: str) -> str:
    """'gv100ad' when the first line starts like a record (Satzart + Gebietsstand), else 'csv'."""
    first = text.removeprefix("\ufeff").lstrip("\r\n").split("\n", 1)[0]
    return "gv100ad" if re.match(r"[0-9]{10}", first) else "csv"


def edition_from_name(path: Path) -> date | None:
    """'GV100AD_30112025.txt' -> 30.11.2025: Destatis names its files by Gebietsstand (TTMMJJJJ)."""
    match = re.search(r"(?<![0-9])([0-9]{2})([0-9]{2})([0-9]{4})(?![0-9])", path.name)
    try:
        return date(int(match[3]), int(match[2]), int(match[1])) if match else None
    except ValueError:
        return None


def read_register(path: str | Path, land: str | None = None) -> Register:
    """Read a register file of either format; the Gebietsstand falls back to the file name."""
    path = Path(path)
    try:
        data = read_limited(path, MAX_FILE_BYTES)
    except YamlRefused as exc:
        raise RegisterError(str(path), None, f"Datei nicht lesbar ({exc})") from None
    try:
        text = decode_utf8(data)
    except YamlRefused as exc:
        raise RegisterError(path.name, None, str(exc)) from None
    parse = parse_gv100ad if detect_format(text) == "gv100ad" else parse_csv
    register = parse(text, path.name, land)
    if register.gebietsstand is None:
        register = Register(register.entries, edition_from_name(path), register.skipped_gemeindefrei, register.format)
    return register


def register_edition(path: str | Path) -> date | None:
    """The file's Gebietsstand (from its records, CSV column or file name); None if unknown."""
    return read_register(path).gebietsstand
