"""``put_many`` on PostGIS through ``COPY``, all in the caller's transaction.

A batch of new rows (an import, the demo) is copied straight into its table, inside a
savepoint: the table's own constraints and indexes apply as to an ``INSERT``. When a row's key
is already there (a re-import replaces it), that COPY fails on the unique key, the savepoint
is rolled back and the rows go the insert-or-replace way instead: one ``COPY`` into a
temporary stage, then one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE``. The direct way
writes each row once, where the stage writes it twice (issue 19: the stage alone was 2x a
raw COPY).

The values come bound already (``store.bulk_rows``: EWKB hex, JSON, as an ``INSERT`` binds).
"""

from __future__ import annotations

from typing import Any

import psycopg
from sqlalchemy import Connection, Table
from sqlalchemy.exc import DBAPIError

from store.bulk_rows import Rows
from store.errors import inserted_new

_STAGE = "_dicm_put_many"


def copy_upsert(conn: Connection, table: Table, key: str, rows: Rows) -> None:
    """Insert or replace ``rows`` of ``table`` (keyed by ``key``)."""
    columns = ", ".join(f'"{name}"' for name in rows.names)
    if inserted_new(conn, lambda: _copy(conn, f'"{table.name}"', columns, rows)):
        return
    updates = ", ".join(f'"{n}" = EXCLUDED."{n}"' for n in rows.names if n != key)
    conn.exec_driver_sql(f'CREATE TEMP TABLE {_STAGE} (LIKE "{table.name}") ON COMMIT DROP')
    _copy(conn, _STAGE, columns, rows)
    # constraint errors (foreign keys) surface here, through SQLAlchemy
    conn.exec_driver_sql(
        f'INSERT INTO "{table.name}" ({columns}) SELECT {columns} FROM {_STAGE} '
        f'ON CONFLICT ("{key}") DO UPDATE SET {updates}'
    )
    conn.exec_driver_sql(f"DROP TABLE {_STAGE}")


def _copy(conn: Connection, target: str, columns: str, rows: Rows) -> None:
    """One ``COPY target (columns) FROM STDIN`` of ``rows`` on the connection's driver."""
    copy_sql = f"COPY {target} ({columns}) FROM STDIN"
    driver: Any = conn.connection.driver_connection
    try:
        with driver.cursor() as cur, cur.copy(copy_sql) as copy:
            write = copy.write_row
            for row in rows.rows():
                write(row)
    except psycopg.Error as exc:  # as SQLAlchemy's own, so ``translated`` sees one kind
        raise DBAPIError.instance(copy_sql, None, exc, psycopg.Error) from None
