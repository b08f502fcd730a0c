"""provisional levels by their range: recompute `area_scores.provisional` from the answers

Until now a stored level was provisional when fewer than `coverage_min` of an area's items were
answered. Now it is provisional when the range its open answers allow spans more than one level
(scoring.ranges, docs/scoring.md "Spanne und vorläufige Stufen"), and the benchmark leaves out
assessments whose overall level is provisional. This revision scores every submitted assessment again from
its stored answers with the shipped questionnaires (the same pure functions the application
uses) and rewrites the flag; scores and levels do not change. Rows of a questionnaire version
that is not shipped keep their flag. Downgrade restores the coverage rule from the stored coverage.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 08:00:00

"""

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from scoring.answers import Answers
from scoring.library import Library
from scoring.profile import score_checked

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

assessments = sa.table("assessments", sa.column("id", sa.Integer()), sa.column("questionnaire_version", sa.String()))
answers = sa.table("answers", sa.column("assessment_id", sa.Integer()), sa.column("item_id", sa.String()), sa.column("value", sa.JSON()))
area_scores = sa.table(
    "area_scores",
    sa.column("id", sa.Integer()),
    sa.column("assessment_id", sa.Integer()),
    sa.column("area_id", sa.String()),
    sa.column("level", sa.Integer()),
    sa.column("coverage", sa.Float()),
    sa.column("provisional", sa.Boolean()),
)


def _rewrite(flags: list[dict[str, int | bool]]) -> None:
    if flags:
        op.get_bind().execute(
            area_scores.update().where(area_scores.c.id == sa.bindparam("row_id")).values(provisional=sa.bindparam("flag")), flags
        )


def upgrade() -> None:
    connection = op.get_bind()
    versions = Library.load().versions
    rows = connection.execute(
        sa.select(area_scores.c.id, area_scores.c.assessment_id, area_scores.c.area_id, assessments.c.questionnaire_version).join(
            assessments, assessments.c.id == area_scores.c.assessment_id
        )
    ).all()
    by_assessment: dict[int, list[tuple[int, str]]] = defaultdict(list)
    version_of: dict[int, str] = {}
    for row_id, assessment_id, area_id, version in rows:
        if version in versions:
            by_assessment[assessment_id].append((row_id, area_id))
            version_of[assessment_id] = version
    stored: dict[int, Answers] = defaultdict(dict)
    for assessment_id, item_id, value in connection.execute(
        sa.select(answers.c.assessment_id, answers.c.item_id, answers.c.value).where(answers.c.assessment_id.in_(list(by_assessment)))
    ):
        if value is not None:
            stored[assessment_id][item_id] = tuple(value) if isinstance(value, list) else value
    flags: list[dict[str, int | bool]] = []
    for assessment_id, area_rows in by_assessment.items():
        profile = score_checked(versions[version_of[assessment_id]], stored[assessment_id])
        provisional = {area.id: area.provisional for area in profile.areas} | {"overall": profile.overall.provisional}
        flags += [{"row_id": row_id, "flag": provisional[area_id]} for row_id, area_id in area_rows if area_id in provisional]
    _rewrite(flags)


def downgrade() -> None:
    connection = op.get_bind()
    versions = Library.load().versions
    rows = connection.execute(
        sa.select(
            area_scores.c.id,
            area_scores.c.assessment_id,
            area_scores.c.area_id,
            area_scores.c.level,
            area_scores.c.coverage,
            assessments.c.questionnaire_version,
        ).join(assessments, assessments.c.id == area_scores.c.assessment_id)
    ).all()
    areas: dict[int, list[tuple[bool, bool]]] = defaultdict(list)  # (provisional by coverage, not assessable) per area
    for _, assessment_id, area_id, level, coverage, version in rows:
        if area_id != "overall" and version in versions:
            areas[assessment_id].append((coverage < versions[version].coverage_min - 1e-9, level is None))
    flags: list[dict[str, int | bool]] = []
    for row_id, assessment_id, area_id, _, coverage, version in rows:
        if version not in versions:
            continue
        if area_id == "overall":
            flags.append({"row_id": row_id, "flag": any(p or unscored for p, unscored in areas[assessment_id])})
        else:
            flags.append({"row_id": row_id, "flag": coverage < versions[version].coverage_min - 1e-9})
    _rewrite(flags)
