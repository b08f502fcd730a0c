"""Which questions to clarify first, when "Weiß nicht" leaves the advice without ground.

The advice reads the open items per area as plain data (area id -> item ids), so
any source of "open" can feed it: by default the items left unanswered or
answered "Weiß nicht" (`open_items_by_area`); the questionnaire's own list of
questions to clarify can be passed in instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from scoring.model import Questionnaire
from scoring.profile import Profile

#: With more than this share of the deciding questions open, the plan says "erst klären".
LOW_COVERAGE_SHARE = 0.5

OpenItems = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class OpenQuestion:
    item: str
    area: str
    text: str


def open_items_by_area(questionnaire: Questionnaire, profile: Profile) -> dict[str, tuple[str, ...]]:
    """Per area id, the items left open or answered "Weiß nicht", in questionnaire order: what the
    profile already lists per area (`AreaResult.unknown`; hidden items are not open)."""
    return {area.id: tuple(area.unknown) for area in profile.areas}


def open_among(open_items: OpenItems, item_ids: Iterable[str]) -> tuple[str, ...]:
    """The given items that are open, in the given order, each once."""
    flat = {item for items in open_items.values() for item in items}
    return tuple(dict.fromkeys(i for i in item_ids if i in flat))


def questions(questionnaire: Questionnaire, item_ids: Iterable[str]) -> tuple[OpenQuestion, ...]:
    """The open items as questions a consultant can read out."""
    found = []
    for item_id in item_ids:
        item = questionnaire.item(item_id)
        if item is not None:
            found.append(OpenQuestion(item.id, item.area_id, item.text))
    return tuple(found)


def low_coverage(open_items: OpenItems, deciding: Sequence[str]) -> bool:
    """True when more than LOW_COVERAGE_SHARE of the deciding items are open."""
    unique = tuple(dict.fromkeys(deciding))
    return bool(unique) and len(open_among(open_items, unique)) > LOW_COVERAGE_SHARE * len(unique)
