"""Assessments: rounds, saving answers with optimistic locking, submitting, targets.

Every function commits or rolls back as a whole: a save either stores every
change of the page or none of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from digicheck.extensions import db
from digicheck.models import Answer, AnswerChange, AreaScore, Assessment, AssessmentStatus, Municipality, Target, User
from digicheck.models._time import utcnow
from digicheck.services.content import library, questionnaire
from scoring import Profile, Questionnaire, carry_over, score_checked
from scoring.answers import AnswerValue, answer_label


class AssessmentLocked(Exception):
    """The assessment was submitted; it can no longer change."""


@dataclass(frozen=True)
class Conflict:
    """Someone else changed this answer since the page was loaded."""

    item_id: str
    text: str
    their_value: str
    by: str
    at: datetime | None


@dataclass
class SaveResult:
    changed: int = 0
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.conflicts


@dataclass(frozen=True)
class AreaProgress:
    area_id: str
    name: str
    answered: int
    total: int


def _stored(value: Any) -> AnswerValue:
    return tuple(value) if isinstance(value, list) else value


def _storable(value: AnswerValue | None) -> Any:
    return list(value) if isinstance(value, tuple) else value


def answers_of(assessment: Assessment) -> tuple[dict[str, AnswerValue], dict[str, int]]:
    rows = db.session.scalars(select(Answer).where(Answer.assessment_id == assessment.id)).all()
    return {r.item_id: _stored(r.value) for r in rows}, {r.item_id: r.version for r in rows}


def progress(q: Questionnaire, answers: dict[str, Any]) -> list[AreaProgress]:
    return [
        AreaProgress(a.id, a.name, sum(1 for i in a.items if answers.get(i.id) is not None), len(a.items))
        for a in q.areas
    ]


def latest_round(municipality_id: int) -> Assessment | None:
    return db.session.scalars(
        select(Assessment).where(Assessment.municipality_id == municipality_id).order_by(Assessment.round.desc()).limit(1)
    ).first()


def rounds_of(municipality_id: int) -> list[Assessment]:
    return list(
        db.session.scalars(select(Assessment).where(Assessment.municipality_id == municipality_id).order_by(Assessment.round.desc()))
    )


def start_round(municipality: Municipality, user: User | None, *, is_demo: bool = False) -> Assessment:
    """A new round on the newest questionnaire, pre-filled from the last submitted one."""
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
        municipality_id=municipality.id, questionnaire_version=q.version, round=number, is_demo=is_demo,
        previous_id=previous.id if previous else None,
    )
    db.session.add(assessment)
    db.session.flush()
    if previous is not None:
        old_answers, _ = answers_of(previous)
        carried = carry_over(library(), old_answers, previous.questionnaire_version, q.version).answers
        for item_id, value in carried.items():
            db.session.add(Answer(assessment_id=assessment.id, item_id=item_id, value=_storable(value), version=1,
                                  updated_by_id=user.id if user else None))
        for target in previous.targets:
            db.session.add(Target(assessment_id=assessment.id, area_id=target.area_id, level=target.level))
    db.session.commit()
    return assessment


def _lock_check(assessment: Assessment) -> None:
    """Touch the assessment only while it is open; a concurrent submit makes this fail."""
    result = db.session.execute(
        update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.status == AssessmentStatus.IN_PROGRESS)
        .values(updated_at=utcnow())
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise AssessmentLocked()


def _conflict(q: Questionnaire, item_id: str, row: Answer | None) -> Conflict:
    item = q.item(item_id)
    assert item is not None
    their = answer_label(item, _stored(row.value)) if row else "keine Antwort"
    by = row.updated_by.name if row and row.updated_by else "jemand anderes"
    return Conflict(item_id, item.text, their, by, row.updated_at if row else None)


def save_answers(assessment: Assessment, user: User, answers: dict[str, AnswerValue | None], versions: dict[str, int]) -> SaveResult:
    """Store the changed answers of a page, all or nothing.

    An answer that changed since the page was loaded (its version moved on) is a
    conflict, unless the user now enters exactly what is stored; conflicts store nothing.
    """
    if assessment.submitted:
        raise AssessmentLocked()
    q = questionnaire(assessment.questionnaire_version)
    rows = {r.item_id: r for r in db.session.scalars(select(Answer).where(Answer.assessment_id == assessment.id))}
    changes = []
    conflicts = []
    for item_id, value in answers.items():
        row = rows.get(item_id)
        current = _stored(row.value) if row else None
        if value == current:
            continue
        if versions.get(item_id, 0) != (row.version if row else 0):
            conflicts.append(_conflict(q, item_id, row))
            continue
        changes.append((item_id, row, current, value))
    if conflicts:
        return SaveResult(conflicts=conflicts)
    if not changes:
        return SaveResult()
    _lock_check(assessment)
    now = utcnow()
    try:
        for item_id, row, current, value in changes:
            if row is None:
                db.session.add(Answer(assessment_id=assessment.id, item_id=item_id, value=_storable(value), version=1,
                                      updated_by_id=user.id, updated_at=now))
                db.session.flush()
            else:
                seen = versions[item_id]
                statement = (
                    update(Answer).where(Answer.id == row.id, Answer.version == seen)
                    .values(value=_storable(value), version=seen + 1, updated_by_id=user.id, updated_at=now)
                    if value is not None
                    else update(Answer).where(Answer.id == row.id, Answer.version == seen)
                    .values(value=None, version=seen + 1, updated_by_id=user.id, updated_at=now)
                )
                if db.session.execute(statement).rowcount != 1:  # type: ignore[attr-defined]
                    raise _Race(item_id)
            db.session.add(AnswerChange(assessment_id=assessment.id, item_id=item_id, old_value=_storable(current),
                                        new_value=_storable(value), user_id=user.id, changed_at=now))
        db.session.commit()
    except (IntegrityError, _Race) as exc:
        db.session.rollback()
        item_id = exc.item_id if isinstance(exc, _Race) else changes[0][0]
        fresh = db.session.scalars(select(Answer).where(Answer.assessment_id == assessment.id, Answer.item_id == item_id)).first()
        return SaveResult(conflicts=[_conflict(q, item_id, fresh)])
    return SaveResult(changed=len(changes))


class _Race(Exception):
    def __init__(self, item_id: str):
        self.item_id = item_id


def missing_items(q: Questionnaire, answers: dict[str, Any]) -> list[str]:
    return [item.id for item in q.items if answers.get(item.id) is None]


def profile_of(assessment: Assessment) -> tuple[Questionnaire, Profile]:
    q = questionnaire(assessment.questionnaire_version)
    answers, _ = answers_of(assessment)
    return q, score_checked(q, {k: v for k, v in answers.items() if v is not None})


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
    for area in profile.areas:
        db.session.add(AreaScore(assessment_id=assessment.id, area_id=area.id, score=area.score, level=area.level,
                                 coverage=area.coverage, provisional=area.provisional))
    o = profile.overall
    db.session.add(AreaScore(assessment_id=assessment.id, area_id="overall", score=o.score, level=o.level,
                             coverage=min(a.coverage for a in profile.areas), provisional=o.provisional))
    db.session.commit()
    return []


def targets_of(assessment: Assessment) -> dict[str, int]:
    return {t.area_id: t.level for t in assessment.targets}


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
    db.session.commit()


def history(assessment: Assessment, limit: int = 500) -> list[AnswerChange]:
    return list(db.session.scalars(
        select(AnswerChange).where(AnswerChange.assessment_id == assessment.id)
        .order_by(AnswerChange.changed_at.desc(), AnswerChange.id.desc()).limit(limit)
    ))


def save_demo_answers(assessment: Assessment, answers: dict[str, AnswerValue]) -> None:
    """Write a complete synthetic answer set (demo data only; no history, no locking)."""
    for item_id, value in answers.items():
        db.session.add(Answer(assessment_id=assessment.id, item_id=item_id, value=_storable(value), version=1))
    db.session.commit()
