"""Helpers for the advice tests: answers on the shipped questionnaire, catalogue copies.

The advice rules live in the shipped catalogues and name real items, so the
tests answer the shipped questionnaire: everything "Weiß nicht" unless a test
says otherwise. Broken catalogues are made by copying the shipped files into a
temporary folder and changing one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from scoring import Library, score
from scoring.advice import MunicipalityFacts, advise, load_catalogue
from scoring.advice.advise import Advice
from scoring.advice.loader import CATALOGUE_DIR
from scoring.model import DONT_KNOW
from scoring.profile import Profile

Q = Library.load().get("2026.1")
CATALOGUE = load_catalogue(Q)
#: A day on which every programme and module of the sources was still open.
IN_2021 = date(2021, 6, 1)
TODAY = date(2026, 11, 23)
FILES = ("sources", "modules", "funding", "measures")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def answers(changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every item "Weiß nicht", then `changes` (item id -> answer)."""
    raw: dict[str, Any] = {item.id: DONT_KNOW for item in Q.items}
    raw.update(changes or {})
    return raw


def profile(changes: dict[str, Any] | None = None) -> Profile:
    return score(Q, answers(changes))


def advice(
    changes: dict[str, Any] | None = None,
    as_of: date = IN_2021,
    municipality: MunicipalityFacts | None = None,
    targets: dict[str, int | None] | None = None,
) -> Advice:
    return advise(Q, profile(changes), municipality, targets, as_of=as_of, catalogue=CATALOGUE)


def catalogue_copy(tmp_path: Path, mutate: Callable[[dict[str, Any]], None] | None = None) -> Path:
    """Copy the shipped catalogue files into tmp_path after `mutate(docs)` changed them."""
    docs = {name: yaml.load((CATALOGUE_DIR / f"{name}.yaml").read_text(encoding="utf-8"), Loader=_LOADER) for name in FILES}
    if mutate:
        mutate(docs)
    for name, doc in docs.items():
        (tmp_path / f"{name}.yaml").write_text(yaml.dump(doc, Dumper=_DUMPER, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return tmp_path


def entry(entries: list[dict[str, Any]], entry_id: str) -> dict[str, Any]:
    return next(e for e in entries if e["id"] == entry_id)


def test_baseline_answers_are_all_unknown() -> None:
    p = profile()
    assert all(area.level is None for area in p.areas)
    assert advice().modules.modules == ()


def test_catalogue_copy_round_trips(tmp_path: Path) -> None:
    copied = load_catalogue(Q, catalogue_copy(tmp_path))
    assert [m.id for m in copied.modules] == [m.id for m in CATALOGUE.modules]
    assert copied.programmes == CATALOGUE.programmes
