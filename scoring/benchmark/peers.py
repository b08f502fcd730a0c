"""Peer groups: who a municipality is compared with.

Size classes follow the usual steps of German municipal statistics (unter 5.000 …
100.000 und mehr Einwohner); a lower bound belongs to its class, so a town of exactly
5,000 inhabitants is in "5.000 bis unter 10.000". The other dimensions (Landkreis,
Regierungsbezirk, kind, round, the whole Land) come straight from the register and
the assessment, so a `PeerGroup` is just (dimension, key, label): the key is whatever
the register uses (a Kreis AGS, a year), the label what a report shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from scoring.kinds import KINDS, LANDKREIS


@dataclass(frozen=True)
class SizeClass:
    """Inhabitants from `lower` (inclusive) to `upper` (exclusive; None = open)."""

    id: str
    label: str
    lower: int
    upper: int | None

    def contains(self, population: int) -> bool:
        return population >= self.lower and (self.upper is None or population < self.upper)


SIZE_CLASSES: tuple[SizeClass, ...] = (
    SizeClass("u5k", "unter 5.000", 0, 5_000),
    SizeClass("5k-10k", "5.000 bis unter 10.000", 5_000, 10_000),
    SizeClass("10k-20k", "10.000 bis unter 20.000", 10_000, 20_000),
    SizeClass("20k-50k", "20.000 bis unter 50.000", 20_000, 50_000),
    SizeClass("50k-100k", "50.000 bis unter 100.000", 50_000, 100_000),
    SizeClass("100k+", "100.000 und mehr", 100_000, None),
)
_UPPER_BOUNDS = np.array([c.lower for c in SIZE_CLASSES[1:]])
_BY_ID = {c.id: c for c in SIZE_CLASSES}


def size_class(population: int) -> SizeClass:
    """The size class of a population; a negative population is a data error."""
    if population < 0:
        raise ValueError(f"population must not be negative: {population}")
    return SIZE_CLASSES[int(np.searchsorted(_UPPER_BOUNDS, population, side="right"))]


def size_class_index(populations: Sequence[int] | np.ndarray) -> np.ndarray:
    """Index into SIZE_CLASSES for many populations at once (same boundaries)."""
    values = np.asarray(populations)
    if values.size and values.min() < 0:
        raise ValueError("population must not be negative")
    return np.searchsorted(_UPPER_BOUNDS, values, side="right")


class Dimension(StrEnum):
    """What a peer group compares by."""

    SIZE = "size"
    KREIS = "kreis"
    REGIERUNGSBEZIRK = "regierungsbezirk"
    KIND = "kind"
    ROUND = "round"
    LAND = "land"


#: Dimensions in the order a report lists them, with their German heading.
DIMENSIONS: dict[Dimension, str] = {
    Dimension.LAND: "Land",
    Dimension.REGIERUNGSBEZIRK: "Regierungsbezirk",
    Dimension.KREIS: "Landkreis / kreisfreie Stadt",
    Dimension.SIZE: "Größenklasse",
    Dimension.KIND: "Art",
    Dimension.ROUND: "Runde",
}


@dataclass(frozen=True)
class PeerGroup:
    """One comparison group, e.g. (KREIS, "06437", "Landkreis / kreisfreie Stadt: Odenwaldkreis")."""

    dimension: Dimension
    key: str
    label: str

    @property
    def id(self) -> str:
        """Stable text id for URLs and caches, e.g. "size:u5k"."""
        return f"{self.dimension.value}:{self.key}"

    @classmethod
    def of(cls, dimension: Dimension, key: str, name: str | None = None) -> PeerGroup:
        """Build the group with its report label; `name` defaults to the key (size: the class label)."""
        if dimension is Dimension.SIZE:
            name = _BY_ID[key].label + " Einwohner"
        elif dimension is Dimension.KIND and key not in KINDS:
            raise ValueError(f"unknown kind of Kommune: {key!r}")
        elif dimension is Dimension.LAND:
            name = name or "alle Kommunen"
        return cls(dimension, key, f"{DIMENSIONS[dimension]}: {name or key}")


def peer_groups_for(
    *,
    population: int | None,
    kreis: str | None,
    regierungsbezirk: str | None,
    kind: str,
    round: str | None = None,
    land: str = "alle Kommunen",
    kreis_name: str | None = None,
) -> tuple[PeerGroup, ...]:
    """The groups one municipality belongs to; unknown attributes give no group.

    Landkreise are compared with each other only: a Landkreis has no size class of
    its own among the Gemeinden and is not its own Kreis peer.
    """
    groups = [PeerGroup.of(Dimension.LAND, "all", land)]
    if regierungsbezirk:
        groups.append(PeerGroup.of(Dimension.REGIERUNGSBEZIRK, regierungsbezirk))
    if kreis and kind != LANDKREIS:
        groups.append(PeerGroup.of(Dimension.KREIS, kreis, kreis_name))
    if population is not None and kind != LANDKREIS:
        groups.append(PeerGroup.of(Dimension.SIZE, size_class(population).id))
    groups.append(PeerGroup.of(Dimension.KIND, kind))
    if round is not None:
        groups.append(PeerGroup.of(Dimension.ROUND, round))
    return tuple(groups)
