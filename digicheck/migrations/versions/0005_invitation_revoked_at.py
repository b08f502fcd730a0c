"""invitations can be withdrawn

An admin (or the consultant who issued it) withdraws an open invitation, and a new
invitation to the same address withdraws the older open ones; the link then answers
that it was withdrawn.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 16:05:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_column("revoked_at")
