"""The consultant's briefing "Vorbereitung Vor-Ort-Termin": the rules behind its agenda and lists.

Before the on-site days the consultant needs, on a few pages, what the assessment
says and what to do about it (../shared/sources/001, the Frankenberg interview:
preparation is an overview of what is already digital): the weakest answers, what
to clarify first, the modules with a draft agenda and whom to invite (000 annexes
1-4), matching funding and what others did. Everything is derived from the
profile and the `Advice`; the application adds notes, validations and the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scoring.advice.advise import Advice
from scoring.advice.funding import FundingMatch
from scoring.advice.measures import AreaMeasures, SuggestedMeasure
from scoring.advice.modules import Invitation, ModulePlan, PlannedModule
from scoring.advice.render import de_days
from scoring.answers import Answers, answer_label, item_score
from scoring.model import Item, Questionnaire

#: How many of the lowest-scored answered items the briefing lists.
WEAKEST = 8
#: Reference measures per area (the advice ranks them by the gap they address; the result page shows all).
MEASURES_PER_AREA = 3
OPENING = "Einstieg: Ergebnis der Selbsteinschätzung und Ziele der Kommune"
CLOSING = "Zusammenfassung, offene Punkte und nächste Schritte"


@dataclass(frozen=True)
class WeakAnswer:
    """An answered item with its answer as read and its item score (0-100)."""

    item: Item
    answer: str
    score: float


@dataclass(frozen=True)
class AgendaDay:
    """One on-site day: topics before and after lunch; no afternoon topics on a half day."""

    number: int
    morning: tuple[str, ...]
    afternoon: tuple[str, ...]


@dataclass(frozen=True)
class AgendaModule:
    """A planned module with its on-site days laid out in half days, and the results meeting."""

    planned: PlannedModule
    days: tuple[AgendaDay, ...]
    results: str


@dataclass(frozen=True)
class InviteeGroup:
    """Target groups invited to the same modules, so the consultant sees who comes to all of them."""

    modules: tuple[int, ...]
    groups: tuple[str, ...]


@dataclass(frozen=True)
class FundingLists:
    """Programmes that fit or fit under conditions: `current` (not ended) in full, `ended` as patterns;
    `left_out` counts those that do not fit."""

    current: tuple[FundingMatch, ...]
    ended: tuple[FundingMatch, ...]
    left_out: int


@dataclass(frozen=True)
class AreaExamples:
    """An area's reference measures, cut to MEASURES_PER_AREA; `more` says how many the result page has beyond."""

    area: AreaMeasures
    measures: tuple[SuggestedMeasure, ...]
    more: int


def weakest_answers(q: Questionnaire, answers: Answers, count: int = WEAKEST) -> tuple[WeakAnswer, ...]:
    """The `count` answered items with the lowest item scores; ties: the heavier item, then questionnaire order.

    "Weiß nicht", "Trifft nicht zu" and unanswered items have no score and are left out.
    """
    scored: list[tuple[int, WeakAnswer]] = []
    for index, item in enumerate(q.items):
        value = answers.get(item.id)
        score = item_score(item, value)
        if isinstance(score, float):
            scored.append((index, WeakAnswer(item, answer_label(item, value), score)))
    scored.sort(key=lambda pair: (pair[1].score, -pair[1].item.weight, pair[0]))
    return tuple(weak for _, weak in scored[:count])


def opening_topics(unknown: int, inconsistencies: int) -> tuple[str, ...]:
    """What the first module starts with: the profile and, if any, the open questions."""
    topics = [OPENING]
    if unknown or inconsistencies:
        topics.append(f"Offene Fragen klären: {unknown} „Weiß nicht“-Antworten, {inconsistencies} Unstimmigkeiten")
    return tuple(topics)


def agenda_for(planned: PlannedModule, opening: tuple[str, ...] = ()) -> AgendaModule:
    """Spread a module's contents over its on-site half days in catalogue order.

    `opening` goes first; every module closes with the next steps, then the results meeting.
    """
    module = planned.module
    contents = list(module.contents)
    count = max(1, min(round(module.days_on_site * 2), len(contents)))
    size, extra = divmod(len(contents), count)
    halves: list[tuple[str, ...]] = []
    start = 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        halves.append(tuple(contents[start:end]))
        start = end
    halves[0] = opening + halves[0]
    halves[-1] += (CLOSING,)
    halves.append(())
    days = tuple(AgendaDay(n // 2 + 1, halves[n], halves[n + 1]) for n in range(0, count, 2))
    results = f"Ergebnisbesprechung ({de_days(module.days_results)} Tage): Ergebnisse und Maßnahmenplan mit der Verwaltungsspitze"
    return AgendaModule(planned, days, results)


def agenda(plan: ModulePlan, unknown: int, inconsistencies: int) -> tuple[AgendaModule, ...]:
    """Every planned module laid out; the first one opens with the profile and the open questions."""
    opening = opening_topics(unknown, inconsistencies)
    return tuple(agenda_for(planned, opening if index == 0 else ()) for index, planned in enumerate(plan.modules))


def invitees(invite: Sequence[Invitation]) -> tuple[InviteeGroup, ...]:
    """The advice's invitations (group -> modules) grouped by module set, those invited to most modules first."""
    by_modules: dict[tuple[int, ...], list[str]] = {}
    for entry in invite:
        by_modules.setdefault(tuple(entry.modules), []).append(entry.group)
    ordered = sorted(by_modules.items(), key=lambda kv: (-len(kv[0]), kv[0]))
    return tuple(InviteeGroup(modules, tuple(groups)) for modules, groups in ordered)


def funding_lists(funding: Sequence[FundingMatch]) -> FundingLists:
    """Fitting programmes first ("yes" before "conditional", else in catalogue order), split at "ended"."""
    fitting = sorted((f for f in funding if f.fit != "no"), key=lambda f: f.fit != "yes")
    current = tuple(f for f in fitting if f.status.state != "ended")
    ended = tuple(f for f in fitting if f.status.state == "ended")
    return FundingLists(current, ended, len(funding) - len(current) - len(ended))


def area_examples(measures: Sequence[AreaMeasures], per_area: int = MEASURES_PER_AREA) -> tuple[AreaExamples, ...]:
    return tuple(AreaExamples(area, area.measures[:per_area], max(0, len(area.measures) - per_area)) for area in measures)


@dataclass(frozen=True)
class BriefingPlan:
    """Everything of the briefing that follows from the answers and the advice."""

    weakest: tuple[WeakAnswer, ...]
    agenda: tuple[AgendaModule, ...]
    invitees: tuple[InviteeGroup, ...]
    funding: FundingLists
    measures: tuple[AreaExamples, ...]


def briefing_plan(q: Questionnaire, answers: Answers, advice: Advice, unknown: int, inconsistencies: int) -> BriefingPlan:
    """`unknown` and `inconsistencies` count the open questions the first module starts with."""
    return BriefingPlan(
        weakest=weakest_answers(q, answers),
        agenda=agenda(advice.modules, unknown, inconsistencies),
        invitees=invitees(advice.modules.invite),
        funding=funding_lists(advice.funding),
        measures=area_examples(advice.measures),
    )
