"""Keyset paging of activities by validation status: one index on (validation_status, id)
replaces the one on validation_status alone (its prefix), so a page of validated activities
past an id is an index seek read in order, never a sort of every validated row.

Revision: 0003, 2026-12-02.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_activities_validation_status", table_name="activities")
    op.create_index(
        "ix_activities_validation_status_id", "activities", ["validation_status", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_activities_validation_status_id", table_name="activities")
    op.create_index("ix_activities_validation_status", "activities", ["validation_status"])
