"""API tokens and the role "Analyse (Land)"

`api_tokens` holds one row per token an admin created: only the SHA-256 of the raw token
(`secret_hash`), its first characters for display, its role, expiry, revocation and last use.
Tokens are not login sessions and have no user; `created_by_id` is kept for the record and
set to NULL if that admin's row ever goes.

The new user role "analyst" needs no schema change: `users.role` and `invitations.role` are
non-native enums (VARCHAR(16), created without a CHECK constraint since revision 0001), so the
new value fits on SQLite and PostgreSQL alike.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 10:00:00

"""

import sqlalchemy as sa
from alembic import op
from alembic.util import CommandError

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("role", sa.Enum("analyst", "consultant", "provider", name="tokenrole", native_enum=False, length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_api_tokens_created_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_api_tokens_secret_hash")),
    )


def downgrade():
    # the code before this revision cannot read a user or invitation with the role "analyst"
    connection = op.get_bind()
    analysts = connection.execute(sa.text("SELECT count(*) FROM users WHERE role = 'analyst' AND deleted_at IS NULL")).scalar()
    if analysts:
        raise CommandError(
            f"{analysts} Konto/Konten mit der Rolle Analyse (Land): vor dem Zurückgehen löschen oder eine andere Rolle geben"
        )
    op.execute("DELETE FROM invitations WHERE role = 'analyst'")
    op.execute("UPDATE users SET role = 'kommune' WHERE role = 'analyst'")  # deleted tombstones only: no name, no access
    op.drop_table("api_tokens")
