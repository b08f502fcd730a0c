"""Reference measures ("So haben es andere gemacht") for the areas that need them.

An area gets measures when its level is below 3 or below the target the
municipality set for it. From the area's measures in measures.yaml we take those
whose items are weak in this assessment, the largest weighted gap first, at
most five; if fewer than two match we add the next ones in catalogue order, so
the consultant always has two examples to talk about. Areas without a level
(nothing answered) get none: they are first a question of "Weiß nicht".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scoring.advice.catalogue import Measure
from scoring.advice.rules import ItemFacts
from scoring.profile import Profile

BASE_LEVEL = 3
MIN_MEASURES, MAX_MEASURES = 2, 5


@dataclass(frozen=True)
class SuggestedMeasure:
    measure: Measure
    addresses: tuple[str, ...]
    gap: float


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


def _suggest(measures: list[Measure], facts: ItemFacts) -> tuple[SuggestedMeasure, ...]:
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
        ranked.append(SuggestedMeasure(measure, tuple(weak), round(gap, 1)))
    order = {m.id: i for i, m in enumerate(measures)}
    relevant = sorted((s for s in ranked if s.gap > 0), key=lambda s: (-s.gap, order[s.measure.id]))[:MAX_MEASURES]
    chosen = {s.measure.id for s in relevant}
    for suggestion in ranked:
        if len(relevant) >= MIN_MEASURES:
            break
        if suggestion.measure.id not in chosen:
            relevant.append(suggestion)
    return tuple(relevant)


def suggest_measures(measures: tuple[Measure, ...], profile: Profile, facts: ItemFacts, goals: dict[str, int]) -> tuple[AreaMeasures, ...]:
    """Per area that needs them, in questionnaire order; `goals` as returned by `check_targets`."""
    result: list[AreaMeasures] = []
    for area in profile.areas:
        if area.level is None:
            continue
        reason = _reason(area.level, goals.get(area.id))
        if reason is None:
            continue
        pool = [m for m in measures if m.area == area.id]
        result.append(AreaMeasures(area.id, area.name, area.level, goals.get(area.id), reason, _suggest(pool, facts)))
    return tuple(result)
