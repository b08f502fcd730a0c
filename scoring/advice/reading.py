"""Validation helpers shared by the catalogue and reference-profile loaders.

They build on `scoring.content` (ContentError, the `Reader` helper) so every
content file in the product fails the same way: file, entry, problem.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from scoring.advice.catalogue import Period, SourceSection, SourceSections, Weakness
from scoring.content import ContentError, Reader, known_item, parse_check, read_yaml, unique
from scoring.model import Check, Citation, Item, Questionnaire

SOURCES_SCHEMA = "digicheck/sources-1"
ENTRY_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def entry_id(reader: Reader, what: str) -> str:
    """Read `id`, check its form and point the reader's messages at "<what> <id>"."""
    value = reader.text("id")
    if not ENTRY_ID.match(value):
        raise reader.fail(f"ungültige Kennung '{value}' (erlaubt: {ENTRY_ID.pattern})")
    reader.where = f"{what} {value}"
    return value


def day(reader: Reader, key: str) -> date | None:
    value = reader.raw(key, required=False)
    if value is None:
        return None
    if not isinstance(value, date):
        raise reader.fail(f"Feld '{key}' muss ein Datum (JJJJ-MM-TT) sein, nicht {value!r}")
    return value


def citation(reader: Reader, q: Questionnaire, sections: SourceSections, key: str = "cite") -> Citation:
    """A citation whose source is in the questionnaire's list and whose section is registered."""
    cite = Reader(reader.file, reader.where, reader.raw(key))
    source, section = cite.text("source"), cite.text("section")
    if q.source(source) is None:
        raise reader.fail(f"Quellenangabe nennt unbekannte Quelle '{source}'")
    if not sections.has(source, section):
        raise reader.fail(f"Abschnitt '{section}' ist für Quelle '{source}' nicht verzeichnet (siehe {sections.path or 'sources.yaml'})")
    return Citation(source, section)


def question(reader: Reader, q: Questionnaire, key: str = "item") -> Item:
    return known_item(reader, q.item, q.version, key)


def weakness(parent: Reader, raw: Any, q: Questionnaire) -> Weakness:
    reader = Reader(parent.file, parent.where, raw)
    item = question(reader, q)
    below = reader.number("below")
    assert below is not None
    if not 0 < below <= 100:
        raise reader.fail(f"'below' für {item.id} muss zwischen 0 (exklusiv) und 100 liegen")
    return Weakness(item.id, below)


def check(parent: Reader, raw: Any, q: Questionnaire) -> Check:
    """One condition of the shared vocabulary (`scoring.content.parse_check`) on an item of `q`."""
    return parse_check(parent, raw, q.item, q.version)


def period(parent: Reader, raw: Any, q: Questionnaire, sections: SourceSections) -> Period:
    reader = Reader(parent.file, parent.where, raw)
    start, until, apply_until = day(reader, "from"), day(reader, "until"), day(reader, "apply_until")
    if start and until and until < start:
        raise reader.fail("'until' liegt vor 'from'")
    if apply_until and until and apply_until > until:
        raise reader.fail("'apply_until' liegt nach 'until'")
    note = reader.text("note", required=False)
    return Period(start, until, citation(reader, q, sections), apply_until, note)


def parse_sections(data: Any, file: str, q: Questionnaire) -> SourceSections:
    """The registry of citable sections; every source id must be one of the questionnaire's."""
    doc = Reader(file, "", data)
    if doc.raw("schema") != SOURCES_SCHEMA:
        raise doc.fail(f"unbekanntes Format '{doc.raw('schema')}' (erwartet {SOURCES_SCHEMA})")
    by_source: dict[str, tuple[SourceSection, ...]] = {}
    for source_id, raw_sections in doc.mapping("sources").items():
        where = f"Quelle {source_id}"
        if q.source(str(source_id)) is None:
            raise ContentError(file, where, f"'{source_id}' steht nicht in der Quellenliste des Fragebogens {q.version}")
        if not isinstance(raw_sections, list) or not raw_sections:
            raise ContentError(file, where, "erwartet eine nicht leere Liste von Abschnitten")
        sections: list[SourceSection] = []
        for raw in raw_sections:
            if isinstance(raw, str) and raw.strip():
                sections.append(SourceSection(raw.strip(), raw.strip()))
                continue
            reader = Reader(file, where, raw)
            sections.append(SourceSection(reader.text("title"), reader.text("anchor")))
        unique(file, f"{where}, Abschnitt", [s.title for s in sections])
        by_source[str(source_id)] = tuple(sections)
    return SourceSections(by_source, file)


def load_sections(path: Path | str, q: Questionnaire) -> SourceSections:
    return parse_sections(read_yaml(Path(path)), str(path), q)
