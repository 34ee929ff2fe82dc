"""``put_many`` on PostGIS through ``COPY``: the rows stream into a temporary table in one
``COPY ... FROM STDIN``, then one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE`` moves them
into place (insert or replace, as the port says), all in the caller's transaction.

Row values go through each column's own SQLAlchemy bind processing (EWKB hex for geometry,
JSON for ``data``), so what COPY writes is what an ``INSERT`` would have bound.
"""

from __future__ import annotations

from typing import Any

import psycopg
from sqlalchemy import Connection, Table
from sqlalchemy.exc import DBAPIError

_STAGE = "_dicm_put_many"


def copy_upsert(conn: Connection, table: Table, key: str, rows: list[dict[str, Any]]) -> None:
    """Insert or replace ``rows`` of ``table`` (keyed by ``key``) with one COPY."""
    names = list(rows[0])
    dialect = conn.dialect
    processors = [table.c[name].type._cached_bind_processor(dialect) for name in names]
    columns = ", ".join(f'"{name}"' for name in names)
    updates = ", ".join(f'"{n}" = EXCLUDED."{n}"' for n in names if n != key)
    conn.exec_driver_sql(f'CREATE TEMP TABLE {_STAGE} (LIKE "{table.name}") ON COMMIT DROP')
    copy_sql = f"COPY {_STAGE} ({columns}) FROM STDIN"
    driver: Any = conn.connection.driver_connection
    try:
        with driver.cursor() as cur, cur.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(
                    [
                        value if proc is None or value is None else proc(value)
                        for proc, value in zip(processors, (row[n] for n in names), strict=True)
                    ]
                )
    except psycopg.Error as exc:  # as SQLAlchemy's own, so ``translated`` sees one kind
        raise DBAPIError.instance(copy_sql, None, exc, psycopg.Error) from None
    # constraint errors (foreign keys) surface here, through SQLAlchemy
    conn.exec_driver_sql(
        f'INSERT INTO "{table.name}" ({columns}) SELECT {columns} FROM {_STAGE} '
        f'ON CONFLICT ("{key}") DO UPDATE SET {updates}'
    )
    conn.exec_driver_sql(f"DROP TABLE {_STAGE}")
