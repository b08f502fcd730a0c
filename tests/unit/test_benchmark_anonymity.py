"""The k rule and the differencing guard."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.benchmark import guard, publishable
from scoring.benchmark.anonymity import overlaps


def ids(start: int, stop: int) -> set[int]:
    return set(range(start, stop))


def test_k_rule() -> None:
    assert publishable(5) and not publishable(4)
    assert publishable(3, k=3) and not publishable(2, k=3)
    result = guard({"Kreis A": ids(0, 4), "Kreis B": ids(4, 9)})
    assert result.published == ["Kreis B"]
    assert "Weniger als 5" in result.suppressed["Kreis A"]
    assert guard({"Kreis A": ids(0, 4)}, k=4).published == ["Kreis A"]


def test_regierungsbezirk_of_six_with_kreis_of_five() -> None:
    result = guard({"Kreis": ids(0, 5), "Regierungsbezirk": ids(0, 6)})
    assert result.published == ["Regierungsbezirk"]
    decision = result["Kreis"]
    assert not decision.published and decision.conflicts_with == "Regierungsbezirk"
    assert "„Regierungsbezirk“" in decision.reason and not any(c.isdigit() for c in decision.reason.replace("als 5", ""))


def test_kreis_and_kreis_minus_one_size_class() -> None:
    kreis = ids(0, 12)  # 0-1 are the only small municipalities
    without_small = ids(2, 12)
    result = guard({"Kreis": kreis, "Kreis ohne unter 5.000": without_small})
    assert result.published == ["Kreis"]
    # with five small municipalities the difference is itself a publishable group
    assert guard({"Kreis": ids(0, 15), "Kreis ohne unter 5.000": ids(5, 15)}).suppressed == {}


def test_kreis_by_size_class_cells_against_the_kreis() -> None:
    kreis = ids(0, 13)
    cells = {"klein": ids(0, 6), "mittel": ids(6, 11), "groß": ids(11, 13)}
    result = guard({"Kreis": kreis, **cells})
    # "groß" has 2 (k rule); "klein" leaves 7 and "mittel" 8 in the rest of the Kreis: both fine
    assert set(result.published) == {"Kreis", "klein", "mittel"}


def test_small_overlap_is_refused() -> None:
    # A and B share one member: A, B and A∪B together would give it away
    result = guard({"A": ids(0, 10), "B": ids(9, 20)})
    assert result.published == ["B"]


def test_overlaps_by_hand() -> None:
    sizes, a, b, inter = overlaps([np.array([1, 2, 3]), np.array([3, 4]), np.array([9]), np.array([2, 3, 4])])
    assert list(sizes) == [3, 2, 1, 3]
    assert sorted(zip(a.tolist(), b.tolist(), inter.tolist(), strict=True)) == [(0, 1, 1), (0, 3, 2), (1, 3, 2)]


def test_disjoint_groups_and_identical_groups_are_unaffected() -> None:
    assert guard({"A": ids(0, 5), "B": ids(5, 10), "C": ids(10, 16)}).suppressed == {}
    assert guard({"Kreis": ids(0, 7), "Kreis, nur Gemeinden": ids(0, 7)}).suppressed == {}


def test_masks_and_ids_give_the_same_decisions() -> None:
    n = 20
    a, b = np.zeros(n, bool), np.zeros(n, bool)
    a[:10], b[:12] = True, True
    assert guard({"a": a, "b": b}).published == guard({"a": ids(0, 10), "b": ids(0, 12)}).published == ["b"]


def test_overlaps_at_national_scale_stay_fast() -> None:
    rng = np.random.default_rng(1)
    n = 10_800
    kreis, size = rng.integers(0, 400, n), rng.integers(0, 6, n)
    rb = kreis // 10
    groups = {("land", 0): np.arange(n)}
    for name, values, count in (("kreis", kreis, 400), ("rb", rb, 40), ("size", size, 6)):
        for v in range(count):
            groups[(name, v)] = np.flatnonzero(values == v)
    result = guard(groups)
    assert len(result.decisions) == 447
    sizes, a, b, inter = overlaps([np.asarray(g) for g in groups.values()])
    assert sizes[0] == n and sizes.sum() == 4 * n
    # every member is in 4 groups: 6 pairs each
    assert inter.sum() == 6 * n and (a < b).all()


group_systems = st.integers(min_value=1, max_value=6).flatmap(
    lambda k: st.tuples(
        st.just(k),
        st.lists(st.frozensets(st.integers(0, 40), max_size=30), min_size=1, max_size=12),
    )
)


@settings(max_examples=200, deadline=None)
@given(group_systems)
def test_no_published_pair_allows_differencing(system: tuple[int, list[frozenset[int]]]) -> None:
    k, sets = system
    result = guard({i: s for i, s in enumerate(sets)}, k=k)
    published = [sets[i] for i in result.published]
    for group in published:
        assert len(group) >= k
    for i, a in enumerate(published):
        for b in published[i + 1 :]:
            if a & b:
                for region in (a - b, b - a, a & b):
                    assert len(region) == 0 or len(region) >= k
    # nothing is suppressed without cause: too small, or in conflict with a published group
    for decision in result.decisions:
        if decision.published:
            continue
        group = sets[decision.key]
        assert decision.reason
        if len(group) >= k:
            other = sets[decision.conflicts_with]
            assert decision.conflicts_with in result.published and group & other
            assert any(0 < len(r) < k for r in (group - other, other - group, group & other))


def test_land_minus_every_published_kreis_is_refused() -> None:
    # three Kreise of 6, 7 and 2: the Land minus the two shown Kreise would describe the 2
    groups = {"Land": ids(0, 15), "Kreis A": ids(0, 6), "Kreis B": ids(6, 13), "Kreis C": ids(13, 15)}
    families = {"Kreis A": "kreis", "Kreis B": "kreis", "Kreis C": "kreis"}
    assert guard(groups).published == ["Land", "Kreis A", "Kreis B"]  # pairs alone miss it
    result = guard(groups, families=families)
    assert result.published == ["Land", "Kreis B"]
    assert result["Kreis A"].conflicts_with == "Land"
    assert "„Land“ abzüglich" in result["Kreis A"].reason and "2" not in result["Kreis A"].reason  # no size of the rest


def test_cells_of_one_family_must_be_disjoint() -> None:
    with pytest.raises(ValueError):
        guard({"A": ids(0, 6), "B": ids(5, 12)}, families={"A": "kreis", "B": "kreis"})


partition_systems = st.tuples(
    st.integers(min_value=2, max_value=5),
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3), st.booleans()), min_size=1, max_size=60),
)


@settings(max_examples=200, deadline=None)
@given(partition_systems)
def test_no_total_minus_published_cells_is_small(system: tuple[int, list[tuple[int, int, bool]]]) -> None:
    """Land, Regierungsbezirke (cells of Land) and Kreise (cells of their RB): every published
    total minus the published cells of one family inside it holds none or at least k."""
    k, members = system
    groups: dict[tuple[str, int], set[int]] = {("land", 0): set()}
    for member, (kreis, rb_bit, present) in enumerate(members):
        if not present:
            continue
        rb = (kreis + rb_bit) % 2
        groups[("land", 0)].add(member)
        groups.setdefault(("rb", rb), set()).add(member)
        groups.setdefault(("kreis", kreis * 2 + rb), set()).add(member)
    families = {key: key[0] for key in groups if key[0] != "land"}
    result = guard(groups, k=k, families=families)
    published = set(result.published)
    for total in published:
        for family in ("rb", "kreis"):
            cells = [key for key in published if key[0] == family and groups[key] <= groups[total] and key != total]
            if cells:
                rest = len(groups[total]) - sum(len(groups[c]) for c in cells)
                assert rest == 0 or rest >= k
    for i, a in enumerate(sorted(published)):
        for b in sorted(published)[i + 1 :]:
            if groups[a] & groups[b]:
                for region in (groups[a] - groups[b], groups[b] - groups[a], groups[a] & groups[b]):
                    assert len(region) == 0 or len(region) >= k


def test_priority_lets_the_larger_optional_group_give_way() -> None:
    # Hessen 40, Bayern 3: Deutschland minus Hessen would describe the three Bavarian municipalities
    groups = {"Deutschland": ids(0, 43), "Hessen": ids(0, 40), "Bayern": ids(40, 43)}
    assert guard(groups).published == ["Deutschland"]  # by size the Land gives way
    result = guard(groups, priority={"Deutschland": 1})
    assert result.published == ["Hessen"]
    assert result["Deutschland"].conflicts_with == "Hessen" and "„Hessen“" in result["Deutschland"].reason
    # with five Bavarian municipalities both totals may stand
    assert guard({"Deutschland": ids(0, 45), "Hessen": ids(0, 40)}, priority={"Deutschland": 1}).suppressed == {}
