"""The IKZ group view: loading several municipalities' latest submitted profiles for the comparison.

The comparisons themselves (who could help whom, joint modules, the IKZ funding for
the group's size) are domain rules in `scoring.ikz`; this module finds the partners,
loads their rounds, advice and validated levels, and hands back one page model.
The group costs the same few queries however many partners it has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from digicheck import svg_charts
from digicheck.assess.advice import municipality_facts
from digicheck.assess.services import profiles_of
from digicheck.consult.queries import latest_validated_levels
from digicheck.content import catalogue, questionnaire
from digicheck.extensions import db
from digicheck.models import Assessment, Municipality
from digicheck.municipalities import named
from scoring import Profile, Questionnaire, ikz
from scoring.advice import advise
from scoring.ikz import MAX_PARTNERS, MIN_PARTNERS, Comparison, GroupFunding, GroupModule, HelpLine, partner_series
from scoring.radar import Series

__all__ = ["MAX_PARTNERS", "MIN_PARTNERS", "Group", "IkzPage", "Partner", "group", "ikz_page", "resolve"]


def resolve(entries: list[str]) -> tuple[list[Municipality], list[str]]:
    """The partners named by AGS or name (`digicheck.municipalities.named`), in the given order and without
    repeats; a German message for each entry that names none or several, and for too few or too many partners."""
    if len(entries) > MAX_PARTNERS:
        return [], [
            f"Bitte nennen Sie höchstens {MAX_PARTNERS} Kommunen (genannt: {len(entries)}); "
            "mehr Linien lassen sich im Radar nicht unterscheiden."
        ]
    chosen, errors = named(entries)
    if not errors and len(chosen) < MIN_PARTNERS:
        errors.append(f"Bitte nennen Sie mindestens {MIN_PARTNERS} verschiedene Kommunen.")
    return chosen, errors


@dataclass(frozen=True)
class Partner:
    """One municipality of the group with its latest submitted round (None: no submitted assessment)
    and `facts`, the plain partner the comparisons in `scoring.ikz` work on."""

    municipality: Municipality
    assessment: Assessment | None
    newest: Assessment | None
    facts: ikz.Partner

    @property
    def name(self) -> str:
        return self.municipality.name

    @property
    def profile(self) -> Profile | None:
        return self.facts.profile

    @property
    def validated(self) -> dict[str, int]:
        """The validated level per area id, where a consultant set one."""
        return dict(self.facts.validated)

    def self_level(self, area_id: str) -> int | None:
        return self.facts.self_level(area_id)

    def level(self, area_id: str) -> int | None:
        return self.facts.level(area_id)


@dataclass(frozen=True)
class Group:
    as_of: date
    q: Questionnaire
    partners: tuple[Partner, ...]
    comparison: Comparison
    series: tuple[Series, ...]
    chart_svg: str | None

    @property
    def help(self) -> tuple[HelpLine, ...]:
        return self.comparison.help

    @property
    def modules(self) -> tuple[GroupModule, ...]:
        return self.comparison.modules

    @property
    def funding(self) -> tuple[GroupFunding, ...]:
        return self.comparison.funding

    @property
    def assessed(self) -> list[Partner]:
        return [p for p in self.partners if p.profile is not None]

    @property
    def missing(self) -> list[Partner]:
        return [p for p in self.partners if p.profile is None]

    @property
    def population(self) -> int:
        return sum(p.municipality.population for p in self.partners)


@dataclass(frozen=True)
class IkzPage:
    """The IKZ page: the group's comparison, or the messages for the partners that could not be resolved."""

    group: Group | None
    errors: tuple[str, ...] = ()
    max_partners: int = MAX_PARTNERS


def ikz_page(entries: list[str] | None, as_of: date) -> IkzPage:
    """The comparison for the named partners; None (an invalid form) or unresolved entries: no group."""
    if entries is None:
        return IkzPage(None)
    partners, errors = resolve(entries)
    return IkzPage(None, tuple(errors)) if errors else IkzPage(group(partners, as_of))


def group(municipalities: list[Municipality], as_of: date) -> Group:
    """Profiles, advice and the comparisons for the chosen municipalities (in their order), as of `as_of`."""
    rounds = db.session.scalars(
        select(Assessment).where(Assessment.municipality_id.in_([m.id for m in municipalities])).order_by(Assessment.round)
    )
    newest: dict[int, Assessment] = {}
    done: dict[int, Assessment] = {}
    for one in rounds:
        newest[one.municipality_id] = one
        if one.submitted:
            done[one.municipality_id] = one
    profiles = profiles_of(list(done.values()))
    validated = latest_validated_levels([a.id for a in done.values()])
    partners = []
    for m in municipalities:
        assessment = done.get(m.id)
        if assessment is None:
            partners.append(Partner(m, None, newest.get(m.id), ikz.Partner(m.name)))
            continue
        q, profile = profiles[assessment.id]
        advice = advise(q, profile, municipality_facts(m), as_of=as_of, catalogue=catalogue(q))
        levels = {area_id: v.level for area_id, v in validated.get(assessment.id, {}).items()}
        partners.append(Partner(m, assessment, newest[m.id], ikz.Partner(m.name, q, profile, levels, advice)))
    latest = questionnaire()
    facts = [p.facts for p in partners]
    series = partner_series(latest, facts)
    chart_svg = svg_charts.level_radar([a.name for a in latest.areas], series, element_id="radar") if series else None
    return Group(as_of, latest, tuple(partners), ikz.compare(latest, catalogue(latest), facts, as_of), tuple(series), chart_svg)
