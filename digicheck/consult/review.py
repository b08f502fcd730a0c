"""Everything the consultant's assessment view shows, gathered in one place.

The profile, the previous round, the size-class median, reference profiles,
targets, validated levels, notes, each answer with its latest changes and the
inconsistencies between answers. A fixed number of queries per page, and a
bounded page: the full answer history is paged separately.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from digicheck import svg_charts
from digicheck.assess import services as assessments_svc
from digicheck.assess.advice import references
from digicheck.consult.bookings import BookingRow, bookings_of
from digicheck.consult.queries import MIN_PEERS, Median, size_class_median
from digicheck.consult.services import notes_of, validated_levels, validation_trail
from digicheck.content import inconsistency_rules, library
from digicheck.extensions import db
from digicheck.models import AnswerChange, Assessment, Note, ValidatedLevel
from digicheck.plan.queries import PlanPage, plan_page
from digicheck.talk.services import Thread, threads
from scoring import Profile, Questionnaire
from scoring.advice import ReferenceProfile
from scoring.answers import answer_label, item_score
from scoring.inconsistencies import Inconsistency, find_inconsistencies
from scoring.library import VersionChange, version_change
from scoring.model import Item
from scoring.profile import unknown_items
from scoring.radar import Series, assessment_series

PREVIOUS, MEDIAN, TARGETS = "vorrunde", "median", "ziel"
#: Changes shown with each answer; the rest is in the paged history.
RECENT_CHANGES = 3


@dataclass
class ItemReview:
    item: Item
    answer: str
    score: float | None
    previous: str | None
    changes: list[AnswerChange] = field(default_factory=list)  # the latest RECENT_CHANGES, newest first
    notes: list[Note] = field(default_factory=list)
    change_count: int = 0
    #: the conversation threads on this item (consultants see internal ones too)
    threads: list[Thread] = field(default_factory=list)
    #: the previous round used another questionnaire version without this question (or with another meaning)
    not_comparable: bool = False
    #: the Kommune's comment and references to this answer
    evidence: assessments_svc.Evidence = assessments_svc.NO_EVIDENCE


@dataclass(frozen=True)
class Overlay:
    id: str
    label: str
    values: tuple[float | None, ...] | None  # None: not available (the hint says why)
    hint: str = ""


@dataclass
class Review:
    assessment: Assessment
    q: Questionnaire
    profile: Profile
    targets: dict[str, int]
    previous: Assessment | None
    #: set when the previous round answered another questionnaire version
    version_change: VersionChange | None
    validated: dict[str, ValidatedLevel]
    trail: list[ValidatedLevel]
    notes: list[Note]
    items: dict[str, ItemReview]
    unknown: list[Item]
    inconsistencies: list[Inconsistency]
    median: Median
    overlays: list[Overlay]
    references: list[tuple[ReferenceProfile, Profile]]

    @property
    def threads(self) -> list[Thread]:
        return threads(self.notes)

    @property
    def general_threads(self) -> list[Thread]:
        return [t for t in self.threads if t.root.item_id is None]

    @property
    def item_threads(self) -> list[Thread]:
        return [t for t in self.threads if t.root.item_id is not None]

    @property
    def open_questions(self) -> int:
        return sum(1 for t in self.threads if t.open_question)


def _recent_changes(assessment: Assessment) -> tuple[dict[str, list[AnswerChange]], dict[str, int]]:
    """The latest `RECENT_CHANGES` changes of each item and the number of all its changes."""
    of_assessment = AnswerChange.assessment_id == assessment.id
    ranked = (
        select(
            AnswerChange.id,
            func.row_number()
            .over(partition_by=AnswerChange.item_id, order_by=(AnswerChange.changed_at.desc(), AnswerChange.id.desc()))
            .label("rank"),
        )
        .where(of_assessment)
        .subquery()
    )
    statement = (
        select(AnswerChange)
        .join(ranked, ranked.c.id == AnswerChange.id)
        .where(ranked.c.rank <= RECENT_CHANGES)
        .options(selectinload(AnswerChange.user))
        .order_by(AnswerChange.changed_at.desc(), AnswerChange.id.desc())
    )
    by_item: dict[str, list[AnswerChange]] = {}
    for change in db.session.scalars(statement):
        by_item.setdefault(change.item_id, []).append(change)
    counts = select(AnswerChange.item_id, func.count(AnswerChange.id)).where(of_assessment).group_by(AnswerChange.item_id)
    return by_item, {item_id: count for item_id, count in db.session.execute(counts)}


def _previous(assessment: Assessment) -> tuple[Assessment | None, Questionnaire | None, Profile | None]:
    previous = db.session.get(Assessment, assessment.previous_id) if assessment.previous_id else None
    if previous is None:
        return None, None, None
    q, profile = assessments_svc.profile_of(previous)
    return previous, q, profile


def _overlays(
    review_q: Questionnaire,
    previous: tuple[Assessment | None, Profile | None],
    median: Median,
    targets: dict[str, int],
    refs: list[tuple[ReferenceProfile, Profile]],
) -> list[Overlay]:
    areas = [a.id for a in review_q.areas]
    assessment, profile = previous
    overlays = [
        Overlay(
            PREVIOUS,
            f"Vorrunde (Runde {assessment.round})" if assessment else "Vorrunde",
            tuple(profile.area(a).level if any(r.id == a for r in profile.areas) else None for a in areas) if profile else None,
            "" if profile else "Es gibt keine abgeschlossene Vorrunde.",
        ),
        Overlay(
            MEDIAN,
            f"Median der Größenklasse ({median.size.label} Einwohner)",
            tuple(median.levels.get(a) for a in areas) if median.available else None,
            f"Letzte abgeschlossene Runde je Kommune desselben Landes; nur Bereiche mit mindestens {MIN_PEERS} Bewertungen "
            f"(vorhanden: {max(median.counts.values(), default=0)}).",
        ),
        Overlay(
            TARGETS,
            "Ziel in 2–3 Jahren",
            tuple(targets.get(a) for a in areas) if targets else None,
            "" if targets else "Die Kommune hat keine Ziele gesetzt.",
        ),
    ]
    for reference, ref_profile in refs:
        overlays.append(
            Overlay(
                reference.id,
                reference.label,
                tuple(ref_profile.area(a).level for a in areas),
                "Abgeleitet aus öffentlichen Dokumenten, keine offizielle Selbsteinschätzung.",
            )
        )
    return overlays


def review(assessment: Assessment) -> Review:
    q, profile = assessments_svc.profile_of(assessment)
    targets = assessments_svc.targets_of(assessment)
    previous, previous_q, previous_profile = _previous(assessment)
    notes = notes_of(assessment)
    changes, change_counts = _recent_changes(assessment)
    evidence = assessments_svc.evidence_of(assessment)
    all_threads = threads(notes)
    items: dict[str, ItemReview] = {}
    change = version_change(library(), previous_q.version, q.version) if previous_q is not None else None
    for item in q.items:
        value = profile.answers.get(item.id)
        score = item_score(item, value)
        prior = None
        previous_id = item.id if change is None else change.comparable.get(item.id)
        previous_item = previous_q.item(previous_id) if previous_q is not None and previous_id is not None else None
        if previous_profile is not None and previous_item is not None:
            prior = answer_label(previous_item, previous_profile.answers.get(previous_item.id))
        items[item.id] = ItemReview(
            item,
            answer_label(item, value),
            score if isinstance(score, float) else None,
            prior,
            changes.get(item.id, []),
            [n for n in notes if n.item_id == item.id],
            change_counts.get(item.id, 0),
            not_comparable=change is not None and item.id in change.not_comparable,
            evidence=evidence.get(item.id, assessments_svc.NO_EVIDENCE),
            threads=[t for t in all_threads if t.root.item_id == item.id],
        )
    median = size_class_median(assessment.municipality.population, [a.id for a in q.areas], assessment.municipality.land)
    refs = references(q)
    return Review(
        assessment=assessment,
        q=q,
        profile=profile,
        targets=targets,
        previous=previous,
        version_change=change,
        validated=validated_levels(assessment),
        trail=validation_trail(assessment),
        notes=notes,
        items=items,
        unknown=unknown_items(q, profile.answers),
        inconsistencies=find_inconsistencies(q, inconsistency_rules(q), profile.answers),
        median=median,
        overlays=_overlays(q, (previous, previous_profile), median, targets, refs),
        references=refs,
    )


@dataclass(frozen=True)
class AssessmentPage:
    """The consultant's assessment view: the review, the radar with the overlays switched on,
    the municipality's rounds and one page of the answer history."""

    review: Review
    chosen: frozenset[str]
    series: tuple[Series, ...]
    chart_svg: str
    rounds: list[Assessment]
    history: assessments_svc.HistoryPage
    #: the consultation modules the provider reported booked or held for the municipality
    bookings: list[BookingRow] = field(default_factory=list)
    #: the municipality's Maßnahmenplan, overdue entries marked
    plan: PlanPage | None = None


def assessment_page(assessment: Assessment, chosen: Collection[str], history_cursor: str | None) -> AssessmentPage | None:
    """None when `history_cursor` names no page of the history."""
    history = assessments_svc.history_page(assessment, history_cursor)
    if history is None:
        return None
    r = review(assessment)
    series = radar_series(r, chosen)
    return AssessmentPage(
        r,
        frozenset(chosen),
        tuple(series),
        svg_charts.profile_radar(r.q, r.profile, series, element_id="radar"),
        assessments_svc.rounds_of(assessment.municipality_id),
        history,
        bookings_of(assessment.municipality),
        plan_page(assessment.municipality),
    )


def radar_series(review: Review, chosen: Collection[str]) -> list[Series]:
    """Self-assessment, the validated levels where any are set, then the overlays the consultant switched on."""
    q = review.q
    extra = [(o.label, dict(zip(q.area_ids, o.values, strict=True))) for o in review.overlays if o.id in chosen and o.values is not None]
    validated = {area_id: v.level for area_id, v in review.validated.items()}
    return assessment_series(q, review.profile, validated, validated_name="Validiert", extra=extra)
