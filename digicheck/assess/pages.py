"""Page models of the Kommune's Digi-Check: one typed object per page, so a view loads once and renders.

The rules (progress, radar series, the "Weiß nicht" list, advice) are `scoring`'s; these
functions gather what a page shows from the services and the content.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from digicheck import charts
from digicheck.assess import advice as advice_svc
from digicheck.assess import services as svc
from digicheck.consult.services import notes_of, validated_levels
from digicheck.content import questionnaire
from digicheck.models import Assessment, Municipality, Note, ValidatedLevel
from scoring import Profile, Questionnaire
from scoring.advice import ReferenceProfile
from scoring.model import Item
from scoring.profile import unknown_items
from scoring.progress import Progress, missing_items, progress
from scoring.radar import Series, assessment_series, levels_of

VALIDATED = "Validiert (Beratung)"
TARGETS = "Ziel in 2–3 Jahren"


@dataclass(frozen=True)
class HomePage:
    """The Kommune's dashboard: its rounds, newest first, and how far the current one is."""

    municipality: Municipality
    rounds: list[Assessment]
    current: Assessment | None
    progress: Progress | None


def home_page(municipality: Municipality) -> HomePage:
    rounds = svc.rounds_of(municipality.id)
    current = rounds[0] if rounds else None
    if current is None:
        return HomePage(municipality, rounds, None, None)
    answers, _ = svc.answers_of(current)
    return HomePage(municipality, rounds, current, progress(questionnaire(current.questionnaire_version), answers))


@dataclass(frozen=True)
class ConsultFeedback:
    """What the consultation shares with the Kommune: the validated levels and the shared notes."""

    validated: dict[str, ValidatedLevel]
    notes: list[Note]


@dataclass(frozen=True)
class ResultPage:
    """The result page: profile, radar (self-assessment, validated levels, targets, chosen reference
    profiles), the consultation's feedback, the advice (its JSON document) and the "Weiß nicht" list."""

    assessment: Assessment
    q: Questionnaire
    profile: Profile
    targets: dict[str, int]
    series: tuple[Series, ...]
    chart_json: str
    feedback: ConsultFeedback
    unknown: tuple[Item, ...]
    advice: dict[str, Any]
    references: list[tuple[ReferenceProfile, Profile]]
    chosen: frozenset[str]


def result_page(assessment: Assessment, chosen: Collection[str]) -> ResultPage:
    """`chosen`: ids of the reference profiles drawn beside the own profile."""
    q, profile = svc.profile_of(assessment)
    targets = svc.targets_of(assessment)
    validated = validated_levels(assessment)
    available = advice_svc.references(q)
    extra = ([(TARGETS, targets)] if targets else []) + [
        (reference.label, levels_of(reference_profile)) for reference, reference_profile in available if reference.id in chosen
    ]
    series = assessment_series(q, profile, {a: v.level for a, v in validated.items()}, validated_name=VALIDATED, extra=extra)
    return ResultPage(
        assessment=assessment,
        q=q,
        profile=profile,
        targets=targets,
        series=tuple(series),
        chart_json=charts.radar([a.name for a in q.areas], series),
        feedback=ConsultFeedback(validated, notes_of(assessment, shared_only=True)),
        unknown=tuple(unknown_items(q, profile.answers)),
        advice=advice_svc.advice_for(q, profile, assessment, targets),
        references=available,
        chosen=frozenset(chosen),
    )


@dataclass(frozen=True)
class HistoryView:
    """One page of an assessment's answer history, with the questionnaire that names its items."""

    assessment: Assessment
    q: Questionnaire
    history: svc.HistoryPage


def history_view(assessment: Assessment, requested: str | None) -> HistoryView | None:
    """None when `requested` names no page of the history."""
    history = svc.history_page(assessment, requested)
    return None if history is None else HistoryView(assessment, questionnaire(assessment.questionnaire_version), history)


@dataclass(frozen=True)
class SubmitPage:
    """Closing a round: the items still without an answer block it."""

    assessment: Assessment
    q: Questionnaire
    missing: tuple[Item, ...]


def submit_page(assessment: Assessment) -> SubmitPage:
    q = questionnaire(assessment.questionnaire_version)
    answers, _ = svc.answers_of(assessment)
    return SubmitPage(assessment, q, tuple(item for i in missing_items(q, answers) if (item := q.item(i)) is not None))
