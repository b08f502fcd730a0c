"""The questionnaire library of the running app, loaded and validated once."""

from __future__ import annotations

from flask import current_app

from scoring import Library, Questionnaire


def library() -> Library:
    lib = current_app.extensions.get("digicheck.library")
    if lib is None:
        lib = Library.load(current_app.config["DIGICHECK_QUESTIONNAIRES"])
        current_app.extensions["digicheck.library"] = lib
    return lib


def questionnaire(version: str | None = None) -> Questionnaire:
    return library().get(version)
