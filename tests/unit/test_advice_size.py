"""Size-aware advice: measures filtered and ranked by the municipality's size class, IKZ favoured by size."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from scoring.advice import MunicipalityFacts, advice_to_text
from tests.unit.test_advice_factory import CATALOGUE, advice

#: Strategie weak: nobody responsible, no strategy yet (Strategie level 1).
NO_START = {"strategie.verantwortung": "niemand", "strategie.digitalstrategie": "keine", "strategie.budget": "keine"}
SMALL = MunicipalityFacts("Gemeinde", 3_400)
CITY = MunicipalityFacts("Stadt", 89_179)
REGISTER = Path(__file__).resolve().parents[3] / "shared" / "data" / "hessen_kommunen.csv"


def strategie_measures(municipality: MunicipalityFacts) -> list[str]:
    areas = {a.area: [s.measure.id for s in a.measures] for a in advice(NO_START, municipality=municipality).measures}
    return areas["strategie"]


def test_small_gemeinde_is_not_told_to_found_a_stabsstelle() -> None:
    shown = strategie_measures(SMALL)
    assert "giessen-stabsstelle" not in shown
    assert "giessen-sofortmassnahmen" not in shown  # Gießen's 319,224 € package is no example for 3,400 inhabitants


def test_small_gemeinde_sees_a_responsible_person_digilotsen_and_ikz() -> None:
    shown = strategie_measures(SMALL)
    assert {"erbach-verantwortliche-person", "erbach-digilotsen", "erbach-ikz-strategie"} <= set(shown)


def test_measures_from_municipalities_of_similar_size_come_first() -> None:
    shown = strategie_measures(SMALL)
    first_giessen = min(i for i, m in enumerate(shown) if m.startswith("giessen-"))
    erbach = [i for i, m in enumerate(shown) if m.startswith("erbach-")]
    # the Erbach IKZ includes Brombachtal (3,416 inhabitants), Gießen is four size classes away
    assert erbach and min(erbach) < first_giessen


def test_a_large_city_keeps_the_stabsstelle_and_no_small_extras() -> None:
    shown = strategie_measures(CITY)
    assert "giessen-stabsstelle" in shown
    assert "erbach-digilotsen" not in shown and "erbach-ikz-strategie" not in shown


def test_without_a_population_nothing_is_filtered_by_size() -> None:
    assert "giessen-stabsstelle" in strategie_measures(MunicipalityFacts("Gemeinde"))


def test_measures_name_the_size_of_their_origin() -> None:
    text = advice_to_text(advice(NO_START, municipality=SMALL))
    assert "IKZ Erbach, Michelstadt, Oberzent, Brombachtal, zusammen 42.176 Einwohner" in text
    assert "Brombachtal 3.416" in text
    assert "Einwohnerzahlen: Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV100AD" in text
    assert "Stadt Gießen, 89.179 Einwohner" in advice_to_text(advice(NO_START, municipality=CITY))


@pytest.mark.skipif(not REGISTER.is_file(), reason="the municipality register ../shared/data is not beside the project")
def test_origin_populations_match_the_register() -> None:
    with REGISTER.open(encoding="utf-8") as handle:
        register = {row["ags"]: int(row["population"]) for row in csv.DictReader(handle)}
    members = {m.ags: m.population for measure in CATALOGUE.measures for m in measure.origin.members}
    assert members and all(register[ags] == population for ags, population in members.items())


@pytest.mark.parametrize(
    ("municipality", "favoured"),
    [
        (MunicipalityFacts("Gemeinde", 4_800), True),
        (MunicipalityFacts("Stadt", 19_999), True),
        (CITY, False),
        (MunicipalityFacts("Landkreis", 250_000), False),
    ],
)
def test_ikz_is_favoured_for_smaller_municipalities_by_size_not_kind(municipality, favoured) -> None:
    ikz = next(f for f in advice({}, municipality=municipality).funding if f.programme.id == "ikz-foerderung")
    assert any("gerade für kleinere Kommunen" in r for r in ikz.reasons) == favoured


def _strategie_lift(population: int | None) -> list[tuple[str, str]]:
    """The next steps to the next Strategie level for a Gemeinde whose manager is formally named and
    whose strategy work is otherwise far along, so that only the responsibility question is left to lift."""
    from scoring import Library, score
    from tests.unit.factory import best_answers

    q = Library.load().get("2026.2")
    answers = best_answers(q)
    answers["strategie.verantwortung"] = "benannt"
    answers["strategie.digitalstrategie"] = "beschlossen"
    answers["strategie.projektmanagement"] = next(o.id for o in q.item("strategie.projektmanagement").options if o.score == 0)
    answers["strategie.budget"] = next(o.id for o in q.item("strategie.budget").options if o.score == 0)
    area = next(a for a in score(q, answers, population).areas if a.id == "strategie")
    return [(step.item, step.to_option) for step in area.lift.steps]


def test_next_steps_suggest_no_stabsstelle_below_five_thousand_inhabitants() -> None:
    """A Stabsstelle is a next step for a town, not for a Gemeinde of 3,400 (issue 14; the option's
    population_min in questionnaire 2026.2)."""
    assert ("strategie.verantwortung", "stabsstelle") in _strategie_lift(28_000)
    assert ("strategie.verantwortung", "stabsstelle") in _strategie_lift(None)  # without the register: nothing filtered
    small = _strategie_lift(3_400)
    assert small and ("strategie.verantwortung", "stabsstelle") not in small
