"""Assessments: rounds, saving answers with optimistic locking, submitting, targets.

A save stores every changed answer of a page except those someone else changed meanwhile
(conflicts: nothing of them is stored, both answers are reported).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from digicheck import memo, newest_round
from digicheck.content import library, questionnaire
from digicheck.extensions import db, rowcount
from digicheck.models import Answer, AnswerChange, AreaScore, Assessment, AssessmentStatus, Municipality, Target, User
from digicheck.models._time import utcnow
from digicheck.models.assessment import EVIDENCE_COMMENT_MAX, EVIDENCE_REFS_MAX
from scoring import Profile, Questionnaire, carry_over, score_checked
from scoring.answers import AnswerValue, answer_label
from scoring.progress import missing_items


class AssessmentLocked(Exception):
    """The assessment was submitted; it can no longer change."""


@dataclass(frozen=True)
class Conflict:
    """Someone else changed this answer since the page was loaded; `my_value` is what this user entered."""

    item_id: str
    text: str
    their_value: str
    by: str
    at: datetime | None
    my_value: str = ""


@dataclass(frozen=True)
class Evidence:
    """Why the Kommune answered an item so: a comment and references (one per line), text only.

    `from_round` is the round it was written in when a new round carried it over ("aus Runde N"),
    None when it was written in the round it belongs to.
    """

    comment: str | None = None
    refs: str | None = None
    from_round: int | None = None

    def __bool__(self) -> bool:
        return bool(self.comment or self.refs)

    @property
    def ref_lines(self) -> list[str]:
        return self.refs.splitlines() if self.refs else []

    def same_text(self, other: Evidence) -> bool:
        return (self.comment, self.refs) == (other.comment, other.refs)

    def as_history(self) -> dict[str, object] | None:
        """As `AnswerChange.old_evidence` / `new_evidence` keep it (None: there was none)."""
        return {"comment": self.comment, "refs": self.refs} if self else None


NO_EVIDENCE = Evidence()


def evidence_text(comment: str | None, refs: str | None) -> Evidence:
    """Evidence as typed, normalised: surrounding blanks and empty reference lines dropped, empty is None."""
    lines = [line.strip() for line in (refs or "").splitlines() if line.strip()]
    text = (comment or "").replace("\r\n", "\n").strip()
    return Evidence(text or None, "\n".join(lines) or None)


def evidence_error(evidence: Evidence) -> str | None:
    """The German reason why this evidence cannot be stored, or None."""
    too_long = []
    if len(evidence.comment or "") > EVIDENCE_COMMENT_MAX:
        too_long.append(f"Der Kommentar darf höchstens {EVIDENCE_COMMENT_MAX} Zeichen lang sein (jetzt {len(evidence.comment or '')}).")
    if len(evidence.refs or "") > EVIDENCE_REFS_MAX:
        too_long.append(f"Die Belege dürfen zusammen höchstens {EVIDENCE_REFS_MAX} Zeichen lang sein (jetzt {len(evidence.refs or '')}).")
    return " ".join(too_long) or None


@dataclass
class SaveResult:
    changed: int = 0
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.conflicts


# The statements of the hot paths (every page view, every save) are Core statements built once:
# building a statement costs more than running it, and Core skips the ORM's per-row work.
_ANSWERS = cast(Table, Answer.__table__)  # a mapped class's table, typed as FromClause
_CHANGES = cast(Table, AnswerChange.__table__)  # a mapped class's table, typed as FromClause
_ASSESSMENTS = cast(Table, Assessment.__table__)  # a mapped class's table, typed as FromClause

_ANSWERS_OF = select(_ANSWERS.c.item_id, _ANSWERS.c.value, _ANSWERS.c.version).where(_ANSWERS.c.assessment_id == bindparam("assessment_id"))
_VERSIONS_OF = select(_ANSWERS.c.item_id, _ANSWERS.c.version).where(_ANSWERS.c.assessment_id == bindparam("assessment_id"))
_EVIDENCE_OF = select(_ANSWERS.c.item_id, _ANSWERS.c.evidence_comment, _ANSWERS.c.evidence_refs, _ANSWERS.c.evidence_from_round).where(
    _ANSWERS.c.assessment_id == bindparam("assessment_id"),
    (_ANSWERS.c.evidence_comment.is_not(None)) | (_ANSWERS.c.evidence_refs.is_not(None)),
)
_STORED_FOR = select(
    _ANSWERS.c.id,
    _ANSWERS.c.item_id,
    _ANSWERS.c.value,
    _ANSWERS.c.version,
    _ANSWERS.c.evidence_comment,
    _ANSWERS.c.evidence_refs,
    _ANSWERS.c.evidence_from_round,
).where(_ANSWERS.c.assessment_id == bindparam("assessment_id"), _ANSWERS.c.item_id.in_(bindparam("item_ids", expanding=True)))
#: touches the assessment only while it is open
_TOUCH_OPEN = (
    update(_ASSESSMENTS)
    .where(_ASSESSMENTS.c.id == bindparam("assessment_id"), _ASSESSMENTS.c.status == AssessmentStatus.IN_PROGRESS)
    .values(updated_at=bindparam("now"))
)
#: all changed answers of a page in one executemany; the version the page was loaded with is
#: part of the WHERE, so an answer someone else saved meanwhile is not matched
_UPDATE_SEEN = (
    update(_ANSWERS)
    .where(_ANSWERS.c.id == bindparam("answer_id"), _ANSWERS.c.version == bindparam("seen"))
    .values(
        value=bindparam("new_value"), version=bindparam("next_version"), updated_by_id=bindparam("user_id"), updated_at=bindparam("now")
    )
)
#: the same for the answers whose evidence changed too (a second executemany only then)
_UPDATE_SEEN_WITH_EVIDENCE = _UPDATE_SEEN.values(
    evidence_comment=bindparam("comment"), evidence_refs=bindparam("refs"), evidence_from_round=bindparam("from_round")
)
_INSERT_ANSWERS = insert(_ANSWERS)
_INSERT_CHANGES = insert(_CHANGES)


def _stored(value: Any) -> AnswerValue:
    """A stored JSON value as an answer (lists become tuples)."""
    return tuple(value) if isinstance(value, list) else value


def _storable(value: AnswerValue | None) -> Any:
    return list(value) if isinstance(value, tuple) else value


def answers_of(assessment: Assessment) -> tuple[dict[str, AnswerValue], dict[str, int]]:
    """Stored answers and their versions by item id."""
    rows = db.session.execute(_ANSWERS_OF, {"assessment_id": assessment.id})
    answers: dict[str, AnswerValue] = {}
    versions: dict[str, int] = {}
    for item_id, value, version in rows.all():  # one fetchall, not a fetchone per row
        answers[item_id] = _stored(value)
        versions[item_id] = version
    return answers, versions


def evidence_of(assessment: Assessment) -> dict[str, Evidence]:
    """The evidence stored with the answers of an assessment, by item id (items without any are left out)."""
    return {
        item_id: Evidence(comment, refs, from_round)
        for item_id, comment, refs, from_round in db.session.execute(_EVIDENCE_OF, {"assessment_id": assessment.id})
    }


def evidence_of_many(assessment_ids: Sequence[int]) -> dict[int, dict[str, Evidence]]:
    """The same for many assessments in one query (exports), by assessment id and item id."""
    result: dict[int, dict[str, Evidence]] = {assessment_id: {} for assessment_id in assessment_ids}
    if result:
        statement = select(
            _ANSWERS.c.assessment_id,
            _ANSWERS.c.item_id,
            _ANSWERS.c.evidence_comment,
            _ANSWERS.c.evidence_refs,
            _ANSWERS.c.evidence_from_round,
        ).where(
            _ANSWERS.c.assessment_id.in_(list(result)), _ANSWERS.c.evidence_comment.is_not(None) | _ANSWERS.c.evidence_refs.is_not(None)
        )
        for assessment_id, item_id, comment, refs, from_round in db.session.execute(statement):
            result[assessment_id][item_id] = Evidence(comment, refs, from_round)
    return result


def latest_round(municipality_id: int) -> Assessment | None:
    return db.session.scalars(
        select(Assessment).where(Assessment.municipality_id == municipality_id).order_by(Assessment.round.desc()).limit(1)
    ).first()


def rounds_of(municipality_id: int) -> list[Assessment]:
    return list(
        db.session.scalars(select(Assessment).where(Assessment.municipality_id == municipality_id).order_by(Assessment.round.desc()))
    )


def start_round(municipality: Municipality, user: User | None, *, is_demo: bool = False) -> Assessment:
    """A new round on the newest questionnaire, pre-filled from the last submitted one.

    Two colleagues (or a double click) starting a round at the same moment both count the same
    next number; the unique (municipality, round) constraint refuses the second, which then
    opens the round the first one created.
    """
    try:
        return _start_round(municipality, user, is_demo)
    except IntegrityError:
        db.session.rollback()
        open_round = latest_round(municipality.id)
        if open_round is None or open_round.submitted:
            raise
        return open_round


def _start_round(municipality: Municipality, user: User | None, is_demo: bool) -> Assessment:
    previous = db.session.scalars(
        select(Assessment)
        .where(Assessment.municipality_id == municipality.id, Assessment.status == AssessmentStatus.SUBMITTED)
        .order_by(Assessment.round.desc())
        .limit(1)
    ).first()
    open_round = latest_round(municipality.id)
    if open_round is not None and not open_round.submitted:
        return open_round
    q = questionnaire()
    number = (db.session.scalar(select(func.max(Assessment.round)).where(Assessment.municipality_id == municipality.id)) or 0) + 1
    assessment = Assessment(
        municipality_id=municipality.id,
        questionnaire_version=q.version,
        round=number,
        is_demo=is_demo,
        previous_id=previous.id if previous else None,
    )
    db.session.add(assessment)
    db.session.flush()
    if previous is not None:
        old_answers, _ = answers_of(previous)
        old_evidence = evidence_of(previous)
        carried = carry_over(library(), old_answers, previous.questionnaire_version, q.version).answers
        for item_id, value in carried.items():
            evidence = old_evidence.get(item_id, NO_EVIDENCE)
            db.session.add(
                Answer(
                    assessment_id=assessment.id,
                    item_id=item_id,
                    value=_storable(value),
                    version=1,
                    updated_by_id=user.id if user else None,
                    evidence_comment=evidence.comment,
                    evidence_refs=evidence.refs,
                    evidence_from_round=(evidence.from_round or previous.round) if evidence else None,
                )
            )
        for target in previous.targets:
            db.session.add(Target(assessment_id=assessment.id, area_id=target.area_id, level=target.level))
    newest_round.refresh([municipality.id])
    return assessment


def _lock_check(assessment: Assessment) -> None:
    """Touch the assessment only while it is open; a concurrent submit makes this fail."""
    now = utcnow()
    result = db.session.execute(_TOUCH_OPEN, {"assessment_id": assessment.id, "now": now})
    if rowcount(result) != 1:
        db.session.rollback()
        raise AssessmentLocked()
    newest_round.touch(assessment.municipality_id, assessment.round, now)


def _conflict(q: Questionnaire, item_id: str, row: Answer | None, mine: AnswerValue | None) -> Conflict:
    item = q.item(item_id)
    assert item is not None
    their = answer_label(item, _stored(row.value)) if row and row.value is not None else "keine Antwort"
    by = row.updated_by.name if row and row.updated_by else "jemand anderes"
    my_value = answer_label(item, mine) if mine is not None else "keine Antwort"
    return Conflict(item_id, item.text, their, by, row.updated_at if row else None, my_value)


@dataclass(frozen=True)
class _Change:
    """One answer a save changes; `answer_id` is None when the item has no stored answer yet."""

    item_id: str
    answer_id: int | None
    seen: int
    old: AnswerValue | None
    new: AnswerValue | None
    #: set (both) only when the save changes the item's evidence
    old_evidence: Evidence | None = None
    new_evidence: Evidence | None = None


def save_answers(
    assessment: Assessment,
    user: User,
    answers: dict[str, AnswerValue | None],
    versions: dict[str, int],
    evidence: dict[str, Evidence] | None = None,
    evidence_loaded: dict[str, Evidence] | None = None,
) -> SaveResult:
    """Store the answers a user changed on a page; `versions` are those the page was loaded with.

    `evidence`: the items whose evidence the user changed, with the new text; it rides with the
    answer (same version, same conflict rules) and is checked with `evidence_error` before.
    `evidence_loaded`: the evidence the page showed; when only the evidence of an item changed and
    a colleague meanwhile changed only its answer, the evidence is stored beside her answer (no
    conflict: nothing of hers is overwritten, and the page's older answer is not written back).

    An answer that changed since the page was loaded (its version moved on) is a
    conflict, unless the user now enters exactly what is stored; a conflict stores
    nothing of its item, the other answers are stored. Concurrent saves are caught by
    the database: the batched UPDATE matches only rows still at the version the page was
    loaded with, and the unique (assessment, item) constraint refuses a second first
    answer; then the save is rolled back and repeated without the answers that moved on.
    """
    if assessment.submitted:
        raise AssessmentLocked()
    evidence, evidence_loaded = evidence or {}, evidence_loaded or {}
    touched = list(dict.fromkeys([*answers, *evidence]))
    stored = {
        item_id: (answer_id, _stored(value), version, Evidence(comment, refs, from_round))
        for answer_id, item_id, value, version, comment, refs, from_round in db.session.execute(
            _STORED_FOR, {"assessment_id": assessment.id, "item_ids": touched}
        )
    }
    changes: list[_Change] = []
    stale: list[str] = []
    mine: dict[str, AnswerValue | None] = dict(answers)
    for item_id in touched:
        answer_id, current, version, current_evidence = stored.get(item_id, (None, None, 0, NO_EVIDENCE))
        value = answers.get(item_id, current)
        mine.setdefault(item_id, value)
        new_evidence = evidence.get(item_id, current_evidence)
        evidence_changed = not new_evidence.same_text(current_evidence)
        if value == current and not evidence_changed:
            continue
        if versions.get(item_id, 0) != version:
            loaded = evidence_loaded.get(item_id)
            if item_id not in answers and loaded is not None and loaded.same_text(current_evidence):
                changes.append(_Change(item_id, answer_id, version, current, current, current_evidence, new_evidence))
            else:
                stale.append(item_id)
            continue
        if evidence_changed:
            changes.append(_Change(item_id, answer_id, version, current, value, current_evidence, new_evidence))
        else:
            changes.append(_Change(item_id, answer_id, version, current, value))
    conflicts = conflicts_of(assessment, stale, mine) if stale else []
    if not changes:
        return SaveResult(conflicts=conflicts)
    _lock_check(assessment)
    try:
        _write(assessment, user, changes)
        db.session.flush()
    except (IntegrityError, _Race):
        db.session.rollback()
        fresh = {item_id: version for item_id, version in db.session.execute(_VERSIONS_OF, {"assessment_id": assessment.id})}
        # versions only grow, so the answers someone else saved meanwhile are exactly those that moved on
        moved = {c.item_id for c in changes if fresh.get(c.item_id, 0) != c.seen} or {changes[0].item_id}
        rest = save_answers(
            assessment,
            user,
            {i: v for i, v in answers.items() if i not in moved and i not in stale},
            versions,
            {i: e for i, e in evidence.items() if i not in moved and i not in stale},
            evidence_loaded,
        )
        return SaveResult(rest.changed, conflicts_of(assessment, [*stale, *moved], mine) + rest.conflicts)
    return SaveResult(changed=len(changes), conflicts=conflicts)


def _write(assessment: Assessment, user: User, changes: list[_Change]) -> None:
    """The answers and their history rows, four statements at most (the fourth only when evidence
    changed on an answer stored before); raises _Race when an UPDATE missed."""
    now, user_id = utcnow(), user.id  # read once: `user` is usually Flask-Login's proxy
    updates: list[dict[str, Any]] = []
    with_evidence: list[dict[str, Any]] = []
    for c in changes:
        if c.answer_id is None:
            continue
        row = {
            "answer_id": c.answer_id,
            "seen": c.seen,
            "new_value": _storable(c.new),
            "next_version": c.seen + 1,
            "user_id": user_id,
            "now": now,
        }
        if c.new_evidence is None:
            updates.append(row)
        else:
            with_evidence.append(row | {"comment": c.new_evidence.comment, "refs": c.new_evidence.refs, "from_round": None})
    for statement, rows in ((_UPDATE_SEEN, updates), (_UPDATE_SEEN_WITH_EVIDENCE, with_evidence)):
        if rows and rowcount(db.session.execute(statement, rows)) != len(rows):
            # SQLite and psycopg both report the total of matched rows for an executemany
            raise _Race()
    created = [
        {
            "assessment_id": assessment.id,
            "item_id": c.item_id,
            "value": _storable(c.new),
            "version": 1,
            "updated_by_id": user_id,
            "updated_at": now,
            "evidence_comment": c.new_evidence.comment if c.new_evidence else None,
            "evidence_refs": c.new_evidence.refs if c.new_evidence else None,
        }
        for c in changes
        if c.answer_id is None
    ]
    if created:
        db.session.execute(_INSERT_ANSWERS, created)
    db.session.execute(
        _INSERT_CHANGES,
        [
            {
                "assessment_id": assessment.id,
                "item_id": c.item_id,
                "old_value": _storable(c.old),
                "new_value": _storable(c.new),
                "old_evidence": c.old_evidence.as_history() if c.old_evidence else None,
                "new_evidence": c.new_evidence.as_history() if c.new_evidence else None,
                "user_id": user_id,
                "changed_at": now,
            }
            for c in changes
        ],
    )


def conflicts_of(assessment: Assessment, item_ids: Sequence[str], mine: dict[str, AnswerValue | None]) -> list[Conflict]:
    """What is stored now for these items, with who saved it and when, beside what this user entered (`mine`)."""
    if not item_ids:
        return []
    q = questionnaire(assessment.questionnaire_version)
    rows = {
        r.item_id: r
        for r in db.session.scalars(select(Answer).where(Answer.assessment_id == assessment.id, Answer.item_id.in_(list(item_ids))))
    }
    return [_conflict(q, item_id, rows.get(item_id), mine.get(item_id)) for item_id in item_ids]


class _Race(Exception):
    """Another save changed one of the answers between our read and our write."""


#: submitted rounds whose scored profile (and advice, digicheck.assess.advice) a worker keeps
SUBMITTED_KEPT = 32


def submitted_key(assessment: Assessment) -> tuple[Any, ...] | None:
    """What a submitted round's profile depends on besides the questionnaire: its answers cannot
    change any more (save_answers refuses); the instants it was created, last saved and submitted
    tell it from an earlier row that had its id (a database emptied and filled again); the
    register's population picks the suggested next steps. None for an open round, whose answers
    change with every save."""
    if not assessment.submitted or assessment.submitted_at is None:
        return None
    return (
        assessment.id,
        assessment.created_at,
        assessment.updated_at,
        assessment.submitted_at,
        assessment.questionnaire_version,
        assessment.municipality.population,
    )


def profile_of(assessment: Assessment) -> tuple[Questionnaire, Profile]:
    """Questionnaire and profile of one assessment; a submitted round's is scored once per worker
    (kept while its questionnaire is the one the app loaded, see `submitted_key`)."""
    key = submitted_key(assessment)
    if key is None:
        return profiles_of([assessment])[assessment.id]
    kept: memo.Bounded[tuple[Questionnaire, Profile]] = memo.bounded("digicheck.profiles", SUBMITTED_KEPT)
    found = kept.get(key)
    if found is None or found[0] is not questionnaire(assessment.questionnaire_version):
        found = profiles_of([assessment])[assessment.id]
        kept.put(key, found)
    return found


def profiles_of(assessments: Sequence[Assessment]) -> dict[int, tuple[Questionnaire, Profile]]:
    """Questionnaire and profile per assessment id, from one query for the answers of all of them
    (exports and IKZ groups score many assessments; a query per assessment would not scale)."""
    answers: dict[int, dict[str, AnswerValue]] = {a.id: {} for a in assessments}
    if answers:
        rows = db.session.execute(
            select(_ANSWERS.c.assessment_id, _ANSWERS.c.item_id, _ANSWERS.c.value).where(_ANSWERS.c.assessment_id.in_(list(answers)))
        )
        for assessment_id, item_id, value in rows:
            if value is not None:
                answers[assessment_id][item_id] = _stored(value)
    # the register's population keeps the suggested next steps to those that suit the size (issue 14)
    wanted = {a.municipality_id for a in assessments}
    population: dict[int, int | None] = {}
    if wanted:
        population = {
            m: p for m, p in db.session.execute(select(Municipality.id, Municipality.population).where(Municipality.id.in_(wanted)))
        }
    result = {}
    for assessment in assessments:
        q = questionnaire(assessment.questionnaire_version)
        result[assessment.id] = (q, score_checked(q, answers[assessment.id], population.get(assessment.municipality_id)))
    return result


def submit(assessment: Assessment, user: User | None) -> list[str]:
    """Close the round; returns the ids of unanswered items (then nothing changes)."""
    q, profile = profile_of(assessment)
    missing = missing_items(q, profile.answers)
    if missing:
        return missing
    _lock_check(assessment)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = utcnow()
    assessment.submitted_by_id = user.id if user else None
    for row in area_score_rows(profile):
        db.session.add(AreaScore(assessment_id=assessment.id, **row))
    newest_round.refresh([assessment.municipality_id])
    return []


def area_score_rows(profile: Profile) -> list[dict[str, Any]]:
    """The stored area results of a submitted profile: one per area and one "overall" (see `AreaScore`)."""
    rows: list[dict[str, Any]] = [
        {"area_id": a.id, "score": a.score, "level": a.level, "coverage": a.coverage, "provisional": a.provisional} for a in profile.areas
    ]
    o = profile.overall
    coverage = min(a.coverage for a in profile.areas)
    rows.append({"area_id": "overall", "score": o.score, "level": o.level, "coverage": coverage, "provisional": o.provisional})
    return rows


def targets_of(assessment: Assessment) -> dict[str, int]:
    """Target level per area id; a submitted round's (set_targets refuses to change them) read once
    per worker (each caller gets its own copy)."""
    key = submitted_key(assessment)
    if key is None:
        return {t.area_id: t.level for t in assessment.targets}
    kept: memo.Bounded[dict[str, int]] = memo.bounded("digicheck.targets", SUBMITTED_KEPT)
    found = kept.get(key)
    if found is None:
        found = {t.area_id: t.level for t in assessment.targets}
        kept.put(key, found)
    return dict(found)


def set_targets(assessment: Assessment, targets: dict[str, int | None]) -> None:
    if assessment.submitted:
        raise AssessmentLocked()
    _lock_check(assessment)
    existing = {t.area_id: t for t in assessment.targets}
    for area_id, level in targets.items():
        target = existing.get(area_id)
        if level is None:
            if target is not None:
                db.session.delete(target)
        elif target is None:
            db.session.add(Target(assessment_id=assessment.id, area_id=area_id, level=level))
        else:
            target.level = level
    db.session.flush()


#: Answer changes shown per page of a history (a busy round has thousands).
HISTORY_PAGE_SIZE = 50


@dataclass(frozen=True)
class HistoryPage:
    """One page of an assessment's answer history, newest first; pages count from 1."""

    changes: list[AnswerChange]
    number: int
    pages: int
    total: int

    @property
    def newer(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def older(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def history_page(assessment: Assessment, requested: str | None, size: int = HISTORY_PAGE_SIZE) -> HistoryPage | None:
    """The page named by the `?verlauf=` value (none: the newest); None when there is no such page."""
    text = (requested or "1").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        return None
    number = int(text)
    of_assessment = AnswerChange.assessment_id == assessment.id
    total = db.session.scalar(select(func.count(AnswerChange.id)).where(of_assessment)) or 0
    pages = max(1, -(-total // size))
    if not 1 <= number <= pages:
        return None
    changes = db.session.scalars(
        select(AnswerChange)
        .where(of_assessment)
        .options(selectinload(AnswerChange.user))
        .order_by(AnswerChange.changed_at.desc(), AnswerChange.id.desc())
        .offset((number - 1) * size)
        .limit(size)
    )
    return HistoryPage(list(changes), number, pages, total)


def save_demo_answers(assessment: Assessment, answers: dict[str, AnswerValue]) -> None:
    """Write a complete synthetic answer set (demo data only; no history, no locking)."""
    for item_id, value in answers.items():
        db.session.add(Answer(assessment_id=assessment.id, item_id=item_id, value=_storable(value), version=1))
    db.session.flush()
