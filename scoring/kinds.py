"""Kinds of municipality (Art der Kommune), as the official register names them.

One definition for the register import, the funding rules (which kinds a
programme pays), the benchmark's peer groups and every form that offers a choice.
The order is the order people read them in: smallest unit first.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

GEMEINDE = "Gemeinde"
STADT = "Stadt"
KREISFREIE_STADT = "kreisfreie Stadt"
LANDKREIS = "Landkreis"

KINDS: tuple[str, ...] = (GEMEINDE, STADT, KREISFREIE_STADT, LANDKREIS)

#: Textkennzeichen (positions 123-124) of a Gemeinde record (Satzart 60) in Destatis GV100AD -> kind.
REGISTER_GEMEINDE_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "60": GEMEINDE,
        "61": KREISFREIE_STADT,
        "62": KREISFREIE_STADT,
        "63": STADT,
        "64": GEMEINDE,
        "67": STADT,
    }
)
#: Textkennzeichen of a Kreis record (Satzart 40) that is a Landkreis (Kreis, Landkreis, Regionalverband).
REGISTER_LANDKREIS_CODES: frozenset[str] = frozenset({"43", "44", "45"})


def is_kind(value: object) -> bool:
    """True for one of the kinds the register, the catalogues and the benchmark know."""
    return isinstance(value, str) and value in KINDS


def ags_length(kind: str) -> int:
    """Digits of the Amtlicher Gemeindeschlüssel: 5 for a Landkreis (Kreisschlüssel), else 8."""
    return 5 if kind == LANDKREIS else 8
