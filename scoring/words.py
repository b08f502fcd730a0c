"""German words for counts in the domain's texts (CLI, PDF, advice): the plural through Babel's
CLDR rule for German, as the web pages do with Flask-Babel's ngettext."""

from __future__ import annotations

from functools import cache

from babel import Locale


@cache
def _german() -> Locale:
    return Locale.parse("de")


def count(n: int, one: str, other: str) -> str:
    """ "1 Frage" / "3 Fragen": `n` followed by the singular or plural form German uses for it."""
    return f"{n} {one if _german().plural_form(n) == 'one' else other}"
