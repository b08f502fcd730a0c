"""Benchmarking across municipalities: peer groups, anonymity, statistics, archetypes.

Pure domain (NumPy, scikit-learn): the application aggregates in the database and
uses these functions for the rules (size classes, the k rule and the differencing
guard) and as the reference the SQL aggregates are tested against.
docs/benchmark.md describes the rules in words.
"""

from scoring.benchmark.anonymity import DEFAULT_K, Decision, GuardResult, guard, publishable
from scoring.benchmark.archetypes import (
    Archetype,
    Archetypes,
    Neighbour,
    cluster_profiles,
    name_profile,
    similar,
)
from scoring.benchmark.peers import (
    DIMENSIONS,
    SIZE_CLASSES,
    Dimension,
    PeerGroup,
    SizeClass,
    peer_groups_for,
    size_class,
    size_class_index,
)
from scoring.benchmark.stats import (
    Quartiles,
    level_distribution,
    percentile_rank,
    percentile_ranks,
    quantile,
    quantile_rows,
    quartiles,
)
from scoring.kinds import KINDS

__all__ = [
    "DEFAULT_K",
    "DIMENSIONS",
    "KINDS",
    "SIZE_CLASSES",
    "Archetype",
    "Archetypes",
    "Decision",
    "Dimension",
    "GuardResult",
    "Neighbour",
    "PeerGroup",
    "Quartiles",
    "SizeClass",
    "cluster_profiles",
    "guard",
    "level_distribution",
    "name_profile",
    "peer_groups_for",
    "percentile_rank",
    "percentile_ranks",
    "publishable",
    "quantile",
    "quantile_rows",
    "quartiles",
    "similar",
    "size_class",
    "size_class_index",
]
