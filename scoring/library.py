"""All questionnaire versions shipped in a folder, and carrying answers between them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scoring.answers import Answers, AnswerValue, check_answer
from scoring.content import ContentError, load_questionnaire, version_key
from scoring.model import SPECIAL_ANSWERS, Item, Questionnaire


def _shipped_dir() -> Path:
    """The questionnaires shipped with the product: inside this package in an installed wheel
    (pyproject.toml maps the repository's top-level questionnaires/ there), beside the packages
    in a checkout."""
    packaged = Path(__file__).resolve().parent / "questionnaires"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "questionnaires"


#: The questionnaires shipped with the product.
DEFAULT_DIR = _shipped_dir()


class UnknownVersion(LookupError):
    def __init__(self, version: str, known: list[str]):
        self.version = version
        super().__init__(f"unbekannte Fragebogen-Version '{version}' (vorhanden: {', '.join(known) or 'keine'})")


@dataclass(frozen=True)
class Library:
    """Every questionnaire version in a folder, validated together."""

    versions: dict[str, Questionnaire]

    @classmethod
    def load(cls, folder: Path | str = DEFAULT_DIR) -> Library:
        folder = Path(folder)
        files = sorted(folder.glob("*.yaml"))
        if not files:
            raise ContentError(str(folder), "", "keine Fragebogen-Dateien (*.yaml) gefunden")
        versions: dict[str, Questionnaire] = {}
        for path in files:
            questionnaire = load_questionnaire(path)
            if questionnaire.version in versions:
                raise ContentError(
                    str(path), "version", f"Version {questionnaire.version} gibt es schon in {versions[questionnaire.version].path}"
                )
            versions[questionnaire.version] = questionnaire
        library = cls(dict(sorted(versions.items(), key=lambda kv: version_key(kv[0]))))
        for questionnaire in library.versions.values():
            library._check_migration(questionnaire)
        return library

    def _check_migration(self, new: Questionnaire) -> None:
        migration = new.migration
        if migration is None:
            return
        old = self.versions.get(migration.from_version)
        if old is None:
            raise ContentError(new.path, "migrates_from", f"die Vorgängerversion {migration.from_version} ist nicht vorhanden")
        for old_id in migration.items:
            if old.item(old_id) is None:
                raise ContentError(new.path, "migrates_from", f"'{old_id}' ist keine Frage der Version {old.version}")
        sources = _sources_by_target(old, new)
        for new_id, mapping in migration.options.items():
            old_items = sources.get(new_id, [])
            if not old_items:
                raise ContentError(
                    new.path,
                    "migrates_from",
                    f"Optionszuordnung für '{new_id}', aber keine Frage aus {old.version} wird dorthin übernommen",
                )
            for old_option in mapping:
                if not any(item.option(old_option) for item in old_items):
                    raise ContentError(
                        new.path, f"migrates_from, Frage {new_id}", f"'{old_option}' ist keine Option der Version {old.version}"
                    )
        for new_id, old_items in sources.items():
            target = new.item(new_id)
            assert target is not None
            for old_item in old_items:
                _check_carried(new.path, old_item, target, migration.options.get(new_id, {}))

    @property
    def latest(self) -> Questionnaire:
        return list(self.versions.values())[-1]

    def get(self, version: str | None = None) -> Questionnaire:
        if version is None:
            return self.latest
        try:
            return self.versions[str(version)]
        except KeyError:
            raise UnknownVersion(str(version), list(self.versions)) from None


def _sources_by_target(old: Questionnaire, new: Questionnaire) -> dict[str, list[Item]]:
    """New item id -> the old items whose answers carry over to it (mapped, or the same id)."""
    assert new.migration is not None
    sources: dict[str, list[Item]] = {}
    for item in old.items:
        new_id = new.migration.items.get(item.id, item.id)
        if new_id is not None and new.item(new_id) is not None:
            sources.setdefault(new_id, []).append(item)
    return sources


def _check_carried(file: str, old: Item, new: Item, options: dict[str, str]) -> None:
    """Refuse a carry-over that would lose answers without saying so: an answer to `old` must be a
    valid answer to `new` (same kind, each old option mapped or kept). Map the item to null to drop it."""
    where = f"migrates_from, Frage {old.id}"
    if (old.type == "number") != (new.type == "number") or (old.type == "multi") != (new.type == "multi"):
        raise ContentError(file, where, f"Typ {old.type} wird zu {new.type} ({new.id}); Antworten passen nicht, auf null abbilden")
    if old.type == "number":
        if old.min is not None and new.min is not None and (old.min < new.min or (old.max or 0) > (new.max or 0)):
            raise ContentError(file, where, f"Wertebereich {old.min}–{old.max} passt nicht in {new.min}–{new.max} von {new.id}")
        return
    for option in old.options:
        target = options.get(option.id, option.id)
        if new.option(target) is None and target not in SPECIAL_ANSWERS:
            raise ContentError(file, where, f"Option '{option.id}' gibt es in {new.id} nicht; unter options zuordnen")


@dataclass(frozen=True)
class CarryOver:
    """Answers carried to a newer version, and the old item ids that could not be."""

    answers: Answers
    dropped: tuple[str, ...]


def carry_over(library: Library, answers: Answers, from_version: str, to_version: str) -> CarryOver:
    """Map answers along the chain of declared migrations from one version to a newer one."""
    chain: list[Questionnaire] = []
    current = library.get(to_version)
    while current.version != from_version:
        if current.migration is None:
            raise UnknownVersion(from_version, [q.version for q in chain + [current]])
        chain.append(current)
        current = library.get(current.migration.from_version)
    dropped: list[str] = []
    for new in reversed(chain):
        answers, lost = _step(new, answers)
        dropped.extend(lost)
    return CarryOver(answers, tuple(dropped))


def _step(new: Questionnaire, answers: Answers) -> tuple[Answers, list[str]]:
    assert new.migration is not None
    mapped: Answers = {}
    dropped: list[str] = []
    for old_id, value in answers.items():
        new_id = new.migration.items.get(old_id, old_id)
        item = new.item(new_id) if new_id else None
        if item is None:
            dropped.append(old_id)
            continue
        options = new.migration.options.get(item.id, {})
        converted: AnswerValue
        if isinstance(value, tuple):
            converted = tuple(options.get(v, v) for v in value)
        elif isinstance(value, str) and value not in SPECIAL_ANSWERS:
            converted = options.get(value, value)
        else:
            converted = value
        try:
            mapped[item.id] = check_answer(item, converted)
        except ValueError:
            dropped.append(old_id)
    return mapped, dropped


def item_renames(library: Library, from_version: str, to_version: str) -> dict[str, str | None]:
    """Each item id of `from_version` -> its id in `to_version` along the declared migrations
    (None: its answers are not carried over, because the item was dropped or now measures
    something else)."""
    ids: dict[str, str | None] = {item.id: item.id for item in library.get(from_version).items}
    for q in library.versions.values():
        if q.migration is None or not version_key(from_version) < version_key(q.version) <= version_key(to_version):
            continue
        ids = {old: (_carried_id(q, new) if new is not None else None) for old, new in ids.items()}
    return ids


def _carried_id(q: Questionnaire, old_id: str) -> str | None:
    assert q.migration is not None
    new_id = q.migration.items.get(old_id, old_id)
    return new_id if new_id is not None and q.item(new_id) is not None else None


@dataclass(frozen=True)
class VersionChange:
    """What a comparison across questionnaire versions can and cannot compare."""

    from_version: str
    to_version: str
    #: item id in `to_version` -> the id of the same question in `from_version`
    comparable: dict[str, str]
    #: items of `to_version` without a counterpart (new, or measuring something else now)
    not_comparable: tuple[str, ...]


def version_change(library: Library, from_version: str, to_version: str) -> VersionChange | None:
    """None when both are the same version; else which items of `to_version` can be compared with
    answers to `from_version` (declared migrations only: an item whose answers are not carried
    over is not comparable, even if it kept its id)."""
    if from_version == to_version:
        return None
    renames = item_renames(library, from_version, to_version)
    comparable = {new: old for old, new in renames.items() if new is not None}
    missing = tuple(item.id for item in library.get(to_version).items if item.id not in comparable)
    return VersionChange(from_version, to_version, comparable, missing)
