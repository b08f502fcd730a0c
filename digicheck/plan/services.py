"""Changes to the Maßnahmenplan: add an entry, take a suggestion of the advice, edit with optimistic locking.

Every change writes one `PlanEntryChange` row ({field: [old, new]}); services flush, the request
commits. An entry records the municipality's latest round when it is added and when it is closed
(done or dropped); reopening it clears the closing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update

from digicheck.assess.services import latest_round
from digicheck.extensions import db, rowcount
from digicheck.models import Municipality, PlanEntry, PlanEntryChange, PlanSource, PlanStatus, User
from digicheck.models._time import utcnow
from digicheck.models.plan import PLAN_NOTE_MAX, TITLE_MAX
from digicheck.plan.forms import PlanEntryForm
from scoring import Questionnaire
from scoring.advice import Catalogue
from scoring.advice.render import origin_label


@dataclass(frozen=True)
class EntryValues:
    """What a person edits of an entry, in the model's field names."""

    area_id: str
    title: str
    item_ids: tuple[str, ...] = ()
    owner: str = ""
    start_on: date | None = None
    due_on: date | None = None
    status: PlanStatus = PlanStatus.PLANNED
    drop_reason: str | None = None
    funding_id: str | None = None
    note: str = ""

    @classmethod
    def from_form(cls, form: PlanEntryForm) -> EntryValues:
        status = PlanStatus(form.status.data)
        return cls(
            area_id=form.bereich.data or "",
            title=(form.titel.data or "").strip(),
            item_ids=tuple(dict.fromkeys(form.fragen.data or ())),
            owner=(form.verantwortlich.data or "").strip(),
            start_on=form.beginn.data,
            due_on=form.faellig.data,
            status=status,
            drop_reason=((form.begruendung.data or "").strip() or None) if status == PlanStatus.DROPPED else None,
            funding_id=form.foerderung.data or None,
            note=(form.notiz.data or "").strip(),
        )

    @classmethod
    def of(cls, entry: PlanEntry) -> EntryValues:
        return cls(
            entry.area_id,
            entry.title,
            tuple(entry.item_ids or ()),
            entry.owner,
            entry.start_on,
            entry.due_on,
            entry.status,
            entry.drop_reason,
            entry.funding_id,
            entry.note,
        )

    def form_data(self, version: int) -> dict[str, Any]:
        """The entry form's fields for these values."""
        return {
            "bereich": self.area_id,
            "titel": self.title,
            "fragen": list(self.item_ids),
            "verantwortlich": self.owner,
            "beginn": self.start_on,
            "faellig": self.due_on,
            "status": self.status.value,
            "begruendung": self.drop_reason or "",
            "foerderung": self.funding_id or "",
            "notiz": self.note,
            "version": str(version),
        }


def _stored(value: Any) -> Any:
    """A value as the history's JSON keeps it."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, PlanStatus):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    return value


def _diff(old: EntryValues | None, new: EntryValues) -> dict[str, list[Any]]:
    before = asdict(old) if old is not None else {}
    return {
        name: [_stored(before.get(name)), _stored(value)]
        for name, value in asdict(new).items()
        if before.get(name) != value and (old is not None or value not in (None, "", ()))
    }


def _closing(status: PlanStatus, old: PlanStatus | None, municipality_id: int, now: datetime) -> dict[str, Any]:
    """closed_at / closed_in_id for a status change: set when an entry closes or changes from one closed
    status to the other (dropped, then done after all: done now), cleared when it reopens. An entry
    written in as already closed gets closed_at == created_at (`now`), which the benchmark's time to
    done leaves out."""
    if status.closed and status != old:
        latest = latest_round(municipality_id)
        return {"closed_at": now, "closed_in_id": latest.id if latest else None}
    if not status.closed and old is not None and old.closed:
        return {"closed_at": None, "closed_in_id": None}
    return {}


def add_entry(
    municipality: Municipality, user: User, values: EntryValues, source: PlanSource = PlanSource.OWN, source_id: str | None = None
) -> PlanEntry:
    latest = latest_round(municipality.id)
    now, user_id = utcnow(), user.id
    entry = PlanEntry(
        municipality_id=municipality.id,
        source=source,
        source_id=source_id,
        version=1,
        added_in_id=latest.id if latest else None,
        created_by_id=user_id,
        updated_by_id=user_id,
        created_at=now,
        updated_at=now,
        **{**asdict(values), "item_ids": list(values.item_ids)},
        **_closing(values.status, None, municipality.id, now),
    )
    db.session.add(entry)
    db.session.flush()
    db.session.add(PlanEntryChange(entry_id=entry.id, user_id=user_id, changed_at=now, changes=_diff(None, values)))
    db.session.flush()
    return entry


class StaleEntry(Exception):
    """Someone else changed the entry since the form was loaded."""


def update_entry(entry: PlanEntry, user: User, values: EntryValues, seen_version: int) -> bool:
    """Store `values` over the entry if it is still at `seen_version`; False when nothing changed.

    The UPDATE names the version the form was loaded with, so a concurrent save that got there
    first makes it match no row: then StaleEntry, and nothing is stored.
    """
    if seen_version != entry.version:
        raise StaleEntry()
    changes = _diff(EntryValues.of(entry), values)
    if not changes:
        return False
    now, user_id = utcnow(), user.id
    result = db.session.execute(
        update(PlanEntry)
        .where(PlanEntry.id == entry.id, PlanEntry.version == seen_version)
        .values(
            **{**asdict(values), "item_ids": list(values.item_ids)},
            **_closing(values.status, entry.status, entry.municipality_id, now),
            version=seen_version + 1,
            updated_by_id=user_id,
            updated_at=now,
        )
        .execution_options(synchronize_session="fetch")
    )
    if rowcount(result) != 1:
        db.session.expire(entry)
        raise StaleEntry()
    db.session.add(PlanEntryChange(entry_id=entry.id, user_id=user_id, changed_at=now, changes=changes))
    db.session.flush()
    return True


def latest_change(entry: PlanEntry) -> PlanEntryChange | None:
    return db.session.scalars(
        select(PlanEntryChange).where(PlanEntryChange.entry_id == entry.id).order_by(PlanEntryChange.id.desc()).limit(1)
    ).first()


class UnknownSuggestion(Exception):
    """The id names no measure, module or item of the questionnaire's catalogue (German message)."""


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def suggestion_values(q: Questionnaire, catalogue: Catalogue, source: PlanSource, source_id: str) -> EntryValues:
    """The prefilled entry for a recommended reference measure, consultation module or next step."""
    if source == PlanSource.MEASURE:
        measure = next((m for m in catalogue.measures if m.id == source_id), None)
        if measure is None:
            raise UnknownSuggestion("Diese Referenzmaßnahme gibt es im Katalog nicht. Bitte laden Sie die Ergebnisseite neu.")
        note = f"{measure.description}\nVorbild: {origin_label(measure.origin)}, {measure.year} ({measure.state})."
        items = tuple(i for i in measure.items if q.item(i) is not None)
        return EntryValues(measure.area, _clip(measure.title, TITLE_MAX), items, note=_clip(note, PLAN_NOTE_MAX))
    if source == PlanSource.MODULE:
        module = next((m for m in catalogue.modules if m.id == source_id), None)
        if module is None:
            raise UnknownSuggestion("Dieses Beratungsmodul gibt es im Katalog nicht. Bitte laden Sie die Ergebnisseite neu.")
        needs = [item for need in module.needs if (item := q.item(need.item)) is not None]
        area = needs[0].area_id if needs else q.areas[0].id
        title = _clip(f"Beratungsmodul {module.number}: {module.title}", TITLE_MAX)
        return EntryValues(area, title, tuple(dict.fromkeys(i.id for i in needs)), note=_clip(module.goal, PLAN_NOTE_MAX))
    item = q.item(source_id)
    if item is None:
        raise UnknownSuggestion("Diese Frage gibt es im Fragebogen nicht. Bitte laden Sie die Ergebnisseite neu.")
    return EntryValues(item.area_id, _clip(item.text, TITLE_MAX), (item.id,))


def take_suggestion(
    municipality: Municipality, user: User, q: Questionnaire, catalogue: Catalogue, source: PlanSource, source_id: str
) -> tuple[PlanEntry, bool]:
    """The suggestion as a new entry, or the entry that already plans it (not dropped); True when new."""
    values = suggestion_values(q, catalogue, source, source_id)
    existing = db.session.scalars(
        select(PlanEntry).where(
            PlanEntry.municipality_id == municipality.id,
            PlanEntry.source == source,
            PlanEntry.source_id == source_id,
            PlanEntry.status != PlanStatus.DROPPED,
        )
    ).first()
    if existing is not None:
        return existing, False
    return add_entry(municipality, user, values, source, source_id), True
