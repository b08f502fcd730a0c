"""The Maßnahmenplan as documents for the council: the "Digitalisierungsfahrplan" (PDF) and its exports.

One read model (`fahrplan`) feeds the PDF, the XLSX, the CSV and the JSON, so every surface shows
the same entries in the same order: by area (questionnaire order), then due date, start date, id.
The profile summary is the latest submitted round (levels per area and the targets set in it);
each entry taken from the catalogues carries its citation (source file and section), the
document the register attribution of the municipality's data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased

from digicheck import svg_charts, timefmt
from digicheck.assess import services as assess
from digicheck.content import catalogue, questionnaire
from digicheck.extensions import db
from digicheck.models import Assessment, AssessmentStatus, Municipality
from digicheck.models._time import utcnow
from digicheck.models.plan import PlanEntry, PlanSource, PlanStatus
from digicheck.register import attribution
from scoring.model import Citation, Questionnaire
from scoring.plan import is_overdue

SOURCE_LABELS = {
    PlanSource.MEASURE: "Referenzmaßnahme",
    PlanSource.MODULE: "Beratungsmodul",
    PlanSource.STEP: "Nächster Schritt",
    PlanSource.OWN: "eigener Eintrag",
}
#: the bar colours of the timeline (the table beside it names every status in words)
STATUS_COLOURS = {PlanStatus.PLANNED: "#6b7f95", PlanStatus.IN_PROGRESS: "#00508c", PlanStatus.DONE: "#1e6b35"}


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def label(self) -> str:
        """As the tables write it: "2. Quartal 2026"."""
        return f"{self.number}. Quartal {self.year}"

    @property
    def short(self) -> str:
        """As the chart's axis writes it: "Q2/26"."""
        return f"Q{self.number}/{self.year % 100:02d}"

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)


def quarters_between(first: Quarter, last: Quarter) -> list[Quarter]:
    out = [first]
    while out[-1] < last:
        out.append(out[-1].next())
    return out


@dataclass(frozen=True)
class EntryRow:
    """One plan entry as the documents show it, with its catalogue title and citation resolved."""

    id: int
    area_id: str
    area_name: str
    title: str
    source: PlanSource
    source_id: str | None
    #: the title of the catalogue entry or item the entry was taken from (None for own entries)
    source_title: str | None
    #: "Quelle: <title> (<file>), <section>" for entries from the catalogues or the questionnaire
    citation: str | None
    item_ids: tuple[str, ...]
    owner: str
    start_on: date | None
    due_on: date | None
    status: PlanStatus
    drop_reason: str | None
    funding_id: str | None
    funding: str | None
    note: str
    added_round: int | None
    closed_round: int | None
    created_at: datetime
    closed_at: datetime | None
    overdue: bool

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS[self.source]

    @property
    def period(self) -> tuple[Quarter, Quarter] | None:
        """The quarters the entry spans on the timeline; None without any date, or when dropped."""
        first_day, last_day = self.start_on or self.due_on, self.due_on or self.start_on
        if self.status == PlanStatus.DROPPED or first_day is None or last_day is None:
            return None
        first = Quarter.of(first_day)
        return first, max(first, Quarter.of(last_day))

    @property
    def period_label(self) -> str:
        period = self.period
        if period is None:
            return "–" if self.status == PlanStatus.DROPPED else "ohne Termin"
        first, last = period
        return first.label if first == last else f"{first.label} bis {last.label}"


@dataclass(frozen=True)
class AreaSummary:
    id: str
    name: str
    score: float | None
    level: int | None
    level_name: str | None
    provisional: bool
    target: int | None
    entries: tuple[EntryRow, ...]

    @property
    def done(self) -> int:
        return sum(e.status == PlanStatus.DONE for e in self.entries)

    @property
    def open(self) -> int:
        return sum(not e.status.closed for e in self.entries)


@dataclass(frozen=True)
class QuarterRow:
    quarter: Quarter
    #: area id -> titles of the entries active in this quarter
    cells: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class SourceRow:
    citation: str
    titles: tuple[str, ...]


@dataclass(frozen=True)
class Fahrplan:
    municipality: Municipality
    #: the latest submitted round whose profile the document summarises (None: no round submitted)
    assessment: Assessment | None
    overall_level: int | None
    overall_name: str | None
    areas: tuple[AreaSummary, ...]
    entries: tuple[EntryRow, ...]
    quarters: tuple[QuarterRow, ...]
    timeline_svg: str
    sources: tuple[SourceRow, ...]
    created: datetime
    attribution: str

    @property
    def title(self) -> str:
        return f"Digitalisierungsfahrplan {self.municipality.name}"

    @property
    def undated(self) -> tuple[EntryRow, ...]:
        return tuple(e for e in self.entries if e.period is None and e.status != PlanStatus.DROPPED)


_ADDED, _CLOSED = aliased(Assessment), aliased(Assessment)
_E = PlanEntry
#: built once, columns rather than ORM objects (a third of the time): the plan page data of one
#: municipality (bench/report_bench.py measures it against the same SELECT in raw SQL)
_ENTRIES = (
    select(
        _E.id,
        _E.area_id,
        _E.title,
        _E.source,
        _E.source_id,
        _E.item_ids,
        _E.owner,
        _E.start_on,
        _E.due_on,
        _E.status,
        _E.drop_reason,
        _E.funding_id,
        _E.note,
        _ADDED.round.label("added_round"),
        _CLOSED.round.label("closed_round"),
        _E.created_at,
        _E.closed_at,
    )
    .outerjoin(_ADDED, _ADDED.id == PlanEntry.added_in_id)
    .outerjoin(_CLOSED, _CLOSED.id == PlanEntry.closed_in_id)
    .where(PlanEntry.municipality_id == bindparam("municipality_id"))
)


def _latest_submitted(municipality_id: int) -> Assessment | None:
    return next((a for a in assess.rounds_of(municipality_id) if a.status == AssessmentStatus.SUBMITTED), None)


def cite_text(q: Questionnaire, cite: Citation) -> str:
    """A citation as the documents print it: the source's title and file, and the section."""
    source = q.source(cite.source)
    return f"Quelle: {source.title} ({source.file}), {cite.section}" if source else f"Quelle: {cite.source}, {cite.section}"


@dataclass(frozen=True)
class _Index:
    """The catalogue and questionnaire entries an entry may name, looked up once per document:
    (source, id) -> (title, citation), funding programme id -> name."""

    sources: dict[tuple[PlanSource, str], tuple[str, Citation]]
    funding: dict[str, str]
    #: citation -> the text the documents print (cite_text)
    cites: dict[Citation, str]


def _index(q: Questionnaire) -> _Index:
    """Built once per catalogue in force (`digicheck.content.catalogue` keeps it until an import)."""
    cat = catalogue(q)
    cache: dict[int, tuple[object, _Index]] = current_app.extensions.setdefault("digicheck.plan_index", {})
    cached = cache.get(id(cat))
    if cached is not None and cached[0] is cat:
        return cached[1]
    sources: dict[tuple[PlanSource, str], tuple[str, Citation]] = {
        (PlanSource.MEASURE, m.id): (f"{m.title} ({m.origin.name})", m.cite) for m in cat.measures
    }
    sources.update({(PlanSource.MODULE, m.id): (f"Modul {m.number}: {m.title}", m.cite) for m in cat.modules})
    index = _Index(sources, {p.id: p.name for p in cat.programmes}, {c: cite_text(q, c) for _, c in sources.values()})
    cache.clear()
    cache[id(cat)] = (cat, index)
    return index


def _resolved(q: Questionnaire, index: _Index, entry: Any) -> tuple[str | None, Citation | None, str | None]:
    """(catalogue title, citation, funding programme name) of an entry; unknown ids resolve to nothing."""
    found = index.sources.get((entry.source, entry.source_id or ""))
    if found is None and entry.source == PlanSource.STEP and entry.source_id:
        item = q.item(entry.source_id)
        found = (item.text, item.cite) if item is not None else None
    title, cite = found if found else (None, None)
    return title, cite, index.funding.get(entry.funding_id or "")


def entry_rows(q: Questionnaire, municipality_id: int, today: date | None = None) -> list[EntryRow]:
    """The municipality's entries in document order (area in questionnaire order, due, start, id)."""
    today = today or timefmt.today()
    order = {area: i for i, area in enumerate(q.area_ids)}
    index = _index(q)
    rows = []
    for entry in db.session.execute(_ENTRIES, {"municipality_id": municipality_id}).all():
        title, cite, funding = _resolved(q, index, entry)
        rows.append(
            EntryRow(
                entry.id,
                entry.area_id,
                q.area_names.get(entry.area_id, entry.area_id),
                entry.title,
                entry.source,
                entry.source_id,
                title,
                (index.cites.get(cite) or cite_text(q, cite)) if cite else None,
                tuple(entry.item_ids or ()),
                entry.owner,
                entry.start_on,
                entry.due_on,
                entry.status,
                entry.drop_reason,
                entry.funding_id,
                funding,
                entry.note,
                entry.added_round,
                entry.closed_round,
                entry.created_at,
                entry.closed_at,
                is_overdue(entry.due_on, entry.status.closed, today),
            )
        )
    far = date.max
    rows.sort(key=lambda e: (order.get(e.area_id, len(order)), e.area_id, e.due_on or far, e.start_on or far, e.id))
    return rows


def _quarter_rows(entries: Sequence[EntryRow]) -> tuple[QuarterRow, ...]:
    periods = [(e, e.period) for e in entries if e.period is not None]
    if not periods:
        return ()
    first = min(p[0] for _, p in periods if p)
    last = max(p[1] for _, p in periods if p)
    rows = []
    for quarter in quarters_between(first, last):
        cells: dict[str, list[str]] = {}
        for entry, period in periods:
            if period and period[0] <= quarter <= period[1]:
                cells.setdefault(entry.area_id, []).append(entry.title)
        rows.append(QuarterRow(quarter, {area: tuple(titles) for area, titles in cells.items()}))
    return tuple(rows)


def timeline_svg(entries: Sequence[EntryRow], title: str) -> str:
    """A bar per dated entry over the quarters it spans (a simple Gantt chart); "" without dates.
    Each bar carries a <title> with the entry, its period and status; the tables carry the same."""
    dated = [e for e in entries if e.period is not None]
    if not dated:
        return ""
    first = min(e.period[0] for e in dated if e.period)
    last = max(e.period[1] for e in dated if e.period)
    quarters = quarters_between(first, last)
    label_width, column, row, top = 230, max(24, min(70, 440 // len(quarters))), 18, 24
    width, height = label_width + column * len(quarters) + 10, top + row * len(dated) + 30
    body = []
    for i, quarter in enumerate(quarters):
        x = label_width + i * column
        body.append(f'<line x1="{x}" y1="{top - 4}" x2="{x}" y2="{height - 26}" stroke="#ccc" stroke-width="0.5"/>')
        body.append(f'<text x="{x + column / 2}" y="{top - 8}" text-anchor="middle" fill="#333">{escape(quarter.short)}</text>')
    for n, entry in enumerate(dated):
        y = top + n * row
        start, end = entry.period  # type: ignore[misc]
        x0 = label_width + quarters.index(start) * column
        x1 = label_width + (quarters.index(end) + 1) * column
        name = entry.title if len(entry.title) <= 38 else entry.title[:37] + "…"
        tip = f"{entry.title} ({entry.area_name}): {entry.period_label}, {entry.status.label}"
        colour = STATUS_COLOURS.get(entry.status, "#6b7f95")
        body.append(f'<text x="4" y="{y + 12}" fill="#1a1a1a">{escape(name)}</text>')
        body.append(
            f'<rect x="{x0 + 2}" y="{y + 3}" width="{x1 - x0 - 4}" height="{row - 6}" fill="{colour}" rx="2">'
            f"<title>{escape(tip)}</title></rect>"
        )
    legend_y = height - 10
    for i, (status, colour) in enumerate(STATUS_COLOURS.items()):
        x = 4 + i * 90
        body.append(f'<rect x="{x}" y="{legend_y - 8}" width="10" height="10" fill="{colour}"/>')
        body.append(f'<text x="{x + 14}" y="{legend_y}" fill="#333">{status.label}</text>')
    return svg_charts.document(width, height, title, "".join(body), font_size=9)


def fahrplan(municipality: Municipality) -> Fahrplan:
    """Everything the Fahrplan PDF and the plan's exports show, in one typed object."""
    assessment = _latest_submitted(municipality.id)
    if assessment is not None:
        q, profile = assess.profile_of(assessment)
        targets = assess.targets_of(assessment)
        levels = {a.id: a for a in profile.areas}
    else:
        q, profile, targets, levels = questionnaire(), None, {}, {}
    entries = entry_rows(q, municipality.id)
    by_area: dict[str, list[EntryRow]] = {}
    for entry in entries:
        by_area.setdefault(entry.area_id, []).append(entry)
    areas = []
    for area_id, name in {**q.area_names, **{e.area_id: e.area_name for e in entries}}.items():
        result = levels.get(area_id)
        areas.append(
            AreaSummary(
                area_id,
                name,
                result.score if result else None,
                result.level if result else None,
                result.level_name if result else None,
                bool(result and result.provisional),
                targets.get(area_id),
                tuple(by_area.get(area_id, ())),
            )
        )
    cited: dict[str, list[str]] = {}
    for entry in entries:
        if entry.citation:
            cited.setdefault(entry.citation, []).append(entry.title)
    title = f"Zeitplan der Maßnahmen von {municipality.name} nach Quartalen"
    return Fahrplan(
        municipality,
        assessment,
        profile.overall.level if profile else None,
        profile.overall.name if profile else None,
        tuple(areas),
        tuple(entries),
        _quarter_rows(entries),
        timeline_svg(entries, title),
        tuple(SourceRow(c, tuple(t)) for c, t in sorted(cited.items())),
        utcnow(),
        attribution(municipality.register_edition),
    )


def file_name(plan: Fahrplan, what: str, extension: str) -> str:
    return f"digicheck-{plan.municipality.ags}-{what}.{extension}"
