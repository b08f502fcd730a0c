"""Kinds of municipality: one definition for catalogues, funding rules and the benchmark."""

from __future__ import annotations

import pytest

import scoring.advice
import scoring.benchmark
from scoring.advice.funding import MunicipalityFacts
from scoring.kinds import KINDS, LANDKREIS, REGISTER_GEMEINDE_KINDS, REGISTER_LANDKREIS_CODES, ags_length, is_kind


def test_the_four_kinds_in_reading_order() -> None:
    assert KINDS == ("Gemeinde", "Stadt", "kreisfreie Stadt", "Landkreis")


def test_advice_and_benchmark_use_the_same_tuple() -> None:
    assert scoring.advice.KINDS is KINDS and scoring.benchmark.KINDS is KINDS


def test_register_codes_name_only_known_kinds() -> None:
    assert set(REGISTER_GEMEINDE_KINDS.values()) == {"Gemeinde", "Stadt", "kreisfreie Stadt"}
    assert REGISTER_GEMEINDE_KINDS["61"] == "kreisfreie Stadt" and REGISTER_GEMEINDE_KINDS["63"] == "Stadt"
    assert {"43", "44", "45"} == REGISTER_LANDKREIS_CODES


def test_is_kind_and_ags_length() -> None:
    assert all(is_kind(k) for k in KINDS) and not is_kind("Dorf") and not is_kind(None)
    assert ags_length(LANDKREIS) == 5 and ags_length("Stadt") == 8


def test_funding_facts_refuse_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="Dorf"):
        MunicipalityFacts("Dorf", 100)
