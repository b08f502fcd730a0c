"""Which consultation modules to run, in which order, and who pays for the days.

Rules (all data in modules.yaml, see docs/advice.md):
1. A module is called for when one of its `needs` items is answered below its
   threshold, unless its `skip_if` checks all hold (e.g. OZG basics known);
   unanswered items never call for a module, the skip reason names them.
2. A module whose prerequisite is not met (module 2: module 1 planned, or OZG
   basics known) pulls the first module its prerequisite names into the plan.
3. The plan is ordered by module number; prerequisites always have lower numbers.
4. Each contingent pays its first `free` planned modules; an extra slot pays its
   module when `when_planned` is also planned (module 2 via Starke Heimat Hessen).
5. A slot only pays while the module's funding period is open on `as_of`; after
   that the days are at the municipality's own cost and shown as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from scoring.advice.catalogue import Catalogue, Module, Prerequisite
from scoring.advice.rules import DateStatus, ItemFacts, WeakItem, status_on

Why = Literal["needed", "prerequisite"]


@dataclass(frozen=True)
class Slot:
    """The contingent or extra slot that pays for a module under the Land's rules."""

    id: str
    name: str
    paid_by: str


@dataclass(frozen=True)
class PlannedModule:
    module: Module
    why: Why
    required_by: tuple[str, ...]
    weak_items: tuple[WeakItem, ...]
    slot: Slot | None
    funding: DateStatus
    covered: bool

    @property
    def cost(self) -> Literal["contingent", "own"]:
        return "contingent" if self.covered else "own"


@dataclass(frozen=True)
class SkippedModule:
    module: Module
    reason: str


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


def _prerequisite_met(requires: Prerequisite, planned: set[str], facts: ItemFacts) -> bool:
    return any(m in planned for m in requires.modules) or any(facts.check(c) == "met" for c in requires.checks)


def _choose(catalogue: Catalogue, facts: ItemFacts) -> tuple[dict[str, tuple[WeakItem, ...]], set[str], dict[str, str]]:
    """Apply rules 1 and 2: (weak items per planned module, modules pulled in as prerequisites, skip reasons)."""
    chosen: dict[str, tuple[WeakItem, ...]] = {}
    skipped: dict[str, str] = {}
    for module in catalogue.modules:
        weak = facts.weak(module.needs)
        if module.skip_if and all(facts.check(c) == "met" for c in module.skip_if):
            skipped[module.id] = module.skip_reason
        elif weak:
            chosen[module.id] = weak
        else:
            open_items = facts.unanswered(module.needs)
            skipped[module.id] = "Keine Antwort im Fragebogen weist auf Bedarf für dieses Modul hin." + (
                f" {len(open_items)} der Fragen dazu sind offen („Weiß nicht“): {', '.join(open_items)}." if open_items else ""
            )
    pulled: set[str] = set()
    changed = True
    while changed:
        changed = False
        for module in catalogue.modules:
            requires = module.requires
            if module.id not in chosen or requires is None or not requires.modules:
                continue
            if _prerequisite_met(requires, set(chosen), facts):
                continue
            first = requires.modules[0]
            chosen[first] = facts.weak(catalogue.module(first).needs)
            skipped.pop(first, None)
            pulled.add(first)
            changed = True
    return chosen, pulled, skipped


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


def _slots(catalogue: Catalogue, order: list[Module]) -> dict[str, Slot]:
    """Apply rule 4 on the ordered plan, ignoring dates."""
    slots: dict[str, Slot] = {}
    planned = {m.id for m in order}
    for contingent in catalogue.contingents:
        members = [m for m in order if m.id in contingent.modules][: contingent.free]
        for module in members:
            slots[module.id] = Slot(contingent.id, contingent.name, contingent.paid_by)
    for extra in catalogue.extras:
        if extra.module in planned and extra.module not in slots and extra.when_planned in planned:
            slots[extra.module] = Slot(extra.id, extra.name, extra.paid_by)
    return slots


def _invitations(order: list[Module]) -> tuple[Invitation, ...]:
    groups: dict[str, list[int]] = {}
    for module in order:
        for group in module.target_groups:
            groups.setdefault(group, []).append(module.number)
    return tuple(Invitation(group, tuple(numbers)) for group, numbers in groups.items())


def plan_modules(catalogue: Catalogue, facts: ItemFacts, as_of: date) -> ModulePlan:
    """The ordered module plan with days split into contingent and own cost as of `as_of`."""
    chosen, pulled, skipped = _choose(catalogue, facts)
    order = sorted((catalogue.module(mid) for mid in chosen), key=lambda m: m.number)
    slots = _slots(catalogue, order)
    required_by = _required_by(order, facts)
    planned: list[PlannedModule] = []
    for module in order:
        funding = status_on(as_of, module.funded.start, module.funded.until)
        slot = slots.get(module.id)
        covered = slot is not None and funding.state in ("open", "closing")
        why: Why = "prerequisite" if module.id in pulled else "needed"
        planned.append(PlannedModule(module, why, tuple(required_by.get(module.id, ())), chosen[module.id], slot, funding, covered))
    total = sum(p.module.days for p in planned)
    contingent = sum(p.module.days for p in planned if p.covered)
    ended = sum(p.module.days for p in planned if p.slot is not None and not p.covered)
    return ModulePlan(
        as_of=as_of,
        modules=tuple(planned),
        skipped=tuple(
            SkippedModule(catalogue.module(mid), reason)
            for mid, reason in sorted(skipped.items(), key=lambda kv: catalogue.module(kv[0]).number)
        ),
        invite=_invitations(order),
        days_total=round(total, 2),
        days_contingent=round(contingent, 2),
        days_own=round(total - contingent, 2),
        days_contingent_ended=round(ended, 2),
    )
