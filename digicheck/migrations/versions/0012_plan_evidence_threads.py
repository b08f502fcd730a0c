"""Maßnahmenplan, evidence per answer and conversations (issue 16)

- `answers.evidence_comment` / `evidence_refs` / `evidence_from_round`: why the Kommune answered so,
  text only; `answer_changes.old_evidence` / `new_evidence` keep it in the history.
- `notes.parent_id` / `edited_at` / `deleted_at` / `resolved_at`: notes become threads that the
  Kommune can answer and start; authors edit or delete their own entries within 24 hours.
- `plan_entries`, `plan_entry_changes`: the municipality's plan between rounds and its history.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 10:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "plan_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("source", sa.Enum("measure", "module", "step", "own", name="plansource", native_enum=False, length=16), nullable=False),
        sa.Column("source_id", sa.String(length=80), nullable=True),
        sa.Column("item_ids", sa.JSON(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column(
            "status", sa.Enum("planned", "in_progress", "done", "dropped", name="planstatus", native_enum=False, length=16), nullable=False
        ),
        sa.Column("drop_reason", sa.Text(), nullable=True),
        sa.Column("funding_id", sa.String(length=80), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("added_in_id", sa.Integer(), nullable=True),
        sa.Column("closed_in_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("due_on IS NULL OR start_on IS NULL OR due_on >= start_on", name=op.f("ck_plan_entries_due_after_start")),
        sa.ForeignKeyConstraint(["added_in_id"], ["assessments.id"], name=op.f("fk_plan_entries_added_in_id_assessments")),
        sa.ForeignKeyConstraint(["closed_in_id"], ["assessments.id"], name=op.f("fk_plan_entries_closed_in_id_assessments")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_plan_entries_created_by_id_users")),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipalities.id"], name=op.f("fk_plan_entries_municipality_id_municipalities")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_plan_entries_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_entries")),
    )
    with op.batch_alter_table("plan_entries", schema=None) as batch_op:
        batch_op.create_index("ix_plan_entries_municipality_area", ["municipality_id", "area_id"], unique=False)
        batch_op.create_index("ix_plan_entries_source", ["source", "source_id"], unique=False)

    op.create_table(
        "plan_entry_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["plan_entries.id"], name=op.f("fk_plan_entry_changes_entry_id_plan_entries")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_plan_entry_changes_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_entry_changes")),
    )
    with op.batch_alter_table("plan_entry_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_entry_changes_entry_id"), ["entry_id"], unique=False)

    with op.batch_alter_table("answer_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("old_evidence", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("new_evidence", sa.JSON(), nullable=True))

    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("evidence_comment", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("evidence_refs", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("evidence_from_round", sa.Integer(), nullable=True))

    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_notes_parent_id"), ["parent_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_notes_parent_id_notes"), "notes", ["parent_id"], ["id"])


def downgrade():
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_notes_parent_id_notes"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_notes_parent_id"))
        batch_op.drop_column("resolved_at")
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("edited_at")
        batch_op.drop_column("parent_id")

    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_column("evidence_from_round")
        batch_op.drop_column("evidence_refs")
        batch_op.drop_column("evidence_comment")

    with op.batch_alter_table("answer_changes", schema=None) as batch_op:
        batch_op.drop_column("new_evidence")
        batch_op.drop_column("old_evidence")

    with op.batch_alter_table("plan_entry_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_entry_changes_entry_id"))

    op.drop_table("plan_entry_changes")
    with op.batch_alter_table("plan_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_entries_source")
        batch_op.drop_index("ix_plan_entries_municipality_area")

    op.drop_table("plan_entries")
