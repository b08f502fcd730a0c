"""municipality name search: a stored search key per name

`municipalities.name_search` holds `scoring.names.search_key(name)` (lower case, ß as ss,
ä/ö/ü as ae/oe/ue, no spaces, hyphens or dots), so that "Giessen" finds Gießen with a plain
LIKE that behaves the same on SQLite and PostgreSQL. The model fills it whenever a name is
set; this revision fills it for the rows already there. It calls the domain's pure function
(no Flask, no database) so the keys are exactly those the application compares against; a
later change of the rules needs a revision that fills the column again.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 04:30:00

"""

import sqlalchemy as sa
from alembic import op

from scoring.names import search_key

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

municipalities = sa.table(
    "municipalities", sa.column("id", sa.Integer()), sa.column("name", sa.String()), sa.column("name_search", sa.String())
)


def upgrade():
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_search", sa.Text(), nullable=True))

    connection = op.get_bind()
    rows = connection.execute(sa.select(municipalities.c.id, municipalities.c.name)).all()
    if rows:
        connection.execute(
            municipalities.update().where(municipalities.c.id == sa.bindparam("row_id")).values(name_search=sa.bindparam("key")),
            [{"row_id": row_id, "key": search_key(name)} for row_id, name in rows],
        )

    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.alter_column("name_search", existing_type=sa.Text(), nullable=False)


def downgrade():
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.drop_column("name_search")
