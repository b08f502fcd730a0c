"""Small benchmark worlds: municipalities and submitted assessments with chosen area scores.

Scores go straight into `area_scores` (as `submit` stores them), so a test states the
figures it expects instead of answering a whole questionnaire per municipality.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from digicheck import newest_round
from digicheck.extensions import db
from digicheck.models import AreaScore, Assessment, AssessmentStatus, Municipality
from scoring.benchmark.archetypes import default_areas

AREAS = default_areas()

THRESHOLDS = (20.0, 40.0, 60.0, 80.0)


def level_of(score: float | None) -> int | None:
    return None if score is None else 1 + sum(score >= t for t in THRESHOLDS)


def municipality(
    ags: str, *, kreis_ags: str, kreis: str, rb: str, population: int, kind: str = "Gemeinde", name: str | None = None
) -> Municipality:
    m = Municipality(
        ags=ags, name=name or f"Gemeinde {ags}", kind=kind, kreis=kreis, kreis_ags=kreis_ags, regierungsbezirk=rb, population=population
    )
    db.session.add(m)
    db.session.flush()
    return m


def submit(
    m: Municipality,
    year: int,
    scores: Sequence[float | None],
    *,
    is_demo: bool = False,
    month: int = 6,
    status: AssessmentStatus = AssessmentStatus.SUBMITTED,
    provisional: Sequence[str] = (),
) -> Assessment:
    """A submitted assessment of `m` in `year` with the five area scores (None: not assessable);
    the levels of the areas named in `provisional` (area ids or "overall") are stored as provisional."""
    count = db.session.scalar(db.select(db.func.count()).select_from(Assessment).where(Assessment.municipality_id == m.id))
    a = Assessment(
        municipality_id=m.id,
        questionnaire_version="2026.1",
        round=(count or 0) + 1,
        status=status,
        is_demo=is_demo,
        submitted_at=datetime(year, month, 15, 10, tzinfo=UTC) if status == AssessmentStatus.SUBMITTED else None,
    )
    db.session.add(a)
    db.session.flush()
    present = [s for s in scores if s is not None]
    overall = sum(present) / len(present) if present else None
    for area, score in [*zip(AREAS, scores, strict=True), ("overall", overall)]:
        db.session.add(
            AreaScore(assessment_id=a.id, area_id=area, score=score, level=level_of(score), coverage=1.0, provisional=area in provisional)
        )
    newest_round.refresh([m.id])  # a writer of assessments like `submit`: the overview's stored newest round follows
    return a


def kreis_world(
    sizes: dict[str, int], *, rb: str = "Darmstadt", year: int = 2026, population: int = 3000, base: float = 30.0
) -> dict[str, list[Municipality]]:
    """Kreise (kreis AGS -> number of submitting Gemeinden) in one Regierungsbezirk, scores spread out."""
    made: dict[str, list[Municipality]] = {}
    for kreis_ags, count in sizes.items():
        for i in range(count):
            m = municipality(f"{kreis_ags}{i:03d}", kreis_ags=kreis_ags, kreis=f"Kreis {kreis_ags}", rb=rb, population=population)
            value = base + 7 * i + int(kreis_ags[-1])
            submit(m, year, [value, value + 5, value - 5, value + 10, value - 10])
            made.setdefault(kreis_ags, []).append(m)
    db.session.commit()
    return made
