"""A consultant API token is bound to a consultant account

`api_tokens.user_id`: the account a token with the role "consultant" acts for. A validated level
recorded through the API names that person; the token stops working when the account is locked
or deleted. Analyst and provider tokens stand for systems and have none.

Consultant tokens from before this revision recorded validated levels under the account that
created them: they are bound to that account if it is a consultant or admin account, keeping
what they did. The others (created on the command line, without an account) are revoked: they
could never record a validated level, and no token reads a municipality's data without a
person behind it (docs/api.md).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_api_tokens_user_id_users"), "users", ["user_id"], ["id"], ondelete="SET NULL")
        batch.create_index(batch.f("ix_api_tokens_user_id"), ["user_id"])
    op.execute(
        "UPDATE api_tokens SET user_id = created_by_id WHERE role = 'consultant' "
        "AND created_by_id IN (SELECT id FROM users WHERE role IN ('berater', 'admin'))"
    )
    op.execute("UPDATE api_tokens SET revoked_at = CURRENT_TIMESTAMP WHERE role = 'consultant' AND user_id IS NULL AND revoked_at IS NULL")


def downgrade():
    # tokens revoked by the upgrade stay revoked: the code before it would let them read without a person
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_index(batch.f("ix_api_tokens_user_id"))
        batch.drop_constraint(batch.f("fk_api_tokens_user_id_users"), type_="foreignkey")
        batch.drop_column("user_id")
