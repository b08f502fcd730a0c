"""Load and validate questionnaire files (YAML) into `Questionnaire` objects.

A broken file is refused as a whole with a `ContentError` naming the file, the
entry (item id, gate id, ...) and the problem, so an author can fix it at once.
The rules are documented in docs/content-authoring.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, TypedDict, cast

from scoring.item_kinds import KINDS
from scoring.model import (
    SPECIAL_ANSWERS,
    Area,
    Band,
    Check,
    CheckKind,
    Citation,
    Condition,
    Gate,
    Item,
    ItemType,
    Level,
    Migration,
    Option,
    Questionnaire,
    Requirement,
    Source,
)
from scoring.safe_yaml import YamlRefused, decode_utf8, load_yaml, read_limited

SCHEMA = "digicheck/questionnaire-1"
AREA_IDS = ("strategie", "organisation", "kooperation", "kommunikation", "technik")
#: the item kinds the loader accepts: the registry of scoring.item_kinds
ITEM_TYPES = tuple(KINDS)
ITEMS_PER_AREA = (8, 14)
_ID = re.compile(r"^[a-z0-9_]+$")
_ITEM_ID = re.compile(r"^[a-z]+\.[a-z0-9_]+$")
_VERSION = re.compile(r"^\d{4}\.\d+$")
_CHECK_KEYS: tuple[CheckKind, ...] = ("min_score", "max_score", "min_value", "any_of", "none_of")


def version_key(version: str) -> tuple[int, int]:
    """Order versions "YYYY.N" numerically (2026.10 after 2026.9)."""
    year, number = version.split(".")
    return int(year), int(number)


class ContentError(ValueError):
    """A content file is broken; the message names file, entry and problem."""

    def __init__(self, file: str, where: str, problem: str):
        self.file, self.where, self.problem = file, where, problem
        prefix = f"{file}: {where}: " if where else f"{file}: "
        super().__init__(prefix + problem)


def read_yaml(path: Path) -> Any:
    """Parse a YAML (or JSON) file safely, turning every refusal into a one-line `ContentError`.

    Size, encoding, tags and alias expansion are bounded by `scoring.safe_yaml`.
    """
    try:
        return load_yaml(decode_utf8(read_limited(path)))
    except YamlRefused as exc:
        raise ContentError(str(path), "", str(exc)) from None


class Reader:
    """Typed access to one mapping of a content file, with precise errors."""

    def __init__(self, file: str, where: str, data: Any):
        if not isinstance(data, dict):
            raise ContentError(file, where, "erwartet eine Zuordnung (key: value)")
        self.file, self.where, self.data = file, where, data

    def fail(self, problem: str) -> ContentError:
        return ContentError(self.file, self.where, problem)

    def raw(self, key: str, required: bool = True) -> Any:
        if key not in self.data or self.data[key] is None:
            if required:
                raise self.fail(f"Feld '{key}' fehlt")
            return None
        return self.data[key]

    def text(self, key: str, required: bool = True, default: str = "") -> str:
        value = self.raw(key, required)
        if value is None:
            return default
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"Feld '{key}' muss ein nicht leerer Text sein")
        return value.strip()

    def number(self, key: str, required: bool = True, default: float | None = None) -> float | None:
        value = self.raw(key, required)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(f"Feld '{key}' muss eine Zahl sein, nicht {value!r}")
        return float(value)

    def integer(self, key: str, required: bool = True) -> int | None:
        value = self.raw(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"Feld '{key}' muss eine ganze Zahl sein, nicht {value!r}")
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.raw(key, required=False)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(f"Feld '{key}' muss true oder false sein")
        return value

    def items(self, key: str, required: bool = True) -> list[Any]:
        value = self.raw(key, required)
        if value is None:
            return []
        if not isinstance(value, list) or (required and not value):
            raise self.fail(f"Feld '{key}' muss eine nicht leere Liste sein")
        return value

    def mapping(self, key: str, required: bool = True) -> dict[str, Any]:
        value = self.raw(key, required)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(f"Feld '{key}' muss eine Zuordnung sein")
        return value


def texts(reader: Reader, key: str, required: bool = True) -> tuple[str, ...]:
    """A list of non-empty texts."""
    values = reader.items(key, required)
    if not all(isinstance(v, str) and v.strip() for v in values):
        raise reader.fail(f"Feld '{key}' muss eine Liste nicht leerer Texte sein")
    return tuple(v.strip() for v in values)


def known_item(reader: Reader, item_of: Callable[[str], Item | None], version: str, key: str = "item") -> Item:
    """The item a content entry names under `key`; `item_of` looks ids up in questionnaire `version`."""
    item_id = reader.text(key)
    item = item_of(item_id)
    if item is None:
        raise reader.fail(f"unbekannte Frage '{item_id}' (Fragebogen {version})")
    return item


def parse_check(parent: Reader, raw: Any, item_of: Callable[[str], Item | None], version: str) -> Check:
    """One of {item, min_score}, {item, max_score}, {item, min_value}, {item, any_of: [..]}, {item, none_of: [..]}:
    the condition vocabulary of the advice catalogues, the inconsistency rules and `applies_if`."""
    reader = Reader(parent.file, parent.where, raw)
    item = known_item(reader, item_of, version)
    unknown = sorted(str(k) for k in reader.data if k not in ("item", *_CHECK_KEYS))
    if unknown:
        raise reader.fail(f"Bedingung zu {item.id}: unbekannte Felder {', '.join(unknown)}")
    kinds = [k for k in _CHECK_KEYS if k in reader.data]
    if len(kinds) != 1:
        raise reader.fail(f"Bedingung zu {item.id} braucht genau eines von {', '.join(_CHECK_KEYS)}")
    kind = kinds[0]
    if kind == "min_score":
        threshold = reader.number(kind)
        assert threshold is not None
        if not 0 < threshold <= 100:
            raise reader.fail(f"min_score für {item.id} muss zwischen 0 (exklusiv) und 100 liegen")
        return Check(item.id, "min_score", threshold)
    if kind == "max_score":
        threshold = reader.number(kind)
        assert threshold is not None
        if not 0 <= threshold < 100:
            raise reader.fail(f"max_score für {item.id} muss zwischen 0 und 100 (exklusiv) liegen")
        return Check(item.id, "max_score", threshold)
    if kind == "min_value":
        value = reader.integer(kind)
        assert value is not None
        if item.type != "number" or item.min is None or item.max is None or not item.min <= value <= item.max:
            raise reader.fail(f"min_value passt nicht zu {item.id} (nur für Zahlenfragen im erlaubten Bereich)")
        return Check(item.id, "min_value", float(value))
    if item.type == "number":
        raise reader.fail(f"{kind} passt nicht zu {item.id}: Zahlenfragen haben keine Optionen (min_value/min_score/max_score verwenden)")
    options = texts(reader, kind)
    for option in options:
        if item.option(option) is None:
            raise reader.fail(f"{item.id} hat keine Option '{option}'")
    return Check(item.id, kind, options=options)


def _ident(reader: Reader, key: str = "id", pattern: re.Pattern[str] = _ID) -> str:
    value = reader.text(key)
    if not pattern.match(value):
        raise reader.fail(f"ungültige Kennung '{value}' (erlaubt: {pattern.pattern})")
    return value


def _citation(reader: Reader, source_ids: set[str]) -> Citation:
    cite = Reader(reader.file, reader.where, reader.raw("cite"))
    source = cite.text("source")
    if source not in source_ids:
        raise reader.fail(f"Quellenangabe nennt unbekannte Quelle '{source}'")
    return Citation(source=source, section=cite.text("section"))


def _sources(doc: Reader) -> tuple[Source, ...]:
    sources: list[Source] = []
    for index, raw in enumerate(doc.items("sources")):
        reader = Reader(doc.file, f"sources[{index}]", raw)
        source_id = _ident(reader, pattern=re.compile(r"^[a-z0-9_-]+$"))
        reader.where = f"Quelle {source_id}"
        year = reader.integer("year")
        assert year is not None
        sources.append(Source(source_id, reader.text("file"), reader.text("title"), reader.text("publisher"), year))
    unique(doc.file, "Quelle", [s.id for s in sources])
    return tuple(sources)


def _levels(doc: Reader) -> tuple[Level, ...]:
    raw_levels = doc.items("levels")
    if len(raw_levels) != 5:
        raise doc.fail(f"'levels' muss genau 5 Stufen haben, nicht {len(raw_levels)}")
    levels: list[Level] = []
    for index, raw in enumerate(raw_levels):
        reader = Reader(doc.file, f"Stufe {index + 1}", raw)
        if reader.integer("level") != index + 1:
            raise reader.fail("Stufen müssen 1 bis 5 in aufsteigender Reihenfolge sein")
        min_score = reader.number("min_score")
        assert min_score is not None
        if index == 0 and min_score != 0:
            raise reader.fail("Stufe 1 muss bei min_score 0 beginnen")
        if levels and min_score <= levels[-1].min_score:
            raise reader.fail("min_score muss von Stufe zu Stufe steigen")
        if not 0 <= min_score <= 100:
            raise reader.fail("min_score muss zwischen 0 und 100 liegen")
        levels.append(Level(index + 1, reader.text("name"), min_score, reader.text("description")))
    return tuple(levels)


def _with_requirements(doc: Reader, levels: tuple[Level, ...], areas: tuple[Area, ...], gates: tuple[Gate, ...]) -> tuple[Level, ...]:
    """Each level's `requires`: the conditions its description states, per area. Each must be
    enforced by a gate of that area that caps below the level on the same item with at least
    the same threshold, so no answers reach a level whose stated conditions they contradict."""
    items = {item.id: item for area in areas for item in area.items}
    result: list[Level] = []
    for level, raw_level in zip(levels, doc.data["levels"], strict=True):
        reader = Reader(doc.file, f"Stufe {level.level}", raw_level)
        requirements: list[Requirement] = []
        for raw in reader.items("requires", required=False):
            cond = Reader(doc.file, f"Stufe {level.level}, requires", raw)
            item_id, min_score = cond.text("item"), cond.number("min_score")
            assert min_score is not None
            item = items.get(item_id)
            if item is None:
                raise cond.fail(f"unbekannte Frage '{item_id}'")
            if not 0 < min_score <= 100:
                raise cond.fail(f"min_score für {item_id} muss zwischen 0 (exklusiv) und 100 liegen")
            if level.level == 1:
                raise cond.fail("Stufe 1 hat keine Bedingungen")
            requirement = Requirement(item.area_id, item_id, min_score, cond.text("clause"))
            if not any(_enforces(gate, requirement, level.level) for gate in gates):
                raise cond.fail(
                    f"keine Regel (gates) setzt „{requirement.clause}“ durch: nötig ist eine Regel für Bereich "
                    f"{item.area_id} mit max_level höchstens {level.level - 1} und der Bedingung {item_id} ≥ {min_score:g}"
                )
            requirements.append(requirement)
        result.append(replace(level, requires=tuple(requirements)) if requirements else level)
    return tuple(result)


def _enforces(gate: Gate, requirement: Requirement, level: int) -> bool:
    return (
        gate.area == requirement.area
        and gate.max_level < level
        and any(c.item == requirement.item and c.min_score >= requirement.min_score - 1e-9 for c in gate.unless)
    )


def _option(item: Reader, raw: Any, index: int) -> Option:
    reader = Reader(item.file, f"{item.where}, Option {index + 1}", raw)
    option_id = _ident(reader)
    reader.where = f"{item.where}, Option {option_id}"
    if option_id in SPECIAL_ANSWERS:
        raise reader.fail(f"'{option_id}' ist reserviert und wird automatisch angeboten")
    if "score" not in reader.data:
        raise reader.fail("Option ohne 'score'")
    score = reader.number("score")
    assert score is not None
    if not 0 <= score <= 100:
        raise reader.fail(f"score {score:g} liegt nicht zwischen 0 und 100")
    population_min = reader.integer("population_min", required=False)
    if population_min is not None and population_min <= 0:
        raise reader.fail(f"population_min {population_min} muss eine positive Einwohnerzahl sein")
    return Option(option_id, reader.text("label"), score, reader.flag("exclusive"), population_min)


def _check_options(reader: Reader, kind: str, options: list[Option]) -> None:
    unique(reader.file, f"{reader.where}, Option", [o.id for o in options])
    scores = [o.score for o in options]
    if kind == "yesno" and sorted(o.id for o in options) != ["ja", "nein"]:
        raise reader.fail("yesno braucht genau die Optionen 'ja' und 'nein'")
    if kind in ("single", "yesno"):
        if len(options) < 2:
            raise reader.fail("mindestens zwei Optionen nötig")
        if max(scores) != 100 or min(scores) != 0:
            raise reader.fail("die beste Option muss 100, die schwächste 0 Punkte haben")
        if any(o.exclusive for o in options):
            raise reader.fail("'exclusive' gibt es nur bei multi")
    if kind == "multi":
        if sum(scores) < 100:
            raise reader.fail("die Optionen zusammen müssen mindestens 100 Punkte erreichen")
        if sum(o.exclusive for o in options) > 1:
            raise reader.fail("höchstens eine Option darf 'exclusive' sein")
        if any(o.exclusive and o.score != 0 for o in options):
            raise reader.fail("eine 'exclusive'-Option muss 0 Punkte haben")


def _bands(reader: Reader, low: int, high: int) -> tuple[Band, ...]:
    bands: list[Band] = []
    for index, raw in enumerate(reader.items("bands")):
        band = Reader(reader.file, f"{reader.where}, Band {index + 1}", raw)
        band_min, score = band.integer("min"), band.number("score")
        assert band_min is not None and score is not None
        if not 0 <= score <= 100:
            raise band.fail(f"score {score:g} liegt nicht zwischen 0 und 100")
        if bands and (band_min <= bands[-1].min or score <= bands[-1].score):
            raise band.fail("min und score müssen von Band zu Band steigen")
        bands.append(Band(band_min, score))
    if bands[0].min != low:
        raise reader.fail(f"das erste Band muss bei min ({low}) beginnen")
    if bands[-1].min > high:
        raise reader.fail("ein Band beginnt oberhalb von max")
    if bands[0].score != 0 or bands[-1].score != 100:
        raise reader.fail("die Bänder müssen von 0 bis 100 Punkte reichen")
    return tuple(bands)


class _ItemFields(TypedDict):
    """The fields every item kind has."""

    id: str
    area_id: str
    type: ItemType
    text: str
    help: str
    weight: float
    not_applicable: bool
    cite: Citation


def _item(area: Reader, area_id: str, raw: Any, index: int, source_ids: set[str]) -> Item:
    reader = Reader(area.file, f"{area.where}, Frage {index + 1}", raw)
    item_id = _ident(reader, pattern=_ITEM_ID)
    reader.where = f"Frage {item_id}"
    if not item_id.startswith(area_id + "."):
        raise reader.fail(f"die Kennung muss mit '{area_id}.' beginnen")
    kind = reader.text("type")
    if kind not in ITEM_TYPES:
        raise reader.fail(f"unbekannter Typ '{kind}' (erlaubt: {', '.join(ITEM_TYPES)})")
    weight = reader.number("weight")
    assert weight is not None
    if weight <= 0:
        raise reader.fail(f"das Gewicht muss positiv sein, nicht {weight:g}")
    if weight * 4 != round(weight * 4) or weight > 10:
        raise reader.fail(f"das Gewicht muss in Schritten von 0,25 angegeben sein und höchstens 10 betragen, nicht {weight:g}")
    common = _ItemFields(
        id=item_id,
        area_id=area_id,
        type=cast(ItemType, kind),  # checked against ITEM_TYPES above
        text=reader.text("text"),
        help=reader.text("help"),
        weight=weight,
        not_applicable=reader.flag("not_applicable"),
        cite=_citation(reader, source_ids),
    )
    if kind == "number":
        if "options" in reader.data:
            raise reader.fail("number-Fragen haben keine Optionen, sondern 'bands'")
        low, high = reader.integer("min"), reader.integer("max")
        assert low is not None and high is not None
        if high <= low:
            raise reader.fail("max muss größer als min sein")
        return Item(**common, unit=reader.text("unit"), min=low, max=high, bands=_bands(reader, low, high))
    options = [_option(reader, raw_option, i) for i, raw_option in enumerate(reader.items("options"))]
    _check_options(reader, kind, options)
    return Item(**common, options=tuple(options))


def _areas(doc: Reader, source_ids: set[str]) -> tuple[Area, ...]:
    areas: list[Area] = []
    for index, raw in enumerate(doc.items("areas")):
        reader = Reader(doc.file, f"areas[{index}]", raw)
        area_id = _ident(reader)
        reader.where = f"Bereich {area_id}"
        raw_items = reader.items("items")
        low, high = ITEMS_PER_AREA
        if not low <= len(raw_items) <= high:
            raise reader.fail(f"{len(raw_items)} Fragen; erlaubt sind {low} bis {high}")
        items = tuple(_item(reader, area_id, raw_item, i, source_ids) for i, raw_item in enumerate(raw_items))
        areas.append(Area(area_id, reader.text("name"), reader.text("description"), items))
    if tuple(a.id for a in areas) != AREA_IDS:
        raise doc.fail(f"die Bereiche müssen genau {', '.join(AREA_IDS)} sein (in dieser Reihenfolge)")
    unique(doc.file, "Frage", [item.id for area in areas for item in area.items])
    return tuple(areas)


def _with_applies_if(doc: Reader, areas: tuple[Area, ...], version: str) -> tuple[Area, ...]:
    """Each item's `applies_if`, read once every item is known: conditions (all must hold) on items
    of the same area, so its page can show and hide the item as the user answers; no cycles."""
    items = {item.id: item for area in areas for item in area.items}
    conditions: dict[str, tuple[Check, ...]] = {}
    for raw_area, area in zip(doc.data["areas"], areas, strict=True):
        for raw_item, item in zip(raw_area["items"], area.items, strict=True):
            reader = Reader(doc.file, f"Frage {item.id}, applies_if", raw_item)
            checks = tuple(parse_check(reader, raw, items.get, version) for raw in reader.items("applies_if", required=False))
            for check in checks:
                if items[check.item].area_id != area.id:
                    raise reader.fail(f"nennt '{check.item}' aus einem anderen Bereich; erlaubt sind nur Fragen des Bereichs '{area.id}'")
            if checks:
                conditions[item.id] = checks
    _refuse_cycles(doc.file, conditions)
    if not conditions:
        return areas
    return tuple(replace(area, items=tuple(replace(i, applies_if=conditions.get(i.id, ())) for i in area.items)) for area in areas)


def _refuse_cycles(file: str, conditions: dict[str, tuple[Check, ...]]) -> None:
    """An item must not depend on itself, directly or through others (A on B, B on A)."""
    done: set[str] = set()

    def visit(item_id: str, path: list[str]) -> None:
        if item_id in path:
            cycle = path[path.index(item_id) :] + [item_id]
            raise ContentError(file, f"Frage {cycle[0]}, applies_if", "die Bedingungen bilden einen Kreis: " + " → ".join(cycle))
        if item_id in done:
            return
        for check in conditions.get(item_id, ()):
            visit(check.item, [*path, item_id])
        done.add(item_id)

    for item_id in conditions:
        visit(item_id, [])


def _gates(doc: Reader, areas: tuple[Area, ...], source_ids: set[str]) -> tuple[Gate, ...]:
    items = {item.id: item for area in areas for item in area.items}
    gates: list[Gate] = []
    for index, raw in enumerate(doc.items("gates", required=False)):
        reader = Reader(doc.file, f"gates[{index}]", raw)
        gate_id = _ident(reader, pattern=re.compile(r"^[a-z0-9_-]+$"))
        reader.where = f"Regel {gate_id}"
        area = reader.text("area")
        if not any(a.id == area for a in areas):
            raise reader.fail(f"unbekannter Bereich '{area}'")
        max_level = reader.integer("max_level")
        assert max_level is not None
        if not 1 <= max_level <= 4:
            raise reader.fail("max_level muss zwischen 1 und 4 liegen")
        conditions: list[Condition] = []
        for raw_condition in reader.items("unless"):
            cond = Reader(reader.file, reader.where, raw_condition)
            item_id, min_score = cond.text("item"), cond.number("min_score")
            assert min_score is not None
            if item_id not in items:
                raise reader.fail(f"die Regel nennt die unbekannte Frage '{item_id}'")
            if not 0 < min_score <= 100:
                raise reader.fail("min_score einer Bedingung muss zwischen 0 (exklusiv) und 100 liegen")
            conditions.append(Condition(item_id, min_score))
        gates.append(Gate(gate_id, area, max_level, tuple(conditions), reader.text("reason"), _citation(reader, source_ids)))
    unique(doc.file, "Regel", [g.id for g in gates])
    return tuple(gates)


def _migration(doc: Reader, version: str) -> Migration | None:
    raw = doc.raw("migrates_from", required=False)
    if raw is None:
        return None
    reader = Reader(doc.file, "migrates_from", raw)
    from_version = str(reader.raw("version"))
    if not _VERSION.match(from_version) or version_key(from_version) >= version_key(version):
        raise reader.fail(f"'{from_version}' ist keine ältere Version als {version}")
    items = reader.mapping("items", required=False)
    options = reader.mapping("options", required=False)
    for old, new in items.items():
        if not isinstance(old, str) or not (new is None or isinstance(new, str)):
            raise reader.fail(f"Zuordnung {old!r} -> {new!r} ist ungültig")
    for item_id, mapping in options.items():
        if not isinstance(mapping, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
            raise reader.fail(f"Optionszuordnung für '{item_id}' ist ungültig")
    return Migration(from_version, dict(items), {k: dict(v) for k, v in options.items()})


def _check_migration_targets(file: str, migration: Migration, areas: tuple[Area, ...]) -> None:
    items = {item.id: item for area in areas for item in area.items}
    for old, new in migration.items.items():
        if new is not None and new not in items:
            raise ContentError(file, "migrates_from", f"'{old}' wird auf die unbekannte Frage '{new}' abgebildet")
    for item_id, mapping in migration.options.items():
        item = items.get(item_id)
        if item is None:
            raise ContentError(file, "migrates_from", f"Optionszuordnung für unbekannte Frage '{item_id}'")
        for new_option in mapping.values():
            if item.option(new_option) is None and new_option not in SPECIAL_ANSWERS:
                raise ContentError(file, f"Frage {item_id}", f"Zieloption '{new_option}' gibt es nicht")


def unique(file: str, what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for ident in ids:
        if ident in seen:
            raise ContentError(file, f"{what} {ident}", "Kennung ist doppelt vergeben")
        seen.add(ident)


def parse_questionnaire(data: Any, file: str) -> Questionnaire:
    """Validate parsed YAML and build the questionnaire; raises `ContentError`."""
    doc = Reader(file, "", data)
    if doc.raw("schema") != SCHEMA:
        raise doc.fail(f"unbekanntes Format '{doc.raw('schema')}' (erwartet {SCHEMA})")
    version = str(doc.raw("version"))
    if not _VERSION.match(version):
        raise doc.fail(f"Version '{version}' hat nicht die Form JJJJ.N")
    published = doc.raw("published")
    if not isinstance(published, date):
        raise doc.fail("'published' muss ein Datum (JJJJ-MM-TT) sein")
    coverage_min = doc.number("coverage_min")
    assert coverage_min is not None
    if not 0 < coverage_min <= 1:
        raise doc.fail("coverage_min muss zwischen 0 und 1 liegen")
    sources = _sources(doc)
    source_ids = {s.id for s in sources}
    areas = _with_applies_if(doc, _areas(doc, source_ids), version)
    migration = _migration(doc, version)
    if migration is not None:
        _check_migration_targets(file, migration, areas)
    gates = _gates(doc, areas, source_ids)
    return Questionnaire(
        version=version,
        title=doc.text("title"),
        published=published,
        coverage_min=coverage_min,
        sources=sources,
        levels=_with_requirements(doc, _levels(doc), areas, gates),
        areas=areas,
        gates=gates,
        migration=migration,
        path=file,
    )


def load_questionnaire(path: Path | str) -> Questionnaire:
    path = Path(path)
    return parse_questionnaire(read_yaml(path), str(path))
