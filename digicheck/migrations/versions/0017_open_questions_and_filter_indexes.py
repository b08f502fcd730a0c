"""the open questions marked on their root note, the overview's filter selects per Land (issue 18)

- `notes.waiting_since`: the root's `created_at` while its thread waits for the consultation (not
  resolved or deleted, a Kommune user wrote an entry that stands), else NULL; kept in step by every
  writer of notes (`digicheck.talk.waiting`). A partial index `(waiting_since, id) WHERE waiting_since
  IS NOT NULL` gives the overview the count and the oldest open questions without reading every note
  and its author's role. This revision fills it for the notes already there, with the same definition
  as `digicheck.talk.waiting` (written out here: a migration stays as it was).
- `municipalities (land, kreis, regierungsbezirk)`: the Kreis and Regierungsbezirk selects list the
  chosen Land's, read from the index alone.
- `municipalities (land) WHERE left_register IS NULL AND merged_into_id IS NULL`: the Länder with
  their municipalities in the register, counted from the index alone.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 15:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

BACKFILL = """UPDATE notes SET waiting_since = CASE
  WHEN notes.parent_id IS NULL AND notes.resolved_at IS NULL AND notes.deleted_at IS NULL AND (
       EXISTS (SELECT 1 FROM users author WHERE author.id = notes.author_id AND author.role = 'kommune')
    OR EXISTS (SELECT 1 FROM notes entry JOIN users author ON author.id = entry.author_id
               WHERE entry.parent_id = notes.id AND entry.deleted_at IS NULL AND author.role = 'kommune'))
  THEN notes.created_at END"""
WAITING = sa.text("waiting_since IS NOT NULL")
LISTED = sa.text("left_register IS NULL AND merged_into_id IS NULL")


def upgrade():
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True))
    op.execute(BACKFILL)
    op.create_index("ix_notes_waiting_since", "notes", ["waiting_since", "id"], sqlite_where=WAITING, postgresql_where=WAITING)
    op.create_index("ix_municipalities_land_kreis_regierungsbezirk", "municipalities", ["land", "kreis", "regierungsbezirk"])
    op.create_index("ix_municipalities_land_listed", "municipalities", ["land"], sqlite_where=LISTED, postgresql_where=LISTED)


def downgrade():
    op.drop_index("ix_municipalities_land_listed", table_name="municipalities")
    op.drop_index("ix_municipalities_land_kreis_regierungsbezirk", table_name="municipalities")
    op.drop_index("ix_notes_waiting_since", table_name="notes")
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_column("waiting_since")
