"""Inconsistencies between answers, flagged by rules kept in data (questionnaires/rules/).

A consultant preparing the on-site days wants to know which answers contradict
each other ("E-Akte in allen Ämtern, aber kein DMS"), because those are the
questions to clarify first. The rules are content, not code: each names the
answers that together are implausible, a German message and a source. A rule
fires only when every condition holds on an actual answer: an unanswered item
or "Weiß nicht" never fires a rule, "Trifft nicht zu" meets no condition.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scoring.advice.catalogue import SourceSections
from scoring.advice.loader import catalogue_dir_for
from scoring.advice.reading import check, citation, entry_id, load_sections
from scoring.answers import AnswerValue, answer_label
from scoring.conditions import answer_status
from scoring.content import ContentError, Reader, read_yaml, texts, unique
from scoring.library import DEFAULT_DIR
from scoring.model import Check, Citation, Questionnaire

SCHEMA = "digicheck/inconsistencies-1"
RULES_FILE = DEFAULT_DIR / "rules" / "inconsistencies.yaml"
RULE_KEYS = ("id", "message", "when", "cite", "note", "versions")
_VERSION = re.compile(r"^\d{4}\.\d+$")


@dataclass(frozen=True)
class InconsistencyRule:
    id: str
    message: str
    #: every condition must be met; the vocabulary of the advice catalogues (docs/advice.md)
    when: tuple[Check, ...]
    cite: Citation
    note: str = ""
    #: the questionnaire versions the rule is for; empty: every version
    versions: tuple[str, ...] = ()


@dataclass(frozen=True)
class FlaggedAnswer:
    item: str
    text: str
    answer: str


@dataclass(frozen=True)
class Inconsistency:
    """A rule that fired, with the answers that made it fire (for the consultant to clarify)."""

    rule: InconsistencyRule
    answers: tuple[FlaggedAnswer, ...]


def rule_versions(reader: Reader) -> tuple[str, ...]:
    """A rule's `versions`: the questionnaire versions it is written for (none: all)."""
    versions = texts(reader, "versions", required=False)
    for version in versions:
        if not _VERSION.match(version):
            raise reader.fail(f"Version '{version}' hat nicht die Form JJJJ.N")
    return versions


def _rule(index: int, raw: Any, file: str, q: Questionnaire, sections: SourceSections) -> InconsistencyRule | None:
    """The rule, checked against `q`; None when it is written for other versions only."""
    reader = Reader(file, f"rules[{index}]", raw)
    rule_id = entry_id(reader, "Regel")
    unknown = sorted(str(k) for k in reader.data if k not in RULE_KEYS)
    if unknown:
        raise reader.fail(f"unbekannte Felder {', '.join(unknown)} (erlaubt: {', '.join(RULE_KEYS)})")
    versions = rule_versions(reader)
    if versions and q.version not in versions:
        return None
    when = tuple(check(reader, c, q) for c in reader.items("when"))
    items = {c.item for c in when}
    first = q.item(when[0].item) if when else None
    if len(when) < 2 or (len(items) < 2 and (first is None or first.type != "multi")):
        raise reader.fail(
            "eine Unstimmigkeit braucht Bedingungen zu mindestens zwei verschiedenen Fragen (oder zwei zu einer Mehrfachauswahl)"
        )
    return InconsistencyRule(
        rule_id, reader.text("message"), when, citation(reader, q, sections), reader.text("note", required=False), versions
    )


def parse_inconsistency_rules(data: Any, file: str, q: Questionnaire, sections: SourceSections) -> tuple[InconsistencyRule, ...]:
    """Validate parsed YAML against questionnaire `q`; raises `ContentError` naming file and rule.

    A rule with `versions` is checked and used only for those questionnaire versions."""
    doc = Reader(file, "", data)
    if doc.raw("schema") != SCHEMA:
        raise doc.fail(f"unbekanntes Format '{doc.raw('schema')}' (erwartet {SCHEMA})")
    raw_rules = doc.items("rules")
    unique(file, "Regel", [str(raw.get("id")) if isinstance(raw, dict) else str(i) for i, raw in enumerate(raw_rules)])
    return tuple(rule for i, raw in enumerate(raw_rules) if (rule := _rule(i, raw, file, q, sections)) is not None)


def named_versions(path: Path | str) -> dict[str, tuple[str, ...]]:
    """Rule id -> the versions it names (only rules that name some), for `questionnaire check` to
    refuse a version that does not exist (a rule would silently never apply)."""
    doc = Reader(str(path), "", read_yaml(Path(path)))
    found: dict[str, tuple[str, ...]] = {}
    for index, raw in enumerate(doc.items("rules")):
        reader = Reader(str(path), f"rules[{index}]", raw)
        versions = rule_versions(reader)
        if versions:
            found[str(reader.data.get("id"))] = versions
    return found


def rules_file_for(q: Questionnaire) -> Path:
    """`rules/inconsistencies.yaml` beside the questionnaire file when there is one, else the shipped file."""
    beside = Path(q.path).parent / "rules" / "inconsistencies.yaml" if q.path else None
    return beside if beside is not None and beside.is_file() else RULES_FILE


def load_inconsistency_rules(
    q: Questionnaire, path: Path | str | None = None, sections: SourceSections | None = None
) -> tuple[InconsistencyRule, ...]:
    """Load and validate the rules file (default: `rules_file_for(q)`) against `q`."""
    path = Path(path) if path is not None else rules_file_for(q)
    sections = sections or load_sections(catalogue_dir_for(q) / "sources.yaml", q)
    return parse_inconsistency_rules(read_yaml(path), str(path), q, sections)


def _status(q: Questionnaire, condition: Check, value: AnswerValue | None) -> str:
    item = q.item(condition.item)
    assert item is not None
    return answer_status(item, condition, value)


def find_inconsistencies(
    q: Questionnaire, rules: tuple[InconsistencyRule, ...], answers: Mapping[str, AnswerValue | None]
) -> list[Inconsistency]:
    """The rules that fire on these (checked) answers, in file order."""
    found: list[Inconsistency] = []
    for rule in rules:
        if all(_status(q, c, answers.get(c.item)) == "met" for c in rule.when):
            flagged = []
            for item_id in dict.fromkeys(c.item for c in rule.when):
                item = q.item(item_id)
                assert item is not None
                flagged.append(FlaggedAnswer(item.id, item.text, answer_label(item, answers.get(item_id))))
            found.append(Inconsistency(rule, tuple(flagged)))
    return found


def inconsistencies_to_text(found: list[Inconsistency]) -> str:
    """German plain text for the consultant: each contradiction with the answers behind it and its source."""
    if not found:
        return ""
    lines = ["Widersprüche in den Antworten (vor der Beratung klären)"]
    for f in found:
        answers = "; ".join(f"„{a.text}“ – {a.answer}" for a in f.answers)
        lines.append(f"  - {f.rule.message} ({answers}) [Quelle: {f.rule.cite.source}, {f.rule.cite.section}]")
    return "\n".join(lines) + "\n"


def inconsistencies_to_dict(found: list[Inconsistency]) -> list[dict[str, object]]:
    return [
        {
            "rule": f.rule.id,
            "message": f.rule.message,
            "answers": [{"item": a.item, "text": a.text, "answer": a.answer} for a in f.answers],
            "cite": {"source": f.rule.cite.source, "section": f.rule.cite.section},
        }
        for f in found
    ]


__all__ = [
    "ContentError",
    "Inconsistency",
    "InconsistencyRule",
    "find_inconsistencies",
    "inconsistencies_to_dict",
    "inconsistencies_to_text",
    "load_inconsistency_rules",
    "parse_inconsistency_rules",
]
