"""Advice and reference profiles for the result page, from the pure `scoring.advice` domain."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app

from digicheck import memo, timefmt
from digicheck.assess import services as svc
from digicheck.content import catalogue, library
from digicheck.models import Assessment, Municipality
from scoring import Profile, Questionnaire, score
from scoring.advice import Advice, Catalogue, MunicipalityFacts, ReferenceProfile, advice_to_dict, advise, load_references
from scoring.kinds import is_kind


def assessment_date(assessment: Assessment) -> date:
    """Deadlines and funding status are judged as of the submission (or today while open), local days."""
    return timefmt.local_day(assessment.submitted_at) if assessment.submitted_at else timefmt.today()


def municipality_facts(municipality: Municipality) -> MunicipalityFacts | None:
    """Kind and size for the funding rules; None for a kind the catalogues do not know."""
    return MunicipalityFacts(municipality.kind, municipality.population) if is_kind(municipality.kind) else None


def advice_of(q: Questionnaire, profile: Profile, assessment: Assessment, targets: dict[str, int]) -> Advice:
    """The advice for an assessment, as of its submission (or today while open)."""
    return _advised(q, profile, assessment, targets)[0]


def advice_for(q: Questionnaire, profile: Profile, assessment: Assessment, targets: dict[str, int]) -> dict[str, Any]:
    """The advice as its JSON document (schema digicheck/advice-1), as the result page reads it."""
    return _advised(q, profile, assessment, targets)[1]


def _advised(q: Questionnaire, profile: Profile, assessment: Assessment, targets: dict[str, int]) -> tuple[Advice, dict[str, Any]]:
    """A submitted round's advice is derived once per worker: kept beside the profile it was derived
    from (`assess.services.profile_of` keeps that) and the catalogue in force, and found again only
    for the same profile, targets and catalogue (an import makes a new one)."""
    in_force = catalogue(q)
    round_key = svc.submitted_key(assessment)
    key = None if round_key is None else (*round_key, assessment.municipality.kind, tuple(sorted(targets.items())))
    kept: memo.Bounded[tuple[Profile, Catalogue, Advice, dict[str, Any]]] = memo.bounded("digicheck.advice", svc.SUBMITTED_KEPT)
    found = None if key is None else kept.get(key)
    if found is not None and found[0] is profile and found[1] is in_force:
        return found[2], found[3]
    facts = municipality_facts(assessment.municipality)
    advice = advise(q, profile, facts, targets, as_of=assessment_date(assessment), catalogue=in_force)
    document = advice_to_dict(advice)
    if key is not None:
        kept.put(key, (profile, in_force, advice, document))
    return advice, document


def references(q: Questionnaire) -> list[tuple[ReferenceProfile, Profile]]:
    """The reference profiles (Gießen 2020, Erbach-IKZ 2023) for this version, scored once."""
    cache = current_app.extensions.setdefault("digicheck.references", {})
    if q.version not in cache:
        cache[q.version] = [(ref, score(q, ref.answers)) for ref in load_references(q, library=library())]
    return cache[q.version]
