"""Reference profiles: answer files derived from public documents (Gießen 2020, Erbach-IKZ 2023).

They use the format `digicheck score` reads, plus a citation per answer, so they
can be scored and overlaid like any assessment. The loader insists on what makes
them trustworthy: every item answered („weiss_nicht“ where the document is
silent), a citation with a passage for every other answer, and sources and
sections that exist.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from scoring.advice.catalogue import SourceSections
from scoring.advice.loader import catalogue_dir_for
from scoring.advice.reading import citation, load_sections
from scoring.answers import AnswerError, check_answers
from scoring.content import ContentError, Reader, read_yaml, version_key
from scoring.library import DEFAULT_DIR, Library, carry_over, item_renames
from scoring.model import DONT_KNOW, Citation, Questionnaire
from scoring.words import count

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
            file,
            f"Frage {missing[0]}",
            f"keine Antwort ({count(len(missing), 'Frage fehlt', 'Fragen fehlen')}; „weiss_nicht“, wo die Quelle schweigt)",
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
    q: Questionnaire, folder: Path | str | None = None, sections: SourceSections | None = None, library: Library | None = None
) -> tuple[ReferenceProfile, ...]:
    """Every reference profile for questionnaire `q`, sorted by file name.

    `folder` defaults to `references/` beside the questionnaire file, else the shipped one.
    With `library`, a profile written for an older version is validated against that version and
    carried over to `q` by its declared migration (`carry_over`); items it cannot answer start as
    „weiss_nicht“. Profiles of other versions are left to those versions; without `library` only
    profiles of `q.version` are read.
    """
    if folder is None:
        beside = Path(q.path).parent / "references" if q.path else None
        folder = beside if beside is not None and beside.is_dir() else REFERENCE_DIR
    sections = sections or load_sections(catalogue_dir_for(q) / "sources.yaml", q)
    profiles: list[ReferenceProfile] = []
    for path in sorted(Path(folder).glob("*.yaml")):
        data = read_yaml(path)
        version = str(Reader(str(path), "", data).raw("questionnaire"))
        if version == q.version:
            profiles.append(parse_reference(data, str(path), q, sections))
        elif library is not None:
            if version not in library.versions:
                raise ContentError(str(path), "", f"Fragebogen {version} gibt es nicht (vorhanden: {', '.join(library.versions)})")
            if version_key(version) < version_key(q.version):
                older = library.get(version)
                profiles.append(
                    _carried(
                        parse_reference(data, str(path), older, load_sections(catalogue_dir_for(older) / "sources.yaml", older)), library, q
                    )
                )
    return tuple(profiles)


def _carried(reference: ReferenceProfile, library: Library, q: Questionnaire) -> ReferenceProfile:
    """An older version's reference profile as answers to `q`: carried answers and their citations;
    every item it gives no answer for is „weiss_nicht“ (the profile says nothing about it)."""
    older = library.get(reference.questionnaire)
    carried = carry_over(library, check_answers(older, reference.answers), older.version, q.version)
    renamed = {old: new for old, new in item_renames(library, older.version, q.version).items() if new is not None}
    answers: dict[str, Any] = {item.id: carried.answers.get(item.id, DONT_KNOW) for item in q.items}
    citations = {renamed.get(old, old): c for old, c in reference.citations.items() if renamed.get(old, old) in carried.answers}
    return replace(reference, questionnaire=q.version, answers=answers, citations=citations)
