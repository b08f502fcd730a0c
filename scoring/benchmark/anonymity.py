"""Which group figures may be published without exposing a single municipality.

Two rules, applied to all groups that appear together (one report, one export):

1. **k rule**: no figure from fewer than `k` submitted assessments (default 5).
2. **Differencing guard**: for every two published groups A and B that overlap,
   each region of their Venn diagram, A\\B, B\\A and A∩B, holds either nobody or at
   least `k` members. Otherwise subtracting the two figures (counts, sums, level
   distributions are additive) describes fewer than k municipalities: a
   Regierungsbezirk of 6 and a Kreis of 5 inside it give away the sixth; a Kreis
   and "the Kreis without its small towns" give away the small towns. A∩B is
   covered too because A, B and A∪B published together give A∩B away.
3. **Residual rule** (secondary suppression, as statistical offices do it), for groups
   that are cells of one partition (a *family*: all Kreise of a round, all size
   classes …): a published total T minus the published cells of one family inside T
   leaves the members of T in suppressed cells; that rest must be 0 or ≥ k. The Land
   minus every published Kreis would otherwise give away the two municipalities of
   a Kreis that was too small to show. The smallest published cell gives way, which
   makes the rest at least k at once.

Suppression is greedy and deterministic: groups are considered from the largest to
the smallest (ties: input order), and a group is published only if it conflicts with
no group already published. Big groups (Land, Regierungsbezirk) carry more readers
and less risk, so the small group gives way. A caller may rank groups first by a
`priority` (lower first): the groups of a Land's own view come before those of the
optional all-Germany view, so that a small second Land suppresses "Deutschland", not
Hessen. By construction no two published groups conflict.

Limits (docs/benchmark.md): the guard looks at pairs and at totals against one
family. Other linear combinations across several families (Kreise and size classes
together isolating one municipality that is the only link between them) are not
searched for; the report layer therefore publishes single dimensions per round, not
free cross-tabulations. Members are identified by what the caller
passes: pass municipality ids (not assessment ids) when groups of different rounds
appear together, because answers are carried over between rounds.

Efficiency: intersections are counted from the members' side (each member adds one
to every pair of groups it is in), so only overlapping pairs are ever touched; the
cost grows with members × (groups per member)², not with municipalities² or with a
dense groups × groups matrix. 100,000 assessments in 4,500 groups take well under a
second.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

#: Minimum number of submitted assessments behind any published figure.
DEFAULT_K = 5

K = TypeVar("K", bound=Hashable)
#: A group's members: a boolean mask over one shared universe, or member ids
#: (one form per call: mask positions and ids are both read as member numbers).
Members = np.ndarray | Collection[int]


@dataclass(frozen=True)
class Decision(Generic[K]):
    """Whether one group is published; `reason` (German) says why not."""

    key: K
    size: int
    published: bool
    reason: str = ""
    conflicts_with: K | None = None


@dataclass(frozen=True)
class GuardResult(Generic[K]):
    """All decisions in input order."""

    decisions: tuple[Decision[K], ...]
    k: int

    @property
    def published(self) -> list[K]:
        return [d.key for d in self.decisions if d.published]

    @property
    def suppressed(self) -> dict[K, str]:
        return {d.key: d.reason for d in self.decisions if not d.published}

    def __getitem__(self, key: K) -> Decision[K]:
        for decision in self.decisions:
            if decision.key == key:
                return decision
        raise KeyError(key)


def _name(key: Hashable) -> str:
    return str(getattr(key, "label", key))


def publishable(count: int, k: int = DEFAULT_K) -> bool:
    """The k rule for a single figure: at least k assessments behind it."""
    return count >= k


def _member_ids(members: Members) -> np.ndarray:
    array = np.asarray(members if isinstance(members, np.ndarray) else list(members))
    if array.dtype == bool:
        return np.flatnonzero(array)
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise TypeError("members must be a boolean mask or integer ids")
    return np.unique(array.astype(np.int64))


def overlaps(groups: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(sizes, a, b, |a∩b|) for every pair of groups a < b that share a member.

    Each member contributes the pairs of the groups it is in, so the cost is about
    members × (groups per member)², never municipalities² or a dense groups² matrix.
    """
    sizes = np.array([len(ids) for ids in groups], dtype=np.int64)
    empty = np.empty(0, dtype=np.int64)
    if sizes.sum() == 0:
        return sizes, empty, empty, empty
    group_of = np.repeat(np.arange(len(groups), dtype=np.int64), sizes)
    member = np.concatenate(groups).astype(np.int64, copy=False)
    order = np.lexsort((group_of, member))
    member, group_of = member[order], group_of[order]
    starts = np.flatnonzero(np.r_[True, member[1:] != member[:-1]])
    counts = np.diff(np.r_[starts, member.size])
    remaining = np.repeat(starts + counts, counts) - np.arange(member.size)  # own slot included
    codes = [group_of[i] * len(groups) + group_of[i + d] for d in range(1, int(counts.max())) for i in [np.flatnonzero(remaining > d)]]
    if not codes:
        return sizes, empty, empty, empty
    pairs, inter = np.unique(np.concatenate(codes), return_counts=True)
    return sizes, pairs // len(groups), pairs % len(groups), inter.astype(np.int64)


def conflicts(sizes: np.ndarray, a: np.ndarray, b: np.ndarray, inter: np.ndarray, k: int) -> np.ndarray:
    """Which overlapping pairs must not both be published: a Venn region of 1..k-1 members."""

    def small(region: np.ndarray) -> np.ndarray:
        return (region > 0) & (region < k)

    refused: np.ndarray = small(sizes[a] - inter) | small(sizes[b] - inter) | small(inter)
    return refused


def _residual_suppression(
    keys: list[K],
    sizes: np.ndarray,
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
    families: Mapping[K, Hashable],
    published: np.ndarray,
    decisions: dict[int, Decision[K]],
    k: int,
) -> None:
    """Rule 3: a published total minus the published cells of one family inside it is 0 or ≥ k."""
    family = [families.get(key) for key in keys]
    inside: dict[int, list[int]] = {}
    for x, y, both in zip(*(p.tolist() for p in pairs), strict=True):
        if family[x] is not None and family[x] == family[y]:
            raise ValueError(f"groups of one family must be disjoint: {_name(keys[x])}, {_name(keys[y])}")
        for cell, total in ((x, y), (y, x)):
            if both == sizes[cell] and family[cell] is not None:
                inside.setdefault(total, []).append(cell)
    changed = True
    while changed:
        changed = False
        for total in sorted(inside, key=lambda i: (-sizes[i], i)):
            cells_by_family: dict[Hashable, list[int]] = {}
            for cell in inside[total]:
                if published[cell]:
                    cells_by_family.setdefault(family[cell], []).append(cell)
            for cells in cells_by_family.values() if published[total] else ():
                rest = int(sizes[total] - sum(int(sizes[c]) for c in cells))
                if 0 < rest < k:
                    cell = min(cells, key=lambda i: (sizes[i], i))
                    published[cell], changed = False, True
                    reason = (
                        f"Zurückgehalten: „{_name(keys[total])}“ abzüglich der übrigen veröffentlichten Gruppen "
                        f"dieser Art ergäbe Angaben über weniger als {k} Kommunen."
                    )
                    decisions[cell] = Decision(keys[cell], int(sizes[cell]), False, reason, keys[total])
                    break


def guard(
    groups: Mapping[K, Members],
    k: int = DEFAULT_K,
    families: Mapping[K, Hashable] | None = None,
    priority: Mapping[K, int] | None = None,
) -> GuardResult[K]:
    """Decide which groups to publish under the k rule and the differencing guard.

    `families` maps groups that are cells of one partition (one dimension in one round,
    e.g. all Kreise of 2026) to a common family key; it enables rule 3. `priority`
    (default 0, lower first) orders groups before their size does.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    keys = list(groups)
    sizes, a, b, inter = overlaps([_member_ids(groups[key]) for key in keys])
    bad = conflicts(sizes, a, b, inter, k)
    # both directions, sorted by group: neighbours[g] = rows start[g]:start[g + 1]
    first, second = np.r_[a[bad], b[bad]], np.r_[b[bad], a[bad]]
    order = np.argsort(first, kind="stable")
    first, second = first[order], second[order]
    start = np.searchsorted(first, np.arange(len(keys) + 1))
    published = np.zeros(len(keys), dtype=bool)
    decisions: dict[int, Decision[K]] = {}
    rank = [priority.get(key, 0) for key in keys] if priority else [0] * len(keys)
    for g in sorted(range(len(keys)), key=lambda i: (rank[i], -sizes[i], i)):
        size = int(sizes[g])
        if size < k:
            reason = f"Weniger als {k} abgeschlossene Bewertungen."
            decisions[g] = Decision(keys[g], size, False, reason)
            continue
        rows = np.arange(start[g], start[g + 1])
        blocking = rows[published[second[rows]]]
        if blocking.size:
            row = int(blocking[np.argmin(second[blocking])])
            other = int(second[row])
            reason = f"Zurückgehalten: Zusammen mit „{_name(keys[other])}“ ließen sich Angaben über weniger als {k} Kommunen erschließen."
            decisions[g] = Decision(keys[g], size, False, reason, keys[other])
            continue
        published[g] = True
        decisions[g] = Decision(keys[g], size, True)
    if families:
        _residual_suppression(keys, sizes, (a, b, inter), families, published, decisions, k)
    return GuardResult(tuple(decisions[g] for g in range(len(keys))), k)
