"""municipality Land: the first two digits of the AGS as an indexed column

Issue 18 part 7: with municipalities of several Länder imported, the overview, the benchmark
and the API filter and aggregate by Land. The model sets `land` whenever `ags` is assigned;
this revision fills it for the rows already there (the AGS never changes, so it stays right).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 10:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

municipalities = sa.table("municipalities", sa.column("ags", sa.String()), sa.column("land", sa.String()))


def upgrade():
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("land", sa.String(length=2), nullable=True))
    op.execute(municipalities.update().values(land=sa.func.substr(municipalities.c.ags, 1, 2)))
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.alter_column("land", existing_type=sa.String(length=2), nullable=False)
        batch_op.create_index(batch_op.f("ix_municipalities_land"), ["land"], unique=False)


def downgrade():
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_municipalities_land"))
        batch_op.drop_column("land")
