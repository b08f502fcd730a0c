"""The IKZ group view: several municipalities' latest submitted profiles side by side.

Partners planning an interkommunale Zusammenarbeit want to know where one of them
is strong and another weak (who could help whom), which consultation modules
several of them need (and could book together), and what the Land's IKZ funding
pays for a group of their size (funding catalogue; source 000, section 4). The
group costs the same few queries however many partners it has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from digicheck import charts
from digicheck.extensions import db
from digicheck.models import Assessment, Municipality, ValidatedLevel
from digicheck.assess.advice import municipality_facts
from digicheck.assess.services import profiles_of
from digicheck.consult.queries import latest_validated_levels
from digicheck.content import catalogue, questionnaire
from scoring import Profile, Questionnaire
from scoring.advice import Advice, advise, ikz_amount, status_on
from scoring.advice.catalogue import Module, Programme, ProgrammeCondition
from scoring.advice.funding import ConditionResult, euro
from scoring.advice.render import status_label
from scoring.answers import answer_label, item_score

MIN_PARTNERS = 2
#: One line style per partner on the radar (charts.PALETTE); more lines could not be told apart.
MAX_PARTNERS = len(charts.PALETTE)
#: Partners this many levels apart in an area: the stronger one could help the weaker one.
HELP_GAP = 2
#: An item is named as a starting point when the stronger partner scores this much higher.
ITEM_GAP = 50.0
ITEMS_PER_LINE = 3
AGS = re.compile(r"^\d{5}(\d{3})?$", re.ASCII)


def _names(municipalities: list[Municipality]) -> str:
    return ", ".join(f"{m.name} ({m.kind}, {m.ags})" for m in municipalities)


def resolve(entries: list[str]) -> tuple[list[Municipality], list[str]]:
    """The municipalities named by AGS or name, in the given order and without repeats (one query);
    a German message for each entry that names none or several, and for too few or too many partners."""
    if len(entries) > MAX_PARTNERS:
        return [], [f"Bitte nennen Sie höchstens {MAX_PARTNERS} Kommunen (genannt: {len(entries)}); "
                    "mehr Linien lassen sich im Radar nicht unterscheiden."]
    errors = [f"„{e}“ ist kein Amtlicher Gemeindeschlüssel (8 Ziffern, für Landkreise 5)." for e in entries
              if e.isdigit() and not AGS.match(e)]
    codes = [e for e in entries if AGS.match(e)]
    names = [e for e in entries if not e.isdigit()]
    conditions = ([Municipality.ags.in_(codes)] if codes else []) + [Municipality.name.icontains(n, autoescape=True) for n in names]
    found = list(db.session.scalars(select(Municipality).where(or_(*conditions)).order_by(Municipality.name, Municipality.ags))) if conditions else []
    chosen: list[Municipality] = []
    for entry in entries:
        if entry.isdigit():
            matches = [m for m in found if m.ags == entry]
            if AGS.match(entry) and not matches:
                errors.append(f"Keine Kommune mit dem AGS {entry} gefunden.")
        else:
            matches = [m for m in found if m.name.casefold() == entry.casefold()]
            similar = [m for m in found if entry.casefold() in m.name.casefold()][:5]
            if len(matches) > 1:
                errors.append(f"„{entry}“ ist mehrdeutig: {_names(matches)}. Bitte geben Sie den AGS an.")
            elif not matches:
                errors.append(f"Keine Kommune heißt „{entry}“." + (f" Meinten Sie: {_names(similar)}?" if similar else ""))
        if len(matches) == 1 and matches[0] not in chosen:
            chosen.append(matches[0])
    if not errors and len(chosen) < MIN_PARTNERS:
        errors.append(f"Bitte nennen Sie mindestens {MIN_PARTNERS} verschiedene Kommunen.")
    return chosen, errors


@dataclass(frozen=True)
class Partner:
    """One municipality of the group with its latest submitted round (None: no submitted assessment)."""

    municipality: Municipality
    assessment: Assessment | None
    newest: Assessment | None
    q: Questionnaire | None
    profile: Profile | None
    validated: dict[str, ValidatedLevel]
    advice: Advice | None

    @property
    def name(self) -> str:
        return self.municipality.name

    def self_level(self, area_id: str) -> int | None:
        return next((a.level for a in self.profile.areas if a.id == area_id), None) if self.profile else None

    def level(self, area_id: str) -> int | None:
        """The level that counts: the validated one where a consultant set it, else the self-assessed one."""
        validated = self.validated.get(area_id)
        return validated.level if validated else self.self_level(area_id)


@dataclass(frozen=True)
class ItemGap:
    text: str
    strong_answer: str
    weak_answer: str


@dataclass(frozen=True)
class HelpLine:
    """In `area`, `helper` is at least HELP_GAP levels ahead of `helped`; `items` are where it shows most."""

    area: str
    helper: str
    helper_level: int
    helped: str
    helped_level: int
    items: tuple[ItemGap, ...]

    @property
    def text(self) -> str:
        return f"{self.area}: {self.helper} (Stufe {self.helper_level}) kann {self.helped} (Stufe {self.helped_level}) unterstützen."


@dataclass(frozen=True)
class GroupModule:
    """A consultation module the advice engine recommends to `partners` (joint: more than one)."""

    module: Module
    partners: tuple[str, ...]
    funding: str

    @property
    def joint(self) -> bool:
        return len(self.partners) > 1


@dataclass(frozen=True)
class ConditionRow:
    """A programme condition and its state per partner from its answers (None: no submitted assessment)."""

    condition: ProgrammeCondition
    partners: tuple[tuple[str, ConditionResult | None], ...]


@dataclass(frozen=True)
class GroupFunding:
    """A programme that pays per partner, computed for the group's size."""

    programme: Programme
    partners: int
    value: float | None
    calculation: str
    status: str
    conditions: tuple[ConditionRow, ...]
    not_eligible: tuple[str, ...]


@dataclass(frozen=True)
class Group:
    as_of: date
    q: Questionnaire
    partners: tuple[Partner, ...]
    help: tuple[HelpLine, ...]
    modules: tuple[GroupModule, ...]
    funding: tuple[GroupFunding, ...]

    @property
    def assessed(self) -> list[Partner]:
        return [p for p in self.partners if p.profile is not None]

    @property
    def missing(self) -> list[Partner]:
        return [p for p in self.partners if p.profile is None]

    @property
    def population(self) -> int:
        return sum(p.municipality.population for p in self.partners)


def group(municipalities: list[Municipality], as_of: date) -> Group:
    """Profiles, advice and the comparisons for the chosen municipalities (in their order), as of `as_of`."""
    rounds = db.session.scalars(
        select(Assessment).where(Assessment.municipality_id.in_([m.id for m in municipalities])).order_by(Assessment.round)
    )
    newest: dict[int, Assessment] = {}
    done: dict[int, Assessment] = {}
    for assessment in rounds:
        newest[assessment.municipality_id] = assessment
        if assessment.submitted:
            done[assessment.municipality_id] = assessment
    profiles = profiles_of(list(done.values()))
    validated = latest_validated_levels([a.id for a in done.values()])
    partners = []
    for m in municipalities:
        assessment = done.get(m.id)
        if assessment is None:
            partners.append(Partner(m, None, newest.get(m.id), None, None, {}, None))
            continue
        q, profile = profiles[assessment.id]
        advice = advise(q, profile, municipality_facts(m), as_of=as_of, catalogue=catalogue(q))
        partners.append(Partner(m, assessment, newest[m.id], q, profile, validated.get(assessment.id, {}), advice))
    latest = questionnaire()
    return Group(as_of, latest, tuple(partners), _help(latest, partners), _modules(partners), _funding(latest, partners, as_of))


def _item_gaps(area_id: str, strong: Partner, weak: Partner) -> tuple[ItemGap, ...]:
    assert strong.q and strong.profile and weak.q and weak.profile
    area = strong.q.area(area_id)
    gaps = []
    for item in area.items if area else ():
        weak_item = weak.q.item(item.id)
        if weak_item is None:
            continue
        high = item_score(item, strong.profile.answers.get(item.id))
        low = item_score(weak_item, weak.profile.answers.get(item.id))
        if isinstance(high, float) and isinstance(low, float) and high - low >= ITEM_GAP:
            gaps.append((high - low, ItemGap(item.text, answer_label(item, strong.profile.answers.get(item.id)),
                                             answer_label(weak_item, weak.profile.answers.get(item.id)))))
    gaps.sort(key=lambda pair: -pair[0])
    return tuple(gap for _, gap in gaps[:ITEMS_PER_LINE])


def _help(q: Questionnaire, partners: list[Partner]) -> tuple[HelpLine, ...]:
    """Who could help whom: per area, every pair of partners at least HELP_GAP levels apart, widest gap first."""
    lines = []
    for area in q.areas:
        levels = [(p, level) for p in partners if (level := p.level(area.id)) is not None]
        pairs = sorted(((s, sl, w, wl) for s, sl in levels for w, wl in levels if sl - wl >= HELP_GAP), key=lambda t: t[3] - t[1])
        lines += [HelpLine(area.name, s.name, sl, w.name, wl, _item_gaps(area.id, s, w)) for s, sl, w, wl in pairs]
    return tuple(lines)


def _modules(partners: list[Partner]) -> tuple[GroupModule, ...]:
    """Every recommended module with the partners it is recommended to, by module number."""
    found: dict[str, tuple[Module, list[str], str]] = {}
    for partner in partners:
        for planned in partner.advice.modules.modules if partner.advice else ():
            entry = found.setdefault(planned.module.id, (planned.module, [], status_label(planned.funding)))
            entry[1].append(partner.name)
    ordered = sorted(found.values(), key=lambda entry: entry[0].number)
    return tuple(GroupModule(module, tuple(names), funding) for module, names, funding in ordered)


def _calculation(programme: Programme, partners: int) -> tuple[float | None, str]:
    rule = programme.amount
    assert rule.per_partner is not None
    if partners < rule.min_partners:
        return None, f"Die Förderung setzt mindestens {rule.min_partners} Kommunen voraus."
    value = ikz_amount(partners, rule.per_partner, rule.cap, rule.cap_above)
    text = f"{partners} Kommunen × {euro(rule.per_partner)}"
    if rule.cap is not None and value < partners * rule.per_partner:
        limit = f"bei mehr als {rule.cap_above} Kommunen " if rule.cap_above is not None else ""
        text += f" = {euro(partners * rule.per_partner)}; {limit}höchstens {euro(rule.cap)}"
    return value, f"{euro(value)} für die Gruppe ({text})"


def _funding(q: Questionnaire, partners: list[Partner], as_of: date) -> tuple[GroupFunding, ...]:
    """The catalogue's programmes that pay per partner (the IKZ funding), for this group's size.

    Conditions come from each partner's answers (the same check as on its result page);
    partners without a submitted assessment count for the amount but cannot show conditions.
    """
    result = []
    for programme in catalogue(q).programmes:
        if programme.amount.kind != "per_partner":
            continue
        matches = {p.municipality.id: next(f for f in p.advice.funding if f.programme.id == programme.id) for p in partners if p.advice}
        rows = tuple(
            ConditionRow(condition, tuple(
                (p.name, next(c for c in matches[p.municipality.id].conditions if c.id == condition.id) if p.advice else None)
                for p in partners))
            for condition in programme.conditions
        )
        value, calculation = _calculation(programme, len(partners))
        period = programme.period
        status = status_label(status_on(as_of, period.start, period.last_date), period.apply_until is not None)
        not_eligible = tuple(f"{p.name}: {matches[p.municipality.id].reasons[0]}" for p in partners
                             if p.advice and matches[p.municipality.id].eligible is False)
        result.append(GroupFunding(programme, len(partners), value, calculation, status, rows, not_eligible))
    return tuple(result)


def radar_series(g: Group) -> list[charts.Series]:
    """One line per partner with a submitted assessment: the level that counts per area."""
    return [charts.Series(p.name, tuple(p.level(a.id) for a in g.q.areas)) for p in g.assessed]
