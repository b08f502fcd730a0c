"""Versions: old answers stay scoreable with their version and carry over to newer ones."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scoring import ContentError, Library, UnknownVersion, carry_over, check_answers, score
from tests.unit.factory import all_answers, document


def newer_version() -> dict:
    doc = document(version="2026.2")
    items = doc["areas"][0]["items"]
    items[0]["id"] = "strategie.strategiepapier"  # renamed from strategie.s0
    items[0]["options"] = [
        {"id": "keins", "label": "keins", "score": 0},
        {"id": "teilweise", "label": "teilweise", "score": 50},
        {"id": "vollstaendig", "label": "vollständig", "score": 100},
    ]
    items[1]["id"] = "strategie.neu"  # strategie.s1 dropped, a new item instead
    doc["migrates_from"] = {
        "version": "2026.1",
        "items": {"strategie.s0": "strategie.strategiepapier", "strategie.s1": None},
        "options": {"strategie.strategiepapier": {"niedrig": "keins", "mittel": "teilweise", "hoch": "vollstaendig"}},
    }
    return doc


@pytest.fixture
def library(tmp_path: Path) -> Library:
    (tmp_path / "v1.yaml").write_text(yaml.safe_dump(document(), allow_unicode=True), encoding="utf-8")
    (tmp_path / "v2.yaml").write_text(yaml.safe_dump(newer_version(), allow_unicode=True), encoding="utf-8")
    return Library.load(tmp_path)


def test_newest_version_is_default(library: Library) -> None:
    assert library.latest.version == "2026.2"
    assert library.get().version == "2026.2"
    assert library.get("2026.1").version == "2026.1"


def test_unknown_version(library: Library) -> None:
    with pytest.raises(UnknownVersion, match=r"2025\.9"):
        library.get("2025.9")


def test_old_answers_stay_scoreable_with_their_version(library: Library) -> None:
    old = library.get("2026.1")
    profile = score(old, all_answers(old, "hoch"))
    assert profile.questionnaire == "2026.1" and profile.overall.level == 5


def test_answers_carry_over_with_mapped_ids_and_options(library: Library) -> None:
    old = library.get("2026.1")
    answers = check_answers(old, dict(all_answers(old, "hoch"), **{"strategie.s0": "mittel"}))
    result = carry_over(library, answers, "2026.1", "2026.2")
    assert result.answers["strategie.strategiepapier"] == "teilweise"
    assert "strategie.s0" not in result.answers
    assert result.dropped == ("strategie.s1",)
    assert result.answers["technik.m"] == ("a", "b", "c")
    new_profile = score(library.get("2026.2"), result.answers)
    assert new_profile.questionnaire == "2026.2"
    assert new_profile.area("strategie").unknown == ("strategie.neu",)


def test_migration_to_unknown_item_is_refused(tmp_path: Path) -> None:
    doc = newer_version()
    doc["migrates_from"]["items"]["strategie.s0"] = "strategie.gibtsnicht"
    (tmp_path / "v1.yaml").write_text(yaml.safe_dump(document(), allow_unicode=True), encoding="utf-8")
    (tmp_path / "v2.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=r"strategie\.gibtsnicht"):
        Library.load(tmp_path)


def test_migration_from_missing_version_is_refused(tmp_path: Path) -> None:
    (tmp_path / "v2.yaml").write_text(yaml.safe_dump(newer_version(), allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=r"Vorgängerversion 2026\.1"):
        Library.load(tmp_path)


def test_migration_naming_an_old_id_that_never_existed(tmp_path: Path) -> None:
    doc = newer_version()
    doc["migrates_from"]["items"]["strategie.phantom"] = None
    (tmp_path / "v1.yaml").write_text(yaml.safe_dump(document(), allow_unicode=True), encoding="utf-8")
    (tmp_path / "v2.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=r"strategie\.phantom"):
        Library.load(tmp_path)


def _load_with(tmp_path: Path, doc: dict) -> Library:
    (tmp_path / "v1.yaml").write_text(yaml.safe_dump(document(), allow_unicode=True), encoding="utf-8")
    (tmp_path / "v2.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return Library.load(tmp_path)


def test_an_option_mapping_naming_an_old_option_that_never_existed_is_refused(tmp_path: Path) -> None:
    doc = newer_version()
    doc["migrates_from"]["options"]["strategie.strategiepapier"]["sehr_hoch"] = "vollstaendig"
    with pytest.raises(ContentError, match=r"Frage strategie\.strategiepapier: 'sehr_hoch' ist keine Option der Version 2026\.1"):
        _load_with(tmp_path, doc)


def test_an_old_option_without_a_counterpart_is_refused(tmp_path: Path) -> None:
    """Answers would be lost without a word: map the option, or map the item to null."""
    doc = newer_version()
    del doc["migrates_from"]["options"]["strategie.strategiepapier"]["mittel"]
    with pytest.raises(ContentError, match=r"Frage strategie\.s0: Option 'mittel' gibt es in strategie\.strategiepapier nicht"):
        _load_with(tmp_path, doc)


def test_a_change_of_kind_must_drop_the_old_answers(tmp_path: Path) -> None:
    doc = newer_version()
    item = doc["areas"][0]["items"][0]
    item.update(type="multi", options=[{"id": "keins", "label": "k", "score": 0, "exclusive": True}, *item["options"][1:]])
    with pytest.raises(
        ContentError, match=r"Typ single wird zu multi \(strategie\.strategiepapier\); Antworten passen nicht, auf null abbilden"
    ):
        _load_with(tmp_path, doc)
    doc["migrates_from"]["items"]["strategie.s0"] = None
    del doc["migrates_from"]["options"]["strategie.strategiepapier"]
    assert "strategie.strategiepapier" not in carry_over(_load_with(tmp_path, doc), {"strategie.s0": "hoch"}, "2026.1", "2026.2").answers


SHIPPED = Library.load()


@pytest.mark.parametrize("item", SHIPPED.get("2026.1").items, ids=lambda item: item.id)
def test_every_2026_1_answer_carries_to_2026_2_unless_the_migration_drops_the_item(item) -> None:  # type: ignore[no-untyped-def]
    """The shipped migration loses no answer silently: every option (every number) of an item it
    keeps arrives as a valid 2026.2 answer; the items it maps to null arrive as nothing."""
    new = SHIPPED.get("2026.2")
    assert new.migration is not None
    values = [item.min, item.max] if item.type == "number" else [(o.id,) if item.type == "multi" else o.id for o in item.options]
    for value in values:
        result = carry_over(SHIPPED, {item.id: value}, "2026.1", "2026.2")
        if item.id in new.migration.items and new.migration.items[item.id] is None:
            assert result.answers == {} and result.dropped == (item.id,)
        else:
            assert result.dropped == () and len(result.answers) == 1, value
