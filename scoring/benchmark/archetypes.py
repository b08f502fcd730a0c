"""Archetypes (clusters of submitted profiles) and "ähnliche Kommunen".

Archetypes: k-means (scikit-learn) on the five area scores. All areas share the
0-100 scale, so no rescaling. Determinism: rows are sorted canonically before the
fit (so the input order cannot matter), the seed and the number of restarts are
fixed, and clusters are numbered by ascending mean score (so ids do not flip).
Clusters with fewer than k members are dissolved into the nearest remaining
clusters, because a centroid of fewer than k profiles is a figure about fewer than
k municipalities. Names and descriptions come from the centroid by a few rules
(`name_profile`), so a changed rule is a reviewed code change, not a model output.

Neighbours: distance = RMS difference of the area scores (points) + SIZE_WEIGHT
points per factor 10 of population difference; docs/benchmark.md has the reasoning.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from scoring.benchmark.anonymity import DEFAULT_K
from scoring.library import Library
from scoring.model import Questionnaire

#: Name parts for a profile with one clearly strongest and one clearly weakest area, by area id
#: (an area without one is named by the questionnaire's name for it).
STRONG: dict[str, str] = {
    "strategie": "Strategisch gesteuert",
    "organisation": "Organisationsstark",
    "kooperation": "Kooperationsstark",
    "kommunikation": "Bürgernah",
    "technik": "Digitale Verwaltung",
}
GAP: dict[str, str] = {
    "strategie": "Strategielücke",
    "organisation": "Organisationslücke",
    "kooperation": "Kooperationslücke",
    "kommunikation": "Beteiligungslücke",
    "technik": "Techniklücke",
}
DEFAULT_CLUSTERS = 4
#: Candidates when the number of clusters is chosen by silhouette.
CLUSTER_CHOICES = (3, 4, 5)
SEED = 0
N_INIT = 10
#: Silhouette on at most this many rows (it costs n²).
SILHOUETTE_SAMPLE = 2000
#: A spread (strongest minus weakest area) of one level width (20 points) makes a "gap" profile.
GAP_POINTS = 20.0
BEGINNER_BELOW = 25.0
ADVANCED_FROM = 50.0
LEADER_FROM = 75.0
#: Points of distance per factor 10 of population difference in `similar`.
SIZE_WEIGHT = 20.0


@dataclass(frozen=True)
class Archetype:
    id: int
    name: str
    description: str
    centroid: tuple[float, ...]
    size: int


@dataclass(frozen=True)
class Archetypes:
    """`labels[i]` is the archetype id of input row i; -1 for rows with a missing area or when none are shown."""

    types: tuple[Archetype, ...]
    labels: np.ndarray
    areas: tuple[str, ...]
    note: str = ""


@lru_cache(maxsize=1)
def _shipped() -> Questionnaire:
    """The newest shipped questionnaire, read on first use: its areas are the default columns."""
    return Library.load().latest


def default_areas() -> tuple[str, ...]:
    """Area ids of the newest shipped questionnaire, in its order."""
    return _shipped().area_ids


def name_profile(
    centroid: Sequence[float], areas: Sequence[str] | None = None, area_names: Mapping[str, str] | None = None
) -> tuple[str, str]:
    """(name, one-sentence description) for a centroid, by the first rule that fits:
    mean below 25 → Einsteiger; spread of 20+ points → "<strength> mit <gap>";
    mean 75+ → Vorreiter; mean 50+ → Ausgewogen fortgeschritten; else Ausgewogen im Aufbau.
    `areas` and `area_names` default to the newest shipped questionnaire's."""
    areas = default_areas() if areas is None else areas
    area_names = _shipped().area_names if area_names is None else area_names
    c = np.asarray(centroid, dtype=np.float64)
    mean, strong, weak = float(c.mean()), int(np.argmax(c)), int(np.argmin(c))
    s, w = areas[strong], areas[weak]
    sname, wname = area_names.get(s, s), area_names.get(w, w)
    if mean < BEGINNER_BELOW:
        text = f"Alle Bereiche stehen am Anfang (im Mittel {mean:.0f} Punkte); am weitesten ist {sname} mit {c[strong]:.0f}."
        return "Einsteiger", text
    if c[strong] - c[weak] >= GAP_POINTS:
        name = f"{STRONG.get(s, sname)} mit {GAP.get(w, 'Lücke in ' + wname)}"
        return name, f"Stark in {sname} ({c[strong]:.0f} Punkte), deutlich schwächer in {wname} ({c[weak]:.0f} Punkte)."
    if mean >= LEADER_FROM:
        return "Vorreiter", f"In allen Bereichen weit (im Mittel {mean:.0f} Punkte, kein Bereich unter {c[weak]:.0f})."
    if mean >= ADVANCED_FROM:
        return "Ausgewogen fortgeschritten", f"Alle Bereiche ähnlich weit und fortgeschritten (im Mittel {mean:.0f} Punkte)."
    return "Ausgewogen im Aufbau", f"Alle Bereiche ähnlich weit, im Aufbau (im Mittel {mean:.0f} Punkte)."


def _kmeans(x: np.ndarray, count: int, seed: int) -> np.ndarray:
    """Cluster labels for `count` clusters. scikit-learn is imported here, on the first report that
    asks for types, so that a web worker which never draws one does not carry it (issue 18)."""
    from sklearn.cluster import KMeans

    return np.asarray(KMeans(n_clusters=count, random_state=seed, n_init=N_INIT).fit_predict(x))


def _choose_clusters(x: np.ndarray, seed: int) -> int:
    from sklearn.metrics import silhouette_score

    best, best_score = CLUSTER_CHOICES[0], -2.0
    sample = SILHOUETTE_SAMPLE if x.shape[0] > SILHOUETTE_SAMPLE else None
    for count in CLUSTER_CHOICES:
        if count >= x.shape[0]:
            break
        labels = _kmeans(x, count, seed)
        if len(np.unique(labels)) < 2:
            continue
        value = float(silhouette_score(x, labels, sample_size=sample, random_state=seed))
        if value > best_score + 1e-12:
            best, best_score = count, value
    return best


def fit_labels(x: np.ndarray, n_clusters: int | None, seed: int) -> np.ndarray:
    """The scikit-learn part of `cluster_profiles`: k-means labels of the canonically sorted rows `x`
    (the number of clusters chosen by silhouette when `n_clusters` is None). On one core: 10,000 × 5
    is quick there, and OpenMP threads stall on a busy host (in the child process as in this one)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        count = _choose_clusters(x, seed) if n_clusters is None else n_clusters
        count = max(1, min(count, len(np.unique(x, axis=0))))
        return _kmeans(x, count, seed) if count > 1 else np.zeros(len(x), np.int64)


def _in_process(job: Callable[..., np.ndarray], args: tuple[Any, ...]) -> np.ndarray:
    return job(*args)


#: How `fit_labels` is run: `runner(fit_labels, (x, n_clusters, seed))`. In this process unless
#: `run_fits_with` says otherwise; the web app runs it in a short-lived child process
#: (digicheck.offload), so that no web worker imports scikit-learn.
_runner: Callable[[Callable[..., np.ndarray], tuple[Any, ...]], np.ndarray] = _in_process
#: Fits kept per process, by a digest of the rows: they change only when rounds are submitted,
#: so a report viewed again does not fit (or start a process) again.
FIT_CACHE_SIZE = 64
_fits: OrderedDict[bytes, np.ndarray] = OrderedDict()
_fits_lock = threading.Lock()


def run_fits_with(runner: Callable[[Callable[..., np.ndarray], tuple[Any, ...]], np.ndarray]) -> None:
    """Run `fit_labels` through `runner(fit_labels, args)` from now on (and forget earlier fits)."""
    global _runner
    with _fits_lock:
        _runner = runner
        _fits.clear()


def _cached_fit(x: np.ndarray, n_clusters: int | None, seed: int) -> np.ndarray:
    digest = hashlib.sha256(repr((x.shape, n_clusters, seed)).encode() + np.ascontiguousarray(x).tobytes()).digest()
    with _fits_lock:
        if digest in _fits:
            _fits.move_to_end(digest)
            return _fits[digest]
        runner = _runner
    labels = np.asarray(runner(fit_labels, (x, n_clusters, seed)))
    labels.flags.writeable = False
    with _fits_lock:
        _fits[digest] = labels
        while len(_fits) > FIT_CACHE_SIZE:
            _fits.popitem(last=False)
    return labels


def _dissolve_small(x: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Move the members of clusters below k to their nearest remaining cluster, smallest first."""
    labels = labels.copy()
    while True:
        ids, sizes = np.unique(labels, return_counts=True)
        if sizes.min() >= k or ids.size == 1:
            return labels
        small = ids[np.argmin(sizes)]
        rest = ids[ids != small]
        centroids = np.stack([x[labels == r].mean(axis=0) for r in rest])
        members = labels == small
        distance = ((x[members, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
        labels[members] = rest[np.argmin(distance, axis=1)]


def cluster_profiles(
    scores: np.ndarray,
    *,
    n_clusters: int | None = DEFAULT_CLUSTERS,
    k: int = DEFAULT_K,
    areas: Sequence[str] | None = None,
    area_names: Mapping[str, str] | None = None,
    seed: int = SEED,
) -> Archetypes:
    """Cluster the rows (n × areas, scores 0-100) into named archetypes of at least k members each.

    `n_clusters=None` chooses 3, 4 or 5 by silhouette. Rows with a missing area are left out.
    `areas` (the columns) and `area_names` default to the newest shipped questionnaire's.
    """
    areas = default_areas() if areas is None else areas
    x_all = np.asarray(scores, dtype=np.float64)
    if x_all.ndim != 2 or x_all.shape[1] != len(areas):
        raise ValueError(f"scores must be an n × {len(areas)} matrix")
    labels_all = np.full(x_all.shape[0], -1, dtype=np.int64)
    valid = np.flatnonzero(~np.isnan(x_all).any(axis=1))
    if valid.size < k:
        return Archetypes((), labels_all, tuple(areas), f"Weniger als {k} vollständige Profile: keine Typen.")
    order = np.lexsort(x_all[valid].T[::-1])
    x = x_all[valid][order]
    raw = _dissolve_small(x, _cached_fit(x, n_clusters, seed), k)
    kept = np.unique(raw)
    centroids = np.stack([x[raw == c].mean(axis=0) for c in kept])
    rank = np.lexsort(tuple(centroids.T[::-1]) + (centroids.mean(axis=1),))
    new_id = np.empty(len(kept), dtype=np.int64)
    new_id[rank] = np.arange(len(kept))
    sorted_labels = new_id[np.searchsorted(kept, raw)]
    named = [name_profile(centroids[r], areas, area_names) for r in rank]
    names = [n for n, _ in named]
    types = []
    for i, r in enumerate(rank):
        name = names[i] if names.count(names[i]) == 1 else f"{names[i]} ({names[: i + 1].count(names[i])})"
        size = int(np.count_nonzero(sorted_labels == i))
        types.append(Archetype(i, name, named[i][1], tuple(float(v) for v in centroids[r]), size))
    labels_all[valid[order]] = sorted_labels
    return Archetypes(tuple(types), labels_all, tuple(areas))


@dataclass(frozen=True)
class Neighbour:
    key: str
    distance: float
    profile_distance: float
    size_distance: float


def similar(
    profile: Sequence[float],
    population: int,
    keys: Sequence[str],
    scores: np.ndarray,
    populations: Sequence[float] | np.ndarray,
    *,
    n: int = 5,
    exclude: str | None = None,
    size_weight: float = SIZE_WEIGHT,
) -> list[Neighbour]:
    """The n candidates nearest to `profile` (area scores) and `population`, nearest first.

    Compares on the areas the profile has; candidates missing one of them, or their
    population, are left out. Ties go by key, so the list is stable.
    """
    p = np.asarray(profile, dtype=np.float64)
    c = np.asarray(scores, dtype=np.float64)
    pops = np.asarray(populations, dtype=np.float64)
    used = ~np.isnan(p)
    if not used.any():
        return []
    ok = ~np.isnan(c[:, used]).any(axis=1) & ~np.isnan(pops)
    if exclude is not None:
        ok &= np.asarray(keys) != exclude
    rows = np.flatnonzero(ok)
    profile_d = np.sqrt(((c[np.ix_(rows, used)] - p[used]) ** 2).mean(axis=1))
    size_d = size_weight * np.abs(np.log10(np.maximum(pops[rows], 1.0)) - np.log10(max(population, 1)))
    total = profile_d + size_d
    best = np.lexsort((np.asarray(keys)[rows], total))[:n]
    return [Neighbour(str(keys[rows[i]]), float(total[i]), float(profile_d[i]), float(size_d[i])) for i in best]
