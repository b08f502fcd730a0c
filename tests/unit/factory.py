"""Build small valid questionnaire documents for rule tests.

Every area gets eight items: one single-choice item `<area>.s0` … `<area>.s5`
(options niedrig 0 / mittel 50 / hoch 100), a number item `<area>.n` and a
multi item `<area>.m`. Tests change the dict before parsing it.
"""

from __future__ import annotations

import copy
from typing import Any

from scoring.content import AREA_IDS, parse_questionnaire
from scoring.model import Questionnaire

SOURCES = [
    {"id": "erbach-ikz-2023", "file": "003.txt", "title": "Digitalstrategie", "publisher": "IKZ", "year": 2024},
]
CITE = {"source": "erbach-ikz-2023", "section": "6.3"}


def single(item_id: str, weight: float = 1, not_applicable: bool = False) -> dict[str, Any]:
    return {
        "id": item_id,
        "type": "single",
        "text": f"Frage {item_id}",
        "help": "Hilfe",
        "weight": weight,
        "not_applicable": not_applicable,
        "cite": CITE,
        "options": [
            {"id": "niedrig", "label": "niedrig", "score": 0},
            {"id": "mittel", "label": "mittel", "score": 50},
            {"id": "hoch", "label": "hoch", "score": 100},
        ],
    }


def area(area_id: str) -> dict[str, Any]:
    items = [single(f"{area_id}.s{i}") for i in range(6)]
    items.append(
        {
            "id": f"{area_id}.n",
            "type": "number",
            "text": "Wie viele?",
            "help": "Hilfe",
            "weight": 1,
            "cite": CITE,
            "unit": "Dienste",
            "min": 0,
            "max": 1000,
            "bands": [{"min": 0, "score": 0}, {"min": 1, "score": 25}, {"min": 10, "score": 60}, {"min": 50, "score": 100}],
        }
    )
    items.append(
        {
            "id": f"{area_id}.m",
            "type": "multi",
            "text": "Welche?",
            "help": "Hilfe",
            "weight": 1,
            "cite": CITE,
            "options": [
                {"id": "a", "label": "A", "score": 40},
                {"id": "b", "label": "B", "score": 40},
                {"id": "c", "label": "C", "score": 40},
                {"id": "keines", "label": "keines", "score": 0, "exclusive": True},
            ],
        }
    )
    return {"id": area_id, "name": area_id.title(), "description": "Bereich", "items": items}


BASE: dict[str, Any] = {
    "schema": "digicheck/questionnaire-1",
    "version": "2026.1",
    "title": "Test",
    "published": __import__("datetime").date(2026, 1, 1),
    "coverage_min": 0.7,
    "sources": SOURCES,
    "levels": [
        {"level": 1, "name": "Einstieg", "min_score": 0, "description": "d"},
        {"level": 2, "name": "Grundlagen", "min_score": 20, "description": "d"},
        {"level": 3, "name": "Aufbau", "min_score": 40, "description": "d"},
        {"level": 4, "name": "Fortgeschritten", "min_score": 60, "description": "d"},
        {"level": 5, "name": "Vorreiter", "min_score": 80, "description": "d"},
    ],
    "areas": [area(a) for a in AREA_IDS],
    "gates": [
        {
            "id": "technik-isms",
            "area": "technik",
            "max_level": 3,
            "unless": [{"item": "technik.s0", "min_score": 75}],
            "reason": "Ohne ISMS",
            "cite": CITE,
        },
    ],
}


def document(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    doc.update(changes)
    return doc


def questionnaire(**changes: Any) -> Questionnaire:
    return parse_questionnaire(document(**changes), "test.yaml")


def all_answers(q: Questionnaire, option: str = "hoch") -> dict[str, Any]:
    """Every single item at `option`, numbers and multis at their matching strength."""
    number = {"niedrig": 0, "mittel": 10, "hoch": 50}[option]
    multi = {"niedrig": ["keines"], "mittel": ["a"], "hoch": ["a", "b", "c"]}[option]
    answers: dict[str, Any] = {}
    for item in q.items:
        answers[item.id] = number if item.type == "number" else multi if item.type == "multi" else option
    return answers


def best_answers(q: Questionnaire) -> dict[str, Any]:
    """The best answer to every item: the top band, every non-exclusive option, the best option."""
    answers: dict[str, Any] = {}
    for item in q.items:
        if item.type == "number":
            answers[item.id] = item.bands[-1].min
        elif item.type == "multi":
            answers[item.id] = [o.id for o in item.options if not o.exclusive]
        else:
            answers[item.id] = item.ranked_options[-1].id
    return answers
