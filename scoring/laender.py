"""The Länder of Germany, keyed by the first two digits of the AGS.

The names are those of the register's Land records (Destatis GV100AD, Satzart 10,
Gebietsstand 30.11.2025); a test compares this table with the records of the shipped
register. The benchmark and the overview use the Land as a dimension; "Deutschland"
(`GERMANY`) is the explicit choice of all Länder together.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

#: Land key (AGS digits 1-2) -> name, as in the register's Satzart 10 records.
LAENDER: Mapping[str, str] = MappingProxyType(
    {
        "01": "Schleswig-Holstein",
        "02": "Hamburg",
        "03": "Niedersachsen",
        "04": "Bremen",
        "05": "Nordrhein-Westfalen",
        "06": "Hessen",
        "07": "Rheinland-Pfalz",
        "08": "Baden-Württemberg",
        "09": "Bayern",
        "10": "Saarland",
        "11": "Berlin",
        "12": "Brandenburg",
        "13": "Mecklenburg-Vorpommern",
        "14": "Sachsen",
        "15": "Sachsen-Anhalt",
        "16": "Thüringen",
    }
)
#: The choice "all Länder together" in filters and the API.
GERMANY = "DE"
GERMANY_NAME = "Deutschland"
#: The Land a consultant's or analyst's view starts with when its municipalities are imported.
HOME_LAND = "06"


def land_of(ags: str) -> str:
    """The Land key of an AGS (Gemeinde or Kreis): its first two digits."""
    return ags[:2]


def land_name(key: str) -> str:
    """'06' -> 'Hessen', 'DE' -> 'Deutschland'; an unknown key is shown as it is."""
    return GERMANY_NAME if key == GERMANY else LAENDER.get(key, key)
