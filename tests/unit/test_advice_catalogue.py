"""The catalogue loader: the shipped files load, broken ones fail naming file, entry and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.advice import KINDS, load_catalogue
from scoring.content import AREA_IDS, ContentError
from tests.unit.test_advice_factory import CATALOGUE, Q, catalogue_copy, entry


def broken(tmp_path: Path, mutate) -> str:
    with pytest.raises(ContentError) as info:
        load_catalogue(Q, catalogue_copy(tmp_path, mutate))
    return str(info.value)


# --- the shipped catalogues -------------------------------------------------------


def test_four_modules_with_days_from_the_annexes() -> None:
    assert [(m.number, m.days_on_site, m.days_results) for m in CATALOGUE.modules] == [
        (1, 2.0, 0.5),
        (2, 2.0, 0.5),
        (3, 2.5, 0.5),
        (4, 2.5, 0.5),
    ]
    assert all(m.contents and m.goal and m.target_groups and m.needs for m in CATALOGUE.modules)


def test_module_2_requires_module_1_or_known_basics() -> None:
    requires = CATALOGUE.module("modul2").requires
    assert requires is not None and requires.modules == ("modul1",)
    assert [(c.item, c.kind, c.threshold) for c in requires.checks] == [("strategie.ozg_grundlagen", "min_score", 75.0)]


def test_contingents_two_free_modules_one_of_1_2_one_of_3_4() -> None:
    # ozg-report-2021, "Allgemeines": "Das Land Hessen finanziert pro Kommune jeweils zwei Module"
    assert [(c.modules, c.free, c.choose) for c in CATALOGUE.contingents] == [
        (("modul1", "modul2"), 1, "order"),
        (("modul3", "modul4"), 1, "need"),
    ]
    assert all(c.cite.section == "Digitalisierungsberatung, Allgemeines" for c in CATALOGUE.contingents)
    older = next(n for n in CATALOGUE.notes if n.id == "aeltere-lesart")
    assert "bis zu 3 Tagen" in older.text
    assert [c.source for c in older.cites] == ["hmdis-2020", "ozg-report-2021"]


def test_a_third_free_module_is_refused(tmp_path) -> None:
    def add_extra(docs):
        docs["modules"]["extras"] = [{"id": "x", "name": "x", "module": "modul2", "when_planned": "modul1", "paid_by": "x"}]

    with pytest.raises(ContentError, match="'extras' gibt es nicht mehr"):
        load_catalogue(Q, catalogue_copy(tmp_path, add_extra))


def test_programmes_and_measures_are_complete() -> None:
    ids = {p.id for p in CATALOGUE.programmes}
    assert {
        "ozg-hessen-kommunal",
        "starke-heimat-phase1",
        "starke-heimat-phase2",
        "civento",
        "ozg-modellkommunen",
        "ikz-foerderung",
        "smarte-kommunen-regionen",
    } <= ids
    assert all(set(p.kinds) <= set(KINDS) for p in CATALOGUE.programmes)
    for area in AREA_IDS:
        assert sum(1 for m in CATALOGUE.measures if m.area == area) >= 2
    for n in range(1, 8):  # Erbach's project plans 01-07 are all reference measures
        plan = f"Projektplan 0{n}"
        assert any(plan in m.title or m.cite.section.startswith(plan) for m in CATALOGUE.measures), plan


# --- broken catalogues name file, entry and problem ----------------------------------


def test_module_naming_unknown_item(tmp_path: Path) -> None:
    def mutate(docs):
        entry(docs["modules"]["modules"], "modul2")["needs"][0]["item"] = "strategie.gibtsnicht"

    message = broken(tmp_path, mutate)
    assert "modules.yaml" in message and "Modul modul2" in message and "strategie.gibtsnicht" in message


def test_programme_citing_unknown_source(tmp_path: Path) -> None:
    def mutate(docs):
        entry(docs["funding"]["programmes"], "civento")["cite"]["source"] = "wikipedia"

    message = broken(tmp_path, mutate)
    assert "funding.yaml" in message and "Programm civento" in message and "wikipedia" in message


def test_citation_of_a_section_that_is_not_in_the_document(tmp_path: Path) -> None:
    def mutate(docs):
        entry(docs["measures"]["measures"], "giessen-stabsstelle")["cite"]["section"] = "9 Gibt es nicht"

    message = broken(tmp_path, mutate)
    assert "measures.yaml" in message and "Maßnahme giessen-stabsstelle" in message and "9 Gibt es nicht" in message


def test_empty_section_is_refused(tmp_path: Path) -> None:
    def mutate(docs):
        entry(docs["measures"]["measures"], "giessen-stabsstelle")["cite"]["section"] = "  "

    assert "section" in broken(tmp_path, mutate)


def test_measure_in_unknown_area(tmp_path: Path) -> None:
    def mutate(docs):
        entry(docs["measures"]["measures"], "erbach-isms")["area"] = "finanzen"

    message = broken(tmp_path, mutate)
    assert "Maßnahme erbach-isms" in message and "finanzen" in message


def test_measure_with_unknown_state(tmp_path: Path) -> None:
    def mutate(docs):
        entry(docs["measures"]["measures"], "erbach-isms")["state"] = "vielleicht"

    assert "vielleicht" in broken(tmp_path, mutate)


def test_area_with_too_few_measures(tmp_path: Path) -> None:
    def mutate(docs):
        docs["measures"]["measures"] = [m for m in docs["measures"]["measures"] if m["area"] != "kommunikation"][:]

    message = broken(tmp_path, mutate)
    assert "Bereich kommunikation" in message and "mindestens 2" in message


def test_prerequisite_must_have_a_lower_number(tmp_path: Path) -> None:
    def mutate(docs):
        entry(docs["modules"]["modules"], "modul1")["requires"] = {
            "any_of": [{"module": "modul2"}],
            "text": "t",
            "cite": {"source": "hmdis-2020", "section": "Anlage 1"},
        }

    message = broken(tmp_path, mutate)
    assert "Modul modul1" in message and "kleinere Nummer" in message


def test_module_in_two_contingents(tmp_path: Path) -> None:
    def mutate(docs):
        docs["modules"]["contingents"][1]["modules"].append("modul2")

    message = broken(tmp_path, mutate)
    assert "Kontingent verwaltungsdigitalisierung" in message and "modul2" in message


def test_duplicate_programme_id(tmp_path: Path) -> None:
    def mutate(docs):
        docs["funding"]["programmes"].append(dict(docs["funding"]["programmes"][0]))

    message = broken(tmp_path, mutate)
    assert "Programm ozg-hessen-kommunal" in message and "doppelt" in message


def test_period_ending_before_it_starts(tmp_path: Path) -> None:
    def mutate(docs):
        entry(docs["funding"]["programmes"], "civento")["period"]["until"] = __import__("datetime").date(2019, 1, 1)

    message = broken(tmp_path, mutate)
    assert "Programm civento" in message and "until" in message


def test_date_must_be_a_date(tmp_path: Path) -> None:
    def mutate(docs):
        entry(docs["modules"]["modules"], "modul3")["funded"]["until"] = "Ende 2024"

    message = broken(tmp_path, mutate)
    assert "Modul modul3" in message and "Datum" in message


def test_min_value_only_for_number_items(tmp_path: Path) -> None:
    def mutate(docs):
        condition = entry(entry(docs["funding"]["programmes"], "ikz-foerderung")["conditions"], "beschluesse")
        condition["check"] = {"item": "kooperation.ratsbeschluss", "min_value": 1}

    message = broken(tmp_path, mutate)
    assert "Programm ikz-foerderung, Bedingung beschluesse" in message and "min_value" in message


def test_condition_naming_unknown_option(tmp_path: Path) -> None:
    def mutate(docs):
        condition = entry(entry(docs["funding"]["programmes"], "ikz-foerderung")["conditions"], "personalkosten")
        condition["check"]["any_of"] = ["ab_20"]

    assert "ab_20" in broken(tmp_path, mutate)


def test_unknown_kind_of_municipality(tmp_path: Path) -> None:
    def mutate(docs):
        entry(docs["funding"]["programmes"], "civento")["kinds"] = ["Dorf"]

    message = broken(tmp_path, mutate)
    assert "Programm civento" in message and "Dorf" in message


def test_unknown_amount_rule(tmp_path: Path) -> None:
    def mutate(docs):
        entry(docs["funding"]["programmes"], "civento")["amount"]["kind"] = "lotterie"

    assert "lotterie" in broken(tmp_path, mutate)


def test_wrong_format_marker(tmp_path: Path) -> None:
    def mutate(docs):
        docs["funding"]["schema"] = "digicheck/funding-0"

    message = broken(tmp_path, mutate)
    assert "funding.yaml" in message and "digicheck/funding-1" in message


def test_section_registry_names_unknown_source(tmp_path: Path) -> None:
    def mutate(docs):
        docs["sources"]["sources"]["blog-2024"] = ["Einleitung"]

    message = broken(tmp_path, mutate)
    assert "sources.yaml" in message and "blog-2024" in message


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    catalogue_copy(tmp_path)
    (tmp_path / "measures.yaml").write_text("schema: digicheck/measures-1\nmeasures: [\n  - id: a\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_catalogue(Q, tmp_path)
    assert "measures.yaml" in str(info.value) and "YAML" in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    catalogue_copy(tmp_path)
    (tmp_path / "funding.yaml").unlink()
    with pytest.raises(ContentError, match=r"funding\.yaml.*nicht gefunden"):
        load_catalogue(Q, tmp_path)
