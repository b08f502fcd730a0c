"""What consultants add to an assessment: validated levels (an audit trail) and notes."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from digicheck.extensions import Model
from digicheck.models._time import UTCDateTime, utcnow
from digicheck.models.assessment import Assessment
from digicheck.models.user import User

REASON_MAX = 2000
NOTE_MAX = 4000
#: authors edit or delete their own conversation entries this long after writing them
NOTE_EDIT_WINDOW = timedelta(hours=24)


class ValidatedLevel(Model):
    """A consultant's level for one area, with the reason. Append-only: the newest row per area counts,
    the older ones stay as the record of who validated what when."""

    __tablename__ = "validated_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    area_id: Mapped[str] = mapped_column(String(40))
    level: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    consultant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    assessment: Mapped[Assessment] = relationship()
    consultant: Mapped[User] = relationship()

    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),)


class Note(Model):
    """An entry in the conversation on an assessment or one of its items (issue 16).

    A consultant's note is internal unless `shared`; a Kommune user's entry is always shared. An entry
    with `parent_id` answers the thread started by that (root) note. A thread a Kommune user started is
    an open question until a consultant answers it or closes it (`resolved_at`). Authors may edit or
    delete their own entries within 24 hours: `edited_at` is shown as "bearbeitet", a deleted entry
    keeps its row with `deleted_at` set and its text emptied, so a thread stays readable.
    """

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    item_id: Mapped[str | None] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id"), index=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: derived: the root's `created_at` while its thread waits for the consultation (not resolved or
    #: deleted, a Kommune user wrote an entry that stands), else None; kept in step by every writer of
    #: notes (`digicheck.talk.waiting`), so the overview reads the open questions from its partial index
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())

    assessment: Mapped[Assessment] = relationship()
    author: Mapped[User] = relationship()
    parent: Mapped[Note | None] = relationship(remote_side=[id])


# the overview's open questions, oldest first, and their count (migration 0017): only waiting roots are in it
_WAITING = text("waiting_since IS NOT NULL")
Index("ix_notes_waiting_since", Note.waiting_since, Note.id, sqlite_where=_WAITING, postgresql_where=_WAITING)
