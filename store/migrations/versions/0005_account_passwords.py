"""Accounts get a web password: the argon2 hash of it, nullable (an account without one signs in
to nothing but the API, with its bearer token).

Revision: 0005 (after 0004 events), 2026-12-02. One nullable column on ``accounts``; no data changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_hash", sa.String(length=256), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("password_hash")
