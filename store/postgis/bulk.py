"""``put_many`` on PostGIS through ``COPY``, all in the caller's transaction.

A batch of new rows (an import, the demo) is copied straight into its table, inside a
savepoint: the table's own constraints and indexes apply as to an ``INSERT``. When a row's key
is already there (a re-import replaces it), that COPY fails on the unique key, the savepoint
is rolled back and the rows go the insert-or-replace way instead: one ``COPY`` into a
temporary stage, then one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE``. The direct way
writes each row once, where the stage writes it twice (issue 19: the stage alone was 2x a
raw COPY).

The values come bound already (``store.bulk_rows``: EWKB hex, JSON, as an ``INSERT`` binds)
and, mostly, as the COPY's text already (``store.postgis.copy_text``, made in the encoding
thread while the previous chunk streams, ``store.bulk_ahead``).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import Any

import psycopg
from sqlalchemy import Connection, Table
from sqlalchemy.exc import DBAPIError

from store.bulk_rows import Rows
from store.errors import inserted_new

_STAGE = "_dicm_put_many"


def copy_upsert(conn: Connection, table: Table, key: str, batches: Iterator[Rows]) -> None:
    """Insert or replace the rows of ``batches`` of ``table`` (keyed by ``key``): one COPY
    whichever way, each batch written as it comes (the next one is encoded meanwhile)."""
    first = next(batches)
    done: list[Rows] = []
    kept = _kept(chain([first], batches), done)
    columns = ", ".join(f'"{name}"' for name in first.names)
    if inserted_new(conn, lambda: _copy(conn, f'"{table.name}"', columns, kept)):
        return
    done.extend(batches)
    updates = ", ".join(f'"{n}" = EXCLUDED."{n}"' for n in first.names if n != key)
    conn.exec_driver_sql(f'CREATE TEMP TABLE {_STAGE} (LIKE "{table.name}") ON COMMIT DROP')
    _copy(conn, _STAGE, columns, iter(done))
    # constraint errors (foreign keys) surface here, through SQLAlchemy
    conn.exec_driver_sql(
        f'INSERT INTO "{table.name}" ({columns}) SELECT {columns} FROM {_STAGE} '
        f'ON CONFLICT ("{key}") DO UPDATE SET {updates}'
    )
    conn.exec_driver_sql(f"DROP TABLE {_STAGE}")


def _kept(batches: Iterator[Rows], done: list[Rows]) -> Iterator[Rows]:
    """``batches``, each kept in ``done`` as it is given (for the upsert way after a
    conflict)."""
    for rows in batches:
        done.append(rows)
        yield rows


def _copy(conn: Connection, target: str, columns: str, batches: Iterator[Rows]) -> None:
    """One ``COPY target (columns) FROM STDIN`` of every batch on the connection's driver:
    each batch's ``wire`` text as it is (``store.postgis.copy_text``), else row by row
    through psycopg, and every batch after that one row by row too (psycopg buffers rows,
    so a text written after them would overtake them)."""
    copy_sql = f"COPY {target} ({columns}) FROM STDIN"
    driver: Any = conn.connection.driver_connection
    by_row = False
    try:
        with driver.cursor() as cur, cur.copy(copy_sql) as copy:
            for rows in batches:
                if rows.wire is not None and not by_row:
                    copy.write(rows.wire)
                    continue
                by_row = True
                write = copy.write_row
                for row in rows.rows():
                    write(row)
    except psycopg.Error as exc:  # as SQLAlchemy's own, so ``translated`` sees one kind
        raise DBAPIError.instance(copy_sql, None, exc, psycopg.Error) from None
