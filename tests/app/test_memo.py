"""The bounded per-worker caches: never more entries than their size, the least recently used go first."""

from __future__ import annotations

from digicheck import memo


def test_a_full_cache_drops_the_entry_used_longest_ago() -> None:
    kept: memo.Bounded[str] = memo.Bounded(2)
    kept.put("a", "A")
    kept.put("b", "B")
    assert kept.get("a") == "A"  # now "b" is the oldest
    kept.put("c", "C")
    assert len(kept) == 2
    assert kept.get("b") is None and kept.get("a") == "A" and kept.get("c") == "C"


def test_each_app_has_its_own_cache_made_once(app) -> None:
    first: memo.Bounded[int] = memo.bounded("test.kept", 3)
    assert memo.bounded("test.kept", 3) is first
    for n in range(10):
        first.put(n, n)
    assert len(first) == 3
