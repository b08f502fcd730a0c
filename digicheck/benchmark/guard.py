"""Which benchmark groups are published: the guard calls behind one report (see the
docstring of digicheck.benchmark.services for why the views are guarded as they are)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np

from scoring.benchmark import Decision, PeerGroup, guard


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


def decisions_for(
    members: dict[tuple[str, str], tuple[PeerGroup, np.ndarray]], types: dict[Hashable, np.ndarray], k: int, round_: int
) -> dict[Hashable, Decision[Hashable]]:
    """Every group's decision, taken from the guard call of its own view (module docstring)."""
    land, land_ids = members[("land", "all")]
    # Any: the peer-group decisions below are Decision[PeerGroup], the archetypes' Decision[TypeGroup]
    decided: dict[Hashable, Decision[Any]] = decide({land: land_ids}, {}, types, k, ("archetype", round_))
    for dim, dims in _VIEWS.items():
        view = {g: ids for (d, _), (g, ids) in members.items() if d == "land" or d in dims}
        result = guard(view, k, {g: (g.dimension.value, round_) for g in view if g.dimension.value in dims})
        decided.update({d.key: d for d in result.decisions if d.key.dimension.value == dim})
    trend = guard({g: ids for (d, _), (g, ids) in members.items() if d == "round"}, k)
    decided.update({d.key: d for d in trend.decisions})
    return decided


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
