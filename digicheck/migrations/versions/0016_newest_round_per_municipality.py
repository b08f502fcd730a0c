"""the newest round stored per municipality for the overview (issue 18)

The consultant overview's status filter and its sorts by level and by activity computed every
municipality's newest round (two GROUP BY subqueries over all assessments) on each view. The newest
round's status, the overall level of the newest submitted round and the last activity are now
columns of `municipalities`, kept in step by every writer (`digicheck.newest_round`); indexes
`(round_status, name, ags)` and `(round_level DESC, name, ags)` give the status filter and the
level sort their page from the index. This revision fills them for the rows already there, with
the same definition as `digicheck.newest_round` (written out here: a migration stays as it was).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 14:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

NEWEST = "FROM assessments a WHERE a.municipality_id = municipalities.id {extra} ORDER BY a.round DESC LIMIT 1"
BACKFILL = f"""UPDATE municipalities SET
  round_status = (SELECT CASE WHEN a.status = 'submitted' AND EXISTS (SELECT 1 FROM validated_levels v WHERE v.assessment_id = a.id)
                              THEN 'validated' WHEN a.status = 'submitted' THEN 'submitted' ELSE 'in_progress' END
                  {NEWEST.format(extra="")}),
  round_level = COALESCE((SELECT s.level FROM area_scores s WHERE s.area_id = 'overall'
                          AND s.assessment_id = (SELECT a.id {NEWEST.format(extra="AND a.status = 'submitted'")})), 0),
  last_activity = (SELECT a.updated_at {NEWEST.format(extra="")})"""


def upgrade():
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("round_status", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("round_level", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("last_activity", sa.DateTime(timezone=True), nullable=True))
    op.execute(BACKFILL)
    op.create_index("ix_municipalities_round_status_name_ags", "municipalities", ["round_status", "name", "ags"])
    op.create_index("ix_municipalities_round_level_name_ags", "municipalities", [sa.text("round_level DESC"), "name", "ags"])


def downgrade():
    op.drop_index("ix_municipalities_round_level_name_ags", table_name="municipalities")
    op.drop_index("ix_municipalities_round_status_name_ags", table_name="municipalities")
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.drop_column("last_activity")
        batch_op.drop_column("round_level")
        batch_op.drop_column("round_status")
