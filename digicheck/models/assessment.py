"""Assessments (one round of a Kommune's Digi-Check), answers, their history and targets."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, Enum, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from digicheck.extensions import Model
from digicheck.models._time import UTCDateTime, utcnow
from digicheck.models.municipality import Municipality
from digicheck.models.user import User


class AssessmentStatus(str, enum.Enum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class Assessment(Model):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    questionnaire_version: Mapped[str] = mapped_column(String(16))
    round: Mapped[int] = mapped_column(Integer)
    status: Mapped[AssessmentStatus] = mapped_column(
        Enum(AssessmentStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=AssessmentStatus.IN_PROGRESS,
    )
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: indexed: the benchmark selects one round (year) by a range on it
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))

    municipality: Mapped[Municipality] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    answers: Mapped[list[Answer]] = relationship(back_populates="assessment", cascade="all, delete-orphan")
    targets: Mapped[list[Target]] = relationship(cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("municipality_id", "round", name="uq_assessments_municipality_round"),)

    @property
    def submitted(self) -> bool:
        return self.status == AssessmentStatus.SUBMITTED


#: evidence per answer is text only (issue 16): a short comment and references (one per line)
EVIDENCE_COMMENT_MAX = 1000
EVIDENCE_REFS_MAX = 1000


class Answer(Model):
    """The current answer to one item; `version` counts changes for optimistic locking.

    `evidence_comment` / `evidence_refs` say why the Kommune answered so ("Beschluss der
    Stadtverordnetenversammlung vom 12.03."); a new round copies them with the answer and sets
    `evidence_from_round` to the round they were written in ("aus Runde N"); None = written in this round.
    """

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    item_id: Mapped[str] = mapped_column(String(80))
    value: Mapped[object] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    evidence_comment: Mapped[str | None] = mapped_column(Text)
    evidence_refs: Mapped[str | None] = mapped_column(Text)
    evidence_from_round: Mapped[int | None] = mapped_column(Integer)

    assessment: Mapped[Assessment] = relationship(back_populates="answers")
    updated_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("assessment_id", "item_id", name="uq_answers_assessment_item"),)


class AnswerChange(Model):
    """History: who changed which answer when, from what to what."""

    __tablename__ = "answer_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    item_id: Mapped[str] = mapped_column(String(80))
    old_value: Mapped[object | None] = mapped_column(JSON)
    new_value: Mapped[object | None] = mapped_column(JSON)
    #: {"comment": str | None, "refs": str | None} before and after, when the evidence changed
    old_evidence: Mapped[dict[str, object] | None] = mapped_column(JSON)
    new_evidence: Mapped[dict[str, object] | None] = mapped_column(JSON)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User | None] = relationship()


class Target(Model):
    """Ziel-Reifegrad per area in 2-3 years."""

    __tablename__ = "targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    area_id: Mapped[str] = mapped_column(String(40))
    level: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("assessment_id", "area_id", name="uq_targets_assessment_area"),)


class AreaScore(Model):
    """The area results of a submitted assessment, stored for aggregation in SQL.

    Derived data, written once by `submit` (digicheck/assess/services.py) from the stored answers;
    the answers stay the source (the result pages score them again), so these rows can be rebuilt
    from them at any time. No command rewrites them today.
    The benchmark reads (assessment, area, score, level) from one covering index, which also
    serves lookups by assessment (docs/benchmark.md "Leistung").
    """

    __tablename__ = "area_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    area_id: Mapped[str] = mapped_column(String(40))
    score: Mapped[float | None] = mapped_column(Float)
    level: Mapped[int | None] = mapped_column(Integer)
    coverage: Mapped[float] = mapped_column(Float)
    #: the range the open answers allow spans more than one level (scoring.ranges); the benchmark
    #: leaves out assessments whose overall level is provisional (migration 0011 recomputed older rows)
    provisional: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (
        UniqueConstraint("assessment_id", "area_id", name="uq_area_scores_assessment_area"),
        Index("ix_area_scores_assessment_scores", "assessment_id", "area_id", "score", "level"),
    )
