"""The benchmark report: figures aggregated in the database, shown only where the guard allows.

Anonymity (`scoring.benchmark.anonymity.guard`, members = municipality ids, one per AGS,
families = (dimension, round) for the residual rule). Every view is guarded as the
report shows it, and the decisions do not depend on which view is asked for:
- Land + Regierungsbezirke; Land + Regierungsbezirke + Kreise (they nest, so the
  Kreis view also checks "Bezirk minus Kreis"); Land + size classes; Land + kinds;
  each group keeps the decision of its own view, the same on every page, CSV and PDF.
- the trend: the Land of every year together (carried-over answers make two years
  nearly a difference);
- archetypes: with the Land of the round, admitted only where the Land is not endangered.
Why not one call over everything: the pairwise rule asks every Kreis × size class
intersection to hold 0 or ≥ k; at national scale (synthetic 100,000 assessments) one
call publishes 15 of 400 Kreise, with the trend groups none. Cross-dimension pairs
across views (a Kreis and a size class) are therefore not checked: docs/benchmark.md
"Grenzen", the report publishes one dimension at a time, no cross-tabulations.
Figures of suppressed groups are never read into the report.

Demo data: assessments flagged `is_demo` are left out, unless the installation runs in
demo mode (DIGICHECK_DEMO=1); then they are the data and the report says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import RowMapping, text

from digicheck.benchmark import queries as sql
from digicheck.benchmark.cache import DataVersion, data_version, remembered
from digicheck.benchmark.guard import scoped_decisions
from digicheck.content import questionnaire
from digicheck.extensions import db
from digicheck.models import Municipality
from scoring.benchmark import SIZE_CLASSES, Decision, Dimension, PeerGroup, quantile_rows
from scoring.benchmark.archetypes import Archetype, Archetypes, cluster_profiles, similar
from scoring.kinds import KREISFREIE_STADT, LANDKREIS
from scoring.laender import GERMANY, land_name

OVERALL = "overall"
#: Dimensions a reader can choose (the trend is always shown).
DIMENSION_LABELS: dict[str, str] = {
    "land": "Land (alle Kommunen)",
    "regierungsbezirk": "Regierungsbezirk",
    "kreis": "Landkreis / kreisfreie Stadt",
    "size": "Größenklasse",
    "kind": "Art der Kommune",
    "laender": "Länder (je Land)",
}
_DIMENSION = {
    "land": Dimension.LAND,
    "regierungsbezirk": Dimension.REGIERUNGSBEZIRK,
    "kreis": Dimension.KREIS,
    "size": Dimension.SIZE,
    "kind": Dimension.KIND,
    "round": Dimension.ROUND,
    "laender": Dimension.LAND,
}


@dataclass(frozen=True)
class Figures:
    """One area of one group: count of scored values, quartiles, assessments per level 1-5."""

    n: int
    q1: float
    median: float
    q3: float
    levels: tuple[int, int, int, int, int]


@dataclass(frozen=True)
class GroupFigures:
    group: PeerGroup
    decision: Decision[Hashable]
    registered: int | None = None
    #: area id -> figures; None where fewer than k values (e.g. an area not assessable)
    areas: dict[str, Figures | None] = field(default_factory=dict)

    @property
    def published(self) -> bool:
        return self.decision.published

    @property
    def size(self) -> int:
        return self.decision.size

    @property
    def participation(self) -> float | None:
        """Share of the register's municipalities in the group that submitted (percent)."""
        return 100.0 * self.size / self.registered if self.registered else None


@dataclass(frozen=True)
class TypeGroup:
    """Guard key of one archetype (clusters are groups too: docs/benchmark.md)."""

    round: int
    id: int
    label: str


@dataclass(frozen=True)
class ArchetypeRow:
    archetype: Archetype
    decision: Decision[Hashable]


@dataclass(frozen=True)
class RankRow:
    group: PeerGroup
    decision: Decision[Hashable]
    ranks: dict[str, float | None]


@dataclass(frozen=True)
class SimilarRow:
    ags: str
    name: str
    kind: str
    kreis: str
    population: int
    distance: float


@dataclass(frozen=True)
class Report:
    round: int | None
    rounds: tuple[int, ...]
    dimension: str
    k: int
    demo: bool
    land: GroupFigures | None = None
    groups: tuple[GroupFigures, ...] = ()
    trend: tuple[GroupFigures, ...] = ()
    archetypes: tuple[ArchetypeRow, ...] = ()
    archetype_note: str = ""
    municipality: Municipality | None = None
    ranks: tuple[RankRow, ...] | None = None
    rank_note: str = ""
    similar: tuple[SimilarRow, ...] | None = None
    #: "Gesamt" and the questionnaire's areas, id -> name, in the report's order
    area_names: dict[str, str] = field(default_factory=dict)
    #: the reader's scope: a Land key or GERMANY (`scoring.laender`)
    scope: str = GERMANY
    #: the register holds more than one Land (figures of a round only)
    several_laender: bool = False

    @property
    def dimension_label(self) -> str:
        return DIMENSION_LABELS[self.dimension]

    @property
    def areas(self) -> tuple[str, ...]:
        """The report's columns: "overall" first, then the areas."""
        return tuple(self.area_names)


@dataclass(frozen=True)
class ReportRequest:
    """What a reader asked for and may see: the report's parameters after the access decision."""

    round: int | None
    dimension: str
    k: int
    include_demo: bool
    municipality: Municipality | None = None
    with_similar: bool = False
    #: the Land the figures are of, or GERMANY (`default_land` in digicheck.municipalities)
    land: str = GERMANY
    #: the data version probed for this request (`digicheck.benchmark.cache`)
    version: DataVersion | None = None


def report_area_names() -> dict[str, str]:
    """ "Gesamt" and the areas of the newest questionnaire, the report's columns, id -> name."""
    return {OVERALL: "Gesamt", **questionnaire().area_names}


def report_for(request: ReportRequest, version: DataVersion | None = None) -> Report:
    return build_report(
        request.round,
        request.dimension,
        k=request.k,
        include_demo=request.include_demo,
        municipality=request.municipality,
        with_similar=request.with_similar,
        land=request.land,
        version=version or request.version,
    )


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _rows(query: str, **params: object) -> list[RowMapping]:
    """The rows of one query of `sql`, read by column name."""
    return list(db.session.execute(text(query), params).mappings().all())


def _round_params(year: int, include_demo: bool, land: str = GERMANY) -> dict[str, object]:
    """Bind values of one round: the year and its UTC range (SQLite compares ISO text), the scope."""
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    if _dialect() != "postgresql":
        return {
            "round": year,
            "round_start": f"{start:%Y-%m-%d %H:%M:%S}",
            "round_end": f"{end:%Y-%m-%d %H:%M:%S}",
            "include_demo": include_demo,
            "land": land,
        }
    return {"round": year, "round_start": start, "round_end": end, "include_demo": include_demo, "land": land}


def _ids(text_ids: str) -> np.ndarray:
    return np.array(text_ids.split(","), dtype=np.int64)


def participants(round_: int, *, include_demo: bool, land: str = GERMANY, version: DataVersion | None = None) -> list[tuple[str, str]]:
    """(AGS, label) of the municipalities counted in the round in the scope `land`, remembered per data version."""

    def read() -> list[tuple[str, str]]:
        rows = _rows(sql.participants_sql(_dialect()), **_round_params(round_, include_demo, land))
        return [(r["ags"], f"{r['name']} ({r['kind']}, AGS {r['ags']})") for r in rows]

    return remembered(("participants", round_, include_demo, land), (version or data_version()).figures, read)


def kreis_names() -> dict[str, str]:
    """The name a report gives each Kreis whose short name another Kreis shares, by Kreis key: the name
    with the Kreis's kind, "Kassel (kreisfreie Stadt)" and "Kassel (Landkreis)"; with its key as well
    where even that is shared. Two report rows, API groups or export lines never read the same."""
    named = {r["kreis_ags"]: f"{r['kreis']} ({KREISFREIE_STADT if r['city'] else LANDKREIS})" for r in _rows(sql.SHARED_KREIS_NAMES)}
    taken = Counter(named.values())
    return {key: f"{name[:-1]}, {key})" if taken[name] > 1 else name for key, name in named.items()}


def _peer_group(dim: str, key: str, label: str | None, kreise: Mapping[str, str]) -> PeerGroup:
    if dim == "laender":
        return PeerGroup.of(Dimension.LAND, key, land_name(key))
    try:
        return PeerGroup.of(_DIMENSION[dim], key, kreise.get(key, label) if dim == "kreis" else None)
    except ValueError:  # a kind the register knows but the domain does not
        return PeerGroup(_DIMENSION[dim], key, f"{DIMENSION_LABELS[dim]}: {key}")


_SIZE_ORDER = {c.id: i for i, c in enumerate(SIZE_CLASSES)}
#: PostgreSQL settings of the report's transaction (SET LOCAL: reset at its end), measured in
#: docs/benchmark.md "Leistung": sorts stay in memory; no parallel workers repeating the dedupe
#: of `latest` per worker; no JIT, whose compilation costs more than it saves here; index
#: lookups priced as the cached reads they are, so one round's 60,000 area results are looked
#: up instead of hashing the 600,000 of every year.
SESSION_SETTINGS = ("work_mem = '64MB'", "max_parallel_workers_per_gather = 0", "jit = off", "random_page_cost = 1.1")
_ORDER = {"land": 0, "laender": 1, "round": 2, "regierungsbezirk": 3, "kreis": 4, "size": 5, "kind": 6}


def tune_transaction() -> None:
    """Apply SESSION_SETTINGS to the current transaction (PostgreSQL; SQLite has no such knobs)."""
    if _dialect() == "postgresql":
        for setting in SESSION_SETTINGS:
            db.session.execute(text(f"SET LOCAL {setting}"))


def _memberships(params: dict[str, object]) -> dict[tuple[str, str], tuple[PeerGroup, np.ndarray]]:
    """Guard groups of the round in a fixed order, every dimension, Germany-wide (the guard cuts them by Land)."""
    rows = _rows(sql.membership_sql(_dialect()), **params)
    rows.sort(key=lambda r: (_ORDER[r["dim"]], r["gkey"]))
    kreise = kreis_names()
    return {(r["dim"], r["gkey"]): (_peer_group(r["dim"], r["gkey"], r["glabel"], kreise), _ids(r["ids"])) for r in rows}


def present_laender(version: DataVersion) -> list[tuple[str, int]]:
    """`digicheck.municipalities.laender` (Länder in the register, with their counts), remembered per data version."""
    from digicheck.municipalities import laender

    return remembered(("laender",), version.figures, laender)


def registered_laender() -> list[str]:
    """Keys of the Länder with municipalities in the register."""
    from digicheck.municipalities import laender

    return [key for key, _count in laender()]


def figures_from_rows(rows: Iterable[Mapping[Any, Any]], dialect: str) -> dict[tuple[str, str, str], Figures]:
    """The figures of the distribution query's named rows (dim, gkey, area_id, n, q or lo1/hi1…lo3/hi3,
    l1..l5), keyed (dimension, group key, area); also the bench's baseline."""
    out = {}
    for row in rows:
        n = int(row["n"])
        if n == 0:
            continue
        if dialect == "postgresql":
            q = [float(v) for v in row["q"]]
        else:
            q = [row[f"lo{i}"] + quantile_rows(n, p)[2] * (row[f"hi{i}"] - row[f"lo{i}"]) for i, p in enumerate(sql.QUARTILE_PS, 1)]
        l1, l2, l3, l4, l5 = (int(row[f"l{v}"]) for v in range(1, 6))
        out[(row["dim"], str(row["gkey"]), row["area_id"])] = Figures(n, q[0], q[1], q[2], (l1, l2, l3, l4, l5))
    return out


def _profile_matrix(params: dict[str, object], areas: tuple[str, ...]) -> list[RowMapping]:
    return _rows(sql.matrix_sql(_dialect(), areas), **params)


@dataclass(frozen=True)
class SharedReport:
    """A report before any municipality is added: the same for every reader of the same figures, so one
    process computes it once per data version (`digicheck.benchmark.cache`). Besides the report, what
    a municipality's ranks and neighbours need: the round's groups with their decisions and the
    profile matrix (one row per counted municipality, ordered by AGS)."""

    report: Report
    members: dict[tuple[str, str], tuple[PeerGroup, np.ndarray]] = field(default_factory=dict)
    decisions: dict[Hashable, Decision[Hashable]] = field(default_factory=dict)
    municipality_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    ags: tuple[str, ...] = ()
    populations: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    scores: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float64))


def build_report(
    round_: int | None,
    dimension: str = "land",
    *,
    k: int,
    include_demo: bool,
    municipality: Municipality | None = None,
    with_similar: bool = False,
    land: str = GERMANY,
    version: DataVersion | None = None,
) -> Report:
    """Everything one report page, CSV or PDF shows, already anonymised, of one Land or (GERMANY) all.
    `version`: the data version probed already in this request (else probed here)."""
    version = version or data_version()
    shared = shared_report(round_, dimension, k=k, include_demo=include_demo, land=land, version=version)
    if municipality is None or shared.report.round is None:
        return shared.report
    return _with_municipality(shared, municipality, include_demo, with_similar, version)


def shared_report(
    round_: int | None, dimension: str = "land", *, k: int, include_demo: bool, land: str = GERMANY, version: DataVersion | None = None
) -> SharedReport:
    """The report without a municipality, as computed before at the same data version in this process."""
    if dimension not in DIMENSION_LABELS:
        raise ValueError(f"unknown dimension {dimension!r}")
    names = report_area_names()
    version = version or data_version()
    key = ("report", round_, dimension, k, include_demo, land, tuple(names.items()))
    return remembered(key, version.figures, lambda: _computed(round_, dimension, k=k, include_demo=include_demo, land=land, names=names))


def _computed(round_: int | None, dimension: str, *, k: int, include_demo: bool, land: str, names: dict[str, str]) -> SharedReport:
    dialect = _dialect()
    areas = tuple(names)[1:]
    tune_transaction()
    years = _rows(sql.years_sql(dialect), include_demo=include_demo, round=round_, land=land)
    by_year: dict[int, dict[str, np.ndarray]] = {}
    for row in years:
        if row["dim"] == "members":
            by_year.setdefault(int(row["gkey"]), {})[row["area_id"]] = _ids(row["ids"])
    rounds = tuple(sorted((y for y, lands in by_year.items() if land == GERMANY or land in lands), reverse=True))
    if not rounds:
        return SharedReport(Report(None, (), dimension, k, include_demo, scope=land, area_names=names))
    chosen = round_ if round_ in rounds else rounds[0]  # the rule years_sql counts the levels by
    params = _round_params(chosen, include_demo, land)
    members = _memberships(params)
    several = len(registered_laender()) > 1
    mixed = land == GERMANY and sum(1 for d, _ in members if d == "laender") > 1
    matrix = _profile_matrix(params, areas)
    scores = np.array([[r[sql.score_column(i)] for i in range(len(areas))] for r in matrix], dtype=np.float64).reshape(
        len(matrix), len(areas)
    )
    municipality_ids = np.array([r["municipality_id"] for r in matrix], dtype=np.int64)
    if mixed:  # archetypes are formed per Land (docs/benchmark.md "Länder")
        note = "Typen werden je Land gebildet; wählen Sie ein Land, um sie zu sehen."
        types = Archetypes((), np.full(len(matrix), -1, dtype=np.int64), areas, note)
    else:
        types = cluster_profiles(scores, k=k, areas=areas, area_names=names)
    type_keys = [TypeGroup(chosen, t.id, f"Typ „{t.name}“") for t in types.types]
    type_groups: dict[Hashable, np.ndarray] = {key: municipality_ids[types.labels == key.id] for key in type_keys}
    scopes = scoped_decisions(members, by_year, type_groups, k, chosen, land, several)
    members, decisions = scopes.shown, scopes.decisions

    rows = [row for row in years if row["dim"] != "members"]
    if dimension != "land":
        rows += _rows(sql.stats_sql(dialect, dimension), **params)
    figures = figures_from_rows(rows, dialect)
    shown_dims = ("land",) if dimension == "land" else ("land", dimension)
    registered = {(r["dim"], r["gkey"]): int(r["n"]) for r in _rows(sql.register_counts_sql(shown_dims), land=land)}
    # the Land of the round is the trend's group of that year: the same assessments, aggregated once
    same_as = {("land", "all"): ("round", str(chosen))}

    def group_figures(dim: str, key: str) -> GroupFigures:
        group = members[(dim, key)][0]
        decision = decisions[group]
        areas: dict[str, Figures | None] = {}
        if decision.published:
            for area in names:
                f = figures.get((*same_as.get((dim, key), (dim, key)), area))
                areas[area] = f if f is not None and f.n >= k else None
        return GroupFigures(group, decision, registered.get((dim, key)), areas)

    land_figures = group_figures("land", "all")
    shown = tuple(group_figures(d, key) for d, key in members if d == dimension and d != "land")
    shown = tuple(sorted(shown, key=lambda g: (_SIZE_ORDER.get(g.group.key, 0) if dimension == "size" else 0, g.group.label)))
    trend = tuple(group_figures("round", key) for d, key in members if d == "round")
    trend = tuple(sorted(trend, key=lambda g: g.group.key))
    archetypes = tuple(ArchetypeRow(t, decisions[key]) for t, key in zip(types.types, type_keys, strict=True))
    report = Report(
        chosen,
        rounds,
        dimension,
        k,
        include_demo,
        land_figures,
        shown,
        trend,
        archetypes,
        types.note,
        scope=land,
        area_names=names,
        several_laender=several,
    )
    populations = np.array([r["population"] if r["population"] is not None else np.nan for r in matrix], dtype=np.float64)
    return SharedReport(report, members, decisions, municipality_ids, tuple(r["ags"] for r in matrix), populations, scores)


def _with_municipality(
    shared: SharedReport, municipality: Municipality, include_demo: bool, with_similar: bool, version: DataVersion
) -> Report:
    """Add one municipality's percentile ranks (published groups only) and, for consultants, its neighbours.
    The ranks' rows are remembered per municipality and data version, like the report."""
    report, members, decisions = shared.report, shared.members, shared.decisions
    assert report.round is not None
    mid = municipality.id
    own = {dim: key for (dim, key), (_, ids) in members.items() if dim not in ("land", "round") and (ids == mid).any()}
    present = ("land", "all") in members and bool((members[("land", "all")][1] == mid).any())
    dims = ("land", *own)
    keys = {f"key_{d}": key for d, key in own.items()}

    def read_ranks() -> list[dict[str, Any]]:
        tune_transaction()
        params = _round_params(report.round or 0, include_demo, report.scope)
        return [dict(r) for r in _rows(sql.ranks_sql(_dialect(), dims), **params, municipality_id=mid, key_land="all", **keys)]

    remembered_as = ("ranks", report.round, report.scope, include_demo, mid, tuple(sorted(keys.items())))
    rows = remembered(remembered_as, version.figures, read_ranks) if present else []
    if not rows:
        note = f"{municipality.name} hat in Runde {report.round} keine abgeschlossene Bewertung: keine Perzentilränge."
        if report.scope not in (GERMANY, municipality.land):
            note = f"{municipality.name} liegt in {land_name(municipality.land)}: Perzentilränge dort oder für Deutschland."
        return replace(report, municipality=municipality, ranks=(), rank_note=note, similar=() if with_similar else None)
    by_group: dict[tuple[str, str], dict[str, float | None]] = {}
    for row in rows:
        for dim in dims:
            key = "all" if dim == "land" else own[dim]
            rank = row[f"rank_{dim}"]
            by_group.setdefault((dim, key), {})[row["area_id"]] = float(rank) if row[f"n_{dim}"] >= report.k else None
    ranks = []
    for (dim, key), values in sorted(by_group.items(), key=lambda item: _ORDER[item[0][0]]):
        group = members[(dim, key)][0]
        decision = decisions[group]
        ranks.append(RankRow(group, decision, values if decision.published else {}))
    neighbours: tuple[SimilarRow, ...] | None = None
    if with_similar:
        own_row = np.flatnonzero(shared.municipality_ids == mid)
        neighbours = ()
        if len(own_row):
            found = similar(
                shared.scores[own_row[0]],
                municipality.population,
                list(shared.ags),
                shared.scores,
                shared.populations,
                n=5,
                exclude=municipality.ags,
            )
            named = {m.ags: m for m in db.session.scalars(db.select(Municipality).where(Municipality.ags.in_([n.key for n in found])))}
            neighbours = tuple(
                SimilarRow(n.key, named[n.key].name, named[n.key].kind, named[n.key].kreis, named[n.key].population, n.distance)
                for n in found
            )
    return replace(report, municipality=municipality, ranks=tuple(ranks), similar=neighbours)
