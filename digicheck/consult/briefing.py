"""The consultant's briefing "Vorbereitung Vor-Ort-Termin": one dataclass for the page and the PDF.

Before the on-site days the consultant needs, on a few pages, what the assessment
says and what to do about it (../shared/sources/001, the Frankenberg interview:
preparation is an overview of what is already digital): the profile, the weakest
answers, what to clarify first, the modules with a draft agenda and whom to
invite (000 annexes 1-4), matching funding and what Gießen and Erbach did.
Everything comes from the assessment review and the advice; nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from digicheck import charts
from digicheck.models import Assessment, Municipality, Note, ValidatedLevel
from digicheck.register import attribution
from digicheck.assess.advice import advice_for, assessment_date
from digicheck.consult.review import TARGETS, ItemReview, Review, radar_series, review
from scoring.advice.render import de_days
from scoring.profile import AreaResult

#: How many of the lowest-scored answered items the briefing lists.
WEAKEST = 8
#: Reference measures per area (the advice ranks them by the gap they address; the result page shows all).
MEASURES_PER_AREA = 3


@dataclass(frozen=True)
class AreaLine:
    """One area of the profile: self-assessed and validated level side by side, with the target."""

    result: AreaResult
    validated: ValidatedLevel | None  # the newest for this area
    target: int | None


@dataclass(frozen=True)
class AgendaDay:
    """One on-site day: topics before and after lunch; no afternoon topics on a half day."""

    number: int
    morning: tuple[str, ...]
    afternoon: tuple[str, ...]


@dataclass(frozen=True)
class AgendaModule:
    """A planned module (advice JSON, schema digicheck/advice-1) with its on-site days laid out in half days."""

    module: dict[str, Any]
    days: tuple[AgendaDay, ...]
    results: str


@dataclass(frozen=True)
class Invitation:
    """Target groups invited to the same modules, so the consultant sees who comes to all of them."""

    modules: tuple[int, ...]
    groups: tuple[str, ...]


@dataclass
class Briefing:
    review: Review
    as_of: date
    areas: list[AreaLine]
    series: list[charts.Series]
    weakest: list[ItemReview]
    unanswered: int
    advice: dict[str, Any]
    agenda: list[AgendaModule]
    invite: list[Invitation]
    funding: list[dict[str, Any]]
    funding_ended: list[dict[str, Any]]
    funding_left_out: int
    measures: list[dict[str, Any]]
    attribution: str

    @property
    def assessment(self) -> Assessment:
        return self.review.assessment

    @property
    def municipality(self) -> Municipality:
        return self.review.assessment.municipality

    @property
    def shared_notes(self) -> list[Note]:
        return [n for n in self.review.notes if n.shared]

    @property
    def internal_notes(self) -> list[Note]:
        return [n for n in self.review.notes if not n.shared]

    @property
    def open_questions(self) -> int:
        return len(self.review.unknown) + len(self.review.inconsistencies)


def agenda_for(module: dict[str, Any], opening: tuple[str, ...]) -> AgendaModule:
    """Spread a module's contents over its on-site half days in catalogue order.

    `opening` goes first (the first module starts with the profile and the open
    questions); every module closes with the next steps, then the results meeting.
    """
    contents = list(module["contents"])
    count = max(1, min(round(module["days"]["on_site"] * 2), len(contents)))
    size, extra = divmod(len(contents), count)
    halves: list[tuple[str, ...]] = []
    start = 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        halves.append(tuple(contents[start:end]))
        start = end
    halves[0] = opening + halves[0]
    halves[-1] += ("Zusammenfassung, offene Punkte und nächste Schritte",)
    halves.append(())
    days = tuple(AgendaDay(n // 2 + 1, halves[n], halves[n + 1]) for n in range(0, count, 2))
    results = f"Ergebnisbesprechung ({de_days(module['days']['results'])} Tage): Ergebnisse und Maßnahmenplan mit der Verwaltungsspitze"
    return AgendaModule(module, days, results)


def invitations(invite: list[dict[str, Any]]) -> list[Invitation]:
    """The advice's invitations (group -> modules) grouped by module set, those invited to most modules first."""
    by_modules: dict[tuple[int, ...], list[str]] = {}
    for entry in invite:
        by_modules.setdefault(tuple(entry["modules"]), []).append(entry["group"])
    return [Invitation(m, tuple(g)) for m, g in sorted(by_modules.items(), key=lambda kv: (-len(kv[0]), kv[0]))]


def _opening(r: Review) -> tuple[str, ...]:
    topics = ["Einstieg: Ergebnis der Selbsteinschätzung und Ziele der Kommune"]
    if r.unknown or r.inconsistencies:
        topics.append(f"Offene Fragen klären: {len(r.unknown)} „Weiß nicht“-Antworten, {len(r.inconsistencies)} Unstimmigkeiten")
    return tuple(topics)


def _funding(advice: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Programmes that fit or fit under conditions: (not ended, in full; ended, as a short pattern list)."""
    fitting = sorted((f for f in advice["funding"] if f["fit"] != "no"), key=lambda f: f["fit"] != "yes")
    return [f for f in fitting if f["status"]["state"] != "ended"], [f for f in fitting if f["status"]["state"] == "ended"]


def briefing(assessment: Assessment) -> Briefing:
    r = review(assessment)
    advice = advice_for(r.q, r.profile, assessment, r.targets)
    answered = [i for i in r.items.values() if i.score is not None]
    order = {item.id: index for index, item in enumerate(r.q.items)}
    weakest = sorted(answered, key=lambda i: (i.score or 0.0, -i.item.weight, order[i.item.id]))[:WEAKEST]
    plan = advice["modules"]["plan"]
    opening = _opening(r)
    funding, ended = _funding(advice)
    return Briefing(
        review=r,
        as_of=assessment_date(assessment),
        areas=[AreaLine(a, r.validated.get(a.id), r.targets.get(a.id)) for a in r.profile.areas],
        series=radar_series(r, {TARGETS}),
        weakest=weakest,
        unanswered=sum(1 for item in r.q.items if item.id not in r.profile.answers),
        advice=advice,
        agenda=[agenda_for(m, opening if index == 0 else ()) for index, m in enumerate(plan)],
        invite=invitations(advice["modules"]["invite"]),
        funding=funding,
        funding_ended=ended,
        funding_left_out=len(advice["funding"]) - len(funding) - len(ended),
        measures=[{**area, "measures": area["measures"][:MEASURES_PER_AREA], "more": max(0, len(area["measures"]) - MEASURES_PER_AREA)}
                  for area in advice["measures"]],
        attribution=attribution(assessment.municipality.register_edition),
    )
