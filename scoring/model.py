"""The questionnaire as the domain sees it: immutable dataclasses built by the loader.

Nothing here reads files or knows about Flask; a `Questionnaire` is plain data that
scoring, advice and the web forms all read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Literal

from scoring.item_kinds import DONT_KNOW as DONT_KNOW
from scoring.item_kinds import KINDS, ItemKind
from scoring.item_kinds import NOT_APPLICABLE as NOT_APPLICABLE
from scoring.item_kinds import SPECIAL_ANSWERS as SPECIAL_ANSWERS
from scoring.item_kinds import SPECIAL_LABELS as SPECIAL_LABELS

ItemType = Literal["single", "yesno", "multi", "number"]
CheckKind = Literal["min_score", "max_score", "min_value", "any_of", "none_of"]


@dataclass(frozen=True)
class Source:
    """One public document the content rests on."""

    id: str
    file: str
    title: str
    publisher: str
    year: int


@dataclass(frozen=True)
class Citation:
    source: str
    section: str


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    score: float
    exclusive: bool = False
    #: not suggested as a next step to municipalities with fewer inhabitants (e.g. a Stabsstelle for a
    #: Gemeinde under 5,000, issue 14); the option itself can still be answered and scores as usual
    population_min: int | None = None


@dataclass(frozen=True)
class Check:
    """A condition on one answer; unanswered is "unknown", "Trifft nicht zu" is not met.

    min_score / max_score: item score >= / <= threshold; min_value: number answer >= threshold;
    any_of / none_of: the chosen option(s) include some / none of `options`.
    The vocabulary of the advice catalogues, the inconsistency rules and an item's `applies_if`
    (evaluated by `scoring.conditions.check_status`).
    """

    item: str
    kind: CheckKind
    threshold: float = 0.0
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Band:
    """Number answers from `min` upward score `score` (until the next band)."""

    min: int
    score: float


@dataclass(frozen=True)
class Item:
    id: str
    area_id: str
    type: ItemType
    text: str
    help: str
    weight: float
    not_applicable: bool
    cite: Citation
    options: tuple[Option, ...] = ()
    unit: str = ""
    min: int | None = None
    max: int | None = None
    bands: tuple[Band, ...] = ()
    #: the item is asked only while none of these is definitely not met (scoring.conditions)
    applies_if: tuple[Check, ...] = ()

    def option(self, option_id: str) -> Option | None:
        return self._options_by_id.get(option_id)

    @cached_property
    def _options_by_id(self) -> dict[str, Option]:
        return {option.id: option for option in self.options}

    @cached_property
    def kind(self) -> ItemKind:
        """What this item's `type` does: check, score, label, next better answer, form fields."""
        return KINDS[self.type]

    @cached_property
    def ranked_options(self) -> tuple[Option, ...]:
        """Options from the lowest to the highest score."""
        return tuple(sorted(self.options, key=lambda o: o.score))

    @cached_property
    def score_span(self) -> tuple[float, float]:
        """The scores of its lowest and its highest answer (the ends of an open item's range)."""
        return self.kind.score_span(self)

    @property
    def special_answers(self) -> tuple[str, ...]:
        """The reserved answers this item offers besides its own options."""
        return SPECIAL_ANSWERS if self.not_applicable else (DONT_KNOW,)


@dataclass(frozen=True)
class Area:
    id: str
    name: str
    description: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Requirement:
    """A condition a level's description states for one area (`clause` quotes it): an area at
    this level or above has `item` answered with at least `min_score`. A gate enforces it."""

    area: str
    item: str
    min_score: float
    clause: str


@dataclass(frozen=True)
class Level:
    level: int
    name: str
    min_score: float
    description: str
    requires: tuple[Requirement, ...] = ()


@dataclass(frozen=True)
class Condition:
    """Holds when `item` is answered with an item score of at least `min_score`."""

    item: str
    min_score: float


@dataclass(frozen=True)
class Gate:
    """Caps an area's level at `max_level` unless every condition holds."""

    id: str
    area: str
    max_level: int
    unless: tuple[Condition, ...]
    reason: str
    cite: Citation


@dataclass(frozen=True)
class Migration:
    """How answers to an older version carry over to this one."""

    from_version: str
    items: dict[str, str | None] = field(default_factory=dict)
    options: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Questionnaire:
    version: str
    title: str
    published: date
    coverage_min: float
    sources: tuple[Source, ...]
    levels: tuple[Level, ...]
    areas: tuple[Area, ...]
    gates: tuple[Gate, ...]
    migration: Migration | None
    path: str = ""

    @cached_property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for area in self.areas for item in area.items)

    def item(self, item_id: str) -> Item | None:
        return self._item_index.get(item_id)

    @cached_property
    def conditional_items(self) -> tuple[Item, ...]:
        """The items with an `applies_if`: asked only when their conditions allow (scoring.conditions)."""
        return tuple(item for item in self.items if item.applies_if)

    @cached_property
    def _item_index(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    @cached_property
    def area_ids(self) -> tuple[str, ...]:
        """Area ids in questionnaire order: the one place code learns which areas exist."""
        return tuple(area.id for area in self.areas)

    @cached_property
    def area_names(self) -> dict[str, str]:
        """Area id -> the name the questionnaire gives it, in questionnaire order."""
        return {area.id: area.name for area in self.areas}

    def area(self, area_id: str) -> Area | None:
        for area in self.areas:
            if area.id == area_id:
                return area
        return None

    def source(self, source_id: str) -> Source | None:
        for source in self.sources:
            if source.id == source_id:
                return source
        return None

    def level(self, number: int) -> Level:
        return self.levels[number - 1]
