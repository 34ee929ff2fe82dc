"""Change counters for SPOs, Police & Crime Plans and accounts, so caches derived from them
(the recommender's fitted state, token lookups) see every change.

Revision: 0002, 2026-11-24. Data only: three rows in ``store_generations``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NAMES = ("spos", "plans", "accounts")


def upgrade() -> None:
    table = sa.table("store_generations", sa.column("name", sa.String), sa.column("value"))
    op.bulk_insert(table, [{"name": name, "value": 0} for name in NAMES])


def downgrade() -> None:
    op.execute(
        "DELETE FROM store_generations WHERE name IN (" + ", ".join(f"'{n}'" for n in NAMES) + ")"
    )
