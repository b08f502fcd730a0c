"""The Länder table against the register's own Land records, and the guard across Länder."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from digicheck.benchmark.guard import scoped_decisions
from scoring.benchmark import Dimension, PeerGroup, size_class
from scoring.laender import GERMANY, LAENDER, land_name, land_of
from tests import register_excerpt


def test_the_table_names_every_land_as_the_register_does() -> None:
    reason = register_excerpt.missing()
    if reason:
        pytest.skip(reason)
    records = [line for line in register_excerpt.GV100AD.read_text(encoding="utf-8").splitlines() if line[:2] == "10"]
    assert {line[10:12]: line[22:72].strip() for line in records} == dict(LAENDER)


def test_land_of_an_ags_and_the_name_of_germany() -> None:
    assert land_of("06437006") == land_of("06437") == "06"
    assert land_name("16") == "Thüringen" and land_name(GERMANY) == "Deutschland"


def _members(people: list[tuple[int, str, str, int]]) -> dict[tuple[str, str], tuple[PeerGroup, np.ndarray]]:
    """Germany-wide groups of the round as the membership query returns them: (id, Land, Kreis, population)."""
    groups: dict[tuple[str, str], list[int]] = {}
    for ident, land, kreis, population in people:
        for key in (("land", "all"), ("laender", land), ("kreis", kreis), ("size", size_class(population).id), ("kind", "Gemeinde")):
            groups.setdefault(key, []).append(ident)
    dimension = {
        "land": Dimension.LAND,
        "laender": Dimension.LAND,
        "kreis": Dimension.KREIS,
        "size": Dimension.SIZE,
        "kind": Dimension.KIND,
    }
    return {(d, key): (PeerGroup.of(dimension[d], key), np.array(ids)) for (d, key), ids in groups.items()}


def _world(seed: int) -> list[tuple[int, str, str, int]]:
    rng = np.random.default_rng(seed)
    people = []
    for land in ("06", "09", "03")[: int(rng.integers(2, 4))]:
        for kreis in range(int(rng.integers(1, 4))):
            for _ in range(int(rng.integers(1, 12))):
                people.append((len(people) + 1, land, f"{land}{kreis:03d}", int(rng.choice([2000, 7000, 15000]))))
    return people


@pytest.mark.parametrize("seed", range(40))
def test_no_two_groups_published_in_any_scope_describe_fewer_than_k(seed: int) -> None:
    """Every published group of every scope (each Land and Deutschland) of one view, taken together:
    no Venn region of two of them holds 1..k-1 municipalities, and Deutschland minus the published
    Länder is 0 or at least k."""
    k = 5
    people = _world(seed)
    members = _members(people)
    years = {2026: {land: np.array([i for i, x, *_ in people if x == land]) for land in {p[1] for p in people}}}
    for view in ("kreis", "size", "kind"):
        published: list[set[int]] = []
        laender_published: list[set[int]] = []
        germany: set[int] | None = None
        for scope in (*sorted(years[2026]), GERMANY):
            result = scoped_decisions(members, years, {}, k, 2026, scope, True)
            for (d, _key), (group, ids) in result.shown.items():
                if d in ("land", view) and result.decisions[group].published:
                    published.append(set(ids.tolist()))
                    if d == "land" and scope != GERMANY:
                        laender_published.append(set(ids.tolist()))
                    if d == "land" and scope == GERMANY:
                        germany = set(ids.tolist())
        for a, b in itertools.combinations(published, 2):
            if a & b:
                assert all(not 0 < len(region) < k for region in (a - b, b - a, a & b)), (seed, view, sorted(a), sorted(b))
        if germany is not None:
            rest = len(germany) - sum(len(x) for x in laender_published)
            assert not 0 < rest < k, (seed, view)
