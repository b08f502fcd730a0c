"""Advice from a Reifegrad profile: consultation modules, funding programmes, reference measures.

Pure domain like the rest of `scoring`: catalogues are validated YAML data in
questionnaires/catalogues/, the assessment date is always passed in, and the
result is plain dataclasses (docs/advice.md describes rules and JSON schema).
"""

from scoring.advice.advise import Advice, advise, shipped_catalogue
from scoring.advice.catalogue import Catalogue
from scoring.advice.clarify import OpenItems, open_items_by_area
from scoring.advice.funding import FundingMatch, MunicipalityFacts, grant_split, ikz_amount
from scoring.advice.loader import CATALOGUE_DIR, load_catalogue
from scoring.advice.measures import AreaMeasures
from scoring.advice.modules import ModulePlan, PlannedModule
from scoring.advice.references import REFERENCE_DIR, ReferenceProfile, load_reference, load_references
from scoring.advice.render import ADVICE_SCHEMA, advice_to_dict, advice_to_text
from scoring.advice.rules import CLOSING_DAYS, DateStatus, status_on
from scoring.kinds import KINDS

__all__ = [
    "ADVICE_SCHEMA",
    "CATALOGUE_DIR",
    "CLOSING_DAYS",
    "KINDS",
    "REFERENCE_DIR",
    "Advice",
    "AreaMeasures",
    "Catalogue",
    "DateStatus",
    "FundingMatch",
    "ModulePlan",
    "MunicipalityFacts",
    "OpenItems",
    "PlannedModule",
    "ReferenceProfile",
    "advice_to_dict",
    "advice_to_text",
    "advise",
    "grant_split",
    "ikz_amount",
    "load_catalogue",
    "load_reference",
    "load_references",
    "open_items_by_area",
    "shipped_catalogue",
    "status_on",
]
