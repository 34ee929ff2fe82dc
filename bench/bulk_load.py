"""Benchmark: ``put_many`` on PostGIS (COPY straight into the table, a stage and one upsert
when keys exist) against a raw ``COPY`` of the same encoded rows into a twin table with the
same indexes, in the same run; SQLite's ``put_many`` (the driver's executemany in one
transaction) against a raw ``executemany`` of the encoded rows into an identical migrated file.

Activities as in ``bench.store_knn`` (clustered around UK towns, seeded). The raw peer gets
rows already encoded (EWKB hex, JSON text): what is left is the server's work, the floor for
any loader. Target: ``put_many`` within 1.5x of raw COPY. Run: ``python -m bench bulk_load``
(``--n``, default 100,000). PostGIS from DICM_BENCH_POSTGIS_URL, else a throwaway cluster.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from rich.console import Console

from bench.store_knn import activities, make_points, postgis_url
from dicm.settings import Settings
from domain.model import Activity, Provider
from store import schema
from store.codec_rows import entity_to_row
from store.factory import open_store
from store.port import Store


def _put_many(store: Store, items: list[Activity]) -> float:
    store.put(Provider(id="bench-provider", name="Bench Trust"))
    started = time.perf_counter()
    store.put_many(items)
    return time.perf_counter() - started


def _encoded(store: Any, items: list[Activity]) -> tuple[list[str], list[list[Any]]]:
    """The rows as the COPY text format wants them (done before the peer's clock starts)."""
    rows = [entity_to_row(a, h3_resolution=8) for a in items]
    names = list(rows[0])
    with store.engine.connect() as conn:
        procs = [schema.activities.c[n].type._cached_bind_processor(conn.dialect) for n in names]
    encoded = [
        [v if p is None or v is None else p(v) for p, v in zip(procs, row.values(), strict=True)]
        for row in rows
    ]
    return names, encoded


def raw_executemany(path: Path, names: list[str], rows: list[list[Any]]) -> float:
    """The peer of SQLite ``put_many``: the encoded rows, one INSERT executemany, one commit,
    into the same migrated schema (same indexes, same triggers; the driver's default of
    foreign keys off, where the store turns them on)."""
    sql = f"INSERT INTO activities ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(sql, rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def sqlite_pair(folder: Path, items: list[Activity]) -> tuple[float, float]:
    """(SQLite ``put_many`` s, raw ``executemany`` s) of ``items``, each into a fresh file."""
    lite = open_store(Settings(database_url=f"sqlite:///{folder / 'ours.sqlite'}").store)
    ours = _put_many(lite, items)
    names, encoded = _encoded(lite, items)
    lite.close()
    twin = open_store(Settings(database_url=f"sqlite:///{folder / 'peer.sqlite'}").store)
    twin.put(Provider(id="bench-provider", name="Bench Trust"))
    twin.close()
    return ours, raw_executemany(folder / "peer.sqlite", names, encoded)


def _raw_copy(url: str, names: list[str], rows: list[list[Any]]) -> float:
    columns = ", ".join(names)
    with psycopg.connect(url.replace("+psycopg", "")) as conn, conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bulk_peer")
        cur.execute("CREATE TABLE bulk_peer (LIKE activities INCLUDING ALL)")
        conn.commit()
        started = time.perf_counter()
        with cur.copy(f"COPY bulk_peer ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        conn.commit()
        elapsed = time.perf_counter() - started
        cur.execute("DROP TABLE bulk_peer")
    return elapsed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.bulk_load", description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args(argv or [])
    console = Console()
    rng = np.random.default_rng(20261202)
    items = list(activities(make_points(args.n, rng)))
    with tempfile.TemporaryDirectory() as tmp:
        lite_s, lite_peer = sqlite_pair(Path(tmp), items)
    console.print(f"SQLite put_many {args.n:,}: {lite_s:.2f} s ({args.n / lite_s:,.0f} rows/s)")
    console.print(f"SQLite raw executemany of the encoded rows, 1 transaction: {lite_peer:.2f} s")
    console.print(f"ratio put_many / raw executemany: {lite_s / lite_peer:.2f}x (target <= 1.5x)")
    with postgis_url() as url:
        if url is None:
            return
        pg = open_store(Settings(database_url=url).store)
        ours = _put_many(pg, items)
        names, encoded = _encoded(pg, items)
        pg.close()
        peer = _raw_copy(url, names, encoded)
    console.print(f"PostGIS put_many {args.n:,}: {ours:.2f} s ({args.n / ours:,.0f} rows/s)")
    console.print(f"PostGIS raw COPY of the encoded rows, same indexes: {peer:.2f} s")
    console.print(f"ratio put_many / raw COPY: {ours / peer:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main(sys.argv[1:])
