"""Page models of the Kommune's Digi-Check: one typed object per page, so a view loads once and renders.

The rules (progress, radar series, the "Weiß nicht" list, advice) are `scoring`'s; these
functions gather what a page shows from the services and the content.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from digicheck import memo, svg_charts
from digicheck.assess import advice as advice_svc
from digicheck.assess import services as svc
from digicheck.consult.services import validated_levels
from digicheck.content import inconsistency_rules, questionnaire
from digicheck.models import Assessment, Municipality, ValidatedLevel
from digicheck.plan.queries import RoundProgress, result_plan
from digicheck.talk.services import Thread, threads_of
from scoring import Profile, Questionnaire
from scoring.advice import ReferenceProfile
from scoring.advice.modules import PlannedModule
from scoring.conditions import hidden_items
from scoring.inconsistencies import Inconsistency, find_inconsistencies
from scoring.model import Item
from scoring.profile import unknown_items
from scoring.progress import Progress, duration_minutes, figures_to_look_up, first_open_area, missing_items, progress
from scoring.radar import Series, assessment_series, levels_of

VALIDATED = "Validiert (Beratung)"
TARGETS = "Ziel in 2–3 Jahren"
#: rendered fragments of submitted rounds' result pages a worker keeps (see ResultPage.kept; some
#: 100 KB each as text)
FRAGMENTS_KEPT = 32
#: stands for the session's CSRF token in a kept fragment (no content has a NUL character)
_TOKEN = "\x00csrf\x00"


@dataclass(frozen=True)
class HomePage:
    """The Kommune's dashboard: its rounds, newest first, and how far the current one is."""

    municipality: Municipality
    rounds: list[Assessment]
    current: Assessment | None
    progress: Progress | None

    @property
    def resume_area(self) -> str | None:
        """The area to continue in: the first with open questions; None: on to the review page."""
        return first_open_area(self.progress) if self.progress else None


def home_page(municipality: Municipality) -> HomePage:
    rounds = svc.rounds_of(municipality.id)
    current = rounds[0] if rounds else None
    if current is None:
        return HomePage(municipality, rounds, None, None)
    answers, _ = svc.answers_of(current)
    return HomePage(municipality, rounds, current, progress(questionnaire(current.questionnaire_version), answers))


@dataclass(frozen=True)
class StartPage:
    """Before the first question of a round: how long it takes, what to have at hand, who can help."""

    assessment: Assessment
    q: Questionnaire
    minutes: int
    figures: tuple[Item, ...]
    progress: Progress

    @property
    def resume_area(self) -> str | None:
        return first_open_area(self.progress)


def start_page(assessment: Assessment) -> StartPage:
    q = questionnaire(assessment.questionnaire_version)
    answers, _ = svc.answers_of(assessment)
    return StartPage(assessment, q, duration_minutes(q), figures_to_look_up(q), progress(q, answers))


@dataclass(frozen=True)
class ConsultFeedback:
    """What the consultation shares with the Kommune: the validated levels and the shared threads
    (the consultants' shared notes with the answers, and the Kommune's own questions)."""

    validated: dict[str, ValidatedLevel]
    threads: list[Thread]


@dataclass(frozen=True)
class ResultPage:
    """The result page: profile, radar (self-assessment, validated levels, targets, chosen reference
    profiles), the consultation's feedback, the advice (its JSON document) and the "Weiß nicht" list."""

    assessment: Assessment
    q: Questionnaire
    profile: Profile
    targets: dict[str, int]
    series: tuple[Series, ...]
    chart_svg: str
    feedback: ConsultFeedback
    unknown: tuple[Item, ...]
    advice: dict[str, Any]
    references: list[tuple[ReferenceProfile, Profile]]
    chosen: frozenset[str]
    #: (source, id) of the suggestions already in the municipality's Maßnahmenplan
    planned: frozenset[tuple[str, str]] = frozenset()
    #: from the second round on: the level change per area beside the plan entries done meanwhile
    progress: RoundProgress | None = None

    def kept(self, name: str, plan: dict[str, Any] | None, caller: Callable[[], str]) -> Markup:
        """The fragment `name` of the page, rendered by the template's `{% call page.kept(name, plan) %}`
        block: a submitted round's once per worker, as long as its profile and advice are the same
        objects (`assess.services` keeps them while neither the round, the questionnaire nor the
        catalogue changed) and the "In den Maßnahmenplan" buttons are the same; the block must read
        nothing else. Their CSRF token, the session's, is put in on the way out. An open round's
        fragments are rendered every time."""
        if not self.assessment.submitted:
            return Markup(caller())
        buttons = None if plan is None else (plan["action"], plan["assessment_id"], plan["planned"])
        key = (name, id(self.profile), id(self.advice), tuple(sorted(self.targets.items())), buttons)
        fragments: memo.Bounded[tuple[Profile, dict[str, Any], str]] = memo.bounded("digicheck.result_fragments", FRAGMENTS_KEPT)
        found = fragments.get(key)
        if found is None or found[0] is not self.profile or found[1] is not self.advice:
            html = str(caller())
            found = (self.profile, self.advice, html if plan is None else html.replace(plan["csrf_token"], _TOKEN))
            fragments.put(key, found)
        return Markup(found[2] if plan is None else found[2].replace(_TOKEN, plan["csrf_token"]))


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
    plan = result_plan(assessment, q, profile)
    return ResultPage(
        assessment=assessment,
        q=q,
        profile=profile,
        targets=targets,
        series=tuple(series),
        chart_svg=_radar(assessment, q, profile, tuple(series)),
        feedback=ConsultFeedback(validated, threads_of(assessment, shared_only=True)),
        unknown=tuple(unknown_items(q, profile.answers)),
        advice=advice_svc.advice_for(q, profile, assessment, targets),
        references=available,
        chosen=frozenset(chosen),
        planned=plan.planned,
        progress=plan.progress,
    )


def _radar(assessment: Assessment, q: Questionnaire, profile: Profile, series: tuple[Series, ...]) -> str:
    """The radar of the page; a submitted round's drawn once per worker for the same series (its
    validated levels and the chosen reference profiles change them) and the same kept profile."""
    if not assessment.submitted:
        return svg_charts.profile_radar(q, profile, series, element_id="radar")
    radars: memo.Bounded[tuple[Profile, str]] = memo.bounded("digicheck.result_radars", FRAGMENTS_KEPT)
    key = (id(profile), series)
    found = radars.get(key)
    if found is None or found[0] is not profile:
        found = (profile, svg_charts.profile_radar(q, profile, series, element_id="radar"))
        radars.put(key, found)
    return found[1]


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
class ReviewPage:
    """Before submitting: answered per area, the open questions (they block submitting), the
    contradictions the rules find ("Bitte prüfen", they do not block) and the "Weiß nicht" answers."""

    assessment: Assessment
    q: Questionnaire
    progress: Progress
    missing: tuple[Item, ...]
    inconsistencies: tuple[Inconsistency, ...]
    unknown: tuple[Item, ...]


def review_page(assessment: Assessment) -> ReviewPage:
    q = questionnaire(assessment.questionnaire_version)
    answers, _ = svc.answers_of(assessment)
    hidden = hidden_items(q, answers)  # not asked: their stored answers are neither "Weiß nicht" nor contradictions
    asked = {item_id: value for item_id, value in answers.items() if item_id not in hidden}
    return ReviewPage(
        assessment,
        q,
        progress(q, answers),
        tuple(item for i in missing_items(q, answers) if (item := q.item(i)) is not None),
        tuple(find_inconsistencies(q, inconsistency_rules(q), asked)),
        tuple(unknown_items(q, asked)),
    )


@dataclass(frozen=True)
class NextStepsPage:
    """After submitting: what happens now, the modules the advice recommends, the own report."""

    assessment: Assessment
    q: Questionnaire
    profile: Profile
    modules: tuple[PlannedModule, ...]
    days_contingent: float
    unknown: int


def next_steps_page(assessment: Assessment) -> NextStepsPage:
    q, profile = svc.profile_of(assessment)
    advice = advice_svc.advice_of(q, profile, assessment, svc.targets_of(assessment))
    return NextStepsPage(
        assessment,
        q,
        profile,
        advice.modules.modules,
        advice.modules.days_contingent,
        len(unknown_items(q, profile.answers)),
    )
