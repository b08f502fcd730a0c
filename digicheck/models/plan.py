"""The Maßnahmenplan (issue 16): a municipality's own plan between rounds, and its history.

The plan belongs to the municipality, not to a round: an entry records the assessment (round) in
which it was added and the one in which it was closed (done or dropped). Entries are edited with
optimistic locking (`version`), like answers; every change is one `PlanEntryChange` row.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from digicheck.extensions import Model
from digicheck.models._time import UTCDateTime, utcnow
from digicheck.models.assessment import Assessment
from digicheck.models.municipality import Municipality
from digicheck.models.user import User

TITLE_MAX = 200
OWNER_MAX = 200
PLAN_NOTE_MAX = 2000
DROP_REASON_MAX = 1000


class PlanStatus(str, enum.Enum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return {"planned": "geplant", "in_progress": "in Arbeit", "done": "erledigt", "dropped": "verworfen"}[self.value]

    @property
    def closed(self) -> bool:
        return self in (PlanStatus.DONE, PlanStatus.DROPPED)


class PlanSource(str, enum.Enum):
    """Where an entry came from: a reference measure, a consultation module, a "next step" item, or own text."""

    MEASURE = "measure"
    MODULE = "module"
    STEP = "step"
    OWN = "own"


class PlanEntry(Model):
    __tablename__ = "plan_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    area_id: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    source: Mapped[PlanSource] = mapped_column(
        Enum(PlanSource, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=PlanSource.OWN,
    )
    #: the catalogue id for MEASURE / MODULE, the item id for STEP; None for OWN
    source_id: Mapped[str | None] = mapped_column(String(80))
    #: questionnaire item ids the entry is linked to
    item_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    owner: Mapped[str] = mapped_column(String(OWNER_MAX), default="")
    start_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[PlanStatus] = mapped_column(
        Enum(PlanStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=PlanStatus.PLANNED,
    )
    drop_reason: Mapped[str | None] = mapped_column(Text)
    #: a funding programme id of the catalogue, if the entry is to be funded by it
    funding_id: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    added_in_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))
    closed_in_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: when the status became done or dropped; None while open
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    municipality: Mapped[Municipality] = relationship()
    added_in: Mapped[Assessment | None] = relationship(foreign_keys=[added_in_id])
    closed_in: Mapped[Assessment | None] = relationship(foreign_keys=[closed_in_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    __table_args__ = (
        CheckConstraint("due_on IS NULL OR start_on IS NULL OR due_on >= start_on", name="due_after_start"),
        Index("ix_plan_entries_municipality_area", "municipality_id", "area_id"),
        Index("ix_plan_entries_source", "source", "source_id"),
    )


class PlanEntryChange(Model):
    """History of a plan entry: who changed what when; `changes` maps a field to [old, new]."""

    __tablename__ = "plan_entry_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("plan_entries.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    changes: Mapped[dict[str, list[object]]] = mapped_column(JSON)

    entry: Mapped[PlanEntry] = relationship()
    user: Mapped[User | None] = relationship()
