"""The consultant's briefing "Vorbereitung Vor-Ort-Termin": one dataclass for the page and the PDF.

Before the on-site days the consultant needs, on a few pages, what the assessment
says and what to do about it (../shared/sources/001, the Frankenberg interview:
preparation is an overview of what is already digital): the profile, the weakest
answers, what to clarify first, the modules with a draft agenda and whom to
invite (000 annexes 1-4), matching funding and what Gießen and Erbach did.
The rules behind the agenda and the lists are `scoring.briefing`, on the typed
`Advice`; this module gathers the review, the advice and the page. Nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from digicheck import svg_charts
from digicheck.assess.advice import advice_of, assessment_date
from digicheck.consult.review import TARGETS, ItemReview, Review, radar_series, review
from digicheck.models import Assessment, Municipality, Note, ValidatedLevel
from digicheck.plan.queries import PlanPage, plan_page
from digicheck.register import attribution
from scoring.advice import Advice
from scoring.briefing import BriefingPlan, briefing_plan
from scoring.profile import AreaResult
from scoring.radar import Series


@dataclass(frozen=True)
class AreaLine:
    """One area of the profile: self-assessed and validated level side by side, with the target."""

    result: AreaResult
    validated: ValidatedLevel | None  # the newest for this area
    target: int | None


@dataclass(frozen=True)
class Briefing:
    review: Review
    as_of: date
    areas: tuple[AreaLine, ...]
    series: tuple[Series, ...]
    radar_svg: str
    unanswered: int
    advice: Advice
    plan: BriefingPlan
    attribution: str
    #: the municipality's Maßnahmenplan (issue 16), overdue entries marked
    action_plan: PlanPage

    @property
    def assessment(self) -> Assessment:
        return self.review.assessment

    @property
    def municipality(self) -> Municipality:
        return self.review.assessment.municipality

    @property
    def evidence_items(self) -> list[ItemReview]:
        """The answers the Kommune gave a comment or references to, in questionnaire order."""
        return [r for r in self.review.items.values() if r.evidence]

    @property
    def shared_notes(self) -> list[Note]:
        return [n for n in self.review.notes if n.shared]

    @property
    def internal_notes(self) -> list[Note]:
        return [n for n in self.review.notes if not n.shared]

    @property
    def open_questions(self) -> int:
        return len(self.review.unknown) + len(self.review.inconsistencies)


def briefing(assessment: Assessment) -> Briefing:
    r = review(assessment)
    advice = advice_of(r.q, r.profile, assessment, r.targets)
    series = radar_series(r, {TARGETS})
    radar = svg_charts.profile_radar(r.q, r.profile, series)
    return Briefing(
        review=r,
        as_of=assessment_date(assessment),
        areas=tuple(AreaLine(a, r.validated.get(a.id), r.targets.get(a.id)) for a in r.profile.areas),
        series=tuple(series),
        radar_svg=radar,
        unanswered=sum(1 for item in r.q.items if item.id not in r.profile.answers),
        advice=advice,
        plan=briefing_plan(r.q, r.profile.answers, advice, len(r.unknown), len(r.inconsistencies)),
        attribution=attribution(assessment.municipality.register_edition),
        action_plan=plan_page(assessment.municipality),
    )
