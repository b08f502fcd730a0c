"""Deterministic, named, anonymous archetypes and "ähnliche Kommunen"."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.benchmark import cluster_profiles, name_profile, similar
from scoring.benchmark.archetypes import default_areas
from scoring.library import Library

CENTRES = np.array(
    [
        [10, 12, 8, 15, 10],  # Einsteiger
        [20, 45, 50, 45, 75],  # technik strong, strategie weak
        [55, 45, 85, 55, 60],  # kooperation strong, organisation weak
        [82, 80, 85, 78, 84],  # Vorreiter
    ],
    dtype=float,
)


def profiles(per_cluster: int = 12, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rows = [c + rng.normal(0, 3, (per_cluster, 5)) for c in CENTRES]
    return np.clip(np.vstack(rows), 0, 100)


def test_clusters_are_named_by_their_centroids() -> None:
    result = cluster_profiles(profiles())
    assert [t.name for t in result.types] == [
        "Einsteiger",
        "Digitale Verwaltung mit Strategielücke",
        "Kooperationsstark mit Organisationslücke",
        "Vorreiter",
    ]
    assert [t.size for t in result.types] == [12, 12, 12, 12]
    assert list(result.labels) == [i for i in range(4) for _ in range(12)]
    assert "Technik & Sicherheit" in result.types[1].description


def test_same_input_same_result_and_row_order_does_not_matter() -> None:
    x = profiles()
    first, second = cluster_profiles(x), cluster_profiles(x)
    assert first.types == second.types and np.array_equal(first.labels, second.labels)
    perm = np.random.default_rng(0).permutation(len(x))
    shuffled = cluster_profiles(x[perm])
    assert shuffled.types == first.types
    assert np.array_equal(shuffled.labels, first.labels[perm])


def test_silhouette_choice_is_deterministic() -> None:
    x = profiles()
    a, b = cluster_profiles(x, n_clusters=None), cluster_profiles(x, n_clusters=None)
    assert len(a.types) == 4 and a.types == b.types


def test_clusters_below_k_are_dissolved_and_incomplete_rows_left_out() -> None:
    x = np.vstack([profiles(per_cluster=6)[:18], CENTRES[3] + np.arange(3)[:, None], [[np.nan, 1, 2, 3, 4]]])
    result = cluster_profiles(x, k=5)
    assert all(t.size >= 5 for t in result.types)
    assert sum(t.size for t in result.types) == 21
    assert result.labels[-1] == -1 and (result.labels[:-1] >= 0).all()


def test_too_few_profiles_give_no_types() -> None:
    result = cluster_profiles(profiles()[:4], k=5)
    assert result.types == () and (result.labels == -1).all() and "Weniger als 5" in result.note


def test_identical_profiles_do_not_warn() -> None:
    result = cluster_profiles(np.full((8, 5), 42.0))
    assert len(result.types) == 1 and result.types[0].name == "Ausgewogen im Aufbau"


def test_name_rules() -> None:
    assert name_profile([60, 62, 58, 61, 59])[0] == "Ausgewogen fortgeschritten"
    assert name_profile([40, 42, 38, 41, 39])[0] == "Ausgewogen im Aufbau"
    assert name_profile([70, 60, 40, 65, 60])[0] == "Strategisch gesteuert mit Kooperationslücke"


def test_areas_and_their_names_come_from_the_questionnaire() -> None:
    latest = Library.load().latest
    assert default_areas() == latest.area_ids
    assert "Stark in Strategie & Steuerung" in name_profile([70, 60, 40, 65, 60])[1]  # the questionnaire's name
    areas, names = ("a", "strategie", "c"), {"a": "Bereich A", "strategie": "Strategie", "c": "Bereich C"}
    name, text = name_profile([30, 70, 45], areas, names)
    assert name == "Strategisch gesteuert mit Lücke in Bereich A"  # naming rules by area id, else the given name
    assert text == "Stark in Strategie (70 Punkte), deutlich schwächer in Bereich A (30 Punkte)."
    assert cluster_profiles(np.full((6, 3), 42.0), areas=areas, area_names=names).areas == areas


def test_similar_by_profile_and_size() -> None:
    keys = ["A", "B", "C", "D", "E"]
    scores = np.array(
        [
            [50, 50, 50, 50, 50],  # same profile, same size
            [50, 50, 50, 50, 50],  # same profile, 10 times larger: +20
            [55, 55, 55, 55, 55],  # 5 points off in every area, same size: 5
            [50, 50, 50, 50, np.nan],
            [90, 90, 90, 90, 90],
        ]
    )
    populations = [8_000, 80_000, 8_000, 8_000, 8_000]
    result = similar([50, 50, 50, 50, 50], 8_000, keys, scores, populations, n=3)
    assert [r.key for r in result] == ["A", "C", "B"]
    assert [r.distance for r in result] == pytest.approx([0.0, 5.0, 20.0])
    assert [r.key for r in similar([50, 50, 50, 50, 50], 8_000, keys, scores, populations, n=2, exclude="A")] == ["C", "B"]
    # a profile without technik compares on four areas and finds D too
    assert [r.key for r in similar([50, 50, 50, 50, np.nan], 8_000, keys, scores, populations, n=2)] == ["A", "D"]


@pytest.fixture
def counted_fits():  # type: ignore[no-untyped-def]
    """The fit run through a runner that counts its calls (as the app runs it through a child)."""
    from scoring.benchmark import archetypes

    calls: list[int] = []

    def runner(job, args):  # type: ignore[no-untyped-def]
        calls.append(len(args[0]))
        return job(*args)

    previous = archetypes._runner
    archetypes.run_fits_with(runner)
    yield calls
    archetypes.run_fits_with(previous)


def test_a_fit_is_reused_for_the_same_profiles_in_any_order(counted_fits) -> None:
    x = profiles()
    first = cluster_profiles(x)
    shuffled = np.random.default_rng(1).permutation(len(x))
    again = cluster_profiles(x[shuffled])
    assert counted_fits == [48]  # one fit for both views
    assert again.types == first.types
    assert list(again.labels) == list(first.labels[shuffled])
    changed = x.copy()
    changed[0, 0] += 1.0  # a submitted round changes the matrix
    cluster_profiles(changed)
    cluster_profiles(x, n_clusters=None)  # other parameters, another fit
    assert counted_fits == [48, 48, 48]
