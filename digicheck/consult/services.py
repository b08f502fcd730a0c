"""What consultants record on an assessment: validated levels (append-only) and notes.

Each function checks its input itself (the routes' forms check it first, the CLI
or a test may not) and adds one row or nothing; the request or command commits.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from digicheck import newest_round
from digicheck.consult.queries import latest_validated_levels
from digicheck.content import questionnaire
from digicheck.extensions import db
from digicheck.models import Assessment, Note, Role, User, ValidatedLevel
from digicheck.models.consult import NOTE_MAX, REASON_MAX
from digicheck.talk import waiting


class RecordError(ValueError):
    """A German, user-facing reason why nothing was stored."""


def validate_level(assessment: Assessment, area_id: str, level: int, reason: str, consultant: User) -> ValidatedLevel:
    """Append a validated level for one area; the newest one counts, the older ones stay as the trail."""
    if not assessment.submitted:
        raise RecordError("Validierte Stufen können erst gesetzt werden, wenn die Kommune die Bewertung abgeschlossen hat.")
    if questionnaire(assessment.questionnaire_version).area(area_id) is None:
        raise RecordError(f"Den Bereich „{area_id}“ gibt es in diesem Fragebogen nicht.")
    if not 1 <= level <= 5:
        raise RecordError("Die validierte Stufe muss zwischen 1 und 5 liegen.")
    reason = reason.strip()
    if not reason:
        raise RecordError("Bitte begründen Sie die validierte Stufe.")
    if len(reason) > REASON_MAX:
        raise RecordError(f"Die Begründung darf höchstens {REASON_MAX} Zeichen lang sein.")
    row = ValidatedLevel(assessment_id=assessment.id, area_id=area_id, level=level, reason=reason, consultant_id=consultant.id)
    db.session.add(row)
    newest_round.refresh([assessment.municipality_id])  # the first validated level makes the round "validiert"
    return row


def validated_levels(assessment: Assessment) -> dict[str, ValidatedLevel]:
    """The validated level that counts per area (the newest)."""
    return latest_validated_levels([assessment.id]).get(assessment.id, {})


def validation_trail(assessment: Assessment) -> list[ValidatedLevel]:
    """Every validated level ever set on this assessment, newest first, with the consultant."""
    return list(
        db.session.scalars(
            select(ValidatedLevel)
            .where(ValidatedLevel.assessment_id == assessment.id)
            .options(selectinload(ValidatedLevel.consultant))
            .order_by(ValidatedLevel.created_at.desc(), ValidatedLevel.id.desc())
        )
    )


def note_text(text: str) -> str:
    """The text of a note or reply, stripped; empty or longer than NOTE_MAX is refused."""
    text = text.strip()
    if not text:
        raise RecordError("Bitte geben Sie einen Text ein.")
    if len(text) > NOTE_MAX:
        raise RecordError(f"Ein Beitrag darf höchstens {NOTE_MAX} Zeichen lang sein.")
    return text


def add_note(assessment: Assessment, author: User, text: str, item_id: str | None = None, shared: bool = False) -> Note:
    """A new thread: a consultant's note (internal unless shared) or a Kommune user's question (always shared)."""
    text = note_text(text)
    if item_id and questionnaire(assessment.questionnaire_version).item(item_id) is None:
        raise RecordError("Diese Frage gibt es im Fragebogen der Bewertung nicht.")
    note = Note(assessment_id=assessment.id, item_id=item_id or None, text=text, author_id=author.id, shared=shared)
    db.session.add(note)
    db.session.flush()
    waiting.refresh([note.id])  # a Kommune user's question waits from the start
    return note


def replies_of(root: Note) -> list[Note]:
    """The replies in the thread of `root`, oldest first, with their authors (one query)."""
    statement = select(Note).where(Note.parent_id == root.id).options(selectinload(Note.author))
    return list(db.session.scalars(statement.order_by(Note.created_at, Note.id)))


def set_shared(note: Note, shared: bool) -> None:
    """Share a note with the Kommune or take it back (idempotent: the form says which), with its thread's replies.
    A thread the Kommune has written in stays shared: taking it back would hide the Kommune's own entries from it."""
    replies = replies_of(note)
    if not shared and any(r.author.role == Role.KOMMUNE and r.deleted_at is None for r in replies):
        raise RecordError("Die Kommune hat in diesem Gespräch geantwortet; es bleibt für sie sichtbar.")
    note.shared = shared
    for reply in replies:
        reply.shared = shared
    db.session.flush()


def notes_of(assessment: Assessment, *, shared_only: bool = False) -> list[Note]:
    """Notes on the assessment, oldest first; the Kommune gets `shared_only=True`."""
    statement = select(Note).where(Note.assessment_id == assessment.id).options(selectinload(Note.author))
    if shared_only:
        statement = statement.where(Note.shared.is_(True))
    return list(db.session.scalars(statement.order_by(Note.created_at, Note.id)))
