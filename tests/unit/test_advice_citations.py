"""Every citation in questionnaire, catalogues and reference files points at a real document and section.

The source list (title, publisher, year, file) is the questionnaire's; the
sections each document has are listed in catalogues/sources.yaml, and each of
those is checked against the document text when ../shared/sources is present.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scoring.model import Citation
from tests.unit.test_advice_factory import CATALOGUE, Q
from tests.unit.test_advice_references import REFERENCES

SOURCES_DIR = Path(__file__).resolve().parents[3] / "shared" / "sources"


def normalise(text: str) -> str:
    """Compare text the way a reader would: case, whitespace and Markdown bold do not matter."""
    return re.sub(r"\s+", " ", text.replace("*", "")).strip().casefold()


def all_citations() -> list[tuple[str, Citation]]:
    found: list[tuple[str, Citation]] = []
    found += [(f"Fragebogen, Frage {i.id}", i.cite) for i in Q.items]
    found += [(f"Fragebogen, Regel {g.id}", g.cite) for g in Q.gates]
    for m in CATALOGUE.modules:
        found += [(f"Modul {m.id}", m.cite), (f"Modul {m.id}, funded", m.funded.cite)]
        if m.requires:
            found.append((f"Modul {m.id}, requires", m.requires.cite))
    found += [(f"Kontingent {c.id}", c.cite) for c in CATALOGUE.contingents]
    found += [(f"Hinweis {n.id}", c) for n in CATALOGUE.notes for c in n.cites]
    for p in CATALOGUE.programmes:
        found += [(f"Programm {p.id}", p.cite), (f"Programm {p.id}, period", p.period.cite)]
        if p.amount.example_cite:
            found.append((f"Programm {p.id}, example", p.amount.example_cite))
    found += [(f"Maßnahme {m.id}", m.cite) for m in CATALOGUE.measures]
    for ref in REFERENCES.values():
        found += [(f"Referenz {ref.id}, Frage {item}", c.cite) for item, c in ref.citations.items()]
    return found


CITATIONS = all_citations()


def test_citations_are_collected_from_every_file() -> None:
    kinds = {where.split(" ")[0].rstrip(",") for where, _ in CITATIONS}
    assert kinds == {"Fragebogen", "Modul", "Kontingent", "Hinweis", "Programm", "Maßnahme", "Referenz"}
    assert len(CITATIONS) > 150


@pytest.mark.parametrize(("where", "cite"), CITATIONS, ids=[w for w, _ in CITATIONS])
def test_citation_names_a_listed_source_and_a_section_of_it(where: str, cite: Citation) -> None:
    source = Q.source(cite.source)
    assert source is not None, f"{where}: unbekannte Quelle {cite.source}"
    assert source.title.strip() and source.publisher.strip() and 1990 < source.year < 2100
    assert cite.section.strip(), f"{where}: leerer Abschnitt"
    assert CATALOGUE.sections.has(cite.source, cite.section), f"{where}: Abschnitt '{cite.section}' fehlt in sources.yaml"
    if SOURCES_DIR.is_dir():
        assert (SOURCES_DIR / source.file).is_file(), f"{where}: Datei {source.file} fehlt"


def test_every_listed_source_has_sections_and_every_document_is_listed() -> None:
    assert set(CATALOGUE.sections.by_source) == {s.id for s in Q.sources}
    if SOURCES_DIR.is_dir():
        assert sorted(s.file for s in Q.sources) == sorted(p.name for p in SOURCES_DIR.glob("0*.txt"))


SECTIONS = [(source, section) for source, sections in CATALOGUE.sections.by_source.items() for section in sections]


@pytest.mark.skipif(not SOURCES_DIR.is_dir(), reason="../shared/sources ist nicht vorhanden")
@pytest.mark.parametrize(("source_id", "section"), SECTIONS, ids=[f"{s}:{x.title}" for s, x in SECTIONS])
def test_section_exists_in_the_document(source_id: str, section) -> None:
    source = Q.source(source_id)
    assert source is not None
    text = normalise((SOURCES_DIR / source.file).read_text(encoding="utf-8"))
    assert normalise(section.anchor) in text, f"'{section.anchor}' steht nicht in {source.file}"
