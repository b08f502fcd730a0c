"""Commands on the content and the configuration: questionnaire check/show, catalogue
import/show, score, config check. None of them needs a database or the application.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from digicheck import timefmt
from digicheck.cli.base import CliError, imported_catalogue_dir, load_library, main
from scoring import AnswerError, ContentError, UnknownVersion, score
from scoring.advice import KINDS, MunicipalityFacts, advice_to_dict, advice_to_text, advise, load_catalogue, load_references
from scoring.advice.loader import catalogue_dir_for, catalogue_paths
from scoring.content import read_yaml
from scoring.inconsistencies import (
    find_inconsistencies,
    inconsistencies_to_dict,
    inconsistencies_to_text,
    load_inconsistency_rules,
    named_versions,
    rules_file_for,
)
from scoring.model import Check
from scoring.report import profile_to_dict, profile_to_text

ANSWER_FILE_KEYS = {"questionnaire", "answers", "label", "description", "citations"}


@main.group()
def questionnaire() -> None:
    """Fragebögen prüfen und anzeigen."""


@questionnaire.command("check")
def questionnaire_check() -> None:
    """Validate every questionnaire file, the migrations, the catalogues and the reference profiles."""
    from flask_babel import ngettext  # here: importing the CLI loads no Flask

    library = load_library()
    for q in library.versions.values():
        counts = (
            ngettext("%(num)d Frage", "%(num)d Fragen", len(q.items)) + ", " + ngettext("%(num)d Regel", "%(num)d Regeln", len(q.gates))
        )
        click.echo(f"ok  {q.version}  {counts}  ({q.path})")
        catalogue = _checked_catalogue(q, catalogue_dir_for(q), imported_catalogue_dir())
        click.echo(
            f"ok  {q.version}  Kataloge: {len(catalogue.modules)} Module, {len(catalogue.programmes)} Förderprogramme, "
            f"{len(catalogue.measures)} Maßnahmen"
        )
        try:
            references = load_references(q, library=library)
        except ContentError as exc:
            raise CliError(str(exc)) from None
        click.echo(f"ok  {q.version}  Referenzprofile: {', '.join(r.label for r in references) or 'keine'}")
        try:
            rules = load_inconsistency_rules(q)
        except ContentError as exc:
            raise CliError(str(exc)) from None
        click.echo(f"ok  {q.version}  {len(rules)} Plausibilitätsregeln")
        for rule_id, versions in named_versions(rules_file_for(q)).items():
            missing = [v for v in versions if v not in library.versions]
            if missing:
                raise CliError(f"{rules_file_for(q)}: Regel {rule_id}: Fragebogen {', '.join(missing)} gibt es nicht")


def _checked_catalogue(q: Any, folder: Path, overlay: Path | None = None) -> Any:
    try:
        return load_catalogue(q, folder, overlay)
    except ContentError as exc:
        raise CliError(str(exc)) from None


CATALOGUE_SCHEMAS = {
    "digicheck/modules-1": "modules",
    "digicheck/funding-1": "funding",
    "digicheck/measures-1": "measures",
    "digicheck/catalogue-sources-1": "sources",
}


@main.group()
def catalogue() -> None:
    """Beratungsmodule, Förderprogramme und Referenzmaßnahmen (Kataloge) prüfen und einspielen."""


@catalogue.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
def catalogue_import(file: str) -> None:
    """Validate a catalogue file against every questionnaire version, then install it.

    The file replaces the catalogue of the same kind (by its `schema`) only when the
    whole set of catalogues still validates; otherwise nothing changes.
    """
    import os
    import shutil
    import tempfile

    try:
        data = read_yaml(Path(file))
    except ContentError as exc:
        raise CliError(str(exc)) from None
    if data is None:
        raise CliError(f"{file}: Datei nicht gefunden oder leer")
    kind = CATALOGUE_SCHEMAS.get(str(data.get("schema")) if isinstance(data, dict) else "")
    if kind is None:
        raise CliError(f"{file}: unbekanntes Katalogformat (schema muss eines von {', '.join(CATALOGUE_SCHEMAS)} sein)")
    library = load_library()
    target = imported_catalogue_dir()
    with tempfile.TemporaryDirectory() as staging:
        for existing in catalogue_paths(catalogue_dir_for(library.latest), target).values():
            shutil.copy(existing, staging)
        shutil.copy(file, Path(staging) / f"{kind}.yaml")
        for q in library.versions.values():
            try:
                load_catalogue(q, catalogue_dir_for(q), staging)
            except ContentError as exc:
                raise CliError(str(exc).replace(str(Path(staging) / f"{kind}.yaml"), file)) from None
        try:
            target.mkdir(parents=True, exist_ok=True)
            temporary = target / f".{kind}.yaml.new"
            shutil.copy(file, temporary)
            os.replace(temporary, target / f"{kind}.yaml")  # atomic: a reader sees the old or the new file
        except OSError as exc:
            raise CliError(f"{target}: Katalog konnte nicht gespeichert werden ({exc.strerror})") from None
    click.echo(f"ok  {file} geprüft und als {target / (kind + '.yaml')} übernommen")


@catalogue.command("show")
def catalogue_show() -> None:
    """Show which catalogue file of each kind is in force: imported (instance folder) or shipped."""
    library = load_library()
    q = library.latest
    paths = catalogue_paths(catalogue_dir_for(q), imported_catalogue_dir())
    catalogue = _checked_catalogue(q, catalogue_dir_for(q), imported_catalogue_dir())
    counts = {
        "sources": len(catalogue.sections.by_source),
        "modules": len(catalogue.modules),
        "funding": len(catalogue.programmes),
        "measures": len(catalogue.measures),
    }
    click.echo(f"Kataloge in Kraft für Fragebogen {q.version}:")
    for kind, path in paths.items():
        imported = Path(path).parent == imported_catalogue_dir()
        origin = f"eingespielt am {timefmt.local_datetime(Path(path).stat().st_mtime)}" if imported else "ausgeliefert"
        click.echo(f"  {kind:<9} {counts[kind]:>3} Einträge  {origin}  ({path})")


def condition_dict(check: Check) -> dict[str, Any]:
    """A condition as the content files write it: {item, <kind>: options or threshold}."""
    value: Any = list(check.options) if check.kind in ("any_of", "none_of") else check.threshold
    return {"item": check.item, check.kind: int(value) if check.kind == "min_value" else value}


def questionnaire_to_dict(q: Any) -> dict[str, Any]:
    def item_dict(item: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": item.id,
            "type": item.type,
            "text": item.text,
            "help": item.help,
            "weight": item.weight,
            "options": [{"id": o.id, "label": o.label, "score": o.score} for o in item.options],
            "special_answers": list(item.special_answers),
            "cite": {"source": item.cite.source, "section": item.cite.section},
        }
        if item.type == "number":
            data.update(unit=item.unit, min=item.min, max=item.max, bands=[{"min": b.min, "score": b.score} for b in item.bands])
        if item.applies_if:
            data["applies_if"] = [condition_dict(c) for c in item.applies_if]
        return data

    return {
        "version": q.version,
        "title": q.title,
        "published": q.published.isoformat(),
        "levels": [{"level": lv.level, "name": lv.name, "min_score": lv.min_score} for lv in q.levels],
        "areas": [{"id": a.id, "name": a.name, "items": [item_dict(i) for i in a.items]} for a in q.areas],
        "gates": [{"id": g.id, "area": g.area, "max_level": g.max_level, "reason": g.reason} for g in q.gates],
        "sources": [{"id": s.id, "title": s.title, "publisher": s.publisher, "year": s.year} for s in q.sources],
    }


@questionnaire.command("show")
@click.argument("version", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def questionnaire_show(version: str | None, fmt: str) -> None:
    """Print a questionnaire version (the newest when none is named)."""
    library = load_library()
    try:
        q = library.get(version)
    except UnknownVersion as exc:
        raise CliError(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(questionnaire_to_dict(q), ensure_ascii=False, indent=2))
        return
    click.echo(f"{q.title} – Version {q.version} (veröffentlicht am {timefmt.local_date(q.published)})")
    for area in q.areas:
        click.echo(f"\n{area.name}")
        for item in area.items:
            click.echo(f"  [{item.id}] {item.text}  (Gewicht {item.weight:g})")
            for option in item.options:
                click.echo(f"      {option.id}: {option.label} ({option.score:g})")
            if item.type == "number":
                click.echo(f"      Zahl ({item.unit}) von {item.min} bis {item.max}")
            if item.applies_if:
                click.echo(f"      nur gefragt, wenn: {json.dumps([condition_dict(c) for c in item.applies_if], ensure_ascii=False)}")


def read_answers_file(path: str) -> tuple[str | None, dict[str, Any]]:
    """Read an answers file (YAML or JSON); return (version or None, answers)."""
    try:
        data = read_yaml(Path(path))
    except ContentError as exc:
        raise CliError(str(exc)) from None
    if not isinstance(data, dict):
        raise CliError(f"{path}: erwartet eine Zuordnung mit 'questionnaire' und 'answers'")
    unknown = set(data) - ANSWER_FILE_KEYS
    if unknown:
        raise CliError(f"{path}: unbekannte Felder {', '.join(sorted(map(str, unknown)))}")
    answers = data.get("answers")
    if not isinstance(answers, dict):
        raise CliError(f"{path}: 'answers' fehlt oder ist keine Zuordnung Frage -> Antwort")
    version = data.get("questionnaire")
    return (None if version is None else str(version)), answers


@main.command("score")
@click.argument("answers_file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Stichtag der Beratung (JJJJ-MM-TT) für Fristen und Förderstatus; Standard: heute.",
)
@click.option("--kind", type=click.Choice(list(KINDS)), default=None, help="Art der Kommune (für Förderbedingungen).")
@click.option("--population", type=click.IntRange(min=0), default=None, help="Einwohnerzahl (für Förderbedingungen).")
def score_command(answers_file: str, fmt: str, as_of: datetime | None, kind: str | None, population: int | None) -> None:
    """Score an answers file and print the Reifegrad profile with advice."""
    library = load_library()
    version, answers = read_answers_file(answers_file)
    try:
        q = library.get(version)
        profile = score(q, answers, population)
        facts = MunicipalityFacts(kind, population) if kind else None
        catalogue = load_catalogue(q, catalogue_dir_for(q), imported_catalogue_dir())
        advice = advise(q, profile, facts, as_of=(as_of.date() if as_of else timefmt.today()), catalogue=catalogue)
        contradictions = find_inconsistencies(q, load_inconsistency_rules(q), profile.answers)
    except UnknownVersion as exc:
        raise CliError(f"{answers_file}: {exc}") from None
    except AnswerError as exc:
        raise CliError(f"{answers_file}: Frage {exc.item_id}: {exc.message}") from None
    except ContentError as exc:
        raise CliError(str(exc)) from None
    if fmt == "json":
        document = profile_to_dict(q, profile)
        document["inconsistencies"] = inconsistencies_to_dict(contradictions)
        document["advice"] = advice_to_dict(advice)
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        found = inconsistencies_to_text(contradictions)
        click.echo(profile_to_text(q, profile) + "\n" + (found + "\n" if found else "") + advice_to_text(advice), nl=False)


@main.group("config")
def config_group() -> None:
    """Konfiguration (Umgebungsvariablen) prüfen."""


@config_group.command("check")
def config_check() -> None:
    """Check every environment variable once, as the app does at start, and print warnings."""
    from flask_babel import ngettext  # here: importing the CLI loads no Flask

    from digicheck.config import ConfigError, check_environment, instance_path
    from digicheck.legal.texts import notes as legal_notes

    try:
        warnings = check_environment()
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    warnings += [note.detail for note in legal_notes(instance_path())]
    for warning in warnings:
        click.echo(f"Warnung: {warning}")
    click.echo(
        "Konfiguration in Ordnung" + (" (" + ngettext("%(num)d Warnung", "%(num)d Warnungen", len(warnings)) + ")" if warnings else "")
    )
