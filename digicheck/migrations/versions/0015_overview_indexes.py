"""Indexes for the consultant overview at Germany's size (issue 18)

- `municipalities (name, ags)`: the overview's default order; a page is read from the index
  instead of sorting every municipality.
- `municipalities (kreis, regierungsbezirk)`: the Kreis filter, and the Kreise and
  Regierungsbezirke of the filter selects read from the index alone.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 10:45:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_municipalities_name_ags", "municipalities", ["name", "ags"])
    op.create_index("ix_municipalities_kreis_regierungsbezirk", "municipalities", ["kreis", "regierungsbezirk"])


def downgrade():
    op.drop_index("ix_municipalities_kreis_regierungsbezirk", table_name="municipalities")
    op.drop_index("ix_municipalities_name_ags", table_name="municipalities")
