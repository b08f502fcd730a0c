"""Match funding programmes against one municipality: fit, conditions, amount, status.

Rules (data in funding.yaml, see docs/advice.md):
- eligible: the municipality's kind is listed and its population within bounds
  (unknown when no `MunicipalityFacts` are given);
- fit "no" when not eligible, or when the programme names weaknesses it
  addresses and all of them are answered and none is weak; "yes" when eligible,
  a weakness it addresses shows (if it names any) and every condition is met;
  otherwise "conditional" (check the open or unmet conditions and answers);
- each condition is met / unknown / not_met from one answer, or unknown when
  no answer covers it;
- status on the assessment date from the application deadline (or, without
  one, the end of funding): open, closing within 90 days, ended on DATE.
Every programme keeps its place in the list after it ended: as history and as
the pattern a successor programme will follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from scoring.advice.catalogue import AmountRule, Programme
from scoring.advice.rules import DateStatus, ItemFacts, WeakItem, status_on
from scoring.conditions import CheckStatus
from scoring.kinds import KINDS
from scoring.words import count

Fit = Literal["yes", "conditional", "no"]


@dataclass(frozen=True)
class MunicipalityFacts:
    """What the advice needs to know about the municipality beyond its answers."""

    kind: str
    population: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unbekannte Art von Kommune '{self.kind}' (erlaubt: {', '.join(KINDS)})")
        if self.population is not None and (isinstance(self.population, bool) or self.population < 0):
            raise ValueError("die Einwohnerzahl muss eine ganze Zahl ab 0 sein")


@dataclass(frozen=True)
class ConditionResult:
    id: str
    text: str
    status: CheckStatus
    item: str | None
    answer: str | None
    note: str


@dataclass(frozen=True)
class Amount:
    """The computed amount; `value` is None when the answers do not allow computing it."""

    text: str
    value: float | None = None
    per_municipality: float | None = None
    partners: int | None = None
    grant_share: float | None = None
    own_share: float | None = None
    example: str = ""


@dataclass(frozen=True)
class FundingMatch:
    programme: Programme
    status: DateStatus
    eligible: bool | None
    fit: Fit
    reasons: tuple[str, ...]
    addresses: tuple[WeakItem, ...]
    conditions: tuple[ConditionResult, ...]
    amount: Amount


def euro(value: float) -> str:
    """German money format: 100.000 €, 12.500,50 €."""
    whole = f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return (whole[:-3] if whole.endswith(",00") else whole) + " €"


def grant_split(total: float, grant_share: float) -> tuple[float, float]:
    """(grant, own share) of a total, rounded to cents: 319.224 € at 75 % -> 239.418 € + 79.806 €."""
    grant = round(total * grant_share, 2)
    return grant, round(total - grant, 2)


def ikz_amount(partners: int, per_partner: float, cap: float | None, cap_above: int | None) -> float:
    """Per-partner grant, capped when more than `cap_above` partners (IKZ: 25.000 € each, max 100.000 € above three)."""
    value = partners * per_partner
    if cap is not None and (cap_above is None or partners > cap_above):
        value = min(value, cap)
    return value


def compute_amount(rule: AmountRule, facts: ItemFacts) -> Amount:
    partners = facts.number(rule.partners_item) if rule.partners_item else None
    if rule.kind == "share":
        assert rule.grant_share is not None
        example = ""
        if rule.example_total is not None:
            grant, own = grant_split(rule.example_total, rule.grant_share)
            example = f"{rule.example_label}: {euro(rule.example_total)} gesamt = {euro(grant)} Zuschuss + {euro(own)} Eigenanteil"
        return Amount(rule.text, grant_share=rule.grant_share, own_share=round(1 - rule.grant_share, 4), example=example)
    if rule.kind == "per_partner":
        assert rule.per_partner is not None
        if partners is None or partners < rule.min_partners:
            return Amount(rule.text, partners=partners)
        value = ikz_amount(partners, rule.per_partner, rule.cap, rule.cap_above)
        text = f"{euro(value)} für {partners} Kommunen ({rule.text})"
        return Amount(text, value=value, per_municipality=round(value / partners, 2), partners=partners)
    return Amount(rule.text)


def _eligible(programme: Programme, municipality: MunicipalityFacts | None) -> tuple[bool | None, list[str]]:
    if municipality is None:
        return None, ["Art und Größe der Kommune sind nicht angegeben; die Antragsberechtigung ist ungeprüft."]
    if municipality.kind not in programme.kinds:
        return False, [f"Das Programm richtet sich an {', '.join(programme.kinds)}, nicht an: {municipality.kind}."]
    population = municipality.population
    if population is not None and programme.population_min is not None and population < programme.population_min:
        return False, [f"Das Programm verlangt mindestens {programme.population_min:,} Einwohner.".replace(",", ".")]
    if population is not None and programme.population_max is not None and population > programme.population_max:
        return False, [f"Das Programm gilt nur bis {programme.population_max:,} Einwohner.".replace(",", ".")]
    if population is None and (programme.population_min is not None or programme.population_max is not None):
        return None, ["Die Einwohnerzahl ist nicht angegeben; die Größengrenze des Programms ist ungeprüft."]
    return True, _favoured(programme, population)


def _favoured(programme: Programme, population: int | None) -> list[str]:
    """The programme's note for municipalities of the size it names ("gerade kleinere Kommunen")."""
    low, high = programme.favoured_population_min, programme.favoured_population_max
    if not programme.favoured_note or (low is None and high is None) or population is None:
        return []
    if (low is None or population >= low) and (high is None or population <= high):
        people = f"{population:,}".replace(",", ".")  # German thousands separator, not in the note's own commas
        return [f"{programme.favoured_note} Mit {people} Einwohnern gehört die Kommune dazu."]
    return []


def _conditions(programme: Programme, facts: ItemFacts) -> tuple[ConditionResult, ...]:
    results = []
    for condition in programme.conditions:
        if condition.check is None:
            results.append(
                ConditionResult(
                    condition.id,
                    condition.text,
                    "unknown",
                    None,
                    None,
                    condition.note or "Kein Fragebogen-Item deckt diese Bedingung ab; vor Antragstellung prüfen.",
                )
            )
            continue
        item = condition.check.item
        results.append(ConditionResult(condition.id, condition.text, facts.check(condition.check), item, facts.label(item), condition.note))
    return tuple(results)


def match_programme(programme: Programme, facts: ItemFacts, municipality: MunicipalityFacts | None, as_of: date) -> FundingMatch:
    eligible, reasons = _eligible(programme, municipality)
    addresses = facts.weak(programme.addresses)
    open_items = facts.unanswered(programme.addresses)
    conditions = _conditions(programme, facts)
    if eligible is False:
        fit: Fit = "no"
    elif programme.addresses and not addresses and not open_items:
        fit = "no"
        reasons.append("Keine der Schwächen, auf die das Programm zielt, zeigt sich in den Antworten.")
    elif programme.addresses and not addresses:
        fit = "conditional"
        reasons.append(
            f"Keine Schwäche belegt, aber {count(len(open_items), 'Frage, bei der das Programm ansetzt, ist', 'Fragen, bei denen das Programm ansetzt, sind')} offen („Weiß nicht“)."
        )
    elif eligible and all(c.status == "met" for c in conditions):
        fit = "yes"
    else:
        fit = "conditional"
    if addresses:
        reasons.append(f"Das Programm setzt bei {count(len(addresses), 'schwachen Antwort', 'schwachen Antworten')} an.")
    not_met = [c for c in conditions if c.status == "not_met"]
    unknown = [c for c in conditions if c.status == "unknown"]
    if not_met:
        reasons.append(f"{count(len(not_met), 'Bedingung', 'Bedingungen')} laut Antworten nicht erfüllt.")
    if unknown:
        reasons.append(f"{count(len(unknown), 'Bedingung', 'Bedingungen')} offen; vor einem Antrag klären.")
    period = programme.period
    status = status_on(as_of, period.start, period.last_date)
    return FundingMatch(programme, status, eligible, fit, tuple(reasons), addresses, conditions, compute_amount(programme.amount, facts))


def match_funding(
    programmes: tuple[Programme, ...], facts: ItemFacts, municipality: MunicipalityFacts | None, as_of: date
) -> tuple[FundingMatch, ...]:
    """Every programme in catalogue order, ended ones included."""
    return tuple(match_programme(p, facts, municipality, as_of) for p in programmes)
