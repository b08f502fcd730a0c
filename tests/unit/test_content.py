"""The loader refuses broken content with a message naming file, entry and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.content import ContentError, load_questionnaire, parse_questionnaire
from scoring.library import DEFAULT_DIR, Library
from tests.unit.factory import BASE, document, questionnaire

SHIPPED = sorted(DEFAULT_DIR.glob("*.yaml"))
SOURCE_FILES = sorted(p.name for p in (Path(__file__).resolve().parents[3] / "shared" / "sources").glob("0*.txt"))


def broken(mutate) -> str:
    doc = document()
    mutate(doc)
    with pytest.raises(ContentError) as info:
        parse_questionnaire(doc, "kaputt.yaml")
    return str(info.value)


def test_factory_document_is_valid() -> None:
    q = questionnaire()
    assert [a.id for a in q.areas] == ["strategie", "organisation", "kooperation", "kommunikation", "technik"]
    assert len(q.items) == 40


def test_duplicate_item_id_is_named() -> None:
    def mutate(doc):
        doc["areas"][0]["items"][1]["id"] = "strategie.s0"

    message = broken(mutate)
    assert "kaputt.yaml" in message and "strategie.s0" in message and "doppelt" in message


def test_option_without_score_is_named() -> None:
    def mutate(doc):
        del doc["areas"][1]["items"][2]["options"][1]["score"]

    message = broken(mutate)
    assert "organisation.s2" in message and "mittel" in message and "score" in message


@pytest.mark.parametrize("weight", [0, -1, 1.1, 11])
def test_non_positive_weight(weight) -> None:
    def mutate(doc):
        doc["areas"][2]["items"][0]["weight"] = weight

    message = broken(mutate)
    assert "kooperation.s0" in message and "Gewicht" in message


def test_rule_naming_unknown_item() -> None:
    def mutate(doc):
        doc["gates"][0]["unless"][0]["item"] = "technik.gibtsnicht"

    message = broken(mutate)
    assert "technik-isms" in message and "technik.gibtsnicht" in message


def test_citation_of_unknown_source() -> None:
    def mutate(doc):
        doc["areas"][0]["items"][0]["cite"] = {"source": "wikipedia", "section": "1"}

    assert "wikipedia" in broken(mutate)


def test_reserved_option_id_refused() -> None:
    def mutate(doc):
        doc["areas"][0]["items"][0]["options"][0]["id"] = "weiss_nicht"

    assert "reserviert" in broken(mutate)


def test_single_choice_must_span_0_to_100() -> None:
    def mutate(doc):
        doc["areas"][0]["items"][0]["options"][2]["score"] = 90

    assert "100" in broken(mutate)


def test_number_bands_must_rise() -> None:
    def mutate(doc):
        doc["areas"][0]["items"][6]["bands"][2]["min"] = 1

    assert "strategie.n" in broken(mutate)


def test_too_few_items_per_area() -> None:
    def mutate(doc):
        doc["areas"][3]["items"] = doc["areas"][3]["items"][:7]

    assert "kommunikation" in broken(mutate) and "8 bis 14" in broken(mutate)


def test_missing_area_or_wrong_order() -> None:
    def mutate(doc):
        doc["areas"] = doc["areas"][::-1]

    assert "Bereiche" in broken(mutate)


def test_unknown_item_type() -> None:
    def mutate(doc):
        doc["areas"][0]["items"][0]["type"] = "freitext"

    assert "freitext" in broken(mutate)


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("version: 2026.1\nareas: [\n  - id: a\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_questionnaire(path)
    assert str(path) in str(info.value) and "YAML" in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="nicht gefunden"):
        load_questionnaire(tmp_path / "fehlt.yaml")


def test_duplicate_versions_in_a_folder(tmp_path: Path) -> None:
    import yaml

    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(yaml.safe_dump(BASE, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=r"2026\.1 gibt es schon"):
        Library.load(tmp_path)


# --- applies_if: conditions on items of the same area, without cycles ------


def _applies_if(**conditions: list[dict]) -> str:
    """Give strategie items (by index) an applies_if and return the loader's message."""

    def mutate(doc):
        for index, condition in conditions.items():
            doc["areas"][0]["items"][int(index[1:])]["applies_if"] = condition

    return broken(mutate)


def test_applies_if_is_read_in_the_advice_vocabulary() -> None:
    areas = document()["areas"]
    areas[0]["items"][1]["applies_if"] = [{"item": "strategie.s0", "none_of": ["niedrig"]}, {"item": "strategie.n", "min_value": 1}]
    q = questionnaire(areas=areas)
    item = q.item("strategie.s1")
    assert item is not None and [(c.item, c.kind, c.options, c.threshold) for c in item.applies_if] == [
        ("strategie.s0", "none_of", ("niedrig",), 0.0),
        ("strategie.n", "min_value", (), 1.0),
    ]
    assert q.conditional_items == (item,)


def test_applies_if_naming_an_unknown_item() -> None:
    message = _applies_if(i1=[{"item": "strategie.gibtsnicht", "any_of": ["hoch"]}])
    assert message == "kaputt.yaml: Frage strategie.s1, applies_if: unbekannte Frage 'strategie.gibtsnicht' (Fragebogen 2026.1)"


def test_applies_if_naming_an_unknown_option() -> None:
    message = _applies_if(i1=[{"item": "strategie.s0", "none_of": ["keine"]}])
    assert message == "kaputt.yaml: Frage strategie.s1, applies_if: strategie.s0 hat keine Option 'keine'"


def test_applies_if_in_a_cycle() -> None:
    message = _applies_if(
        i1=[{"item": "strategie.s2", "any_of": ["hoch"]}],
        i2=[{"item": "strategie.s3", "any_of": ["hoch"]}],
        i3=[{"item": "strategie.s1", "min_score": 50}],
    )
    assert message == (
        "kaputt.yaml: Frage strategie.s1, applies_if: die Bedingungen bilden einen Kreis: strategie.s1 → strategie.s2 → strategie.s3 → strategie.s1"
    )


def test_applies_if_on_itself() -> None:
    message = _applies_if(i1=[{"item": "strategie.s1", "any_of": ["hoch"]}])
    assert message.endswith("die Bedingungen bilden einen Kreis: strategie.s1 → strategie.s1")


def test_applies_if_on_another_area() -> None:
    message = _applies_if(i1=[{"item": "technik.s0", "any_of": ["hoch"]}])
    assert "strategie.s1" in message and "'technik.s0' aus einem anderen Bereich" in message


def test_applies_if_with_a_bad_condition() -> None:
    assert "braucht genau eines von" in _applies_if(i1=[{"item": "strategie.s0"}])
    assert "Liste" in _applies_if(i1={"item": "strategie.s0", "any_of": ["hoch"]})  # type: ignore[arg-type]  # a mapping, not a list


# --- the shipped content ---------------------------------------------------


def test_content_is_shipped() -> None:
    assert SHIPPED, "questionnaires/*.yaml fehlt"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_questionnaire_loads(path: Path) -> None:
    q = load_questionnaire(path)
    for area in q.areas:
        assert 8 <= len(area.items) <= 14
    for item in q.items:
        assert item.cite.section.strip()
        assert item.help.strip()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_sources_are_the_shared_documents(path: Path) -> None:
    q = load_questionnaire(path)
    files = sorted(s.file for s in q.sources)
    if SOURCE_FILES:
        assert files == SOURCE_FILES
    for source in q.sources:
        assert source.title and source.publisher and 1990 < source.year < 2100


def test_shipped_library_is_consistent() -> None:
    library = Library.load()
    assert library.latest.version in library.versions
