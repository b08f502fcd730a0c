"""Reference measures for areas below level 3 or below their target."""

from __future__ import annotations

import pytest

from scoring.advice import advise
from tests.unit.test_advice_factory import CATALOGUE, IN_2021, Q, advice, profile

#: Technik answered weakly throughout: level 1.
WEAK_TECHNIK = {
    "technik.it_inventar": "nein",
    "technik.netz": "unzureichend",
    "technik.notebooks": 0,
    "technik.dms_vorhanden": "nein",
    "technik.dms_eakte": "keine",
    "technik.online_dienste": 0,
    "technik.epayment": "nein",
    "technik.bundid": "kein_konto",
    "technik.poststelle_scan": "nein",
    "technik.isms": "kein",
    "technik.isb": "nein",
    "technik.notfallmanagement": "nein",
}
#: Kommunikation at level 3 (score 50): every single item in the middle.
MIDDLE_KOMMUNIKATION = {
    "kommunikation.medienmix": ["amtsblatt", "website"],
    "kommunikation.intranet": "unregelmaessig",
    "kommunikation.kollaboration": ["videokonferenz", "projektraeume"],
    "kommunikation.beschaeftigte_einbinden": "einzelne",
    "kommunikation.mitarbeiterbefragung": "ja",
    "kommunikation.nutzerorientierung": "nachher",
    "kommunikation.nutzertests": "intern",
    "kommunikation.beteiligung_digital": "gelegentlich",
    "kommunikation.barrierefreiheit": ["klare_sprache", "barrierefrei"],
    "kommunikation.auffindbarkeit": "liste",
    "kommunikation.maengelmelder": "nein",
}


def by_area(result) -> dict:
    return {a.area: a for a in result.measures}


def test_area_below_level_3_gets_two_to_five_measures_of_that_area() -> None:
    result = advice(WEAK_TECHNIK)
    assert list(by_area(result)) == ["technik"]
    technik = by_area(result)["technik"]
    assert technik.level == 1 and "unter Stufe 3" in technik.reason
    assert 2 <= len(technik.measures) <= 5
    assert all(s.measure.area == "technik" and s.measure.cite.section for s in technik.measures)


def test_measures_with_the_largest_weighted_gap_come_first() -> None:
    technik = by_area(advice(WEAK_TECHNIK))["technik"]
    gaps = [s.gap for s in technik.measures]
    assert gaps == sorted(gaps, reverse=True)
    assert technik.measures[0].measure.id == "erbach-isms"  # ISMS, ISB, Notfall: 3 items at 0
    assert set(technik.measures[0].addresses) == {"technik.isms", "technik.isb", "technik.notfallmanagement"}


def test_at_most_five_measures() -> None:
    assert len(by_area(advice(WEAK_TECHNIK))["technik"].measures) == 5
    assert sum(1 for m in CATALOGUE.measures if m.area == "technik") > 5


def test_too_few_matching_measures_are_padded_to_two() -> None:
    # only the medienmix item is answered (weak): one matching measure, one added from the catalogue
    result = advice({"kommunikation.medienmix": ["keine"]})
    kommunikation = by_area(result)["kommunikation"]
    assert kommunikation.measures[0].measure.id == "erbach-medienmix"
    assert len(kommunikation.measures) == 2 and kommunikation.measures[1].addresses == ()


def test_level_3_without_target_gets_no_measures_with_target_4_it_does() -> None:
    assert profile(MIDDLE_KOMMUNIKATION).area("kommunikation").level == 3
    assert advice(MIDDLE_KOMMUNIKATION).measures == ()
    with_target = by_area(advice(MIDDLE_KOMMUNIKATION, targets={"kommunikation": 4}))["kommunikation"]
    assert with_target.target == 4 and "Zielstufe 4" in with_target.reason
    assert 2 <= len(with_target.measures) <= 5


def test_target_at_or_below_the_level_adds_nothing() -> None:
    assert advice(MIDDLE_KOMMUNIKATION, targets={"kommunikation": 3}).measures == ()


def test_none_means_no_target_as_the_targets_form_returns_it() -> None:
    result = advice(MIDDLE_KOMMUNIKATION, targets={"kommunikation": None, "technik": None})
    assert result.measures == () and result.targets == {}


def test_unscored_area_gets_no_measures() -> None:
    assert advice({}).measures == ()


@pytest.mark.parametrize("targets", [{"finanzen": 3}, {"technik": 6}, {"technik": 0}, {"technik": True}, {"technik": "4"}])
def test_invalid_targets_are_refused(targets) -> None:
    with pytest.raises(ValueError):
        advise(Q, profile(), None, targets, as_of=IN_2021, catalogue=CATALOGUE)
