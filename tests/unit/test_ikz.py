"""IKZ comparisons on plain inputs: who can help whom, joint modules, the group's funding."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from scoring import score
from scoring.advice import advise
from scoring.advice.render import status_label
from scoring.answers import item_score
from scoring.ikz import MAX_PARTNERS, Partner, compare, funding_calculation, group_modules, help_lines, item_gaps, partner_series
from scoring.model import Item
from scoring.radar import Series
from tests.unit.test_advice_factory import CATALOGUE, IN_2021, Q

AS_OF = date(2026, 5, 1)
IKZ = next(p for p in CATALOGUE.programmes if p.id == "ikz-foerderung")


def lowest(item: Item) -> Any:
    if item.type == "number":
        return item.bands[0].min
    if item.type == "multi":
        return [next(o.id for o in item.options if o.exclusive)]
    return item.ranked_options[0].id


def highest(item: Item) -> Any:
    if item.type == "number":
        return item.bands[-1].min
    if item.type == "multi":
        return [o.id for o in item.options if not o.exclusive]
    return item.ranked_options[-1].id


def partner(name: str, answers: dict[str, Any], validated: dict[str, int] | None = None, as_of: date = AS_OF) -> Partner:
    profile = score(Q, answers)
    return Partner(name, Q, profile, validated or {}, advise(Q, profile, as_of=as_of, catalogue=CATALOGUE))


STRONG = {item.id: highest(item) for item in Q.items}
WEAK = {item.id: lowest(item) for item in Q.items}
#: strong in the first two areas, weak in the rest
MIXED = {item.id: (STRONG if item.area_id in Q.area_ids[:2] else WEAK)[item.id] for item in Q.items}


def test_levels_of_the_inputs() -> None:
    assert [a.level for a in score(Q, STRONG).areas] == [5] * 5
    assert [a.level for a in score(Q, WEAK).areas] == [1] * 5


def test_two_levels_apart_helps_one_level_does_not() -> None:
    lines = help_lines(Q, [partner("Erbach", STRONG), partner("Oberzent", WEAK), Partner("Brombachtal")])
    assert [line.text for line in lines] == [f"{a.name}: Erbach (Stufe 5) kann Oberzent (Stufe 1) unterstützen." for a in Q.areas]
    gaps = lines[0].items
    assert len(gaps) == 3  # ITEMS_PER_LINE, every item of the area is 100 against 0 points
    first = Q.areas[0].items[0]
    assert gaps[0].text == first.text and gaps[0].weak_answer != gaps[0].strong_answer


def test_widest_gap_first_and_validated_levels_count() -> None:
    strong, weak, mixed = partner("A", STRONG), partner("B", WEAK), partner("C", MIXED)
    first_area = [line for line in help_lines(Q, [weak, mixed, strong]) if line.area == Q.areas[0].name]
    assert [(line.helper, line.helped) for line in first_area] == [("C", "B"), ("A", "B")]  # both 4 apart: pair order kept
    third_area = [line for line in help_lines(Q, [weak, mixed, strong]) if line.area == Q.areas[2].name]
    assert [(line.helper, line.helped) for line in third_area] == [("A", "B"), ("A", "C")]
    validated = replace(weak, validated={Q.area_ids[0]: 4})
    assert [line.helped for line in help_lines(Q, [strong, validated]) if line.area == Q.areas[0].name] == []
    assert validated.level(Q.area_ids[0]) == 4 and validated.self_level(Q.area_ids[0]) == 1


def test_item_gaps_name_at_most_three_items_of_fifty_points_or_more() -> None:
    strong, weak = partner("A", STRONG), partner("B", WEAK)
    area = Q.areas[0]
    expected = [
        i
        for i in area.items
        if (h := item_score(i, score(Q, STRONG).answers.get(i.id))) is not None
        and isinstance(h, float)
        and h - item_score(i, score(Q, WEAK).answers.get(i.id)) >= 50
    ]  # type: ignore[operator]
    assert [g.text for g in item_gaps(area.id, strong, weak)] == [i.text for i in expected][:3]
    assert item_gaps(area.id, weak, strong) == ()


def test_modules_by_number_with_their_partners() -> None:
    strong, weak, mixed = partner("A", STRONG), partner("B", WEAK), partner("C", MIXED)
    modules = group_modules([strong, weak, Partner("D"), mixed])
    numbers = [m.module.number for m in modules]
    assert numbers == sorted(numbers) and modules
    for m in modules:
        expected = tuple(
            p.name for p in (strong, weak, mixed) if p.advice and m.module.id in {x.module.id for x in p.advice.modules.modules}
        )
        assert m.partners == expected and m.joint == (len(expected) > 1)
    assert any(m.joint for m in modules)


def test_funding_for_the_group_size() -> None:
    assert funding_calculation(IKZ, 4) == (100000, "100.000 € für die Gruppe (4 Kommunen × 25.000 €)")
    assert funding_calculation(IKZ, 5) == (
        100000,
        "100.000 € für die Gruppe (5 Kommunen × 25.000 € = 125.000 €; bei mehr als 3 Kommunen höchstens 100.000 €)",
    )
    assert funding_calculation(IKZ, 1) == (None, "Die Förderung setzt mindestens 2 Kommunen voraus.")


def test_group_funding_counts_every_partner_but_shows_conditions_only_of_assessed_ones() -> None:
    partners = [partner("A", STRONG), partner("B", WEAK), Partner("C")]
    funding = compare(Q, CATALOGUE, partners, AS_OF).funding
    assert [f.programme.id for f in funding] == ["ikz-foerderung"]
    f = funding[0]
    assert (f.partners, f.value) == (3, 75000)
    assert [c.condition.id for c in f.conditions] == [c.id for c in IKZ.conditions]
    laufzeit = next(row for row in f.conditions if row.condition.id == "laufzeit")
    assert [(name, r.status if r else None) for name, r in laufzeit.partners] == [("A", "met"), ("B", "not_met"), ("C", None)]


def test_radar_one_line_per_assessed_partner() -> None:
    strong, weak = partner("A", STRONG), partner("B", WEAK, {"technik": 3})
    assert partner_series(Q, [strong, Partner("X"), weak]) == [Series("A", (5, 5, 5, 5, 5)), Series("B", (1, 1, 1, 1, 3))]
    assert MAX_PARTNERS == 7


# HEAD's services/ikz.py `_modules` and `_funding` ported onto plain partners: the reference on a few groups.


def _head_modules(partners: list[Partner]) -> list[tuple[str, tuple[str, ...], str]]:
    found: dict[str, tuple[Any, list[str], str]] = {}
    for p in partners:
        for planned in p.advice.modules.modules if p.advice else ():
            entry = found.setdefault(planned.module.id, (planned.module, [], status_label(planned.funding)))
            entry[1].append(p.name)
    return [(m.id, tuple(names), funding) for m, names, funding in sorted(found.values(), key=lambda e: e[0].number)]


def _head_funding(partners: list[Partner]) -> list[tuple[Any, ...]]:
    result = []
    for programme in CATALOGUE.programmes:
        if programme.amount.kind != "per_partner":
            continue
        matches = {p.name: next(f for f in p.advice.funding if f.programme.id == programme.id) for p in partners if p.advice}
        rows = tuple(
            (c.id, tuple((p.name, next(x for x in matches[p.name].conditions if x.id == c.id) if p.advice else None) for p in partners))
            for c in programme.conditions
        )
        not_eligible = tuple(f"{p.name}: {matches[p.name].reasons[0]}" for p in partners if p.advice and matches[p.name].eligible is False)
        result.append((programme.id, len(partners), rows, not_eligible))
    return result


def test_modules_and_funding_match_head_on_several_groups() -> None:
    groups = [
        [partner("A", STRONG), partner("B", WEAK)],
        [partner("A", MIXED), Partner("B"), partner("C", WEAK, as_of=IN_2021)],
        [partner("A", {**WEAK, "kooperation.ikz_partner": 3})],
    ]
    for partners in groups:
        assert [(m.module.id, m.partners, m.funding) for m in group_modules(partners)] == _head_modules(partners)
        ours = compare(Q, CATALOGUE, partners, AS_OF).funding
        assert [
            (f.programme.id, f.partners, tuple((r.condition.id, r.partners) for r in f.conditions), f.not_eligible) for f in ours
        ] == _head_funding(partners)
