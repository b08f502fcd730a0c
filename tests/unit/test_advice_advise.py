"""The entry point `advise`: inputs it refuses, defaults, purity."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from scoring import load_questionnaire, score
from scoring.advice import advice_to_dict, advise, shipped_catalogue
from tests.unit.test_advice_factory import CATALOGUE, IN_2021, Q, advice, answers, catalogue_copy, profile


def test_default_catalogue_is_the_shipped_one() -> None:
    assert shipped_catalogue(Q).programmes == CATALOGUE.programmes
    result = advise(Q, profile({"technik.dms_eakte": "pilot"}), as_of=IN_2021)
    assert [m.module.number for m in result.modules.modules] == [3]


def test_catalogues_beside_another_questionnaire_folder_are_used(tmp_path: Path) -> None:
    """The CLI may point DIGICHECK_QUESTIONNAIRES elsewhere; its catalogues/ come along."""
    shutil.copy(Q.path, tmp_path / "digicheck-2026.1.yaml")

    def drop_civento(docs):
        docs["funding"]["programmes"] = [p for p in docs["funding"]["programmes"] if p["id"] != "civento"]

    (tmp_path / "catalogues").mkdir()
    catalogue_copy(tmp_path / "catalogues", drop_civento)
    moved = load_questionnaire(tmp_path / "digicheck-2026.1.yaml")
    ids = [m.programme.id for m in advise(moved, score(moved, answers()), as_of=IN_2021).funding]
    assert "civento" not in ids and "ikz-foerderung" in ids


def test_as_of_is_required_and_must_be_a_date() -> None:
    with pytest.raises(TypeError):
        advise(Q, profile())  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="Datum"):
        advise(Q, profile(), as_of="2021-06-01", catalogue=CATALOGUE)  # type: ignore[arg-type]


def test_profile_of_another_version_is_refused() -> None:
    other = replace(profile(), questionnaire="2027.1")
    with pytest.raises(ValueError, match=r"2027\.1"):
        advise(Q, other, as_of=IN_2021, catalogue=CATALOGUE)


def test_same_input_same_advice() -> None:
    changes = {"strategie.ozg_grundlagen": "einzelne", "kooperation.ikz_partner": 4}
    assert advice_to_dict(advice(changes)) == advice_to_dict(advice(changes))


def test_scoring_package_is_pure_domain() -> None:
    code = (
        "import sys, scoring, scoring.advice, scoring.item_kinds, scoring.benchmark, scoring.inconsistencies, scoring.report, "
        "scoring.briefing, scoring.ikz, scoring.kinds, scoring.progress, scoring.radar; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'digicheck')]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
