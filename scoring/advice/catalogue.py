"""The advice catalogues as the domain sees them: immutable dataclasses built by the loader.

Modules, funding programmes and reference measures are data an administrator
edits (questionnaires/catalogues/*.yaml); the rules that turn a profile into
advice read only these objects, so a new programme needs no code change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from scoring.model import Check, Citation

#: How a reference measure stood when its document was written.
MEASURE_STATES = ("umgesetzt", "begonnen", "geplant")

AmountKind = Literal["in_kind", "share", "per_partner", "unknown"]


@dataclass(frozen=True)
class SourceSection:
    """A citable part of a source; `anchor` is text that occurs in the document."""

    title: str
    anchor: str


@dataclass(frozen=True)
class SourceSections:
    """Per source id, the sections citations may name (the source list is the questionnaire's)."""

    by_source: dict[str, tuple[SourceSection, ...]]
    path: str = ""

    def has(self, source: str, section: str) -> bool:
        return any(s.title == section for s in self.by_source.get(source, ()))


@dataclass(frozen=True)
class Weakness:
    """`item` calls for something when it is answered with an item score below `below`."""

    item: str
    below: float


@dataclass(frozen=True)
class Period:
    """When something was (or is) funded; `until` None means the source gives no end."""

    start: date | None
    until: date | None
    cite: Citation
    apply_until: date | None = None
    note: str = ""

    @property
    def last_date(self) -> date | None:
        """The last day a newcomer could still use it: the application deadline if any."""
        return self.apply_until or self.until


@dataclass(frozen=True)
class Prerequisite:
    """Met when any alternative holds: one of `modules` is planned or one `checks` is met."""

    modules: tuple[str, ...]
    checks: tuple[Check, ...]
    text: str
    cite: Citation


@dataclass(frozen=True)
class Module:
    id: str
    number: int
    title: str
    contents: tuple[str, ...]
    goal: str
    target_groups: tuple[str, ...]
    days_on_site: float
    days_results: float
    needs: tuple[Weakness, ...]
    skip_if: tuple[Check, ...]
    skip_reason: str
    requires: Prerequisite | None
    funded: Period
    cite: Citation
    note: str = ""
    #: Recommended whenever `skip_if` does not hold, even without a weak answer (module 2).
    recommend_unless_skipped: bool = False

    @property
    def days(self) -> float:
        return self.days_on_site + self.days_results


@dataclass(frozen=True)
class Contingent:
    """The Land pays `free` modules out of `modules` per municipality."""

    id: str
    name: str
    modules: tuple[str, ...]
    free: int
    paid_by: str
    cite: Citation
    #: Which planned members the free slots go to: the first by number, or the larger need.
    choose: Literal["order", "need"] = "order"


@dataclass(frozen=True)
class PlanNote:
    """A note shown with every module plan, with all the sources it weighs (e.g. an older reading)."""

    id: str
    text: str
    cites: tuple[Citation, ...]


@dataclass(frozen=True)
class AmountRule:
    """How much a programme pays; `kind` decides which fields matter."""

    kind: AmountKind
    text: str
    grant_share: float | None = None
    per_partner: float | None = None
    cap: float | None = None
    cap_above: int | None = None
    partners_item: str | None = None
    min_partners: int = 2
    example_label: str = ""
    example_total: float | None = None
    example_cite: Citation | None = None


@dataclass(frozen=True)
class ProgrammeCondition:
    """One condition of a programme; without `check` it can only be "unknown" (ask)."""

    id: str
    text: str
    check: Check | None
    note: str = ""


@dataclass(frozen=True)
class Programme:
    id: str
    name: str
    funder: str
    what: str
    kinds: tuple[str, ...]
    population_min: int | None
    population_max: int | None
    favoured_population_min: int | None
    favoured_population_max: int | None
    favoured_note: str
    addresses: tuple[Weakness, ...]
    conditions: tuple[ProgrammeCondition, ...]
    exclusions: tuple[str, ...]
    amount: AmountRule
    period: Period
    cite: Citation


@dataclass(frozen=True)
class Cost:
    text: str
    amount: float | None = None


@dataclass(frozen=True)
class Member:
    """One municipality behind a measure, with its population from the official register."""

    name: str
    ags: str
    population: int


@dataclass(frozen=True)
class Origin:
    """Who a measure comes from; `members` empty for the Land's own structures (no size)."""

    id: str
    name: str
    members: tuple[Member, ...]
    #: Where the members' populations come from (register, edition, date, licence).
    register: str = ""

    @property
    def population(self) -> int | None:
        return sum(m.population for m in self.members) if self.members else None


@dataclass(frozen=True)
class Measure:
    """What another municipality did or planned ("So haben es andere gemacht").

    `population_min` keeps a measure away from smaller municipalities (a Stabsstelle is
    not advice for a Gemeinde under 5,000); `also_areas` offers it in further areas to
    municipalities up to `also_population_max` inhabitants (Digilotsen, IKZ for small ones).
    """

    id: str
    area: str
    items: tuple[str, ...]
    title: str
    description: str
    origin: Origin
    state: str
    year: int
    cite: Citation
    cost: Cost | None = None
    population_min: int | None = None
    also_areas: tuple[str, ...] = ()
    also_population_max: int | None = None

    @property
    def who(self) -> str:
        return self.origin.name


@dataclass(frozen=True)
class Catalogue:
    sections: SourceSections
    modules: tuple[Module, ...]
    contingents: tuple[Contingent, ...]
    notes: tuple[PlanNote, ...]
    programmes: tuple[Programme, ...]
    measures: tuple[Measure, ...]
    paths: dict[str, str] = field(default_factory=dict)

    def module(self, module_id: str) -> Module:
        for module in self.modules:
            if module.id == module_id:
                return module
        raise KeyError(module_id)
