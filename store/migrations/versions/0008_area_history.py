"""Replaced boundaries are kept: ``area_history`` (level, code, name, geometry, valid_from,
valid_to, replaced_by_import), so ``dicm boundaries import`` can drop the areas an official file
lacks from the live tables (which activities and buyers refer to) without losing them.

Revision: 0008 (after 0007 small areas), 2026-12-02. Both dialects; a new table only.
"""

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "area_history",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("geometry", store.types.GeoColumn("GEOMETRY", geography=False), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("replaced_by_import", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_history")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_area_history_code", "area_history", ["code"], unique=False)
    op.create_index("ix_area_history_level_code", "area_history", ["level", "code"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_area_history_level_code", table_name="area_history")
    op.drop_index("ix_area_history_code", table_name="area_history")
    op.drop_table("area_history")
