"""Which benchmark groups are published: the guard calls behind one report (see the
docstring of digicheck.benchmark.services for why the views are guarded as they are)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from scoring.benchmark import Decision, Dimension, PeerGroup, guard
from scoring.laender import GERMANY, GERMANY_NAME, land_name


def decide(
    peers: dict[Hashable, np.ndarray], families: dict[Hashable, Hashable], types: dict[Hashable, np.ndarray], k: int, type_family: Hashable
) -> dict[Hashable, Decision[Hashable]]:
    """Guard the peer groups, then admit archetypes only where no published peer group has to give way.

    Peer groups are what the report is for; left to size order, a few large clusters
    would block most Kreise. The final decisions for the archetypes come from one guard
    call over the published peer groups and the admitted archetypes, so no two published
    groups conflict and the residual rule holds for the archetype family too.
    """
    first = guard(peers, k, families)
    decided: dict[Hashable, Decision[Hashable]] = {d.key: d for d in first.decisions}
    published = {key: peers[key] for key in first.published}
    kept_families = {key: families[key] for key in published if key in families}
    candidates = dict(types)
    while candidates:
        second = guard({**published, **candidates}, k, {**kept_families, **{t: type_family for t in candidates}})
        blocked = [d for d in second.decisions if d.key in published and not d.published]
        if not blocked:
            decided.update({d.key: d for d in second.decisions if d.key in candidates})
            return decided
        blockers = {d.conflicts_with: d.key for d in blocked if d.conflicts_with in candidates} or dict.fromkeys(candidates)
        for key, peer in blockers.items():
            name = getattr(peer, "label", "einer Vergleichsgruppe")
            reason = f"Zurückgehalten zugunsten von „{name}“: zusammen ließen sich Angaben über weniger als {k} Kommunen erschließen."
            decided[key] = Decision(key, len(candidates.pop(key)), False, reason, peer)
    return decided


#: What each view is guarded with besides the Land: its dimension, for Kreise also the Bezirke they nest in.
_VIEWS: dict[str, tuple[str, ...]] = {
    "regierungsbezirk": ("regierungsbezirk",),
    "kreis": ("regierungsbezirk", "kreis"),
    "size": ("size",),
    "kind": ("kind",),
}
#: Dimensions whose groups lie inside one Land: the same members in the Land's view and in "Deutschland".
_NESTED = ("regierungsbezirk", "kreis")


@dataclass(frozen=True)
class ScopedGroup:
    """Guard key of a group as one scope shows it: a Land's view (`scope` its key) or all of Germany."""

    scope: str
    group: PeerGroup
    #: more than one Land imported: size classes and kinds name their Land
    several: bool = False

    @property
    def label(self) -> str:
        if not self.several or self.scope == GERMANY or self.group.dimension not in (Dimension.SIZE, Dimension.KIND):
            return self.group.label
        return f"{self.group.label} ({land_name(self.scope)})"


@dataclass(frozen=True)
class Scopes:
    """The guard's view of every scope (module docstring of digicheck.benchmark.services): the groups of
    `shown` as the reader's scope sees them, with their decisions taken over all scopes together."""

    shown: dict[tuple[str, str], tuple[PeerGroup, np.ndarray]]
    decisions: dict[Hashable, Decision[Hashable]]


def land_total(scope: str, several: bool) -> PeerGroup:
    """The total of a scope: "Land: alle Kommunen" while the register holds one Land, else named."""
    if not several:
        return PeerGroup.of(Dimension.LAND, "all")
    return (
        PeerGroup(Dimension.LAND, "all", f"{GERMANY_NAME}: alle Länder")
        if scope == GERMANY
        else PeerGroup.of(Dimension.LAND, "all", land_name(scope))
    )


def _split(
    members: dict[tuple[str, str], tuple[PeerGroup, np.ndarray]], laender: list[str], several: bool
) -> dict[str, dict[tuple[str, str], tuple[PeerGroup, np.ndarray]]]:
    """Every scope's groups of the round from the Germany-wide ones: nested groups stay whole in their
    Land; the others are cut by Land; "Deutschland" keeps them all (only with more than one Land)."""
    scopes = [*laender, GERMANY] if len(laender) > 1 else list(laender)
    out: dict[str, dict[tuple[str, str], tuple[PeerGroup, np.ndarray]]] = {scope: {} for scope in scopes}
    top = max((int(ids.max()) for (_d, _k), (_g, ids) in members.items() if ids.size), default=0)
    code = np.full(top + 1, -1, dtype=np.int64)  # member id -> index of its Land in `laender`
    for n, land in enumerate(laender):
        code[members[("laender", land)][1]] = n
    for (dim, key), (group, ids) in members.items():
        if GERMANY in out:
            out[GERMANY][(dim, key)] = (land_total(GERMANY, several) if dim == "land" else group, ids)
        if dim == "laender":
            continue
        lands = code[ids]
        for n in [int(lands[0])] if lands.min() == lands.max() else np.unique(lands).tolist():
            part = ids if lands.min() == lands.max() else ids[lands == n]
            out[laender[n]][(dim, key)] = (land_total(laender[n], several) if dim == "land" else group, part)
    return out


def _germany_rule(
    result: dict[Hashable, Decision[Hashable]], cells: dict[ScopedGroup, list[ScopedGroup]], view: dict[ScopedGroup, np.ndarray], k: int
) -> list[ScopedGroup]:
    """The all-Germany groups that published Länder cells would reveal: G minus its published Land parts
    is 1..k-1 (the pairwise rule sees one Land at a time, not their sum)."""
    bad = []
    for whole, parts in cells.items():
        if whole in result and result[whole].published:
            rest = len(view[whole]) - sum(len(view[p]) for p in parts if result[p].published)
            if 0 < rest < k:
                bad.append(whole)
    return bad


def _guard_scoped(
    view: dict[ScopedGroup, np.ndarray], k: int, families: dict[ScopedGroup, Hashable], cells: dict[ScopedGroup, list[ScopedGroup]]
) -> dict[Hashable, Decision[Hashable]]:
    """One guard call over every scope (a Land's groups before the optional all-Germany ones), repeated
    without the all-Germany groups the Germany rule refuses until it holds."""
    priority = {key: 1 for key in view if key.scope == GERMANY}
    refused: dict[Hashable, Decision[Hashable]] = {}
    while True:
        kept = {key: ids for key, ids in view.items() if key not in refused}
        result: dict[Hashable, Decision[Any]] = {d.key: d for d in guard(kept, k, families, priority).decisions}
        bad = _germany_rule(result, cells, view, k)
        if not bad:
            return {**result, **refused}
        for whole in bad:
            biggest = max((p for p in cells[whole] if result[p].published), key=lambda p: len(view[p]))
            reason = f"Zurückgehalten: Zusammen mit den Angaben der einzelnen Länder ließen sich Angaben über weniger als {k} Kommunen erschließen."
            refused[whole] = Decision(whole, len(view[whole]), False, reason, biggest)


def scoped_decisions(
    members: dict[tuple[str, str], tuple[PeerGroup, np.ndarray]],
    years: dict[int, dict[str, np.ndarray]],
    types: dict[Hashable, np.ndarray],
    k: int,
    round_: int,
    scope: str,
    several: bool,
) -> Scopes:
    """Every group's decision for the reader's `scope` (a Land key or GERMANY), the same whichever scope
    is asked for: each view is guarded over all scopes at once, so "Deutschland" minus a Land, or a size
    class in Germany minus the same class in each Land, never describes fewer than k municipalities.

    `members` are the round's Germany-wide groups (dimension "laender": one per Land), `years` the
    members of every year by Land (the trend), `types` the archetypes of the reader's scope. With one
    Land only, "Deutschland" is that Land.
    """
    laender = sorted(key for dim, key in members if dim == "laender")
    land_of = {int(i): key for (dim, key), (_g, ids) in members.items() if dim == "laender" for i in ids}
    scoped = _split(members, laender, several)
    own = scope if scope in scoped else (laender[0] if scope == GERMANY and len(laender) == 1 else None)
    shown = dict(scoped.get(own, {})) if own else {}
    total_of = {s: ScopedGroup(s, land_total(s, several), several) for s in scoped}
    germany_cells = {total_of[GERMANY]: [total_of[land] for land in laender]} if GERMANY in scoped else {}
    totals = {key: scoped[key.scope][("land", "all")][1] for key in total_of.values()}
    decided: dict[Hashable, Decision[Any]] = dict(_guard_scoped(totals, k, {}, germany_cells))
    for dim, dims in _VIEWS.items():
        view: dict[ScopedGroup, np.ndarray] = dict(totals)
        families: dict[ScopedGroup, Hashable] = {}
        cells: dict[ScopedGroup, list[ScopedGroup]] = dict(germany_cells)
        for s, groups in scoped.items():
            for (d, key), (group, ids) in groups.items():
                if d in dims and (s != GERMANY or d not in _NESTED):
                    view[ScopedGroup(s, group, several)] = ids
                    families[ScopedGroup(s, group, several)] = (d, round_, "all" if d in _NESTED else s)
                    if s == GERMANY:
                        cells[ScopedGroup(s, group, several)] = [
                            ScopedGroup(x, scoped[x][(d, key)][0], several) for x in laender if (d, key) in scoped[x]
                        ]
        result = _guard_scoped(view, k, families, cells)
        decided.update({key: d for key, d in result.items() if isinstance(key, ScopedGroup) and key.group.dimension.value == dim})
    out: dict[Hashable, Decision[Any]] = {}
    for (d, key), (group, ids) in list(shown.items()):
        if d == "laender":
            decision = decided[total_of[key]]
        elif d in _NESTED:
            decision = decided[ScopedGroup(land_of[int(ids[0])], group, several)]
        else:
            decision = decided[ScopedGroup(str(own), group, several)]
        if d == "land" and scope != own:  # "Deutschland" with one Land's data: named as chosen
            group = land_total(scope, several)
            shown[(d, key)] = (group, ids)
        out[group] = _as_shown(decision, group)
    shown.update(_trend(years, k, scope, several, out))
    if ("land", "all") in shown:
        land_key, land_ids = shown[("land", "all")]
        typed = decide({land_key: land_ids}, {}, types, k, ("archetype", round_))
        out.update({key: d for key, d in typed.items() if key != land_key})
    return Scopes(shown, out)


def _trend(
    years: dict[int, dict[str, np.ndarray]], k: int, scope: str, several: bool, out: dict[Hashable, Decision[Any]]
) -> dict[tuple[str, str], tuple[PeerGroup, np.ndarray]]:
    """The trend's groups (every year of every scope, guarded together; carried-over answers make two
    years nearly a difference): those of the reader's scope, their decisions added to `out`."""
    laender = sorted({land for lands in years.values() for land in lands})
    own = scope if scope != GERMANY or len(laender) > 1 else (laender[0] if laender else scope)
    view: dict[ScopedGroup, np.ndarray] = {}
    cells: dict[ScopedGroup, list[ScopedGroup]] = {}
    for year, lands in sorted(years.items()):
        parts = {land: ScopedGroup(land, round_group(year, land, several)) for land in sorted(lands)}
        view.update({parts[land]: lands[land] for land in parts})
        if len(laender) > 1:
            whole = ScopedGroup(GERMANY, round_group(year, GERMANY, several))
            view[whole] = np.concatenate([lands[land] for land in parts])
            cells[whole] = list(parts.values())
    shown: dict[tuple[str, str], tuple[PeerGroup, np.ndarray]] = {}
    for key, decision in _guard_scoped(view, k, {}, cells).items():
        if isinstance(key, ScopedGroup) and key.scope == own:
            group = key.group if scope == own else round_group(int(key.group.key), scope, several)
            shown[("round", group.key)] = (group, view[key])
            out[group] = _as_shown(decision, group)
    return shown


def _as_shown(decision: Decision[Any], group: PeerGroup) -> Decision[Any]:
    """A decision keyed by the group as the report shows it; the conflicting group too."""
    other = decision.conflicts_with
    return replace(decision, key=group, conflicts_with=other.group if isinstance(other, ScopedGroup) else other)


def round_group(year: int, scope: str, several: bool) -> PeerGroup:
    """The trend's group of one year in one scope."""
    name = land_name(scope) if several else "alle Kommunen"
    return PeerGroup(Dimension.ROUND, str(year), f"Runde {year}: {name}")


def plan_decisions(
    cells: dict[tuple[str, str], np.ndarray], size_keys: frozenset[str], k: int
) -> dict[tuple[str, str], Decision[tuple[str, str]]]:
    """The plan view's cells, keyed (group key, measure key): one guard call per measure over
    the Land cell ("all") and its size-class cells, which are one family (residual rule).

    A cell's members are the municipalities that took the measure into their plan; all
    figures of a cell (taken in, done, median time to done) come from them. Different measures
    are different questions about the same municipalities, as areas are in the report, and
    are guarded apart: the view never shows a sum over measures.
    """
    by_measure: dict[str, dict[tuple[str, str], np.ndarray]] = {}
    for (gkey, measure), ids in cells.items():
        by_measure.setdefault(measure, {})[(gkey, measure)] = ids
    decided: dict[tuple[str, str], Decision[tuple[str, str]]] = {}
    for measure, groups in by_measure.items():
        ordered = dict(sorted(groups.items(), key=lambda item: item[0][0] != "all"))  # the Land first: it wins ties
        families = {key: ("size", measure) for key in ordered if key[0] in size_keys}
        decided.update({d.key: d for d in guard(ordered, k, families).decisions})
    return decided
