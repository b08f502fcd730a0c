"""Load and validate the advice catalogues (questionnaires/catalogues/*.yaml).

The catalogues are checked against one questionnaire: every item they name must
exist in it and every citation must name one of its sources and a section listed
in sources.yaml. A broken file is refused with a `ContentError` naming file,
entry and problem; docs/advice.md describes the format.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from scoring.advice.catalogue import (
    MEASURE_STATES,
    AmountKind,
    AmountRule,
    Catalogue,
    Contingent,
    Cost,
    Measure,
    Member,
    Module,
    Origin,
    PlanNote,
    Prerequisite,
    Programme,
    ProgrammeCondition,
    SourceSections,
)
from scoring.advice.reading import check, citation, entry_id, load_sections, period, question, weakness
from scoring.content import ContentError, Reader, read_yaml, texts, unique
from scoring.kinds import KINDS
from scoring.library import DEFAULT_DIR
from scoring.model import Questionnaire
from scoring.words import count

CATALOGUE_DIR = DEFAULT_DIR / "catalogues"
MIN_MEASURES_PER_AREA = 2
AMOUNT_KINDS: tuple[AmountKind, ...] = ("in_kind", "share", "per_partner", "unknown")


def _document(data: Any, file: str, schema: str, key: str) -> list[Any]:
    doc = Reader(file, "", data)
    if doc.raw("schema") != schema:
        raise doc.fail(f"unbekanntes Format '{doc.raw('schema')}' (erwartet {schema})")
    return doc.items(key)


def _prerequisite(module: Reader, q: Questionnaire, sections: SourceSections) -> Prerequisite | None:
    raw = module.raw("requires", required=False)
    if raw is None:
        return None
    reader = Reader(module.file, f"{module.where}, requires", raw)
    modules: list[str] = []
    checks = []
    for alternative in reader.items("any_of"):
        if isinstance(alternative, dict) and "module" in alternative:
            modules.append(Reader(reader.file, reader.where, alternative).text("module"))
        else:
            checks.append(check(reader, alternative, q))
    return Prerequisite(tuple(modules), tuple(checks), reader.text("text"), citation(reader, q, sections))


def _module(index: int, raw: Any, file: str, q: Questionnaire, sections: SourceSections) -> Module:
    reader = Reader(file, f"modules[{index}]", raw)
    module_id = entry_id(reader, "Modul")
    number = reader.integer("number")
    on_site, results = reader.number("days_on_site"), reader.number("days_results")
    assert number is not None and on_site is not None and results is not None
    if on_site <= 0 or results < 0:
        raise reader.fail("Beratungstage müssen positiv sein")
    skip_if = tuple(check(reader, c, q) for c in reader.items("skip_if", required=False))
    skip_reason = reader.text("skip_reason", required=bool(skip_if))
    return Module(
        id=module_id,
        number=number,
        title=reader.text("title"),
        contents=texts(reader, "contents"),
        goal=reader.text("goal"),
        target_groups=texts(reader, "target_groups"),
        days_on_site=on_site,
        days_results=results,
        needs=tuple(weakness(reader, w, q) for w in reader.items("needs")),
        skip_if=skip_if,
        skip_reason=skip_reason,
        requires=_prerequisite(reader, q, sections),
        funded=period(reader, reader.raw("funded"), q, sections),
        cite=citation(reader, q, sections),
        note=reader.text("note", required=False),
        recommend_unless_skipped=reader.flag("recommend_unless_skipped"),
    )


def _notes(doc: Reader, q: Questionnaire, sections: SourceSections) -> tuple[PlanNote, ...]:
    notes = []
    for index, raw in enumerate(doc.items("notes", required=False)):
        reader = Reader(doc.file, f"notes[{index}]", raw)
        nid = entry_id(reader, "Hinweis")
        cites = [Reader(reader.file, reader.where, {"cite": c}) for c in reader.items("cites")]
        if not cites:
            raise reader.fail("mindestens eine Quellenangabe nötig")
        notes.append(PlanNote(nid, reader.text("text"), tuple(citation(c, q, sections) for c in cites)))
    unique(doc.file, "Hinweis", [n.id for n in notes])
    return tuple(notes)


def parse_modules(
    data: Any, file: str, q: Questionnaire, sections: SourceSections
) -> tuple[tuple[Module, ...], tuple[Contingent, ...], tuple[PlanNote, ...]]:
    modules = tuple(_module(i, raw, file, q, sections) for i, raw in enumerate(_document(data, file, "digicheck/modules-1", "modules")))
    unique(file, "Modul", [m.id for m in modules])
    unique(file, "Modulnummer", [str(m.number) for m in modules])
    numbers = {m.id: m.number for m in modules}
    for module in modules:
        for required in module.requires.modules if module.requires else ():
            if required not in numbers:
                raise ContentError(file, f"Modul {module.id}", f"Voraussetzung nennt unbekanntes Modul '{required}'")
            if numbers[required] >= module.number:
                raise ContentError(file, f"Modul {module.id}", f"vorausgesetztes Modul '{required}' muss eine kleinere Nummer haben")
    doc = Reader(file, "", data)
    contingents: list[Contingent] = []
    seen: dict[str, str] = {}
    for index, raw in enumerate(doc.items("contingents")):
        reader = Reader(file, f"contingents[{index}]", raw)
        cid = entry_id(reader, "Kontingent")
        members = texts(reader, "modules")
        free = reader.integer("free")
        assert free is not None
        if not 1 <= free <= len(members):
            raise reader.fail("'free' muss zwischen 1 und der Zahl der Module liegen")
        for member in members:
            if member not in numbers:
                raise reader.fail(f"unbekanntes Modul '{member}'")
            if member in seen:
                raise reader.fail(f"Modul '{member}' gehört schon zum Kontingent '{seen[member]}'")
            seen[member] = cid
        choose = reader.text("choose", required=False) or "order"
        if choose not in ("order", "need"):
            raise reader.fail(f"'choose' muss 'order' oder 'need' sein, nicht '{choose}'")
        contingents.append(
            Contingent(cid, reader.text("name"), members, free, reader.text("paid_by"), citation(reader, q, sections), cast(Any, choose))
        )
    if doc.raw("extras", required=False) is not None:
        raise doc.fail(
            "'extras' gibt es nicht mehr: das Land zahlt je Kommune ein Modul aus 1/2 und eines aus 3/4 "
            "(ozg-report-2021, „Allgemeines“); ältere Lesarten gehören als Hinweis unter 'notes'"
        )
    unique(file, "Kontingent", [c.id for c in contingents])
    return modules, tuple(contingents), _notes(doc, q, sections)


def _amount(parent: Reader, q: Questionnaire, sections: SourceSections) -> AmountRule:
    reader = Reader(parent.file, f"{parent.where}, amount", parent.raw("amount"))
    kind = reader.text("kind")
    if kind not in AMOUNT_KINDS:
        raise reader.fail(f"unbekannte Betragsregel '{kind}' (erlaubt: {', '.join(AMOUNT_KINDS)})")
    text = reader.text("text")
    partners_item = None
    if reader.raw("partners_item", required=kind == "per_partner") is not None:
        item = question(reader, q, "partners_item")
        if item.type != "number":
            raise reader.fail(f"partners_item '{item.id}' muss eine Zahlenfrage sein")
        partners_item = item.id
    if kind == "share":
        share = reader.number("grant_share")
        assert share is not None
        if not 0 < share < 1:
            raise reader.fail("grant_share muss zwischen 0 und 1 liegen")
        example = reader.raw("example", required=False)
        if example is None:
            return AmountRule("share", text, grant_share=share)
        ex = Reader(reader.file, f"{reader.where}, example", example)
        total = ex.number("total")
        return AmountRule(
            "share", text, grant_share=share, example_label=ex.text("label"), example_total=total, example_cite=citation(ex, q, sections)
        )
    if kind == "per_partner":
        per, cap = reader.number("per_partner"), reader.number("cap", required=False)
        minimum = reader.integer("min_partners", required=False) or 2
        assert per is not None
        if per <= 0 or (cap is not None and cap < per):
            raise reader.fail("per_partner muss positiv und cap mindestens so groß sein")
        return AmountRule(
            "per_partner",
            text,
            per_partner=per,
            cap=cap,
            cap_above=reader.integer("cap_above", required=False),
            partners_item=partners_item,
            min_partners=minimum,
        )
    return AmountRule(cast(AmountKind, kind), text)  # checked against AMOUNT_KINDS above


def _programme(index: int, raw: Any, file: str, q: Questionnaire, sections: SourceSections) -> Programme:
    reader = Reader(file, f"programmes[{index}]", raw)
    pid = entry_id(reader, "Programm")
    kinds = texts(reader, "kinds", required=False) or KINDS
    population = reader.mapping("population", required=False)
    favoured = Reader(file, reader.where, reader.raw("favoured", required=False) or {})
    if favoured.raw("kinds", required=False) is not None:
        raise reader.fail("'favoured' richtet sich nach der Größe (population: {min, max}), nicht nach der Art der Kommune")
    favoured_size = favoured.mapping("population", required=False)
    for kind in kinds:
        if kind not in KINDS:
            raise reader.fail(f"unbekannte Art von Kommune '{kind}' (erlaubt: {', '.join(KINDS)})")
    conditions = []
    for raw_condition in reader.items("conditions", required=False):
        cond = Reader(file, reader.where, raw_condition)
        cid = entry_id(cond, f"Programm {pid}, Bedingung")
        raw_check = cond.raw("check", required=False)
        conditions.append(
            ProgrammeCondition(
                cid, cond.text("text"), check(cond, raw_check, q) if raw_check is not None else None, cond.text("note", required=False)
            )
        )
    unique(file, f"Programm {pid}, Bedingung", [c.id for c in conditions])
    pop_min, pop_max = population.get("min"), population.get("max")
    for value in (pop_min, pop_max, favoured_size.get("min"), favoured_size.get("max")):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise reader.fail("population.min/max müssen ganze Zahlen ab 0 sein")
    return Programme(
        id=pid,
        name=reader.text("name"),
        funder=reader.text("funder"),
        what=reader.text("what"),
        kinds=kinds,
        population_min=pop_min,
        population_max=pop_max,
        favoured_population_min=favoured_size.get("min"),
        favoured_population_max=favoured_size.get("max"),
        favoured_note=favoured.text("note", required=bool(favoured_size)),
        addresses=tuple(weakness(reader, w, q) for w in reader.items("addresses", required=False)),
        conditions=tuple(conditions),
        exclusions=texts(reader, "exclusions", required=False),
        amount=_amount(reader, q, sections),
        period=period(reader, reader.raw("period"), q, sections),
        cite=citation(reader, q, sections),
    )


def parse_funding(data: Any, file: str, q: Questionnaire, sections: SourceSections) -> tuple[Programme, ...]:
    programmes = tuple(
        _programme(i, raw, file, q, sections) for i, raw in enumerate(_document(data, file, "digicheck/funding-1", "programmes"))
    )
    unique(file, "Programm", [p.id for p in programmes])
    return programmes


def _population(reader: Reader, key: str) -> int | None:
    value = reader.raw(key, required=False)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise reader.fail(f"'{key}' muss eine ganze Zahl ab 0 sein")
    return value


def parse_origins(doc: Reader) -> dict[str, Origin]:
    """Who the measures come from, with each member's population from the register."""
    origins: dict[str, Origin] = {}
    register = doc.text("register")
    for index, raw in enumerate(doc.items("origins")):
        reader = Reader(doc.file, f"origins[{index}]", raw)
        oid = entry_id(reader, "Herkunft")
        members = []
        for raw_member in reader.items("members", required=False):
            member = Reader(reader.file, reader.where, raw_member)
            population = _population(member, "population")
            if population is None:
                raise member.fail("Einwohnerzahl fehlt")
            members.append(Member(member.text("name"), member.text("ags"), population))
        if oid in origins:
            raise reader.fail("doppelte Herkunft")
        origins[oid] = Origin(oid, reader.text("name"), tuple(members), register if members else "")
    return origins


def _measure(index: int, raw: Any, file: str, q: Questionnaire, sections: SourceSections, origins: dict[str, Origin]) -> Measure:
    reader = Reader(file, f"measures[{index}]", raw)
    mid = entry_id(reader, "Maßnahme")
    area = reader.text("area")
    if q.area(area) is None:
        raise reader.fail(f"unbekannter Bereich '{area}'")
    items = texts(reader, "items")
    for item_id in items:
        if q.item(item_id) is None:
            raise reader.fail(f"unbekannte Frage '{item_id}' (Fragebogen {q.version})")
    state = reader.text("state")
    if state not in MEASURE_STATES:
        raise reader.fail(f"unbekannter Stand '{state}' (erlaubt: {', '.join(MEASURE_STATES)})")
    year = reader.integer("year")
    assert year is not None
    origin = reader.text("origin")
    if origin not in origins:
        raise reader.fail(f"unbekannte Herkunft '{origin}' (erlaubt: {', '.join(origins)})")
    also = texts(reader, "also_areas", required=False)
    for other in also:
        if q.area(other) is None:
            raise reader.fail(f"unbekannter Bereich '{other}' in also_areas")
    also_max = _population(reader, "also_population_max")
    if also and also_max is None:
        raise reader.fail("also_areas braucht also_population_max")
    raw_cost = reader.raw("cost", required=False)
    cost = None
    if raw_cost is not None:
        cost_reader = Reader(file, f"{reader.where}, cost", raw_cost)
        cost = Cost(cost_reader.text("text"), cost_reader.number("amount", required=False))
    return Measure(
        mid,
        area,
        items,
        reader.text("title"),
        reader.text("description"),
        origins[origin],
        state,
        year,
        citation(reader, q, sections),
        cost,
        _population(reader, "population_min"),
        also,
        also_max,
    )


def parse_measures(data: Any, file: str, q: Questionnaire, sections: SourceSections) -> tuple[Measure, ...]:
    entries = _document(data, file, "digicheck/measures-1", "measures")
    origins = parse_origins(Reader(file, "", data))
    measures = tuple(_measure(i, raw, file, q, sections, origins) for i, raw in enumerate(entries))
    unique(file, "Maßnahme", [m.id for m in measures])
    for area in q.area_ids:
        found = sum(1 for m in measures if m.area == area)
        if found < MIN_MEASURES_PER_AREA:
            raise ContentError(
                file, f"Bereich {area}", f"{count(found, 'Maßnahme', 'Maßnahmen')}; mindestens {MIN_MEASURES_PER_AREA} nötig"
            )
    return measures


def catalogue_dir_for(q: Questionnaire) -> Path:
    """`catalogues/` beside the questionnaire file when there is one, else the shipped folder."""
    beside = Path(q.path).parent / "catalogues" if q.path else None
    return beside if beside is not None and beside.is_dir() else CATALOGUE_DIR


CATALOGUE_KINDS = ("sources", "modules", "funding", "measures")


def catalogue_paths(folder: Path | str, overlay: Path | str | None = None) -> dict[str, str]:
    """The file of each catalogue kind: the one in `overlay` (catalogues the operator imported,
    in the instance folder) where there is one, else the one in `folder` (shipped)."""
    paths = {}
    for name in CATALOGUE_KINDS:
        imported = Path(overlay) / f"{name}.yaml" if overlay is not None else None
        paths[name] = str(imported if imported is not None and imported.is_file() else Path(folder) / f"{name}.yaml")
    return paths


def load_catalogue(q: Questionnaire, folder: Path | str = CATALOGUE_DIR, overlay: Path | str | None = None) -> Catalogue:
    """Load sources.yaml, modules.yaml, funding.yaml and measures.yaml, validated against `q`;
    a kind found in `overlay` replaces the one in `folder`."""
    paths = catalogue_paths(folder, overlay)
    sections = load_sections(paths["sources"], q)
    modules, contingents, notes = parse_modules(read_yaml(Path(paths["modules"])), paths["modules"], q, sections)
    programmes = parse_funding(read_yaml(Path(paths["funding"])), paths["funding"], q, sections)
    measures = parse_measures(read_yaml(Path(paths["measures"])), paths["measures"], q, sections)
    return Catalogue(sections, modules, contingents, notes, programmes, measures, paths)
