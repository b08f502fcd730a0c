"""Read models of the Maßnahmenplan: the plan page, one entry with its history, the suggestions already
planned, and (on the result page) the comparison of a later round with the previous one beside the entries done meanwhile."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload

from digicheck import timefmt
from digicheck.assess import services as assess_svc
from digicheck.content import catalogue, library, questionnaire
from digicheck.extensions import columns, db
from digicheck.models import Assessment, Municipality, PlanEntry, PlanEntryChange, PlanSource, PlanStatus, User
from scoring import Profile, Questionnaire
from scoring.library import version_change
from scoring.plan import AreaProgress, ChangedItem, PlanWork, area_progress, changed_items, is_overdue

SOURCE_LABELS = {
    PlanSource.MEASURE: "Referenzmaßnahme",
    PlanSource.MODULE: "Beratungsmodul",
    PlanSource.STEP: "Nächster Schritt aus dem Ergebnis",
    PlanSource.OWN: "eigener Eintrag",
}
FIELD_LABELS = {
    "area_id": "Bereich",
    "title": "Titel",
    "item_ids": "Verknüpfte Fragen",
    "owner": "Verantwortlich",
    "start_on": "Beginn",
    "due_on": "Fällig bis",
    "status": "Status",
    "drop_reason": "Grund für „verworfen“",
    "funding_id": "Förderprogramm",
    "note": "Notiz",
}


@dataclass(frozen=True)
class PlanRow:
    #: the entry's columns of `_ENTRIES` (id, area_id, title, owner, start_on, due_on, status, …)
    entry: Any
    overdue: bool
    funding: str | None


@dataclass(frozen=True)
class AreaPlan:
    area_id: str
    name: str
    rows: tuple[PlanRow, ...]


@dataclass(frozen=True)
class PlanPage:
    """A municipality's plan by area (questionnaire order), with the overdue entries marked as of `today` (local day)."""

    municipality: Municipality
    areas: tuple[AreaPlan, ...]
    today: date

    @property
    def rows(self) -> list[PlanRow]:
        return [row for area in self.areas for row in area.rows]

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.overdue)

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.entry.status == PlanStatus.DONE)


#: the columns the plan table and the round comparison read, as named rows (no ORM objects: the
#: plan page stays near its raw SELECT, bench/report_bench.py "plan page model")
_E = PlanEntry
_TABLE = (_E.id, _E.area_id, _E.title, _E.owner, _E.start_on, _E.due_on, _E.status, _E.drop_reason, _E.funding_id)
_ORDER = (_E.due_on.is_(None), _E.due_on, _E.id)
_TABLE_ROWS = select(*_TABLE).where(_E.municipality_id == bindparam("municipality_id")).order_by(*_ORDER)
_ENTRIES = (
    select(*_TABLE, _E.item_ids, _E.closed_at, _E.source, _E.source_id)
    .where(_E.municipality_id == bindparam("municipality_id"))
    .order_by(*_ORDER)
)


def _entries_of(municipality_id: int) -> Sequence[Any]:
    return db.session.execute(_ENTRIES, {"municipality_id": municipality_id}).all()


def plan_page(municipality: Municipality) -> PlanPage:
    q = questionnaire()
    rows = columns(_TABLE_ROWS, {"municipality_id": municipality.id}).all()
    # the catalogue only when an entry names a programme (its lookup checks the content files)
    names = {p.id: p.name for p in catalogue(q).programmes} if any(r.funding_id for r in rows) else {}
    today = timefmt.today()
    by_area: dict[str, list[PlanRow]] = {}
    for entry in rows:
        overdue = is_overdue(entry.due_on, entry.status.closed, today)
        by_area.setdefault(entry.area_id, []).append(PlanRow(entry, overdue, names.get(entry.funding_id or "", entry.funding_id)))
    order = [a.id for a in q.areas] + sorted(set(by_area) - set(q.area_ids))
    areas = tuple(AreaPlan(a, q.area_names.get(a, a), tuple(by_area[a])) for a in order if a in by_area)
    return PlanPage(municipality, areas, today)


@dataclass(frozen=True)
class HistoryLine:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryRow:
    """One change of an entry: when, by whom (with role: the consultants edit together with the Kommune), what."""

    at: datetime
    who: str
    role: str
    created: bool
    lines: tuple[HistoryLine, ...]


class _Names:
    """Labels of the values an entry's history holds: areas, items, dates, status, funding programmes."""

    def __init__(self, q: Questionnaire) -> None:
        self.q = q
        self.funding = {p.id: p.name for p in catalogue(q).programmes}

    def value(self, field: str, value: Any) -> str:
        if value in (None, "", []):
            return "–"
        if field == "area_id":
            return self.q.area_names.get(value, value)
        if field == "item_ids":
            return "; ".join(item.text if (item := self.q.item(i)) else i for i in value)
        if field in ("start_on", "due_on"):
            return timefmt.local_date(date.fromisoformat(value))
        if field == "status":
            return PlanStatus(value).label
        if field == "funding_id":
            return self.funding.get(value, value)
        return str(value)

    def row(self, change: PlanEntryChange, created: bool) -> HistoryRow:
        user: User | None = change.user
        lines = tuple(
            HistoryLine(FIELD_LABELS.get(field, field), self.value(field, old), self.value(field, new))
            for field, (old, new) in change.changes.items()
        )
        return HistoryRow(change.changed_at, user.name if user else "–", user.role.label if user else "", created, lines)


def history_of(entry: PlanEntry) -> list[HistoryRow]:
    """Every change of the entry, newest first; the oldest is its creation."""
    changes = list(
        db.session.scalars(
            select(PlanEntryChange)
            .where(PlanEntryChange.entry_id == entry.id)
            .options(selectinload(PlanEntryChange.user))
            .order_by(PlanEntryChange.id.desc())
        )
    )
    names = _Names(questionnaire())
    return [names.row(change, index == len(changes) - 1) for index, change in enumerate(changes)]


def change_row(change: PlanEntryChange) -> HistoryRow:
    """One change as the history shows it (the conflict message shows the colleague's)."""
    return _Names(questionnaire()).row(change, False)


@dataclass(frozen=True)
class EntryPage:
    entry: PlanEntry
    municipality: Municipality
    history: list[HistoryRow]
    overdue: bool
    source_label: str
    #: the other person's change when the form came back stale
    conflict: HistoryRow | None = None


def entry_page(entry: PlanEntry, conflict: HistoryRow | None = None) -> EntryPage:
    return EntryPage(
        entry,
        entry.municipality,
        history_of(entry),
        is_overdue(entry.due_on, entry.status.closed, timefmt.today()),
        SOURCE_LABELS[entry.source],
        conflict,
    )


def _planned(entries: Sequence[Any]) -> frozenset[tuple[str, str]]:
    """(source, id) of the suggestions already in the plan (dropped ones may be taken again)."""
    return frozenset((e.source.value, e.source_id) for e in entries if e.source_id is not None and e.status != PlanStatus.DROPPED)


@dataclass(frozen=True)
class ResultPlan:
    """The Maßnahmenplan as a round's result page shows it."""

    #: (source, id) of the suggestions already in the plan: their buttons say so
    planned: frozenset[tuple[str, str]]
    #: from the second round on: the level change per area beside the entries done meanwhile
    progress: RoundProgress | None


def result_plan(assessment: Assessment, q: Questionnaire, profile: Profile) -> ResultPlan:
    """From one query of the municipality's entries."""
    entries = _entries_of(assessment.municipality_id)
    return ResultPlan(_planned(entries), round_progress(assessment, q, profile, entries))


@dataclass(frozen=True)
class RoundProgress:
    """A later round beside the previous one: per area the level change and the entries done since then,
    and the items whose answers changed with their linked entries."""

    previous: Assessment
    areas: tuple[AreaProgress, ...]
    changed: tuple[ChangedItem, ...]


def _work(entry: Any) -> PlanWork:
    return PlanWork(entry.title, entry.area_id, tuple(entry.item_ids or ()), entry.status.label)


def _done_between(entry: Any, start: datetime, end: datetime | None) -> bool:
    closed = entry.closed_at
    return entry.status == PlanStatus.DONE and closed is not None and closed >= start and (end is None or closed <= end)


def round_progress(assessment: Assessment, q: Questionnaire, profile: Profile, entries: Sequence[Any]) -> RoundProgress | None:
    """None for a first round, or when the previous round was never submitted. `entries`: the
    municipality's plan entries (`_entries_of`)."""
    previous = db.session.get(Assessment, assessment.previous_id) if assessment.previous_id else None
    if previous is None or previous.submitted_at is None:
        return None
    previous_q, previous_profile = assess_svc.profile_of(previous)
    entries = [e for e in entries if e.status != PlanStatus.DROPPED]
    done = [_work(e) for e in entries if _done_between(e, previous.submitted_at, assessment.submitted_at)]
    change = version_change(library(), previous_q.version, q.version)
    return RoundProgress(
        previous,
        tuple(
            area_progress(
                q,
                {a.id: a.level for a in previous_profile.areas},
                {a.id: a.level for a in profile.areas},
                done,
            )
        ),
        tuple(
            changed_items(
                q,
                previous_q,
                previous_profile.answers,
                profile.answers,
                [_work(e) for e in entries],
                change.comparable if change else None,
            )
        ),
    )
