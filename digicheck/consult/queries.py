"""The consultant overview: every municipality with its assessment status, in a fixed number of queries.

With 443 municipalities and several rounds each, a query per row would make the
page slow; so the latest round, the latest submitted round, answer counts and
the status are joined in SQL (GROUP BY and max() subqueries that run on SQLite
and PostgreSQL alike), and a page needs the same handful of queries whether it
shows 5 rows or 50. Also the size-class median for the radar overlay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from math import ceil
from typing import Any

from sqlalchemy import RowMapping, String, and_, case, cast, exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload
from sqlalchemy.sql import Select

from digicheck.content import library
from digicheck.extensions import db
from digicheck.models import Answer, AreaScore, Assessment, AssessmentStatus, Invitation, Municipality, Role, User, ValidatedLevel
from digicheck.models._time import utcnow
from digicheck.municipalities import name_contains
from scoring.benchmark.peers import SIZE_CLASSES, SizeClass, size_class
from scoring.model import Area

PAGE_SIZE = 50
#: The size-class median is shown only when at least this many submitted assessments form it.
MIN_PEERS = 5


STATUSES = {
    "not_invited": "nicht eingeladen",
    "invited": "eingeladen",
    "in_progress": "in Bearbeitung",
    "submitted": "abgeschlossen",
    "validated": "validiert",
}
SORTS = {
    "name": "Name",
    "ags": "AGS",
    "population": "Einwohnerzahl",
    "status": "Status",
    "level": "Gesamtstufe",
    "activity": "Letzte Aktivität",
}


@dataclass(frozen=True)
class OverviewQuery:
    """The filters, sort order and page a consultant asked for (already validated)."""

    search: str = ""
    kreis: str = ""
    regierungsbezirk: str = ""
    kind: str = ""
    size: str = ""
    status: str = ""
    sort: str = "name"
    descending: bool = False
    page: int = 1


@dataclass(frozen=True)
class OverviewRow:
    municipality_id: int
    ags: str
    name: str
    kind: str
    kreis: str
    regierungsbezirk: str
    population: int
    in_register: bool
    status: str
    assessment_id: int | None
    round: int | None
    answered_percent: int | None
    last_activity: datetime | None
    submitted_id: int | None
    submitted_round: int | None
    overall_level: int | None
    levels: dict[str, int | None] = field(default_factory=dict)
    validated: dict[str, int] = field(default_factory=dict)

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]


@dataclass(frozen=True)
class OverviewPage:
    rows: list[OverviewRow]
    total: int
    page: int
    pages: int
    #: the level columns: the areas of the newest questionnaire
    areas: tuple[Area, ...] = ()


def _answered() -> Any:
    """An answer row that holds a value ("Weiß nicht" counts; a cleared answer is JSON null)."""
    return and_(Answer.value.is_not(None), cast(Answer.value, String) != "null")


def latest_submitted() -> Any:
    """(municipality_id, round) of each municipality's newest submitted round."""
    return (
        select(Assessment.municipality_id, func.max(Assessment.round).label("round"))
        .where(Assessment.status == AssessmentStatus.SUBMITTED)
        .group_by(Assessment.municipality_id)
        .subquery("latest_submitted")
    )


def _rows_statement() -> Select[*tuple[Any, ...]]:
    """One row per municipality with the columns the overview shows, filters and sorts on."""
    newest = (
        select(Assessment.municipality_id, func.max(Assessment.round).label("round"))
        .group_by(Assessment.municipality_id)
        .subquery("newest")
    )
    latest = aliased(Assessment, name="latest")
    done_round = latest_submitted()
    done = aliased(Assessment, name="done")
    answered = select(Answer.assessment_id, func.count().label("n")).where(_answered()).group_by(Answer.assessment_id).subquery("answered")
    overall = aliased(AreaScore, name="overall")
    has_user = exists().where(User.municipality_id == Municipality.id, User.role == Role.KOMMUNE, User.active.is_(True))
    has_invitation = exists().where(
        Invitation.municipality_id == Municipality.id,
        Invitation.role == Role.KOMMUNE,
        Invitation.used_at.is_(None),
        Invitation.expires_at > utcnow(),
    )
    validated = exists().where(ValidatedLevel.assessment_id == latest.id)
    submitted = latest.status == AssessmentStatus.SUBMITTED
    status = case(
        (and_(submitted, validated), "validated"),
        (submitted, "submitted"),
        (latest.id.is_not(None), "in_progress"),
        (or_(has_user, has_invitation), "invited"),
        else_="not_invited",
    )
    return (
        select(
            Municipality.id.label("municipality_id"),
            Municipality.ags,
            Municipality.name,
            Municipality.name_search,
            Municipality.kind,
            Municipality.kreis,
            Municipality.regierungsbezirk,
            Municipality.population,
            and_(Municipality.left_register.is_(None), Municipality.merged_into_id.is_(None)).label("in_register"),
            latest.id.label("assessment_id"),
            latest.round.label("round"),
            latest.questionnaire_version.label("version"),
            latest.updated_at.label("last_activity"),
            func.coalesce(answered.c.n, 0).label("answered"),
            done.id.label("submitted_id"),
            done.round.label("submitted_round"),
            overall.level.label("overall_level"),
            status.label("status"),
        )
        .select_from(Municipality)
        .outerjoin(newest, newest.c.municipality_id == Municipality.id)
        .outerjoin(latest, and_(latest.municipality_id == Municipality.id, latest.round == newest.c.round))
        .outerjoin(answered, answered.c.assessment_id == latest.id)
        .outerjoin(done_round, done_round.c.municipality_id == Municipality.id)
        .outerjoin(done, and_(done.municipality_id == Municipality.id, done.round == done_round.c.round))
        .outerjoin(overall, and_(overall.assessment_id == done.id, overall.area_id == "overall"))
        # municipalities that left the register stay visible only with assessments of their own
        .where(or_(Municipality.left_register.is_(None), latest.id.is_not(None)))
    )


def filtered(query: OverviewQuery) -> tuple[Any, Select[Any]]:
    """The overview rows as a subquery and the statement selecting those that pass the query's filters
    (the page and the selection export use the same)."""
    rows = _rows_statement().subquery("overview")
    c = rows.c
    statement = select(rows)
    if query.search:
        term = query.search.strip()
        statement = statement.where(or_(name_contains(term, c.name_search), c.ags.startswith(term, autoescape=True)))
    for column, value in (
        (c.kreis, query.kreis),
        (c.regierungsbezirk, query.regierungsbezirk),
        (c.kind, query.kind),
        (c.status, query.status),
    ):
        if value:
            statement = statement.where(column == value)
    if query.size:
        statement = statement.where(*in_size_class(c.population, query.size))
    return rows, statement


def in_size_class(population: Any, size_id: str) -> list[Any]:
    """WHERE terms: a population column within the size class `size_id`."""
    size = next(s for s in SIZE_CLASSES if s.id == size_id)
    return [population >= size.lower] + ([population < size.upper] if size.upper is not None else [])


def ordering(rows: Any, query: OverviewQuery) -> list[Any]:
    """ORDER BY terms for the query's sort, rows without a value last."""
    c = rows.c
    rank = case({key: index for index, key in enumerate(STATUSES)}, value=c.status)
    key = {"name": c.name, "ags": c.ags, "population": c.population, "status": rank, "level": c.overall_level, "activity": c.last_activity}[
        query.sort
    ]
    primary = key.desc() if query.descending else key.asc()
    # rows without a value (no level, no activity) go last in either direction, on both databases
    return [case((key.is_(None), 1), else_=0), primary, c.name, c.ags]


def overview(query: OverviewQuery) -> OverviewPage:
    """One page of the overview: a count, the rows, their area levels and validated levels (4 queries)."""
    rows, statement = filtered(query)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    pages = max(1, ceil(total / PAGE_SIZE))
    page = min(max(1, query.page), pages)
    found = db.session.execute(statement.order_by(*ordering(rows, query)).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).mappings().all()
    return OverviewPage(overview_rows(found), total, page, pages, library().latest.areas)


def overview_rows(found: Sequence[RowMapping]) -> list[OverviewRow]:
    """Rows of `filtered`'s statement with their area levels and validated levels (2 more queries;
    the overview page and the API's municipality list)."""
    done_ids = [r["submitted_id"] for r in found if r["submitted_id"] is not None]
    levels = area_levels(done_ids)
    validated = latest_validated_levels(done_ids)
    totals = {version: len(q.items) for version, q in library().versions.items()}
    result = []
    for r in found:
        percent = None
        if r["assessment_id"] is not None and totals.get(r["version"]):
            percent = round(100 * r["answered"] / totals[r["version"]])
        done_id = r["submitted_id"]
        result.append(
            OverviewRow(
                municipality_id=r["municipality_id"],
                ags=r["ags"],
                name=r["name"],
                kind=r["kind"],
                kreis=r["kreis"],
                regierungsbezirk=r["regierungsbezirk"],
                population=r["population"],
                in_register=bool(r["in_register"]),
                status=r["status"],
                assessment_id=r["assessment_id"],
                round=r["round"],
                answered_percent=percent,
                last_activity=r["last_activity"],
                submitted_id=done_id,
                submitted_round=r["submitted_round"],
                overall_level=r["overall_level"],
                levels=levels.get(done_id, {}) if done_id else {},
                validated={area: v.level for area, v in validated.get(done_id, {}).items()} if done_id else {},
            )
        )
    return result


def area_levels(assessment_ids: list[int]) -> dict[int, dict[str, int | None]]:
    if not assessment_ids:
        return {}
    found: dict[int, dict[str, int | None]] = {}
    statement = select(AreaScore.assessment_id, AreaScore.area_id, AreaScore.level).where(
        AreaScore.assessment_id.in_(assessment_ids), AreaScore.area_id != "overall"
    )
    for assessment_id, area_id, level in db.session.execute(statement):
        found.setdefault(assessment_id, {})[area_id] = level
    return found


def latest_validated_levels(assessment_ids: list[int]) -> dict[int, dict[str, ValidatedLevel]]:
    """The validated level that counts (the newest) per assessment and area, in one query."""
    if not assessment_ids:
        return {}
    newest = (
        select(func.max(ValidatedLevel.id))
        .where(ValidatedLevel.assessment_id.in_(assessment_ids))
        .group_by(ValidatedLevel.assessment_id, ValidatedLevel.area_id)
    )
    found: dict[int, dict[str, ValidatedLevel]] = {}
    statement = select(ValidatedLevel).where(ValidatedLevel.id.in_(newest)).options(selectinload(ValidatedLevel.consultant))
    for row in db.session.scalars(statement):
        found.setdefault(row.assessment_id, {})[row.area_id] = row
    return found


def filter_options() -> tuple[list[str], list[str]]:
    """The Kreise and Regierungsbezirke that occur, for the filter selects (one query)."""
    pairs = db.session.execute(select(Municipality.kreis, Municipality.regierungsbezirk).distinct()).all()
    return sorted({k for k, _ in pairs}), sorted({r for _, r in pairs})


@dataclass(frozen=True)
class Median:
    """Median level per area of a size class; `levels[area]` is None where fewer than MIN_PEERS form it."""

    size: SizeClass
    levels: dict[str, float | None]
    counts: dict[str, int]

    @property
    def available(self) -> bool:
        return any(v is not None for v in self.levels.values())


def size_class_median(population: int, area_ids: list[str]) -> Median:
    """Median of the latest submitted round's area levels over municipalities of the same size class.

    Computed in SQL (row_number/count windows; the middle one or two rows averaged),
    so it stays one query however many assessments exist.
    """
    size = size_class(population)
    done_round = latest_submitted()
    in_class = [Municipality.population >= size.lower] + ([Municipality.population < size.upper] if size.upper is not None else [])
    ranked = (
        select(
            AreaScore.area_id,
            AreaScore.level,
            func.row_number().over(partition_by=AreaScore.area_id, order_by=AreaScore.level).label("rn"),
            func.count().over(partition_by=AreaScore.area_id).label("n"),
        )
        .join(Assessment, Assessment.id == AreaScore.assessment_id)
        .join(done_round, and_(done_round.c.municipality_id == Assessment.municipality_id, done_round.c.round == Assessment.round))
        .join(Municipality, Municipality.id == Assessment.municipality_id)
        .where(AreaScore.level.is_not(None), AreaScore.area_id.in_(area_ids), *in_class)
        .subquery("ranked")
    )
    middle = and_(ranked.c.rn * 2 >= ranked.c.n, ranked.c.rn * 2 <= ranked.c.n + 2)
    statement = select(ranked.c.area_id, func.avg(ranked.c.level), func.max(ranked.c.n)).where(middle).group_by(ranked.c.area_id)
    levels: dict[str, float | None] = {area: None for area in area_ids}
    counts = {area: 0 for area in area_ids}
    for area_id, median, count in db.session.execute(statement):
        counts[area_id] = int(count)
        if count >= MIN_PEERS:
            levels[area_id] = float(median)
    return Median(size, levels, counts)
