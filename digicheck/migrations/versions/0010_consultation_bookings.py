"""consultation bookings: booked / held per municipality and consultation module (API v1)

The service provider's booking system reports, through /api/v1, which consultation module a
municipality has booked (with the planned date) or held (with the date it took place); one row
per municipality and module, overwritten by the newest report. Consultants see it in the
assessment view.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 07:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "consultation_bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.Enum("booked", "held", name="bookingstatus", native_enum=False, length=16), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("reported_by", sa.String(length=120), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipalities.id"], name=op.f("fk_consultation_bookings_municipality_id_municipalities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_bookings")),
        sa.UniqueConstraint("municipality_id", "module_id", name="uq_consultation_bookings_municipality_module"),
    )
    with op.batch_alter_table("consultation_bookings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consultation_bookings_municipality_id"), ["municipality_id"], unique=False)


def downgrade():
    with op.batch_alter_table("consultation_bookings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_bookings_municipality_id"))
    op.drop_table("consultation_bookings")
