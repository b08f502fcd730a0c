"""Threads of notes: the Kommune asks and answers, consultants answer and close questions.

A thread is a root note (`parent_id` None) and its replies. The Kommune sees a thread when its
root is shared (every entry a Kommune user writes is); a consultant's internal note stays
internal with its replies. A thread is an open question while its root is not resolved and a
Kommune user wrote in it: a Kommune entry opens it again, a consultant's reply or "erledigt"
closes it. Each function checks its input itself and flushes; the request commits. Every writer
recomputes the thread's stored marker `Note.waiting_since` (`digicheck.talk.waiting`), which the
consultant overview reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from digicheck.consult.services import RecordError, add_note, note_text, notes_of, replies_of
from digicheck.extensions import db
from digicheck.models import Assessment, Note, Role, User
from digicheck.models._time import utcnow
from digicheck.talk import waiting


@dataclass
class Thread:
    root: Note
    replies: list[Note] = field(default_factory=list)

    @property
    def entries(self) -> list[Note]:
        return [self.root, *self.replies]

    @property
    def asked_by_kommune(self) -> bool:
        """The thread is a question the Kommune started (not a consultant's note)."""
        return by_kommune(self.root)

    @property
    def open_question(self) -> bool:
        """Waits for the consultation: not resolved, and a Kommune user wrote in it."""
        return (
            self.root.resolved_at is None
            and self.root.deleted_at is None
            and any(by_kommune(n) for n in self.entries if n.deleted_at is None)
        )


def by_kommune(note: Note) -> bool:
    return note.author.role == Role.KOMMUNE


def threads(notes: Iterable[Note]) -> list[Thread]:
    """Notes (oldest first) grouped into threads, in the order their roots were written."""
    by_root: dict[int, Thread] = {}
    replies: list[Note] = []
    for note in notes:
        if note.parent_id is None:
            by_root[note.id] = Thread(note)
        else:
            replies.append(note)
    for reply in replies:
        if reply.parent_id in by_root:
            by_root[reply.parent_id].replies.append(reply)
    return list(by_root.values())


def threads_of(assessment: Assessment, *, shared_only: bool) -> list[Thread]:
    """The assessment's threads; the Kommune gets only those whose root is shared."""
    if not shared_only:
        return threads(notes_of(assessment))
    return [t for t in threads(notes_of(assessment)) if t.root.shared]


def ask(assessment: Assessment, author: User, text: str, item_id: str | None = None) -> Note:
    """A Kommune user's question to the consultation, on the assessment or one of its items: always shared, open."""
    return add_note(assessment, author, text, item_id, shared=True)


def reply(root: Note, author: User, text: str) -> Note:
    """An answer in the thread of `root`: a Kommune entry opens the question, a consultant's closes it."""
    text = note_text(text)
    if root.parent_id is not None or root.deleted_at is not None:
        raise RecordError("Auf diesen Beitrag kann nicht mehr geantwortet werden.")
    note = Note(
        assessment_id=root.assessment_id, item_id=root.item_id, text=text, author_id=author.id, shared=root.shared, parent_id=root.id
    )
    db.session.add(note)
    root.resolved_at = None if author.role == Role.KOMMUNE else utcnow()
    db.session.flush()
    waiting.refresh([root.id])
    return note


def edit(note: Note, text: str) -> None:
    """The author's correction (the route checks the 24 hours); shown as "bearbeitet"."""
    text = note_text(text)
    if text != note.text:
        note.text = text
        note.edited_at = utcnow()
    db.session.flush()


def delete(note: Note) -> None:
    """The row stays so the thread reads on; its text is gone and it shows as "gelöscht". When the
    consultation's answer goes, a question whose last standing entry is now the Kommune's is open again."""
    note.text = ""
    note.deleted_at = utcnow()
    root = note.parent
    if root is not None and not by_kommune(note) and root.resolved_at is not None:
        standing = [n for n in (root, *replies_of(root)) if n.deleted_at is None]
        if standing and by_kommune(standing[-1]):
            root.resolved_at = None
    db.session.flush()
    waiting.refresh([note.parent_id or note.id])


def resolve(root: Note) -> None:
    """A consultant closes an open question without answering in the thread."""
    root.resolved_at = utcnow()
    db.session.flush()
    waiting.refresh([root.id])
