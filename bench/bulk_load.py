"""Benchmark: ``put_many`` on PostGIS (COPY straight into the table, a stage and one upsert
when keys exist) against a raw ``COPY`` of the same encoded rows into the same table, in the
same run; SQLite's ``put_many`` (the driver's executemany in one transaction) against a raw
``executemany`` of the encoded rows into an identical migrated file.

Activities as in ``bench.store_knn`` (clustered around UK towns, seeded; no boundaries are
stored, so the area lookup finds nothing, as on a store before ``dicm geography``). The raw
peers get rows already encoded (EWKB hex, JSON text): what is left is the server's work, the
floor for any loader, under the same DDL: on PostGIS the peer's COPY goes into
``activities`` itself, emptied (``TRUNCATE``) before it and again before ours, so its four
foreign keys are checked row by row as for ours; SQLite's peer connection turns foreign keys
on, as the store's does. For comparison with earlier runs it also prints PostGIS's former
peer, a twin table ``LIKE activities INCLUDING ALL`` (the same indexes, no foreign keys).
Target: ``put_many`` within 1.5x of raw COPY. Run: ``python -m bench bulk_load`` (``--n``,
default 100,000; ``--repeat 3`` interleaves three runs of each and prints the ratios of the
medians and of the best runs, steadier on a loaded machine). PostGIS from
DICM_BENCH_POSTGIS_URL, else a throwaway cluster.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
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
    store.put_many([Provider(id="bench-provider", name="Bench Trust")])  # there already, or not
    started = time.perf_counter()
    store.put_many(items)
    return time.perf_counter() - started


def cpu_now(url: str | None = None) -> dict[int, float]:
    """CPU seconds so far of this process (key 0) and, given a PostGIS ``url`` on this
    machine, of each client backend of its server (by pid; none when /proc cannot see them).
    Wall time on a shared machine stretches with other people's work; CPU time much less."""
    out = {0: time.process_time()}
    if url is None:
        return out
    with psycopg.connect(url.replace("+psycopg", "")) as conn:
        pids = [
            int(r[0])
            for r in conn.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )
        ]
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return out


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two ``cpu_now`` (a backend born in between counts from zero)."""
    return sum(value - before.get(key, 0.0) for key, value in after.items())


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


def raw_executemany(
    path: Path, names: list[str], rows: list[list[Any]], *, foreign_keys: bool = True
) -> float:
    """The peer of SQLite ``put_many``: the encoded rows, one INSERT executemany, one commit,
    into the same migrated schema (same indexes, same triggers) with the store's pragmas
    (foreign keys on; ``foreign_keys=False``: the driver's default, the peer of earlier
    runs, which skipped the check ours pays)."""
    sql = f"INSERT INTO activities ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(sql, rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def sqlite_peers(folder: Path, items: list[Activity]) -> tuple[float, float, float, float, float]:
    """(SQLite ``put_many`` s, raw ``executemany`` s with foreign keys on, and off, then the
    CPU seconds of ``put_many`` and of the first peer) of ``items``, each into a fresh file."""
    lite = open_store(Settings(database_url=f"sqlite:///{folder / 'ours.sqlite'}").store)
    before = cpu_now()
    ours = _put_many(lite, items)
    ours_cpu = cpu_spent(before, cpu_now())
    names, encoded = _encoded(lite, items)
    lite.close()
    peers, peer_cpu = [], 0.0
    for foreign_keys in (True, False):
        path = folder / f"peer-{foreign_keys}.sqlite"
        twin = open_store(Settings(database_url=f"sqlite:///{path}").store)
        twin.put(Provider(id="bench-provider", name="Bench Trust"))
        twin.close()
        before = cpu_now()
        peers.append(raw_executemany(path, names, encoded, foreign_keys=foreign_keys))
        peer_cpu = peer_cpu or cpu_spent(before, cpu_now())
    return ours, peers[0], peers[1], ours_cpu, peer_cpu


def _copy_rows(
    cur: psycopg.Cursor[Any], table: str, names: list[str], rows: list[list[Any]]
) -> float:
    started = time.perf_counter()
    with cur.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cur.connection.commit()
    return time.perf_counter() - started


def raw_copies(url: str, names: list[str], rows: list[list[Any]]) -> tuple[float, float, float]:
    """The peers of PostGIS ``put_many`` (s): a raw COPY of the encoded rows into
    ``activities`` itself, emptied first and after (the same DDL: indexes and the foreign
    keys ours pays for); and into a twin ``LIKE activities INCLUDING ALL`` (the same
    indexes, none of the foreign keys), the peer of earlier runs; then the CPU seconds
    (client and server) of the first."""
    with psycopg.connect(url.replace("+psycopg", "")) as conn, conn.cursor() as cur:
        cur.execute("TRUNCATE activities CASCADE")
        conn.commit()
        before = cpu_now(url)
        same = _copy_rows(cur, "activities", names, rows)
        same_cpu = cpu_spent(before, cpu_now(url))
        cur.execute("TRUNCATE activities CASCADE")
        cur.execute("DROP TABLE IF EXISTS bulk_peer")
        cur.execute("CREATE TABLE bulk_peer (LIKE activities INCLUDING ALL)")
        conn.commit()
        twin = _copy_rows(cur, "bulk_peer", names, rows)
        cur.execute("DROP TABLE bulk_peer")
        conn.commit()
    return same, twin, same_cpu


def pg_report(console: Console, n: int, ours: float, same: float, twin: float) -> None:
    console.print(f"PostGIS put_many {n:,}: {ours:.2f} s ({n / ours:,.0f} rows/s)")
    console.print(f"PostGIS raw COPY of the encoded rows into the same table: {same:.2f} s")
    console.print(f"ratio put_many / raw COPY, same table: {ours / same:.2f}x (target <= 1.5x)")
    console.print(
        f"(former peer, a twin table without the 4 foreign keys: {twin:.2f} s, "
        f"ratio {ours / twin:.2f}x; the foreign keys cost the server {same - twin:+.2f} s)"
    )


def _ratios(console: Console, label: str, ours: list[float], peer: list[float]) -> None:
    """Each run's ratio, then the ratio of the medians and of the best runs (a shared
    machine's noise lengthens runs at random: the best of each is the least disturbed)."""
    each = ", ".join(f"{o / p:.2f}x" for o, p in zip(ours, peer, strict=True))
    console.print(
        f"{label}: runs {each}; median {median(ours) / median(peer):.2f}x, "
        f"best {min(ours) / min(peer):.2f}x (target <= 1.5x)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.bulk_load", description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of ours and the peers, interleaved"
    )
    args = parser.parse_args(argv or [])
    console = Console()
    rng = np.random.default_rng(20261202)
    items = list(activities(make_points(args.n, rng)))
    lite: list[tuple[float, float, float, float, float]] = []
    for run in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            lite.append(sqlite_peers(Path(tmp), items))
        lite_s, lite_peer, lite_no_fk, lite_cpu, peer_cpu = lite[-1]
        console.print(f"[{run + 1}] SQLite put_many {args.n:,}: {lite_s:.2f} s")
        console.print(
            f"SQLite raw executemany of the encoded rows, 1 transaction: {lite_peer:.2f} s"
        )
        console.print(
            f"ratio put_many / raw executemany: {lite_s / lite_peer:.2f}x (target <= 1.5x)"
        )
        console.print(
            f"(former peer, foreign keys off: {lite_no_fk:.2f} s, ratio {lite_s / lite_no_fk:.2f}x)"
        )
        console.print(
            f"CPU seconds: put_many {lite_cpu:.2f}, raw executemany {peer_cpu:.2f}, "
            f"ratio {lite_cpu / peer_cpu:.2f}x"
        )
    pg: list[tuple[float, float, float]] = []
    pg_cpu: list[tuple[float, float]] = []
    with postgis_url() as url:
        if url is not None:
            store = open_store(Settings(database_url=url).store)
            store.put(Provider(id="bench-provider", name="Bench Trust"))
            names, encoded = _encoded(store, items)
            for run in range(args.repeat):
                same, twin, same_cpu = raw_copies(url, names, encoded)  # empties activities
                before = cpu_now(url)
                pg.append((_put_many(store, items), same, twin))
                pg_cpu.append((cpu_spent(before, cpu_now(url)), same_cpu))
                console.print(f"[{run + 1}]", end=" ")
                pg_report(console, args.n, *pg[-1])
                ours_cpu, peer_cpu = pg_cpu[-1]
                console.print(
                    f"CPU seconds, client and server: put_many {ours_cpu:.2f}, raw COPY "
                    f"{peer_cpu:.2f}, ratio {ours_cpu / peer_cpu:.2f}x"
                )
            store.close()
    if args.repeat > 1:
        _ratios(console, "SQLite / raw executemany", [r[0] for r in lite], [r[1] for r in lite])
        if pg:
            _ratios(
                console, "PostGIS / raw COPY, same table", [r[0] for r in pg], [r[1] for r in pg]
            )
            _ratios(
                console, "PostGIS / raw COPY, FK-less twin", [r[0] for r in pg], [r[2] for r in pg]
            )
        _ratios(console, "SQLite CPU", [r[3] for r in lite], [r[4] for r in lite])
        if pg_cpu:
            _ratios(console, "PostGIS CPU", [r[0] for r in pg_cpu], [r[1] for r in pg_cpu])


if __name__ == "__main__":
    main(sys.argv[1:])
