"""The questionnaire library of the running app, loaded and validated once."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from flask import current_app

from scoring import Library, Questionnaire
from scoring.advice import Catalogue
from scoring.advice.loader import CATALOGUE_KINDS, catalogue_dir_for, load_catalogue
from scoring.inconsistencies import InconsistencyRule, load_inconsistency_rules


def library() -> Library:
    lib = current_app.extensions.get("digicheck.library")
    if lib is None:
        lib = Library.load(current_app.config["DIGICHECK_QUESTIONNAIRES"])
        current_app.extensions["digicheck.library"] = lib
    return lib


def questionnaire(version: str | None = None) -> Questionnaire:
    return library().get(version)


def imported_catalogue_dir() -> Path:
    """Catalogues imported with `digicheck catalogue import`: in the instance folder, shared by
    every process and kept across releases."""
    return Path(current_app.instance_path) / "catalogues"


def catalogue(q: Questionnaire) -> Catalogue:
    """The catalogue in force for `q`: imported files over shipped ones. Validated once per
    process and set of files; an import seen by another process is picked up at its next
    request (the key holds each file's modification time)."""
    key = (q.version, _files_in_force(str(catalogue_dir_for(q)), str(imported_catalogue_dir())))
    cache: dict[object, Catalogue] = current_app.extensions.setdefault("digicheck.catalogues", {})
    if key not in cache:
        cache.clear()
        cache[key] = load_catalogue(q, catalogue_dir_for(q), imported_catalogue_dir())
    return cache[key]


def _files_in_force(folder: str, overlay: str) -> tuple[tuple[str, int], ...]:
    """(path, modification time) of each kind's catalogue file in force, as `catalogue_paths` chooses
    it (the imported file where there is one, else the shipped one), with one `os.stat` per file
    looked at: called on every request that reads the catalogue, so no pathlib objects."""
    found = []
    for name in CATALOGUE_KINDS:
        imported = os.path.join(overlay, name + ".yaml")
        try:
            status = os.stat(imported)
        except OSError:
            status = None
        if status is None or not stat.S_ISREG(status.st_mode):
            imported = os.path.join(folder, name + ".yaml")
            status = os.stat(imported)
        found.append((imported, status.st_mtime_ns))
    return tuple(found)


def inconsistency_rules(q: Questionnaire) -> tuple[InconsistencyRule, ...]:
    """The rules for this questionnaire version, loaded and validated once per process: shown to
    the Kommune before it submits and to the consultant in the review."""
    cache = current_app.extensions.setdefault("digicheck.inconsistencies", {})
    if q.version not in cache:
        cache[q.version] = load_inconsistency_rules(q)
    return cache[q.version]
