"""Read models of the API: cursor-paginated lists (municipalities, assessments), the profile,
the answers and the benchmark document. Lists use the consultant overview's filters and
queries (digicheck.consult.queries); the benchmark is the report's own, already anonymised."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from flask import current_app
from flask_smorest import abort
from sqlalchemy import and_, bindparam, or_, select

from digicheck import timefmt
from digicheck.assess.report import answer_row
from digicheck.assess.services import profiles_of
from digicheck.benchmark.cache import data_version
from digicheck.benchmark.export import published_number, shown_groups
from digicheck.benchmark.services import GroupFigures, Report, build_report, present_laender
from digicheck.consult.bookings import BookingRow
from digicheck.consult.queries import (
    OverviewQuery,
    OverviewRow,
    area_levels,
    chosen_rows,
    filtered,
    in_size_class,
    overview_rows,
    validated_level_numbers,
)
from digicheck.extensions import columns, db
from digicheck.models import Answer, AreaScore, Assessment, AssessmentStatus, Municipality, ValidatedLevel
from digicheck.municipalities import default_land, register_fields
from scoring.laender import GERMANY

# --- cursors ------------------------------------------------------------------------------


def encode_cursor(value: str | int) -> str:
    return base64.urlsafe_b64encode(json.dumps([value]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, kind: type) -> Any:
    """The last key of the previous page; a cursor this API did not hand out is a 422."""
    if not cursor:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))[0]
    except (ValueError, binascii.Error, TypeError, IndexError, KeyError, UnicodeDecodeError):
        value = None
    if type(value) is not kind:
        abort(422, errors={"query": {"cursor": ["Ungültiger Cursor: bitte den „next_cursor“ der vorigen Seite verwenden."]}})
    return value


def _page(items: list[Any], limit: int, key: Any) -> tuple[list[Any], str | None]:
    """The first `limit` of `limit + 1` rows, and the cursor after them if there is more."""
    more = len(items) > limit
    items = items[:limit]
    return items, encode_cursor(key(items[-1])) if more else None


# --- municipalities -----------------------------------------------------------------------


def _land_filter(args: Mapping[str, Any]) -> str:
    """The `land` parameter as a filter value: "" (all Länder) for none or GERMANY."""
    land = args.get("land") or ""
    return "" if land == GERMANY else land


def _overview_query(args: Mapping[str, Any]) -> OverviewQuery:
    return OverviewQuery(
        search=(args.get("q") or "").strip(),
        land=_land_filter(args),
        kreis=args.get("kreis", ""),
        regierungsbezirk=args.get("regierungsbezirk", ""),
        kind=args.get("kind", ""),
        size=args.get("size", ""),
        status=args.get("status", ""),
    )


def _levels(overall: int | None, levels: Mapping[str, int | None], validated: Mapping[str, int]) -> dict[str, Any]:
    return {"overall": overall, "areas": dict(levels), "validated": dict(validated)}


def municipality_document(row: OverviewRow, *, with_status: bool) -> dict[str, Any]:
    document: dict[str, Any] = {"id": row.municipality_id, **register_fields(row)}
    if with_status:
        document |= {
            "status": row.status,
            "latest_assessment_id": row.assessment_id,
            "latest_round": row.round,
            "submitted_assessment_id": row.submitted_id,
            "submitted_round": row.submitted_round,
            "levels": _levels(row.overall_level, row.levels, row.validated),
        }
    return document


def municipality_page(args: Mapping[str, Any], *, only: int | None, with_status: bool) -> dict[str, Any]:
    """Municipalities by AGS, after the cursor; `only`: the one municipality a Kommune session sees.
    The page's ids come from the overview's selection, their rows from `chosen_rows` (work follows the page)."""
    rows, statement, values = filtered(_overview_query(args))
    c = rows.c
    ids = statement.with_only_columns(c.municipality_id, c.ags)
    after = decode_cursor(args.get("cursor"), str)
    if after is not None:
        ids = ids.where(c.ags > after)
    if only is not None:
        ids = ids.where(c.municipality_id == only)
    limit = args["limit"]
    chosen, cursor = _page(list(db.session.execute(ids.order_by(c.ags).limit(limit + 1), values).all()), limit, lambda r: r.ags)
    by_id = chosen_rows([r.municipality_id for r in chosen])
    found = [by_id[r.municipality_id] for r in chosen]
    items = overview_rows(found) if with_status else [_register_row(r) for r in found]
    return {"items": [municipality_document(r, with_status=with_status) for r in items], "next_cursor": cursor}


def _register_row(r: Mapping[Any, Any]) -> OverviewRow:
    """An overview row with the register fields only (the status stays unread)."""
    return OverviewRow(**{k: r[k] for k in ("municipality_id", "ags", "name", "kind", "kreis", "regierungsbezirk", "population", "land")},
                       in_register=bool(r["in_register"]), status="", assessment_id=None, round=None, answered_percent=None,
                       last_activity=None, submitted_id=None, submitted_round=None, overall_level=None)  # fmt: skip


def municipality_one(municipality: Municipality, *, with_status: bool) -> dict[str, Any]:
    found = chosen_rows([municipality.id]).get(municipality.id)
    if found is None:  # left the register without an assessment of its own: the overview leaves it out
        return {"id": municipality.id, **register_fields(municipality)}
    row = overview_rows([found])[0] if with_status else _register_row(found)
    return municipality_document(row, with_status=with_status)


# --- assessments --------------------------------------------------------------------------


_ASSESSMENT_FILTERS = (
    ("land", Municipality.land),
    ("kreis", Municipality.kreis),
    ("regierungsbezirk", Municipality.regierungsbezirk),
    ("kind", Municipality.kind),
    ("round", Assessment.round),
    ("municipality_id", Assessment.municipality_id),
    ("only", Assessment.municipality_id),
)


def _after(overall: Any, after: bool) -> tuple[Any, ...]:
    """The cursor's bound once more, on the outer-joined overall level: implied by `a.id > after`, but
    PostgreSQL does not carry it across an outer join, and without it a merge join read the overall
    levels of every assessment before the cursor (a page in the middle of 100,000: 11 ms instead of 2)."""
    return (overall.assessment_id > bindparam("after"),) if after else ()


@lru_cache(maxsize=128)
def _assessment_statement(present: tuple[str, ...], size: str, status: bool, after: bool) -> Any:
    """The list's statement for one shape of query, built once (values bound), like the overview's."""
    a = Assessment
    overall = db.aliased(AreaScore, name="overall")
    # columns, not ORM objects: a page of 100 rows is serialised as it comes (issue 17's list target)
    statement = (
        select(
            a.id,
            a.municipality_id,
            Municipality.ags,
            Municipality.name,
            a.round,
            a.status,
            a.questionnaire_version,
            a.submitted_at,
            overall.level,
        )
        .join(Municipality, Municipality.id == a.municipality_id)
        .outerjoin(overall, and_(overall.assessment_id == a.id, overall.area_id == "overall", *_after(overall, after)))
    )
    for name, column in _ASSESSMENT_FILTERS:
        if name in present:
            statement = statement.where(column == bindparam(name))
    if status:
        statement = statement.where(a.status == bindparam("status"))
    if size:
        statement = statement.where(*in_size_class(Municipality.population, size))
    if after:
        statement = statement.where(a.id > bindparam("after"))
    return statement.order_by(a.id).limit(bindparam("limit"))


def assessment_page(args: Mapping[str, Any], *, only: int | None) -> dict[str, Any]:
    """Assessments by id, after the cursor, with their levels (3 queries a page). Its instants are local
    datetimes, which `routes.dumped` writes as text."""
    values: dict[str, Any] = {name: args.get(name) for name, _ in _ASSESSMENT_FILTERS if name != "only"} | {"only": only}
    values["land"] = _land_filter(args)
    values = {name: value for name, value in values.items() if value is not None and value != ""}
    if args.get("status"):
        values["status"] = AssessmentStatus(args["status"])
    after = decode_cursor(args.get("cursor"), int)
    if after is not None:
        values["after"] = after
    shape = tuple(name for name, _ in _ASSESSMENT_FILTERS if name in values)
    statement = _assessment_statement(shape, args.get("size") or "", "status" in values, after is not None)
    limit = args["limit"]
    found, cursor = _page(list(columns(statement, values | {"limit": limit + 1}).all()), limit, lambda r: r[0])
    done = [r[0] for r in found if r[5] == AssessmentStatus.SUBMITTED]
    levels, validated = area_levels(done), validated_level_numbers(done)
    zone = timefmt.zone_name()
    items = [
        {
            "id": id_,
            "municipality_id": municipality_id,
            "ags": ags,
            "municipality": name,
            "round": round_,
            "status": status.value,
            "questionnaire_version": version,
            "submitted_at": timefmt.to_local(submitted_at, zone) if submitted_at else None,  # as ISO text: routes.dumped
            "levels": _levels(overall, levels.get(id_, {}), validated.get(id_, {})),
        }
        for id_, municipality_id, ags, name, round_, status, version, submitted_at, overall in found
    ]
    return {"items": items, "next_cursor": cursor}


def _evidence(assessment_id: int) -> dict[str, dict[str, Any]]:
    """The Kommune's reasons and references per answered item (text only; references one per line)."""
    statement = select(Answer.item_id, Answer.evidence_comment, Answer.evidence_refs, Answer.evidence_from_round).where(
        Answer.assessment_id == assessment_id, or_(Answer.evidence_comment.is_not(None), Answer.evidence_refs.is_not(None))
    )
    found = {}
    for item_id, comment, refs, from_round in db.session.execute(statement):
        lines = [line.strip() for line in (refs or "").splitlines() if line.strip()]
        comment = (comment or "").strip() or None
        if comment or lines:
            found[item_id] = {"comment": comment, "refs": lines, "from_round": from_round}
    return found


def answers_document(assessment: Assessment) -> dict[str, Any]:
    """Every item of the assessment's questionnaire with the stored value, the answer as read, its score
    and the evidence the Kommune gave for it."""
    q, profile = profiles_of([assessment])[assessment.id]
    evidence = _evidence(assessment.id)
    items = []
    for area in q.areas:
        for item in area.items:
            value = profile.answers.get(item.id)
            row = answer_row(area, item, value)
            items.append(
                {
                    "area_id": area.id,
                    "area": area.name,
                    "item_id": item.id,
                    "question": item.text,
                    "value": list(value) if isinstance(value, tuple) else value,
                    "answer": str(row["Antwort"]),
                    "score": row["Punkte"],
                    "evidence": evidence.get(item.id),
                }
            )
    return {"assessment_id": assessment.id, "questionnaire_version": assessment.questionnaire_version, "items": items}


def validated_level_document(row: ValidatedLevel) -> dict[str, Any]:
    return {
        "id": row.id,
        "assessment_id": row.assessment_id,
        "area_id": row.area_id,
        "level": row.level,
        "reason": row.reason,
        "by": row.consultant.name,
        "at": row.created_at,
    }


def booking_document(row: BookingRow) -> dict[str, Any]:
    b = row.booking
    return {
        "municipality_id": b.municipality_id,
        "module_id": b.module_id,
        "module": row.module,
        "status": b.status.value,
        "date": b.on,
        "reported_by": b.reported_by,
        "updated_at": b.updated_at,
    }


# --- benchmark ----------------------------------------------------------------------------


def _reason_code(group: GroupFigures) -> str | None:
    """Why a group is withheld: fewer than k assessments, or the differencing guard (it conflicts with another group)."""
    if group.published:
        return None
    return "differencing" if group.decision.conflicts_with is not None else "too_few"


def _group_document(report: Report, group: GroupFigures, *, levels: bool = True) -> dict[str, Any]:
    code = _reason_code(group)
    cells = []
    for area in report.area_names:
        f = group.areas.get(area) if group.published else None
        cells.append(
            {
                "area": area,
                "n": f.n if f else None,
                "q1": published_number(f.q1) if f else None,
                "median": published_number(f.median) if f else None,
                "q3": published_number(f.q3) if f else None,
                "levels": list(f.levels) if f and levels else None,
                "reason_code": code if code else (None if f else "too_few_values"),
            }
        )
    g = group.group
    return {
        "dimension": g.dimension.value,
        "key": g.key,
        "label": g.label,
        "published": group.published,
        "reason_code": code,
        "reason": group.decision.reason or None,
        "assessments": group.size if group.published else None,
        "registered": group.registered if group.published else None,
        "participation": group.participation if group.published else None,
        "areas": cells,
    }


def benchmark_document(round_: int | None, dimension: str, land: str | None = None, *, own: Municipality | None = None) -> dict[str, Any]:
    """The report's figures (the same service, guard and k as the page) of one Land, by default that of
    `default_land` (for a Kommune session, `own`: its own Land, as the page starts with), or of GERMANY:
    suppressed groups and cells are null with a reason code."""
    version = data_version()  # as the report page: the Länder and the report remembered per data version
    present = present_laender(version)
    scope = GERMANY if len(present) < 2 else (land or default_land(own, present))
    report = build_report(
        round_,
        dimension,
        k=int(current_app.config.get("BENCHMARK_K", 5)),
        include_demo=bool(current_app.config["DIGICHECK_DEMO"]),
        land=scope,
        version=version,
    )
    return {
        "land": present[0][0] if len(present) == 1 else scope,
        "round": report.round,
        "rounds": list(report.rounds),
        "dimension": report.dimension,
        "k": report.k,
        "demo": report.demo,
        "areas": report.area_names,
        "groups": [_group_document(report, g) for g in shown_groups(report)],
        "trend": [_group_document(report, g, levels=False) for g in report.trend],
    }
