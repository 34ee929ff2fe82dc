"""Police & Crime Plans get an end date: ``police_plans.valid_until`` (nullable; none means
"until the next version"), so matching and scoring stop using a plan after its last day.

Revision: 0006, 2026-12-02. Both dialects; existing plans keep no end date.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("police_plans") as batch:
        batch.add_column(sa.Column("valid_until", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("police_plans") as batch:
        batch.drop_column("valid_until")
