"""Reference measures ("So haben es andere gemacht") for the areas that need them.

An area gets measures when its level is below 3 or below the target the
municipality set for it. From the area's measures in measures.yaml we take those
whose items are weak in this assessment, the largest weighted gap first, at
most five; if fewer than two match we add the next ones in catalogue order, so
the consultant always has two examples to talk about. Areas without a level
(nothing answered) get none: they are first a question of "Weiß nicht".

Size matters (docs/advice.md): a measure is left out for municipalities smaller
than its `population_min` (no Stabsstelle for a Gemeinde under 5,000), measures
from municipalities at most one size class away come before those from much
larger or smaller ones, and small municipalities also see the measures that
name their area in `also_areas` (Digilotsen and IKZ under Strategie).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scoring.advice.catalogue import Measure
from scoring.advice.funding import MunicipalityFacts
from scoring.advice.rules import ItemFacts
from scoring.benchmark.peers import SIZE_CLASSES, size_class
from scoring.kinds import LANDKREIS
from scoring.profile import Profile

BASE_LEVEL = 3
MIN_MEASURES, MAX_MEASURES = 2, 5
#: Measures from municipalities this many size classes away or more are ranked after closer ones.
FAR_CLASSES = 2


@dataclass(frozen=True)
class SuggestedMeasure:
    measure: Measure
    addresses: tuple[str, ...]
    gap: float
    #: Size classes between the measure's origin and this municipality (None: not comparable).
    distance: int | None = None


@dataclass(frozen=True)
class AreaMeasures:
    area: str
    area_name: str
    level: int
    target: int | None
    reason: str
    measures: tuple[SuggestedMeasure, ...]


def check_targets(targets: Mapping[str, int | None] | None, area_ids: Sequence[str]) -> dict[str, int]:
    """Targets per area id (one of the questionnaire's `area_ids`), each a level 1-5;
    None means "no target set"; anything else is a ValueError."""
    checked: dict[str, int] = {}
    for area, level in (targets or {}).items():
        if area not in area_ids:
            raise ValueError(f"unbekannter Bereich '{area}' im Ziel (erlaubt: {', '.join(area_ids)})")
        if level is None:
            continue
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
            raise ValueError(f"Zielstufe für {area} muss 1 bis 5 sein, nicht {level!r}")
        checked[area] = level
    return checked


def _reason(level: int, target: int | None) -> str | None:
    if target is not None and level < target:
        return f"Stufe {level} liegt unter der Zielstufe {target}."
    if level < BASE_LEVEL:
        return f"Stufe {level} liegt unter Stufe {BASE_LEVEL} „Aufbau“."
    return None


def _class_index(population: int) -> int:
    return SIZE_CLASSES.index(size_class(population))


def size_distance(measure: Measure, municipality: MunicipalityFacts | None) -> int | None:
    """Size classes between this municipality and the closest member of the measure's origin.

    None when either size is unknown or the municipality is a Landkreis (they have no size class).
    """
    if municipality is None or municipality.population is None or municipality.kind == LANDKREIS or not measure.origin.members:
        return None
    own = _class_index(municipality.population)
    return min(abs(_class_index(m.population) - own) for m in measure.origin.members)


def fits_size(measure: Measure, municipality: MunicipalityFacts | None) -> bool:
    """False only when the population is known and below the measure's `population_min`."""
    population = None if municipality is None else municipality.population
    return measure.population_min is None or population is None or population >= measure.population_min


def _offered_to_small(measure: Measure, area: str, municipality: MunicipalityFacts | None) -> bool:
    population = None if municipality is None else municipality.population
    limit = measure.also_population_max
    return area in measure.also_areas and population is not None and limit is not None and population <= limit


def _suggest(measures: list[Measure], facts: ItemFacts, municipality: MunicipalityFacts | None) -> tuple[SuggestedMeasure, ...]:
    ranked: list[SuggestedMeasure] = []
    for measure in measures:
        weak = []
        gap = 0.0
        for item_id in measure.items:
            score = facts.score(item_id)
            item = facts.questionnaire.item(item_id)
            if score is not None and score < 100 and item is not None:
                weak.append(item_id)
                gap += item.weight * (100 - score)
        ranked.append(SuggestedMeasure(measure, tuple(weak), round(gap, 1), size_distance(measure, municipality)))
    order = {m.id: i for i, m in enumerate(measures)}

    def far(s: SuggestedMeasure) -> bool:
        return s.distance is not None and s.distance >= FAR_CLASSES

    relevant = sorted((s for s in ranked if s.gap > 0), key=lambda s: (far(s), -s.gap, order[s.measure.id]))[:MAX_MEASURES]
    chosen = {s.measure.id for s in relevant}
    for suggestion in ranked:
        if len(relevant) >= MIN_MEASURES:
            break
        if suggestion.measure.id not in chosen:
            relevant.append(suggestion)
    return tuple(relevant)


def suggest_measures(
    measures: tuple[Measure, ...],
    profile: Profile,
    facts: ItemFacts,
    goals: dict[str, int],
    municipality: MunicipalityFacts | None = None,
) -> tuple[AreaMeasures, ...]:
    """Per area that needs them, in questionnaire order; `goals` as returned by `check_targets`."""
    result: list[AreaMeasures] = []
    for area in profile.areas:
        if area.level is None:
            continue
        reason = _reason(area.level, goals.get(area.id))
        if reason is None:
            continue
        pool = [m for m in measures if m.area == area.id and fits_size(m, municipality)]
        chosen = _suggest(pool, facts, municipality)
        extra = tuple(
            SuggestedMeasure(m, (), 0.0, size_distance(m, municipality))
            for m in measures
            if _offered_to_small(m, area.id, municipality) and m.id not in {s.measure.id for s in chosen}
        )
        result.append(AreaMeasures(area.id, area.name, area.level, goals.get(area.id), reason, chosen + extra))
    return tuple(result)
