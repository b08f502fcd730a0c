"""The single entry point: a scored profile in, advice (modules, funding, measures) out.

The assessment date is always a parameter: the same answers give the same
advice on the same date, and a report can be recomputed for a past date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from scoring.advice.catalogue import Catalogue
from scoring.advice.clarify import OpenItems, open_items_by_area
from scoring.advice.funding import FundingMatch, MunicipalityFacts, match_funding
from scoring.advice.loader import catalogue_dir_for, load_catalogue
from scoring.advice.measures import AreaMeasures, check_targets, suggest_measures
from scoring.advice.modules import ModulePlan, plan_modules
from scoring.advice.rules import ItemFacts
from scoring.model import Questionnaire
from scoring.profile import Profile

#: Shipped catalogues per questionnaire file; content is immutable, so caching is safe.
_SHIPPED: dict[tuple[str, str], Catalogue] = {}


@dataclass(frozen=True)
class Advice:
    questionnaire: str
    as_of: date
    municipality: MunicipalityFacts | None
    targets: dict[str, int]
    modules: ModulePlan
    funding: tuple[FundingMatch, ...]
    measures: tuple[AreaMeasures, ...]


def shipped_catalogue(questionnaire: Questionnaire) -> Catalogue:
    """The catalogues beside the questionnaire's file (else the shipped ones), validated once."""
    key = (questionnaire.version, questionnaire.path)
    if key not in _SHIPPED:
        _SHIPPED[key] = load_catalogue(questionnaire, catalogue_dir_for(questionnaire))
    return _SHIPPED[key]


def advise(
    questionnaire: Questionnaire,
    profile: Profile,
    municipality: MunicipalityFacts | None = None,
    targets: Mapping[str, int | None] | None = None,
    *,
    as_of: date,
    catalogue: Catalogue | None = None,
    open_items: OpenItems | None = None,
) -> Advice:
    """Derive the module plan, funding matches and reference measures for one profile.

    `targets` maps area ids to a target level 1-5 (None: no target). `open_items`
    maps area ids to the item ids still to clarify (default: unanswered or
    "Weiß nicht", `open_items_by_area`). Raises
    ValueError when the profile belongs to another questionnaire version or a
    target is not a level 1-5 of a known area; `ContentError` for broken catalogues.
    """
    if not isinstance(as_of, date):
        raise ValueError("as_of muss ein Datum sein")
    catalogue = catalogue or shipped_catalogue(questionnaire)
    goals = check_targets(targets, questionnaire.area_ids)
    facts = ItemFacts(questionnaire, profile)
    return Advice(
        questionnaire=questionnaire.version,
        as_of=as_of,
        municipality=municipality,
        targets=goals,
        modules=plan_modules(catalogue, facts, as_of, open_items_by_area(questionnaire, profile) if open_items is None else open_items),
        funding=match_funding(catalogue.programmes, facts, municipality, as_of),
        measures=suggest_measures(catalogue.measures, profile, facts, goals, municipality),
    )
