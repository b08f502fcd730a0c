"""The benchmark learns from plans: which catalogue measures and consultation modules municipalities
take into their Maßnahmenplan and complete, per size class, and the median time from taking an
entry in (created_at) to done (closed_at), anonymously (docs/benchmark.md "Maßnahmenpläne").

A cell is (group, measure): the municipalities of a size class (or all) that have the measure in
their plan, counted once each however many entries they made. Its figures: how many took it in,
how many of them completed it, and the median days to done over the completed ones (the first
completed entry per municipality; entries written in as already done, closed when created, have no
time to done). Cells go through the guard of `digicheck.benchmark.guard.plan_decisions`;
the median needs at least k completions besides. Own entries (free text) and "next step" items
are not aggregated: their titles could name the municipality.

The plans are the municipalities' current ones, not a round's: the section is the same under
every filter of the report except the Land, so no two filters give two versions of a cell to
subtract. Entries added in a demo round count only in demo mode, as demo assessments do.

Länder: the section shows the plans of one Land, never a sum over Länder. With more than one Land
in the register and "Deutschland" chosen it shows nothing and says why: the Länder's cells are
disjoint, so no difference between two published cells describes anyone, while a Germany cell
minus a Land's would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import text

from digicheck.benchmark.cache import DataVersion, data_version, remembered
from digicheck.benchmark.guard import land_total, plan_decisions
from digicheck.benchmark.queries import size_case
from digicheck.content import catalogue, questionnaire
from digicheck.extensions import db
from scoring.benchmark import SIZE_CLASSES, Dimension, PeerGroup, quantile_rows
from scoring.kinds import LANDKREIS
from scoring.laender import GERMANY

#: the plan sources aggregated: catalogue ids shared by every municipality
SOURCES = ("measure", "module")
#: how many measures each group's table lists
TOP = 10
LAND = "all"
_SIZE_KEYS = frozenset(c.id for c in SIZE_CLASSES)


def _days(dialect: str) -> str:
    if dialect == "postgresql":
        return "EXTRACT(EPOCH FROM (e.closed_at - e.created_at)) / 86400.0"
    return "julianday(e.closed_at) - julianday(e.created_at)"


def _cells(dialect: str) -> str:
    """One row per (group, measure, municipality): done (0/1) and the days to its first completion."""
    return f"""entries AS (
  SELECT e.municipality_id AS mid, e.source, e.source_id,
         MAX(CASE WHEN e.status = 'done' THEN 1 ELSE 0 END) AS done,
         MIN(CASE WHEN e.status = 'done' AND e.closed_at > e.created_at THEN {_days(dialect)} END) AS days
  FROM plan_entries e JOIN municipalities ml ON ml.id = e.municipality_id
  LEFT JOIN assessments a ON a.id = e.added_in_id
  WHERE e.source IN ({", ".join(f"'{s}'" for s in SOURCES)}) AND e.source_id IS NOT NULL
    AND (:include_demo OR a.is_demo IS NULL OR NOT a.is_demo)
    AND (:land = '{GERMANY}' OR ml.land = :land)
  GROUP BY e.municipality_id, e.source, e.source_id
),
cells AS (
  SELECT '{LAND}' AS gkey, x.mid, x.source, x.source_id, x.done, x.days FROM entries x
  UNION ALL
  SELECT {size_case()} AS gkey, x.mid, x.source, x.source_id, x.done, x.days
  FROM entries x JOIN municipalities m ON m.id = x.mid WHERE m.kind <> '{LANDKREIS}' AND m.population IS NOT NULL
)"""


def plan_sql(dialect: str, *, members: bool = True) -> str:
    """Per (gkey, source, source_id): taken (municipalities), done, nd (completions with a time),
    on PostgreSQL the median days, on SQLite lo/hi (the values at the median's two row numbers,
    weighted by quantile_rows); with `members` the municipality ids as text (the guard's groups).
    Without them it is bench/report_bench.py's like-for-like baseline."""
    ids = (
        (", string_agg(CAST(mid AS TEXT), ',') AS ids" if dialect == "postgresql" else ", group_concat(mid, ',') AS ids") if members else ""
    )
    if dialect == "postgresql":
        return f"""WITH {_cells(dialect)}
SELECT gkey, source, source_id, COUNT(*) AS taken, SUM(done) AS done, COUNT(days) AS nd,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median{ids}
FROM cells GROUP BY gkey, source, source_id"""
    lower = "CAST((nd - 1) * 0.5 AS INTEGER) + 1"
    return f"""WITH {_cells(dialect)},
ranked AS (
  SELECT c.*, ROW_NUMBER() OVER (PARTITION BY gkey, source, source_id ORDER BY days IS NULL, days) AS rn,
         COUNT(days) OVER (PARTITION BY gkey, source, source_id) AS nd
  FROM cells c
)
SELECT gkey, source, source_id, COUNT(*) AS taken, SUM(done) AS done, MAX(nd) AS nd,
       MAX(CASE WHEN rn = {lower} THEN days END) AS lo, MAX(CASE WHEN rn = MIN({lower} + 1, nd) THEN days END) AS hi{ids}
FROM ranked GROUP BY gkey, source, source_id"""


def median_of(row: Mapping[str, Any], dialect: str) -> float | None:
    """The median days of one row of `plan_sql` (None without completions)."""
    nd = int(row["nd"] or 0)
    if nd == 0:
        return None
    if dialect == "postgresql":
        return float(row["median"])
    lo, hi = float(row["lo"]), float(row["hi"])
    return lo + quantile_rows(nd, 0.5)[2] * (hi - lo)


@dataclass(frozen=True)
class MeasureFigures:
    """One published cell: a measure in one group."""

    source: str
    source_id: str
    title: str
    #: municipalities that took the measure into their plan, and how many of them completed it
    taken: int
    done: int
    #: median days from taking it in to done; None with fewer than k completions
    median_days: float | None

    @property
    def kind(self) -> str:
        return "Beratungsmodul" if self.source == "module" else "Referenzmaßnahme"


@dataclass(frozen=True)
class PlanGroup:
    key: str
    label: str
    #: the group's published cells, most often taken in first (then most often done), at most TOP
    measures: tuple[MeasureFigures, ...]


@dataclass(frozen=True)
class PlanView:
    k: int
    groups: tuple[PlanGroup, ...]
    #: "Deutschland" chosen while the register holds several Länder: the section is shown per Land only
    per_land_only: bool = False

    @property
    def empty(self) -> bool:
        return not any(g.measures for g in self.groups)


def _titles() -> dict[tuple[str, str], str]:
    cat = catalogue(questionnaire())
    titles = {("measure", m.id): f"{m.title} ({m.origin.name})" for m in cat.measures}
    titles.update({("module", m.id): f"Modul {m.number}: {m.title}" for m in cat.modules})
    return titles


def _label(key: str, land: str, several: bool) -> str:
    """The report's own label of the group: "Land: alle Kommunen" (or the Land's name when the register
    holds several), "Größenklasse: unter 5.000 Einwohner"."""
    return land_total(land, several).label if key == LAND else PeerGroup.of(Dimension.SIZE, key).label


def plan_view(
    *, k: int, include_demo: bool, land: str = GERMANY, several: bool = False, top: int = TOP, version: DataVersion | None = None
) -> PlanView:
    """The anonymised plan figures of one Land (`land` a Land key; GERMANY: all of the one Land the register
    holds): the Land, then every size class in size order. `several`: the register holds more than one Land.
    Computed once per process and version of the plans (`version`: probed already in this request)."""
    if several and land == GERMANY:
        return PlanView(k, (), per_land_only=True)
    titles = _titles()
    key = ("plans", k, include_demo, land, several, top, tuple(sorted(titles.items())))
    return remembered(key, (version or data_version()).plans, lambda: _plan_view(k, include_demo, land, several, top, titles))


def _plan_view(k: int, include_demo: bool, land: str, several: bool, top: int, titles: dict[tuple[str, str], str]) -> PlanView:
    dialect = db.session.get_bind().dialect.name
    params = {"include_demo": include_demo, "land": land}
    rows = [dict(r) for r in db.session.execute(text(plan_sql(dialect)), params).mappings()]
    cells = {(str(r["gkey"]), f"{r['source']}:{r['source_id']}"): np.array(str(r["ids"]).split(","), dtype=np.int64) for r in rows}
    decisions = plan_decisions(cells, _SIZE_KEYS, k)
    by_group: dict[str, list[MeasureFigures]] = {}
    for r in rows:
        if not decisions[(str(r["gkey"]), f"{r['source']}:{r['source_id']}")].published:
            continue
        median = median_of(r, dialect) if int(r["nd"] or 0) >= k else None
        source, source_id = str(r["source"]), str(r["source_id"])
        by_group.setdefault(str(r["gkey"]), []).append(
            MeasureFigures(source, source_id, titles.get((source, source_id), source_id), int(r["taken"]), int(r["done"]), median)
        )
    order = [LAND, *(c.id for c in SIZE_CLASSES)]
    groups = []
    for key in order:
        ranked = sorted(by_group.get(key, ()), key=lambda m: (-m.taken, -m.done, m.title))
        groups.append(PlanGroup(key, _label(key, land, several), tuple(ranked[:top])))
    return PlanView(k, tuple(groups))
