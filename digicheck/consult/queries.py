"""The consultant overview: every municipality with its assessment status, in a fixed number of queries.

A page is chosen (filters, sort, offset) from the municipalities table alone: the newest round's
status, level and activity are stored there (`digicheck.newest_round`), so the choice does not grow
with the assessments. Only the page's rows then get their latest round, latest submitted round,
answer counts and status joined in SQL, so a page needs the same handful of queries whether it
shows 5 rows or 50, with 443 municipalities or 11,000. Also the size-class median for the radar overlay.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from math import ceil
from typing import Any

from sqlalchemy import String, and_, bindparam, case, cast, exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload
from sqlalchemy.sql import ColumnElement, Select

from digicheck.content import library
from digicheck.extensions import columns, db, one_of
from digicheck.models import Answer, AreaScore, Assessment, AssessmentStatus, Invitation, Municipality, Note, Role, User, ValidatedLevel
from digicheck.models._time import utcnow
from scoring.benchmark.peers import SIZE_CLASSES, SizeClass, size_class
from scoring.model import Area
from scoring.names import search_key

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
    #: a Land key (AGS digits 1-2); "" all Länder
    land: str = ""
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

    #: the Land key (AGS digits 1-2)
    land: str = ""


@dataclass(frozen=True)
class OverviewPage:
    rows: list[OverviewRow]
    total: int
    page: int
    pages: int
    #: the level columns: the areas of the newest questionnaire
    areas: tuple[Area, ...] = ()

    def links(self, around: int = 2) -> list[int | None]:
        """The page numbers to link: the first, the last and `around` on either side of this one,
        None where numbers are left out; a fixed number of links however many pages there are."""
        shown = {1, self.pages, *range(max(1, self.page - around), min(self.pages, self.page + around) + 1)}
        numbers: list[int | None] = []
        for n in sorted(shown):
            if numbers and n - (numbers[-1] or 0) > 1:
                numbers.append(None)
            numbers.append(n)
        return numbers


def _answered() -> Any:
    """An answer row that holds a value ("Weiß nicht" counts; a cleared answer is JSON null)."""
    return and_(Answer.value.is_not(None), cast(Answer.value, String) != "null")


def _invited(chosen: Callable[[Any], Any] | None = None) -> Any:
    """A Kommune account or an open invitation for the municipality (`now`: a bound parameter); `chosen`:
    a further condition on the municipality id of users and invitations (`_rows_statement`)."""
    has_user = exists().where(
        User.municipality_id == Municipality.id,
        *([chosen(User.municipality_id)] if chosen else []),
        User.role == Role.KOMMUNE,
        User.active.is_(True),
    )
    has_invitation = exists().where(
        Invitation.municipality_id == Municipality.id,
        *([chosen(Invitation.municipality_id)] if chosen else []),
        Invitation.role == Role.KOMMUNE,
        Invitation.used_at.is_(None),
        Invitation.expires_at > bindparam("now"),
    )
    return or_(has_user, has_invitation)


@lru_cache(maxsize=4)
def _rows_statement(dialect: str) -> Select[*tuple[Any, ...]]:
    """The overview's row of each municipality in the `municipality_ids` parameter, computed from
    their assessments (newest and newest submitted round, overall level, status) with the share of
    answered items of their latest round: index lookups per row, never a scan of all rounds or answers."""

    def of_rows(column: Any) -> Any:
        return one_of(column, "municipality_ids", dialect)

    latest = aliased(Assessment, name="latest")
    done = aliased(Assessment, name="done")
    chosen = of_rows(Assessment.municipality_id)
    newest_q = (
        select(Assessment.municipality_id, func.max(Assessment.round).label("round")).where(chosen).group_by(Assessment.municipality_id)
    ).subquery("newest")
    done_q = (
        select(Assessment.municipality_id, func.max(Assessment.round).label("round"))
        .where(Assessment.status == AssessmentStatus.SUBMITTED, chosen)
        .group_by(Assessment.municipality_id)
        .subquery("latest_submitted")
    )
    overall = aliased(AreaScore, name="overall")
    validated = exists().where(ValidatedLevel.assessment_id == latest.id)
    submitted = latest.status == AssessmentStatus.SUBMITTED
    status = case(
        (and_(submitted, validated), "validated"),
        (submitted, "submitted"),
        (latest.id.is_not(None), "in_progress"),
        (_invited(of_rows), "invited"),
        else_="not_invited",
    )
    answered = select(func.count()).where(Answer.assessment_id == latest.id, _answered()).scalar_subquery()
    return (
        select(
            *_municipality_columns(),
            and_(Municipality.left_register.is_(None), Municipality.merged_into_id.is_(None)).label("in_register"),
            latest.id.label("assessment_id"),
            latest.round.label("round"),
            latest.questionnaire_version.label("version"),
            latest.updated_at.label("last_activity"),
            done.id.label("submitted_id"),
            done.round.label("submitted_round"),
            overall.level.label("overall_level"),
            status.label("status"),
            answered.label("answered"),
        )
        .select_from(Municipality)
        .outerjoin(newest_q, newest_q.c.municipality_id == Municipality.id)
        # each part restricted to the chosen municipalities itself, so that the database reads their rows by index
        .outerjoin(
            latest, and_(latest.municipality_id == Municipality.id, of_rows(latest.municipality_id), latest.round == newest_q.c.round)
        )
        .outerjoin(done_q, done_q.c.municipality_id == Municipality.id)
        .outerjoin(done, and_(done.municipality_id == Municipality.id, of_rows(done.municipality_id), done.round == done_q.c.round))
        .outerjoin(overall, and_(overall.assessment_id == done.id, overall.area_id == "overall"))
        # municipalities that left the register stay visible only with assessments of their own
        .where(of_rows(Municipality.id), or_(Municipality.left_register.is_(None), latest.id.is_not(None)))
    )


def _municipality_columns() -> list[Any]:
    """The municipality's own columns of an overview row."""
    m = Municipality
    return [m.id.label("municipality_id"), m.ags, m.name, m.name_search, m.kind, m.kreis, m.regierungsbezirk, m.population, m.land]


def _municipal_statement() -> Select[*tuple[Any, ...]]:
    """The overview's municipalities with their own columns and their stored newest round
    (`digicheck.newest_round`), which is what every filter and sort needs: the selection and order
    of a page never read the assessments. The same rows as `_rows_statement`."""
    m = Municipality
    status = case((m.round_status.is_not(None), m.round_status), (_invited(), "invited"), else_="not_invited")
    return select(*_municipality_columns(), m.round_status, m.round_level, m.last_activity, status.label("status")).where(
        or_(m.left_register.is_(None), m.round_status.is_not(None))
    )


@dataclass(frozen=True)
class _Shape:
    """What a query's statements depend on; the values themselves are bound parameters."""

    search: str  # "" none, "key" name key and AGS, "ags" only the AGS (the text has no letter or digit)
    filters: tuple[str, ...]
    #: "" none, "round" a status of the newest round (stored, indexed), "invited" or "not_invited"
    status: str
    size: str
    sort: str
    descending: bool


def _shape(query: OverviewQuery) -> _Shape:
    search = "" if not query.search.strip() else ("key" if search_key(query.search.strip()) else "ags")
    present = tuple(name for name in ("land", "kreis", "regierungsbezirk", "kind") if getattr(query, name))
    status = query.status if query.status in ("", "invited", "not_invited") else "round"
    return _Shape(search, present, status, query.size, query.sort, query.descending)


def _escaped(text: str) -> str:
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


@dataclass(frozen=True)
class _Statements:
    count: Select[Any]
    ids: Select[Any]  # the municipality ids of `filtered`, in the query's order
    page_ids: Select[Any]  # one page of `ids` (bound parameter `offset`)


@lru_cache(maxsize=256)
def _statements(shape: _Shape) -> _Statements:
    """The statements of one shape of query, built once, so that SQLAlchemy finds them in its
    compiled cache (like the questionnaire's hot statements); the values are bound parameters."""
    rows, statement = _filtered(shape)
    c = rows.c
    ids = statement.with_only_columns(c.municipality_id).order_by(*_ordering(rows, shape.sort, shape.descending))
    count = select(func.count()).select_from(statement.subquery())
    # no count(*) OVER (): it makes the database produce every row before the LIMIT; in the
    # default order the page comes from the (name, ags) index, and the count is a statement of its own
    page_ids = ids.limit(PAGE_SIZE).offset(bindparam("offset"))
    return _Statements(count, ids, page_ids)


def _filtered(shape: _Shape) -> tuple[Any, Select[Any]]:
    """The overview's rows (`_municipal_statement`) as a subquery, and the statement selecting those
    that pass the shape's filters (values bound: `parameters`)."""
    rows = _municipal_statement().subquery("overview")
    c = rows.c
    statement = select(rows)
    if shape.search:
        ags = c.ags.like(bindparam("ags_like"), escape="/")
        statement = statement.where(or_(c.name_search.like(bindparam("name_like"), escape="/"), ags) if shape.search == "key" else ags)
    for name in shape.filters:
        statement = statement.where(c[name] == bindparam(name))
    if shape.status == "round":  # from the (round_status, name, ags) index
        statement = statement.where(c.round_status == bindparam("status"))
    elif shape.status:  # no round: invited or not, by an index probe per municipality without one
        statement = statement.where(c.round_status.is_(None), c.status == shape.status)
    if shape.size:
        statement = statement.where(*in_size_class(c.population, shape.size))
    return rows, statement


def in_size_class(population: Any, size_id: str) -> list[Any]:
    """WHERE terms: a population column within the size class `size_id`."""
    size = next(s for s in SIZE_CLASSES if s.id == size_id)
    return [population >= size.lower] + ([population < size.upper] if size.upper is not None else [])


def filtered(query: OverviewQuery) -> tuple[Any, Select[Any], dict[str, Any]]:
    """The query's selection for other orders than the overview's own (the API lists by AGS): the rows
    subquery (the municipality's own columns and stored newest round), the statement of those that
    pass the filters, and its bound values. Full rows of chosen ids: `chosen_rows`."""
    rows, statement = _filtered(_shape(query))
    return rows, statement, parameters(query)


def parameters(query: OverviewQuery) -> dict[str, Any]:
    """The bound values of the query's statements."""
    term = query.search.strip()
    return {
        "now": utcnow(),
        "name_like": f"%{_escaped(search_key(term))}%",
        "ags_like": f"{_escaped(term)}%",
        "land": query.land,
        "kreis": query.kreis,
        "regierungsbezirk": query.regierungsbezirk,
        "kind": query.kind,
        "status": query.status,
    }


def _selection(query: OverviewQuery) -> _Statements:
    """From the municipalities table alone, whatever the query filters and sorts by."""
    return _statements(_shape(query))


def selected_ids(query: OverviewQuery) -> list[int]:
    """Every municipality of the query's selection (all pages), in its order."""
    return list(db.session.scalars(_selection(query).ids, parameters(query)))


#: municipalities looked up per statement: the list is one parameter (`one_of`), chunks keep each statement's work bounded
_CHUNK = 900


def chosen_rows(municipality_ids: list[int]) -> dict[int, Any]:
    """The overview's row (as a mapping) of each of these municipalities, with the share answered."""
    now = utcnow()
    found: dict[int, Any] = {}
    for offset in range(0, len(municipality_ids), _CHUNK):
        chunk = municipality_ids[offset : offset + _CHUNK]
        rows = columns(_rows_statement, {"municipality_ids": chunk, "now": now}).mappings()
        found.update((r["municipality_id"], r) for r in rows)
    return found


#: sorts by the municipality's own register columns
_REGISTER_SORTS = frozenset({"name", "ags", "population"})


def _ordering(rows: Any, sort: str, descending: bool) -> list[Any]:
    """ORDER BY terms for the query's sort, rows without a value last, ties by name and AGS."""
    c = rows.c
    if sort in _REGISTER_SORTS:  # never empty: no "rows without a value" term, so an index on them can serve
        key = {"name": c.name, "ags": c.ags, "population": c.population}[sort]
        ties = [c.ags] if sort == "name" else [c.name, c.ags]  # by name: the (name, ags) index serves it
        return [key.desc() if descending else key.asc(), *ties]
    if sort == "level":  # 0: no level, last either way; highest first from the (round_level DESC, name, ags) index
        return [c.round_level.desc(), c.name, c.ags] if descending else [c.round_level == 0, c.round_level, c.name, c.ags]
    rank = case({key: index for index, key in enumerate(STATUSES)}, value=c.status)
    key = {"status": rank, "activity": c.last_activity}[sort]
    primary = key.desc() if descending else key.asc()
    # rows without a value (no activity) go last in either direction, on both databases
    return [case((key.is_(None), 1), else_=0), primary, c.name, c.ags]


def overview(query: OverviewQuery) -> OverviewPage:
    """One page of the overview in 5 queries (6 with the validating consultants): the page's municipality
    ids, the count of all, their rows with the share answered,
    their area levels and validated levels.
    The work of the last three follows the rows shown; the first two read the municipalities table
    alone (the newest round is stored there), never the assessments or answers."""
    statements, values = _selection(query), parameters(query)
    page = max(1, query.page)
    ids = list(db.session.scalars(statements.page_ids, values | {"offset": (page - 1) * PAGE_SIZE}))
    total = db.session.scalar(statements.count, values) or 0
    if not ids and page > 1:  # beyond the last page: the last page
        page = max(1, ceil(total / PAGE_SIZE))
        ids = list(db.session.scalars(statements.page_ids, values | {"offset": (page - 1) * PAGE_SIZE}))
    pages = max(1, ceil(total / PAGE_SIZE))
    by_id = chosen_rows(ids)
    return OverviewPage(overview_rows([by_id[i] for i in ids]), total, page, pages, library().latest.areas)


def overview_rows(found: Sequence[Any]) -> list[OverviewRow]:
    """Overview rows (mappings of `chosen_rows`) with their share answered, area levels and validated
    levels (2 more queries; the overview page and the API's municipality list)."""
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
                land=r["land"],
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


@lru_cache(maxsize=4)
def _area_levels(dialect: str) -> Select[int, str, int | None]:
    return select(AreaScore.assessment_id, AreaScore.area_id, AreaScore.level).where(
        one_of(AreaScore.assessment_id, "ids", dialect), AreaScore.area_id != "overall"
    )


def area_levels(assessment_ids: list[int]) -> dict[int, dict[str, int | None]]:
    if not assessment_ids:
        return {}
    found: dict[int, dict[str, int | None]] = {}
    for assessment_id, area_id, level in columns(_area_levels, {"ids": assessment_ids}).all():
        found.setdefault(assessment_id, {})[area_id] = level
    return found


def _newest_validated(chosen: ColumnElement[bool]) -> Any:
    """The ids of the validated levels that count (the newest per assessment and area) of the
    assessments `chosen`, a condition on ValidatedLevel.assessment_id."""
    return select(func.max(ValidatedLevel.id)).where(chosen).group_by(ValidatedLevel.assessment_id, ValidatedLevel.area_id)


@lru_cache(maxsize=4)
def _validated_numbers(dialect: str) -> Select[int, str, int]:
    return select(ValidatedLevel.assessment_id, ValidatedLevel.area_id, ValidatedLevel.level).where(
        ValidatedLevel.id.in_(_newest_validated(one_of(ValidatedLevel.assessment_id, "ids", dialect)))
    )


def validated_level_numbers(assessment_ids: list[int]) -> dict[int, dict[str, int]]:
    """Only the numbers of `latest_validated_levels` (no objects, no consultants): for lists."""
    found: dict[int, dict[str, int]] = {}
    if assessment_ids:
        for assessment_id, area_id, level in columns(_validated_numbers, {"ids": assessment_ids}).all():
            found.setdefault(assessment_id, {})[area_id] = level
    return found


def latest_validated_levels(assessment_ids: list[int]) -> dict[int, dict[str, ValidatedLevel]]:
    """The validated level that counts (the newest) per assessment and area, in one query."""
    if not assessment_ids:
        return {}
    newest = _newest_validated(ValidatedLevel.assessment_id.in_(assessment_ids))
    found: dict[int, dict[str, ValidatedLevel]] = {}
    statement = select(ValidatedLevel).where(ValidatedLevel.id.in_(newest)).options(selectinload(ValidatedLevel.consultant))
    for row in db.session.scalars(statement):
        found.setdefault(row.assessment_id, {})[row.area_id] = row
    return found


_KREISE_OF = (
    select(Municipality.kreis, Municipality.regierungsbezirk)
    .where(Municipality.land == bindparam("land"))
    .group_by(Municipality.kreis, Municipality.regierungsbezirk)
)
_ALL_KREISE = select(Municipality.kreis, Municipality.regierungsbezirk).group_by(Municipality.kreis, Municipality.regierungsbezirk)


def filter_options(land: str) -> tuple[list[str], list[str]]:
    """The Kreise and Regierungsbezirke that occur in the Land `land` (a Land key; "" all Länder), for the
    filter selects: read from the (land, kreis, regierungsbezirk) index, so a Land's options cost what the
    Land has, not what Germany has."""
    rows = db.session.execute(_KREISE_OF, {"land": land}).all() if land else db.session.execute(_ALL_KREISE).all()
    return sorted({k for k, _ in rows}), sorted({r for _, r in rows})


@dataclass(frozen=True)
class Median:
    """Median level per area of a size class; `levels[area]` is None where fewer than MIN_PEERS form it."""

    size: SizeClass
    levels: dict[str, float | None]
    counts: dict[str, int]

    @property
    def available(self) -> bool:
        return any(v is not None for v in self.levels.values())


def size_class_median(population: int, area_ids: list[str], land: str) -> Median:
    """Median of the latest submitted round's area levels over municipalities of the same size class
    in the same Land (aggregates never mix Länder).

    Computed in SQL (row_number/count windows; the middle one or two rows averaged),
    so it stays one query however many assessments exist; the newest submitted round of each
    municipality is an index probe per round, not a grouping of every round there is.
    """
    size = size_class(population)
    newer = aliased(Assessment, name="newer")
    newest_submitted = ~exists().where(  # an index probe per round, not a grouping of every round there is
        newer.municipality_id == Assessment.municipality_id, newer.status == AssessmentStatus.SUBMITTED, newer.round > Assessment.round
    )
    in_class = [Municipality.population >= size.lower] + ([Municipality.population < size.upper] if size.upper is not None else [])
    ranked = (
        select(
            AreaScore.area_id,
            AreaScore.level,
            func.row_number().over(partition_by=AreaScore.area_id, order_by=AreaScore.level).label("rn"),
            func.count().over(partition_by=AreaScore.area_id).label("n"),
        )
        .join(Assessment, Assessment.id == AreaScore.assessment_id)
        .join(Municipality, Municipality.id == Assessment.municipality_id)
        .where(Assessment.status == AssessmentStatus.SUBMITTED, newest_submitted)
        .where(AreaScore.level.is_not(None), AreaScore.area_id.in_(area_ids), Municipality.land == land, *in_class)
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


# --- open questions of the municipalities (issue 16) --------------------------------------

#: open questions listed on the overview (the oldest first); the count names all of them
OPEN_QUESTIONS_SHOWN = 20


@dataclass(frozen=True)
class OpenQuestion:
    """A thread waiting for the consultation (see digicheck.talk.services): where, since when, its first entry."""

    note_id: int
    assessment_id: int
    municipality: str
    round: int
    item_id: str | None
    text: str
    asked_at: datetime


_WAITING_COUNT = select(func.count()).select_from(Note).where(Note.waiting_since.is_not(None))
_WAITING_ROWS = (
    select(Note.id, Note.assessment_id, Municipality.name, Assessment.round, Note.item_id, Note.text, Note.created_at)
    .join(Assessment, Assessment.id == Note.assessment_id)
    .join(Municipality, Municipality.id == Assessment.municipality_id)
    .where(Note.waiting_since.is_not(None))
    .order_by(Note.waiting_since, Note.id)
    .limit(bindparam("limit"))
)


def open_questions(limit: int = OPEN_QUESTIONS_SHOWN) -> tuple[int, list[OpenQuestion]]:
    """How many threads wait for the consultation, and the oldest `limit` of them: roots not resolved
    or deleted in which a Kommune user wrote an entry that stands. Read from the stored, indexed marker
    `Note.waiting_since` (kept by every writer of notes, `digicheck.talk.waiting`): the count from the
    partial index alone, the rows shown by it in their order, never a scan of all notes and their authors."""
    total = db.session.scalar(_WAITING_COUNT) or 0
    rows = db.session.execute(_WAITING_ROWS, {"limit": limit}).all() if total else []
    return total, [OpenQuestion(*row) for row in rows]
