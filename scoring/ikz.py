"""IKZ comparisons: several municipalities' latest profiles side by side.

Partners planning an interkommunale Zusammenarbeit want to know where one of them
is strong and another weak (who could help whom), which consultation modules
several of them need (and could book together), and what the Land's IKZ funding
pays for a group of their size (funding catalogue; source 000, section 4).
Plain inputs (questionnaire, profile, advice, validated levels), plain results;
finding the partners and their rounds is the application's job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from scoring.advice.advise import Advice
from scoring.advice.catalogue import Catalogue, Module, Programme, ProgrammeCondition
from scoring.advice.funding import ConditionResult, FundingMatch, euro, ikz_amount
from scoring.advice.render import status_label
from scoring.advice.rules import status_on
from scoring.answers import answer_label, item_score
from scoring.model import Questionnaire
from scoring.profile import Profile
from scoring.radar import MAX_SERIES, Series, radar_series

MIN_PARTNERS = 2
#: One line style per partner on the radar; more lines could not be told apart.
MAX_PARTNERS = MAX_SERIES
#: Partners this many levels apart in an area: the stronger one could help the weaker one.
HELP_GAP = 2
#: An item is named as a starting point when the stronger partner scores this much higher.
ITEM_GAP = 50.0
ITEMS_PER_LINE = 3


@dataclass(frozen=True)
class Partner:
    """One municipality of the group; without `profile` (and `q`, `advice`) it has no submitted round.

    `validated` holds the levels a consultant validated, by area id.
    """

    name: str
    q: Questionnaire | None = None
    profile: Profile | None = None
    validated: Mapping[str, int] = field(default_factory=dict)
    advice: Advice | None = None

    @property
    def assessed(self) -> bool:
        return self.profile is not None

    def self_level(self, area_id: str) -> int | None:
        return next((a.level for a in self.profile.areas if a.id == area_id), None) if self.profile else None

    def level(self, area_id: str) -> int | None:
        """The level that counts: the validated one where a consultant set it, else the self-assessed one."""
        validated = self.validated.get(area_id)
        return validated if validated is not None else self.self_level(area_id)


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
    """A consultation module the advice recommends to `partners` (joint: more than one)."""

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
class Comparison:
    help: tuple[HelpLine, ...]
    modules: tuple[GroupModule, ...]
    funding: tuple[GroupFunding, ...]


def compare(q: Questionnaire, catalogue: Catalogue, partners: Sequence[Partner], as_of: date) -> Comparison:
    """Who can help whom (areas of `q`), the modules by partner, and the per-partner funding of `catalogue`."""
    return Comparison(help_lines(q, partners), group_modules(partners), group_funding(catalogue, partners, as_of))


def item_gaps(area_id: str, strong: Partner, weak: Partner) -> tuple[ItemGap, ...]:
    """The items of the area where `strong` scores at least ITEM_GAP points more, widest first, at most ITEMS_PER_LINE."""
    if not (strong.q and strong.profile and weak.q and weak.profile):
        raise ValueError("both partners need a submitted assessment")
    area = strong.q.area(area_id)
    gaps: list[tuple[float, ItemGap]] = []
    for item in area.items if area else ():
        weak_item = weak.q.item(item.id)
        if weak_item is None:
            continue
        strong_value, weak_value = strong.profile.answers.get(item.id), weak.profile.answers.get(item.id)
        high, low = item_score(item, strong_value), item_score(weak_item, weak_value)
        if isinstance(high, float) and isinstance(low, float) and high - low >= ITEM_GAP:
            gaps.append((high - low, ItemGap(item.text, answer_label(item, strong_value), answer_label(weak_item, weak_value))))
    gaps.sort(key=lambda pair: -pair[0])
    return tuple(gap for _, gap in gaps[:ITEMS_PER_LINE])


def help_lines(q: Questionnaire, partners: Sequence[Partner]) -> tuple[HelpLine, ...]:
    """Who could help whom: per area, every pair of partners at least HELP_GAP levels apart, widest gap first."""
    lines: list[HelpLine] = []
    for area in q.areas:
        levels = [(p, level) for p in partners if (level := p.level(area.id)) is not None]
        pairs = sorted(((s, sl, w, wl) for s, sl in levels for w, wl in levels if sl - wl >= HELP_GAP), key=lambda t: t[3] - t[1])
        lines += [HelpLine(area.name, s.name, sl, w.name, wl, item_gaps(area.id, s, w)) for s, sl, w, wl in pairs]
    return tuple(lines)


def group_modules(partners: Sequence[Partner]) -> tuple[GroupModule, ...]:
    """Every recommended module with the partners it is recommended to, by module number."""
    found: dict[str, tuple[Module, list[str], str]] = {}
    for partner in partners:
        for planned in partner.advice.modules.modules if partner.advice else ():
            entry = found.setdefault(planned.module.id, (planned.module, [], status_label(planned.funding)))
            entry[1].append(partner.name)
    ordered = sorted(found.values(), key=lambda entry: entry[0].number)
    return tuple(GroupModule(module, tuple(names), funding) for module, names, funding in ordered)


def funding_calculation(programme: Programme, partners: int) -> tuple[float | None, str]:
    """The amount a per-partner programme pays `partners` municipalities, and how it is computed (German)."""
    rule = programme.amount
    if rule.per_partner is None:
        raise ValueError(f"{programme.id} does not pay per partner")
    if partners < rule.min_partners:
        return None, f"Die Förderung setzt mindestens {rule.min_partners} Kommunen voraus."
    value = ikz_amount(partners, rule.per_partner, rule.cap, rule.cap_above)
    text = f"{partners} Kommunen × {euro(rule.per_partner)}"
    if rule.cap is not None and value < partners * rule.per_partner:
        limit = f"bei mehr als {rule.cap_above} Kommunen " if rule.cap_above is not None else ""
        text += f" = {euro(partners * rule.per_partner)}; {limit}höchstens {euro(rule.cap)}"
    return value, f"{euro(value)} für die Gruppe ({text})"


def _match(advice: Advice, programme: Programme) -> FundingMatch:
    return next(f for f in advice.funding if f.programme.id == programme.id)


def group_funding(catalogue: Catalogue, partners: Sequence[Partner], as_of: date) -> tuple[GroupFunding, ...]:
    """The catalogue's programmes that pay per partner (the IKZ funding), for this group's size.

    Conditions come from each partner's advice (the same check as on its result page);
    partners without a submitted assessment count for the amount but cannot show conditions.
    """
    result: list[GroupFunding] = []
    for programme in catalogue.programmes:
        if programme.amount.kind != "per_partner":
            continue
        matches = [_match(p.advice, programme) if p.advice else None for p in partners]
        rows = tuple(
            ConditionRow(
                condition,
                tuple(
                    (p.name, next(c for c in match.conditions if c.id == condition.id) if match else None)
                    for p, match in zip(partners, matches, strict=True)
                ),
            )
            for condition in programme.conditions
        )
        value, calculation = funding_calculation(programme, len(partners))
        period = programme.period
        status = status_label(status_on(as_of, period.start, period.last_date), period.apply_until is not None)
        not_eligible = tuple(
            f"{p.name}: {match.reasons[0]}"
            for p, match in zip(partners, matches, strict=True)
            if match is not None and match.eligible is False
        )
        result.append(GroupFunding(programme, len(partners), value, calculation, status, rows, not_eligible))
    return tuple(result)


def partner_series(q: Questionnaire, partners: Sequence[Partner]) -> list[Series]:
    """One radar line per partner with a submitted assessment: the level that counts per area."""
    return radar_series(q, [(p.name, {a: p.level(a) for a in q.area_ids}) for p in partners if p.assessed])
