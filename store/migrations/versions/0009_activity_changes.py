"""Which activities changed since a generation: ``activity_changes`` (id, stamp, deleted),
kept by triggers on ``activities`` so no write path has to remember it.

A row's ``stamp`` is the value the "activities" change counter takes when the write commits:
the counter as it is plus one (every write to activities bumps it once, after its rows, in the
same transaction). On SQLite one writer holds the database, so reading the counter in a row
trigger is enough. On PostGIS writers run concurrently: the trigger (one per statement, over
its transition table, so a bulk ``COPY`` pays one set-based insert) first locks the counter's
row, as the bump that follows does, so a transaction waiting on another's bump reads the value
that one committed and stamps its own rows with the next. A delete leaves a tombstone.

Existing rows are stamped with the counter as it is (nothing changed since it). On SQLite the
log is a ``WITHOUT ROWID`` table with no second index: a row trigger's upsert then writes one
B-tree per row (a scan of the narrow log for the changes since a stamp is cheap); PostgreSQL
reads it by an index on ``stamp``.

Revision: 0009 (after 0008 area history), 2026-12-02. Both dialects.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_NEXT_SQLITE = "(SELECT value + 1 FROM store_generations WHERE name = 'activities')"


def _sqlite_stamp(row: str, deleted: int) -> str:
    """Upsert ``row``'s log entry (an upsert clause, not ``OR REPLACE``: inside a trigger that
    takes the conflict policy of the statement that fired it)."""
    return (
        f"INSERT INTO activity_changes (id, stamp, deleted) "
        f"VALUES ({row}.id, {_NEXT_SQLITE}, {deleted}) "
        "ON CONFLICT (id) DO UPDATE SET stamp = excluded.stamp, deleted = excluded.deleted;"
    )


_SQLITE = [
    f"""CREATE TRIGGER activity_changes_insert AFTER INSERT ON activities
    BEGIN {_sqlite_stamp("NEW", 0)} END""",
    f"""CREATE TRIGGER activity_changes_update_id AFTER UPDATE OF id ON activities
    WHEN OLD.id <> NEW.id
    BEGIN {_sqlite_stamp("OLD", 1)} END""",
    f"""CREATE TRIGGER activity_changes_update AFTER UPDATE ON activities
    BEGIN {_sqlite_stamp("NEW", 0)} END""",
    f"""CREATE TRIGGER activity_changes_delete AFTER DELETE ON activities
    BEGIN {_sqlite_stamp("OLD", 1)} END""",
]
_POSTGRES = [
    """CREATE FUNCTION dicm_activity_changes() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      next_stamp bigint;
    BEGIN
      SELECT value + 1 INTO next_stamp FROM store_generations
      WHERE name = 'activities' FOR UPDATE;
      IF TG_OP = 'DELETE' THEN
        INSERT INTO activity_changes (id, stamp, deleted)
        SELECT id, next_stamp, true FROM gone
        ON CONFLICT (id) DO UPDATE SET stamp = EXCLUDED.stamp, deleted = true;
      ELSIF TG_OP = 'UPDATE' THEN  -- an id changed by the update: the old one is gone
        INSERT INTO activity_changes (id, stamp, deleted)
        SELECT id, next_stamp, true FROM (SELECT id FROM gone EXCEPT SELECT id FROM changed) o
        ON CONFLICT (id) DO UPDATE SET stamp = EXCLUDED.stamp, deleted = true;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO activity_changes (id, stamp, deleted)
        SELECT id, next_stamp, false FROM changed
        ON CONFLICT (id) DO UPDATE SET stamp = EXCLUDED.stamp, deleted = false;
      END IF;
      RETURN NULL;
    END $$""",
    """CREATE TRIGGER activity_changes_insert AFTER INSERT ON activities
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION dicm_activity_changes()""",
    """CREATE TRIGGER activity_changes_update AFTER UPDATE ON activities
    REFERENCING OLD TABLE AS gone NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION dicm_activity_changes()""",
    """CREATE TRIGGER activity_changes_delete AFTER DELETE ON activities
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION dicm_activity_changes()""",
]


def upgrade() -> None:
    op.create_table(
        "activity_changes",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_changes")),
        sqlite_with_rowid=False,  # one B-tree: SQLite's row triggers write it per row
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.create_index("ix_activity_changes_stamp", "activity_changes", ["stamp"], unique=False)
    deleted = "false" if postgres else "0"
    op.execute(
        "INSERT INTO activity_changes (id, stamp, deleted) SELECT id, "
        "(SELECT value FROM store_generations WHERE name = 'activities'), "
        f"{deleted} FROM activities"
    )
    for statement in _POSTGRES if postgres else _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER activity_changes_{name} ON activities")
        op.execute("DROP FUNCTION dicm_activity_changes()")
        op.drop_index("ix_activity_changes_stamp", table_name="activity_changes")
    else:
        for name in ("insert", "update_id", "update", "delete"):
            op.execute(f"DROP TRIGGER activity_changes_{name}")
    op.drop_table("activity_changes")
