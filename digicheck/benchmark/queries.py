"""SQL text of the benchmark report: every aggregate runs in the database.

Why hand-written SQL: the report needs window functions (latest assessment per
municipality and round, row numbers for quantiles on SQLite), ordered-set
aggregates on PostgreSQL and one UNION ALL that turns each assessment into its
peer-group memberships; as text both dialects stay readable side by side.

Definitions (docs/benchmark.md):
- round = calendar year (UTC) of `submitted_at`. `Assessment.round` counts a
  municipality's own rounds (1, 2, …) and says nothing about when; the issue's
  "round (year)" is the year. Per municipality and year the latest submitted
  assessment counts (a second submission in the same year replaces the first), unless
  its overall level is provisional: then the municipality is left out of that year.
- peer groups as `scoring.benchmark.peers.peer_groups_for`: Land, Regierungsbezirk,
  Kreis (not for Landkreise), size class (not for Landkreise; CASE built from
  SIZE_CLASSES), kind; the trend adds the whole Land per year (dimension "round").
- quantiles: PostgreSQL `percentile_cont` (over each group's array_agg); SQLite
  ROW_NUMBER/COUNT windows and the two row numbers of `scoring.benchmark.stats.quantile_rows`
  (weight applied by the caller).
- speed (docs/benchmark.md "Leistung"): the Land of the round is the trend's year, computed once
  with the members of every year;
  one round is a range on the indexed `submitted_at`; area results come from the covering index.
"""

from __future__ import annotations

from scoring.benchmark.peers import SIZE_CLASSES
from scoring.kinds import KREISFREIE_STADT, LANDKREIS

QUARTILE_PS = (0.25, 0.5, 0.75)


def year_expr(dialect: str, column: str = "a.submitted_at") -> str:
    """The round of an assessment. SQLite stores UTC timestamps as ISO text. PostgreSQL:
    date_part (double precision), not EXTRACT, which computes in numeric since version 14."""
    if dialect == "postgresql":
        return f"CAST(date_part('year', {column} AT TIME ZONE 'UTC') AS INTEGER)"
    return f"CAST(substr({column}, 1, 4) AS INTEGER)"


def size_case(column: str = "m.population") -> str:
    """SQL CASE giving the size class id, generated from SIZE_CLASSES so the bounds cannot drift."""
    whens = " ".join(f"WHEN {column} < {c.upper} THEN '{c.id}'" for c in SIZE_CLASSES if c.upper is not None)
    return f"CASE {whens} ELSE '{SIZE_CLASSES[-1].id}' END"


#: the assessments `a` that count: submitted; demo rows only when :include_demo
_COUNTED = "a.status = 'submitted' AND a.submitted_at IS NOT NULL AND (:include_demo OR NOT a.is_demo)"


#: an assessment whose overall level is firm (its range is one level, docs/benchmark.md "Vorläufige
#: Profile"). An area with a few open answers does not take the whole profile out: every figure of a
#: report has the same members, which the differencing guard relies on.
_FIRM = "NOT EXISTS (SELECT 1 FROM area_scores p WHERE p.assessment_id = {assessment} AND p.area_id = 'overall' AND p.provisional)"


#: the assessment `a` is of a municipality in the reader's scope: :land, a Land key, or 'DE' for all Länder
_IN_SCOPE = "(:land = 'DE' OR {municipality} IN (SELECT sm.id FROM municipalities sm WHERE sm.land = :land))"


def _latest(dialect: str, *, one_round: bool, scoped: bool = True) -> str:
    """Latest submitted assessment per municipality and year, left out when its overall level is
    provisional (docs/benchmark.md "Vorläufige Profile"); demo rows only when :include_demo.

    PostgreSQL: DISTINCT ON (one sort, well estimated). SQLite: MAX() with bare columns,
    which SQLite documents to come from the row holding the maximum. One round is
    selected by a range on `submitted_at` (:round_start, :round_end), cheaper than the year.
    `scoped`: only municipalities of the reader's Land (:land; 'DE' for all).
    """
    year = year_expr(dialect)
    where = _COUNTED + (" AND a.submitted_at >= :round_start AND a.submitted_at < :round_end" if one_round else "")
    where += " AND " + _IN_SCOPE.format(municipality="a.municipality_id") if scoped else ""
    if dialect == "postgresql":
        newest = f"""newest AS (
  SELECT DISTINCT ON (a.municipality_id, {year}) a.id, a.municipality_id, {year} AS yr
  FROM assessments a WHERE {where}
  ORDER BY a.municipality_id, {year}, a.submitted_at DESC, a.id DESC
)"""
    else:
        newest = f"""newest AS (
  SELECT a.id, a.municipality_id, {year} AS yr, MAX(a.submitted_at) AS latest_at
  FROM assessments a WHERE {where}
  GROUP BY a.municipality_id, {year}
)"""
    return f"""{newest},
latest AS (SELECT n.id, n.municipality_id, n.yr FROM newest n WHERE {_FIRM.format(assessment="n.id")})"""


#: (dimension, key expression, label expression, condition) of the round's peer groups.
_DIMENSIONS: dict[str, tuple[str, str, str]] = {
    "land": ("'all'", "'alle Kommunen'", "1 = 1"),
    "regierungsbezirk": ("m.regierungsbezirk", "m.regierungsbezirk", "m.regierungsbezirk <> ''"),
    "kreis": ("m.kreis_ags", "m.kreis", f"m.kind <> '{LANDKREIS}' AND m.kreis_ags IS NOT NULL"),
    "size": (size_case(), size_case(), f"m.kind <> '{LANDKREIS}' AND m.population IS NOT NULL"),
    "kind": ("m.kind", "m.kind", "1 = 1"),
    "laender": ("m.land", "m.land", "1 = 1"),
}
DIMENSION_IDS = tuple(_DIMENSIONS)

#: The Kreise whose short name another Kreis shares, with whether each is a city's own: a kreisfreie
#: Stadt and the Landkreis around it keep one name in the register's short form (Kassel, München,
#: Karlsruhe: 21 pairs in GV100AD of 30.11.2025). Over the whole register, municipalities that have
#: left it included (older rounds still show them), so that a name is the same in every round, scope
#: and report.
SHARED_KREIS_NAMES = f"""SELECT kreis_ags, MAX(kreis) AS kreis, MAX(CASE WHEN kind = '{KREISFREIE_STADT}' THEN 1 ELSE 0 END) AS city
FROM municipalities
WHERE kreis_ags IS NOT NULL AND kreis IN (
  SELECT kreis FROM municipalities WHERE kreis_ags IS NOT NULL GROUP BY kreis HAVING COUNT(DISTINCT kreis_ags) > 1
)
GROUP BY kreis_ags"""


def _groups(dialect: str, dimensions: tuple[str, ...]) -> str:
    """One row per (assessment, group): the UNION ALL behind every per-group aggregate.

    `latest` is joined with the register once (`lm`), not once per dimension.
    """
    parts = [
        f"SELECT m.aid, m.mid, '{dim}' AS dim, CAST({key} AS VARCHAR(40)) AS gkey, {label} AS glabel FROM lm m WHERE {cond}"
        for dim in dimensions
        for key, label, cond in [_DIMENSIONS[dim]]
    ]
    return (
        "lm AS (SELECT l.id AS aid, l.municipality_id AS mid, m.kind, m.kreis, m.kreis_ags, m.regierungsbezirk, "
        "m.population, m.land FROM latest l JOIN municipalities m ON m.id = l.municipality_id),\n"
        "groups AS (\n  " + "\n  UNION ALL ".join(parts) + "\n)"
    )


def _concat(dialect: str, column: str) -> str:
    if dialect == "postgresql":
        return f"string_agg(CAST({column} AS TEXT), ',')"
    return f"group_concat({column}, ',')"


def membership_sql(dialect: str) -> str:
    """Every group of the round (all dimensions, every Land: the guard decides over all scopes) with
    its member ids as text.

    The guard needs the members; concatenating them in the database returns a few
    hundred rows instead of one row per assessment and group.
    """
    return (
        f"WITH {_latest(dialect, one_round=True, scoped=False)},\n{_groups(dialect, DIMENSION_IDS)}\n"
        f"SELECT dim, gkey, MAX(glabel) AS glabel, COUNT(*) AS n, {_concat(dialect, 'mid')} AS ids FROM groups GROUP BY dim, gkey"
    )


def _distribution(dialect: str, ctes: str, dim: str, source: str, levels: str, *, members: str = "") -> str:
    """Per (gkey, area_id) of `source` (rows gkey, area_id, score, level of one dimension `dim`;
    no NULL scores): n, the quartiles and the level counts.

    Columns: dim, gkey, area_id, n, then on PostgreSQL q, an array [Q1, median, Q3]; on SQLite
    lo1, hi1 … lo3, hi3, the values at the lower and upper row of each quartile (the weight
    comes from quantile_rows), then l1..l5, counted where the SQL condition `levels` holds,
    else 0. With `members` (a source of yr, municipality_id, land), rows with dim 'members' follow:
    per yr (gkey) and Land (in the area_id column) the count n and, in a last column ids (NULL
    above), the member ids.

    PostgreSQL cannot hash an ordered-set aggregate: GROUP BY with percentile_cont sorts all
    rows (600,000 for the trend) by group first. Collecting each group's scores with
    array_agg in a hash aggregate and taking percentile_cont over each array sorts only
    within the groups (a third less time). SQLite has no percentile_cont: ROW_NUMBER and
    COUNT share one sort per group, and only the rows at the quartile positions (and those
    whose levels are counted) reach the GROUP BY, which would otherwise sort every row again.
    """
    level_columns = ", ".join(f"COUNT(*) FILTER (WHERE level = {v} AND {levels}) AS l{v}" for v in range(1, 6))
    quartiles = 1 if dialect == "postgresql" else 2 * len(QUARTILE_PS)
    ids, tail = (
        (
            ", NULL AS ids",
            f"""
UNION ALL
SELECT 'members', yr, land, COUNT(*), {", ".join(["NULL"] * quartiles)}, 0, 0, 0, 0, 0, {_concat(dialect, "municipality_id")}
FROM {members} GROUP BY yr, land""",
        )
        if members
        else ("", "")
    )
    if dialect == "postgresql":
        return f"""WITH {ctes},
grouped AS (
  SELECT gkey, area_id, COUNT(*) AS n, array_agg(score) AS scores, {level_columns}
  FROM ({source}) src GROUP BY gkey, area_id
)
SELECT '{dim}' AS dim, g.gkey, g.area_id, g.n, q.q, g.l1, g.l2, g.l3, g.l4, g.l5{ids}
FROM grouped g CROSS JOIN LATERAL (
  SELECT percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY v) AS q FROM unnest(g.scores) v) q{tail}"""
    rows = []
    for p in QUARTILE_PS:
        lower = f"CAST((n - 1) * {p} AS INTEGER) + 1"
        rows += [lower, f"MIN({lower} + 1, n)"]
    names = [f"{end}{i}" for i in range(1, len(QUARTILE_PS) + 1) for end in ("lo", "hi")]
    picks = ", ".join(f"MAX(CASE WHEN rn = {row} THEN score END) AS {name}" for row, name in zip(rows, names, strict=True))
    return f"""WITH {ctes},
ranked AS (
  SELECT gkey, area_id, score, level, ROW_NUMBER() OVER w AS rn,
         COUNT(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS n
  FROM ({source}) src
  WINDOW w AS (PARTITION BY gkey, area_id ORDER BY score)
)
SELECT '{dim}' AS dim, gkey, area_id, MAX(n) AS n, {picks}, {level_columns}{ids}
FROM ranked WHERE rn IN ({", ".join(rows)}) OR {levels}
GROUP BY gkey, area_id{tail}"""


def stats_sql(dialect: str, dimension: str) -> str:
    """Distribution per (group, area) of the groups of `dimension` in the round. Not for the
    Land: that is the trend's group of the round."""
    ctes = f"{_latest(dialect, one_round=True)},\n{_groups(dialect, (dimension,))}"
    source = (
        "SELECT g.gkey, s.area_id, s.score, s.level FROM groups g JOIN area_scores s ON s.assessment_id = g.aid WHERE s.score IS NOT NULL"
    )
    return _distribution(dialect, ctes, dimension, source, "1 = 1")


def years_sql(dialect: str) -> str:
    """Every year with counted submissions, in one pass over `latest`: the trend of the reader's
    scope (dim 'round', gkey the year, per area) and the year's members in every Land (dim
    'members': count and municipality ids per year and Land, the trend's guard groups).

    Levels are counted for the report's round only: :round if the scope has submissions then,
    else its newest year (the rule of build_report), whose group is also the Land of the report.
    """
    scope = _IN_SCOPE.format(municipality="l.municipality_id")
    source = (
        "SELECT l.yr AS gkey, s.area_id, s.score, s.level FROM latest l "
        f"JOIN area_scores s ON s.assessment_id = l.id WHERE s.score IS NOT NULL AND {scope}"
    )
    ctes = (
        f"{_latest(dialect, one_round=False, scoped=False)},\n"
        f"chosen AS (SELECT COALESCE(MAX(CASE WHEN yr = :round THEN yr END), MAX(yr)) AS yr FROM latest l WHERE {scope})"
    )
    members = "(SELECT l.yr, l.municipality_id, m.land FROM latest l JOIN municipalities m ON m.id = l.municipality_id) lm"
    return _distribution(dialect, ctes, "round", source, "gkey = (SELECT yr FROM chosen)", members=members)


def register_counts_sql(dimensions: tuple[str, ...]) -> str:
    """Municipalities in the register per group of `dimensions` in the reader's scope (:land): the
    denominator of participation."""
    parts = [
        f"SELECT '{dim}' AS dim, CAST({key} AS VARCHAR(40)) AS gkey FROM municipalities m "
        f"WHERE m.left_register IS NULL AND m.merged_into_id IS NULL AND {cond} AND (:land = 'DE' OR m.land = :land)"
        for dim in dimensions
        for key, _label, cond in [_DIMENSIONS[dim]]
    ]
    return "SELECT dim, gkey, COUNT(*) AS n FROM (" + " UNION ALL ".join(parts) + ") r GROUP BY dim, gkey"


def ranks_sql(dialect: str, dimensions: tuple[str, ...]) -> str:
    """Mid-rank percentile of one municipality's area scores in each of its groups of the round:
    100 * (COUNT(v < x) + 0.5 * COUNT(v = x)) / COUNT(v), as `percentile_rank`.

    One row per area: area_id, then rank_<dimension> and n_<dimension> for each of `dimensions`. The
    caller passes the municipality's own group keys (:key_<dimension>) and id
    (:municipality_id). Each area result of the round is read once and counted in every
    group it belongs to (flags computed once per assessment), not read once per group.
    Both small CTEs are MATERIALIZED: inlined, the flags and the own scores were computed
    again for every one of the 60,000 joined rows.
    """
    flags = ", ".join(
        f"CASE WHEN {cond} AND CAST({key} AS VARCHAR(40)) = :key_{dim} THEN 1 ELSE 0 END AS in_{dim}"
        for dim in dimensions
        for key, _label, cond in [_DIMENSIONS[dim]]
    )
    columns = ",\n       ".join(
        f"100.0 * SUM(below) FILTER (WHERE in_{dim} = 1) / COUNT(*) FILTER (WHERE in_{dim} = 1) AS rank_{dim}, "
        f"COUNT(*) FILTER (WHERE in_{dim} = 1) AS n_{dim}"
        for dim in dimensions
    )
    return f"""WITH {_latest(dialect, one_round=True)},
own AS MATERIALIZED (SELECT s.area_id, s.score FROM latest l JOIN area_scores s ON s.assessment_id = l.id
                     WHERE l.municipality_id = :municipality_id AND s.score IS NOT NULL),
members AS MATERIALIZED (SELECT l.id AS aid, {flags} FROM latest l JOIN municipalities m ON m.id = l.municipality_id),
scored AS (SELECT o.area_id, CASE WHEN s.score < o.score THEN 1.0 WHEN s.score = o.score THEN 0.5 ELSE 0.0 END AS below, g.*
           FROM members g JOIN area_scores s ON s.assessment_id = g.aid JOIN own o ON o.area_id = s.area_id
           WHERE s.score IS NOT NULL)
SELECT area_id,
       {columns}
FROM scored GROUP BY area_id"""


def score_column(index: int) -> str:
    """Name of the matrix column holding the score of the index-th area (area ids are not identifiers)."""
    return f"a{index}"


def matrix_sql(dialect: str, areas: tuple[str, ...]) -> str:
    """One row per counted assessment of the round: municipality_id, ags, population and the area
    scores pivoted in the database, `score_column(i)` for the i-th of `areas` (archetypes and
    "ähnliche Kommunen" need the profile matrix; names only for the few neighbours shown,
    looked up afterwards)."""
    pivot = ", ".join(f"MAX(CASE WHEN s.area_id = '{a}' THEN s.score END) AS {score_column(i)}" for i, a in enumerate(areas))
    columns = ", ".join(f"p.{score_column(i)}" for i in range(len(areas)))
    return f"""WITH {_latest(dialect, one_round=True)}
SELECT l.municipality_id, m.ags, m.population, {columns}
FROM (SELECT s.assessment_id, {pivot} FROM area_scores s JOIN latest l ON l.id = s.assessment_id
      GROUP BY s.assessment_id) p
JOIN latest l ON l.id = p.assessment_id JOIN municipalities m ON m.id = l.municipality_id
ORDER BY m.ags"""


def participants_sql(dialect: str) -> str:
    """Municipalities with a counted submission in the round (for the consultants' choice)."""
    return f"""WITH {_latest(dialect, one_round=True)}
SELECT m.ags, m.name, m.kind FROM latest l JOIN municipalities m ON m.id = l.municipality_id ORDER BY m.name, m.ags"""
