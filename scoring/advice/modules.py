"""Which consultation modules to run, in which order, and who pays for the days.

Rules (all data in modules.yaml, see docs/advice.md):
1. A module whose `skip_if` checks all hold is left out with its skip reason.
   Otherwise it is called for when one of its `needs` items is answered below
   its threshold; a module marked `recommend_unless_skipped` (module 2) is also
   called for when a skip check is known not to hold.
2. A module that is neither called for nor skipped but rests on open answers
   ("Weiß nicht") is "erst klären" with the questions to clarify, not "no need".
3. A module whose prerequisite is not met (module 2: module 1 planned, or OZG
   basics known) pulls the first module its prerequisite names into the plan.
4. The plan is ordered by module number; prerequisites have lower numbers.
5. Each contingent pays `free` of its planned modules: the first by number, or
   (`choose: need`) the one with the larger need, with the reason given. The
   Land pays two modules in all, one of 1/2 and one of 3/4; more at own cost.
6. A slot only pays while the module's funding period is open on `as_of`; after
   that the days are at the municipality's own cost and shown as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from scoring.advice.catalogue import Catalogue, Contingent, Module, PlanNote, Prerequisite
from scoring.advice.clarify import OpenItems, OpenQuestion, low_coverage, open_among, questions
from scoring.advice.rules import DateStatus, ItemFacts, WeakItem, status_on
from scoring.model import Check, Citation
from scoring.words import count

Why = Literal["needed", "prerequisite"]


@dataclass(frozen=True)
class Slot:
    """The contingent that pays for a module under the Land's rules."""

    id: str
    name: str
    paid_by: str
    #: Where the contingent's rule comes from (ozg-report-2021, "Allgemeines").
    cite: Citation | None = None


@dataclass(frozen=True)
class PlannedModule:
    module: Module
    why: Why
    required_by: tuple[str, ...]
    weak_items: tuple[WeakItem, ...]
    slot: Slot | None
    funding: DateStatus
    covered: bool
    #: Why the module is planned when no answer is weak (module 2: its skip reason does not hold).
    reason: str = ""
    #: Why the contingent's free slot went to this module and not another one.
    slot_reason: str = ""
    #: The rule of the contingent the module belongs to, paid or not (ozg-report-2021, "Allgemeines").
    contingent_cite: Citation | None = None

    @property
    def cost(self) -> Literal["contingent", "own"]:
        return "contingent" if self.covered else "own"


@dataclass(frozen=True)
class SkippedModule:
    module: Module
    reason: str


@dataclass(frozen=True)
class ClarifyModule:
    """A module the answers can neither call for nor rule out: clarify these questions first."""

    module: Module
    questions: tuple[OpenQuestion, ...]


@dataclass(frozen=True)
class Invitation:
    group: str
    modules: tuple[int, ...]


@dataclass(frozen=True)
class ModulePlan:
    as_of: date
    modules: tuple[PlannedModule, ...]
    skipped: tuple[SkippedModule, ...]
    invite: tuple[Invitation, ...]
    days_total: float
    days_contingent: float
    days_own: float
    days_contingent_ended: float
    clarify: tuple[ClarifyModule, ...] = ()
    #: More than half of the questions that decide the modules are open: clarify before planning.
    low_coverage: bool = False
    notes: tuple[PlanNote, ...] = ()


def _prerequisite_met(requires: Prerequisite, planned: set[str], facts: ItemFacts) -> bool:
    return any(m in planned for m in requires.modules) or any(facts.check(c) == "met" for c in requires.checks)


def _check_text(facts: ItemFacts, check: Check) -> str:
    item = facts.questionnaire.item(check.item)
    assert item is not None
    return f"„{item.text}“ – {facts.label(check.item)}"


@dataclass
class _Choice:
    chosen: dict[str, tuple[WeakItem, ...]]
    reasons: dict[str, str]
    skipped: dict[str, str]
    clarify: dict[str, tuple[str, ...]]
    pulled: set[str]


def _choose(catalogue: Catalogue, facts: ItemFacts, open_items: OpenItems) -> _Choice:
    """Apply rules 1 to 3."""
    choice = _Choice({}, {}, {}, {}, set())
    for module in catalogue.modules:
        weak = facts.weak(module.needs)
        states = [facts.check(c) for c in module.skip_if]
        if module.skip_if and all(s == "met" for s in states):
            choice.skipped[module.id] = module.skip_reason
        elif weak:
            choice.chosen[module.id] = weak
        elif module.recommend_unless_skipped and "not_met" in states:
            failing = [_check_text(facts, c) for c, s in zip(module.skip_if, states, strict=True) if s != "met"]
            choice.chosen[module.id] = ()
            choice.reasons[module.id] = (
                f"Modul {module.number} entfiele nur, wenn alle diese Punkte erfüllt wären; nicht erfüllt oder offen: "
                + "; ".join(failing)
                + "."
            )
        else:
            deciding = [w.item for w in module.needs] + [c.item for c in module.skip_if]
            open_ids = open_among(open_items, deciding)
            if open_ids:
                choice.clarify[module.id] = open_ids
            else:
                choice.skipped[module.id] = "Kein Bedarf: Keine Antwort weist auf dieses Modul hin."
    changed = True
    while changed:
        changed = False
        for module in catalogue.modules:
            requires = module.requires
            if module.id not in choice.chosen or requires is None or not requires.modules:
                continue
            if _prerequisite_met(requires, set(choice.chosen), facts):
                continue
            first = requires.modules[0]
            choice.chosen[first] = facts.weak(catalogue.module(first).needs)
            choice.skipped.pop(first, None)
            choice.clarify.pop(first, None)
            choice.pulled.add(first)
            changed = True
    return choice


def _start_directly(catalogue: Catalogue, choice: _Choice, facts: ItemFacts) -> None:
    """A skipped module whose content a planned module takes as known: say where the municipality starts."""
    for module in catalogue.modules:
        requires = module.requires
        if module.id not in choice.chosen or requires is None or not any(facts.check(c) == "met" for c in requires.checks):
            continue
        for skipped in requires.modules:
            if skipped in choice.skipped:
                choice.skipped[skipped] += f" Mit diesen Vorkenntnissen beginnt die Kommune direkt mit Modul {module.number}."


def _required_by(order: list[Module], facts: ItemFacts) -> dict[str, list[str]]:
    """Which planned modules rely on another planned module because no check alternative holds."""
    planned = {m.id for m in order}
    result: dict[str, list[str]] = {}
    for module in order:
        requires = module.requires
        if requires is None or any(facts.check(c) == "met" for c in requires.checks):
            continue
        for required in requires.modules:
            if required in planned:
                result.setdefault(required, []).append(module.id)
                break
    return result


def need(weak: tuple[WeakItem, ...]) -> float:
    """How far the weak answers fall short of their thresholds, in points together."""
    return round(sum(w.below - w.score for w in weak), 1)


def _by_need(members: list[Module], chosen: dict[str, tuple[WeakItem, ...]], free: int) -> tuple[list[Module], str]:
    ranked = sorted(members, key=lambda m: (-need(chosen[m.id]), m.number))
    paid, rest = ranked[:free], ranked[free:]
    if not rest:
        return paid, ""

    def told(m: Module) -> str:
        weak = chosen[m.id]
        return f"Modul {m.number} mit {count(len(weak), 'schwachen Antwort', 'schwachen Antworten')}, zusammen {need(weak):g} Punkte unter den Schwellen"

    if need(chosen[paid[-1].id]) == need(chosen[rest[0].id]):
        return (
            paid,
            f"Gleicher Bedarf ({'; '.join(told(m) for m in paid + rest)}); der freie Platz geht an das Modul mit der kleineren Nummer.",
        )
    return paid, f"Größerer Bedarf – {'; '.join(told(m) for m in paid + rest)}."


def _slots(
    contingents: tuple[Contingent, ...], order: list[Module], chosen: dict[str, tuple[WeakItem, ...]]
) -> tuple[dict[str, Slot], dict[str, str]]:
    """Apply rule 5 on the ordered plan, ignoring dates: (slot per module, reason per paid module)."""
    slots: dict[str, Slot] = {}
    reasons: dict[str, str] = {}
    for contingent in contingents:
        members = [m for m in order if m.id in contingent.modules]
        if contingent.choose == "need":
            paid, reason = _by_need(members, chosen, contingent.free)
        else:
            paid, reason = members[: contingent.free], ""
        for module in paid:
            slots[module.id] = Slot(contingent.id, contingent.name, contingent.paid_by, contingent.cite)
            if reason:
                reasons[module.id] = reason
    return slots, reasons


def _invitations(order: list[Module]) -> tuple[Invitation, ...]:
    groups: dict[str, list[int]] = {}
    for module in order:
        for group in module.target_groups:
            groups.setdefault(group, []).append(module.number)
    return tuple(Invitation(group, tuple(numbers)) for group, numbers in groups.items())


def plan_modules(catalogue: Catalogue, facts: ItemFacts, as_of: date, open_items: OpenItems) -> ModulePlan:
    """The ordered module plan with days split into contingent and own cost as of `as_of`.

    `open_items` maps area ids to the item ids still open ("Weiß nicht" or unanswered).
    """
    choice = _choose(catalogue, facts, open_items)
    _start_directly(catalogue, choice, facts)
    order = sorted((catalogue.module(mid) for mid in choice.chosen), key=lambda m: m.number)
    slots, slot_reasons = _slots(catalogue.contingents, order, choice.chosen)
    required_by = _required_by(order, facts)
    planned: list[PlannedModule] = []
    for module in order:
        funding = status_on(as_of, module.funded.start, module.funded.until)
        slot = slots.get(module.id)
        covered = slot is not None and funding.state in ("open", "closing")
        why: Why = "prerequisite" if module.id in choice.pulled else "needed"
        planned.append(
            PlannedModule(
                module,
                why,
                tuple(required_by.get(module.id, ())),
                choice.chosen[module.id],
                slot,
                funding,
                covered,
                choice.reasons.get(module.id, ""),
                slot_reasons.get(module.id, ""),
                next((c.cite for c in catalogue.contingents if module.id in c.modules), None),
            )
        )
    total = sum(p.module.days for p in planned)
    contingent = sum(p.module.days for p in planned if p.covered)
    ended = sum(p.module.days for p in planned if p.slot is not None and not p.covered)
    deciding = [w.item for m in catalogue.modules for w in m.needs] + [c.item for m in catalogue.modules for c in m.skip_if]
    return ModulePlan(
        as_of=as_of,
        modules=tuple(planned),
        skipped=tuple(
            SkippedModule(catalogue.module(mid), reason)
            for mid, reason in sorted(choice.skipped.items(), key=lambda kv: catalogue.module(kv[0]).number)
        ),
        invite=_invitations(order),
        days_total=round(total, 2),
        days_contingent=round(contingent, 2),
        days_own=round(total - contingent, 2),
        days_contingent_ended=round(ended, 2),
        clarify=tuple(
            ClarifyModule(catalogue.module(mid), questions(facts.questionnaire, ids))
            for mid, ids in sorted(choice.clarify.items(), key=lambda kv: catalogue.module(kv[0]).number)
        ),
        low_coverage=low_coverage(open_items, deciding),
        notes=catalogue.notes,
    )
