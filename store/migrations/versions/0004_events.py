"""The event log: change notices every API worker fans out, replayed by id (``Last-Event-ID``).

Revision: 0004 (after 0003 keyset paging), 2026-12-02. One table, ``events`` (id, at, topic, kind, data) with an index on
(topic, id); on SQLite the id is AUTOINCREMENT so an id is never reused.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", store.types.UtcDateTime(), nullable=False),
        sa.Column("topic", sa.String(length=240), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_events_topic_id", "events", ["topic", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_events_topic_id", table_name="events")
    op.drop_table("events")
