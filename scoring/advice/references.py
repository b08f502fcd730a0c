"""Reference profiles: answer files derived from public documents (Gießen 2020, Erbach-IKZ 2023).

They use the format `digicheck score` reads, plus a citation per answer, so they
can be scored and overlaid like any assessment. The loader insists on what makes
them trustworthy: every item answered („weiss_nicht“ where the document is
silent), a citation with a passage for every other answer, and sources and
sections that exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scoring.advice.catalogue import SourceSections
from scoring.advice.loader import catalogue_dir_for
from scoring.advice.reading import citation, load_sections
from scoring.answers import AnswerError, check_answers
from scoring.content import ContentError, Reader, read_yaml
from scoring.library import DEFAULT_DIR
from scoring.model import DONT_KNOW, Citation, Questionnaire

REFERENCE_DIR = DEFAULT_DIR / "references"
#: Exactly the keys `digicheck score` accepts in an answers file.
FILE_KEYS = ("questionnaire", "label", "description", "answers", "citations")


@dataclass(frozen=True)
class AnswerCitation:
    cite: Citation
    passage: str


@dataclass(frozen=True)
class ReferenceProfile:
    id: str
    label: str
    description: str
    questionnaire: str
    answers: dict[str, Any]
    citations: dict[str, AnswerCitation]
    path: str


def parse_reference(data: Any, file: str, q: Questionnaire, sections: SourceSections) -> ReferenceProfile:
    doc = Reader(file, "", data)
    unknown = sorted(str(k) for k in doc.data if k not in FILE_KEYS)
    if unknown:
        raise doc.fail(f"unbekannte Felder {', '.join(unknown)} (erlaubt: {', '.join(FILE_KEYS)})")
    version = str(doc.raw("questionnaire"))
    if version != q.version:
        raise doc.fail(f"Fragebogen {version}, erwartet {q.version}")
    answers = doc.mapping("answers")
    try:
        checked = check_answers(q, answers)
    except AnswerError as exc:
        raise ContentError(file, f"Frage {exc.item_id}", exc.message) from None
    missing = [item.id for item in q.items if item.id not in checked]
    if missing:
        raise ContentError(
            file, f"Frage {missing[0]}", f"keine Antwort ({len(missing)} Frage(n) fehlen; „weiss_nicht“, wo die Quelle schweigt)"
        )
    citations: dict[str, AnswerCitation] = {}
    for item_id, raw in doc.mapping("citations", required=False).items():
        reader = Reader(file, f"Frage {item_id}", {"cite": raw})
        if q.item(str(item_id)) is None:
            raise reader.fail("Zitat zu einer unbekannten Frage")
        passage = Reader(file, reader.where, raw).text("passage")
        citations[str(item_id)] = AnswerCitation(citation(reader, q, sections), passage)
    for item_id, value in checked.items():
        if value != DONT_KNOW and item_id not in citations:
            raise ContentError(file, f"Frage {item_id}", "Antwort ohne Zitat (source, section, passage)")
    return ReferenceProfile(Path(file).stem, doc.text("label"), doc.text("description"), version, dict(answers), citations, file)


def load_reference(path: Path | str, q: Questionnaire, sections: SourceSections) -> ReferenceProfile:
    return parse_reference(read_yaml(Path(path)), str(path), q, sections)


def load_references(
    q: Questionnaire, folder: Path | str | None = None, sections: SourceSections | None = None
) -> tuple[ReferenceProfile, ...]:
    """Every reference profile for questionnaire `q`, sorted by file name.

    `folder` defaults to `references/` beside the questionnaire file, else the shipped one.
    """
    if folder is None:
        beside = Path(q.path).parent / "references" if q.path else None
        folder = beside if beside is not None and beside.is_dir() else REFERENCE_DIR
    sections = sections or load_sections(catalogue_dir_for(q) / "sources.yaml", q)
    return tuple(load_reference(path, q, sections) for path in sorted(Path(folder).glob("*.yaml")))
