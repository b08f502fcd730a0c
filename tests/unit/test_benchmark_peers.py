"""Size classes and peer groups."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.benchmark import SIZE_CLASSES, Dimension, PeerGroup, peer_groups_for, size_class, size_class_index


@pytest.mark.parametrize(
    ("population", "class_id"),
    [
        (0, "u5k"),
        (4_999, "u5k"),
        (5_000, "5k-10k"),
        (9_999, "5k-10k"),
        (10_000, "10k-20k"),
        (19_999, "10k-20k"),
        (20_000, "20k-50k"),
        (49_999, "20k-50k"),
        (50_000, "50k-100k"),
        (99_999, "50k-100k"),
        (100_000, "100k+"),
        (756_021, "100k+"),
    ],
)
def test_size_class_boundaries_lower_inclusive(population: int, class_id: str) -> None:
    assert size_class(population).id == class_id
    assert size_class(population).contains(population)
    assert SIZE_CLASSES[int(size_class_index([population])[0])].id == class_id


def test_size_classes_cover_every_population_once() -> None:
    for population in np.r_[np.arange(0, 120_001, 250), [4_999, 5_000, 5_001]]:
        assert sum(c.contains(int(population)) for c in SIZE_CLASSES) == 1
    assert SIZE_CLASSES[0].label == "unter 5.000"
    assert SIZE_CLASSES[-1].label == "100.000 und mehr"


def test_negative_population_is_an_error() -> None:
    with pytest.raises(ValueError):
        size_class(-1)
    with pytest.raises(ValueError):
        size_class_index([10, -3])


def test_peer_groups_of_a_gemeinde() -> None:
    groups = peer_groups_for(
        population=11_800, kreis="06437", kreis_name="Odenwaldkreis", regierungsbezirk="Darmstadt", kind="Stadt", round="2026"
    )
    by_dimension = {g.dimension: g for g in groups}
    assert set(by_dimension) == set(Dimension)
    assert by_dimension[Dimension.SIZE] == PeerGroup(Dimension.SIZE, "10k-20k", "Größenklasse: 10.000 bis unter 20.000 Einwohner")
    assert by_dimension[Dimension.KREIS].label == "Landkreis / kreisfreie Stadt: Odenwaldkreis"
    assert by_dimension[Dimension.KREIS].id == "kreis:06437"
    assert by_dimension[Dimension.LAND].label == "Land: alle Kommunen"


def test_landkreis_has_no_size_class_or_kreis_peer() -> None:
    groups = peer_groups_for(population=96_000, kreis="06437", regierungsbezirk="Darmstadt", kind="Landkreis")
    assert {g.dimension for g in groups} == {Dimension.LAND, Dimension.REGIERUNGSBEZIRK, Dimension.KIND}


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        PeerGroup.of(Dimension.KIND, "Dorf")
