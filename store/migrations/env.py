"""Alembic environment for both dialects (SQLite file and PostGIS).

The store passes its open connection in ``config.attributes["connection"]``; the URL in the
config is used otherwise. Indexes declared PostgreSQL-only (``ddl_if``) are ignored on SQLite,
and geometry columns compare by kind and geography-ness, not by their SQL spelling.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine

from store.migration_hooks import compare_type, include_object_for
from store.schema import metadata


def run(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object_for(connection.dialect.name),
        compare_type=compare_type,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("dicm migrations run online only: use `dicm db upgrade`")
_connection = context.config.attributes.get("connection")
if _connection is not None:
    run(_connection)
else:
    _engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with _engine.begin() as _conn:
        run(_conn)
    _engine.dispose()
