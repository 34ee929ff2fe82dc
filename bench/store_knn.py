"""k nearest activities (k=10 within 25 km) on 100,000 activities: both store backends against
a scikit-learn ``BallTree(metric="haversine")`` and, for PostGIS, against a bare prepared
``ORDER BY location <-> p LIMIT 10`` on the same table, all in the same run.

Targets (issue 2): SQLite p95 <= 2x BallTree p95; PostGIS p95 <= 2x the bare KNN query p95.
The PostGIS queries run twice: first pass, every query new (the store decodes ~95% of the
activities it returns for the first time), then "(repeat)": the same queries again, answered from
the store's decoded-activity cache (a long-running server's steady state).
Run: ``python -m bench.store_knn`` (set DICM_BENCH_N / DICM_BENCH_QUERIES to scale down).
PostGIS comes from DICM_BENCH_POSTGIS_URL, else a throwaway cluster (tests/pgcluster.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import psycopg
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sklearn.neighbors import BallTree

from dicm.settings import Settings
from domain.model import Activity, Provider
from store.factory import open_store
from store.port import EARTH_RADIUS_M, Store
from store.postgis.store import point_ewkt

SEED = 20261124
K, RADIUS_M = 10, 25_000.0
# Approximate town-centre coordinates (lon, lat) of Great Britain towns and cities.
TOWNS = [
    (-0.1276, 51.5072),
    (-1.8904, 52.4862),
    (-2.2426, 53.4808),
    (-1.5491, 53.8008),
    (-2.9916, 53.4084),
    (-1.4701, 53.3811),
    (-2.5879, 51.4545),
    (-1.6178, 54.9783),
    (-1.1581, 52.9548),
    (-1.1398, 52.6369),
    (-4.2518, 55.8642),
    (-3.1883, 55.9533),
    (-3.1791, 51.4816),
    (-0.9730, 51.4543),
    (-1.2577, 51.7520),
    (-0.7594, 52.0406),
    (-0.5950, 51.5105),
    (-1.4044, 50.9097),
    (-1.0872, 50.8198),
    (-0.1372, 50.8225),
    (1.2974, 52.6309),
    (0.1218, 52.2053),
    (-2.0943, 57.1497),
    (-2.9707, 56.4620),
    (-3.5339, 50.7184),
    (-4.1427, 50.3755),
    (-2.2383, 51.8642),
    (-2.3590, 51.3811),
    (-1.0815, 53.9600),
    (-0.3367, 53.7457),
    (-1.7850, 53.6458),
    (-2.1794, 53.0027),
    (-1.4746, 52.9225),
    (-1.5197, 52.4068),
    (-2.7160, 53.7632),
    (-3.0357, 53.8175),
    (-2.8007, 54.0466),
    (-2.9326, 54.8925),
    (-1.2350, 54.5742),
    (-1.5690, 54.7761),
    (0.5239, 51.2704),
    (1.0789, 51.2802),
    (0.7093, 51.5459),
    (0.4685, 51.7356),
    (0.9027, 51.8959),
    (1.1555, 52.0567),
    (-0.4177, 51.6565),
    (-0.2, 51.9),
    (-0.4676, 52.1360),
    (-0.8901, 52.2405),
    (-2.2451, 52.1936),
    (-2.7160, 52.0567),
    (-3.9436, 51.6214),
    (-2.9977, 51.5842),
    (-4.2247, 57.4778),
    (-3.9470, 56.1165),
    (-4.4958, 55.4586),
    (-2.7861, 56.3398),
    (-5.9301, 54.5973),
    (-7.3086, 54.9966),
    (-6.2603, 54.3498),
    (-5.0527, 50.2632),
    (-3.0, 53.2),
    (-1.8, 50.72),
    (-2.4333, 50.6144),
    (-0.3, 53.23),
    (-1.3, 51.07),
]


def make_points(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` (lon, lat) points clustered around TOWNS (about 5 km spread)."""
    towns = np.array(TOWNS)
    centre = towns[rng.integers(0, len(towns), n)]
    spread = rng.normal(0, 1, (n, 2)) * np.array([0.08, 0.05])
    points: np.ndarray = centre + spread
    return points


def activities(points: np.ndarray) -> Iterator[Activity]:
    from shapely.geometry import Point

    for i, (lon, lat) in enumerate(points):
        yield Activity(
            id=f"act-{i:06d}",
            provider_id="bench-provider",
            name=f"Activity {i}",
            location=Point(float(lon), float(lat)),
            themes=("youth_diversion",),
        )


def load(store: Store, points: np.ndarray, label: str, batch: int = 5_000) -> float:
    store.put(Provider(id="bench-provider", name="Bench Trust"))
    items = list(activities(points))
    started = time.perf_counter()
    with Progress(transient=True) as progress:
        task = progress.add_task(f"loading {label}", total=len(items))
        for start in range(0, len(items), batch):
            store.put_many(items[start : start + batch])
            progress.advance(task, min(batch, len(items) - start))
    return time.perf_counter() - started


def timed_together(
    approaches: dict[str, Callable[[float, float], object]], queries: np.ndarray
) -> dict[str, np.ndarray]:
    """Per-call milliseconds of each approach, interleaved query by query (so a noisy
    neighbour on the machine slows every approach alike), after a warm-up."""
    for lon, lat in queries[:50]:
        for fn in approaches.values():
            fn(float(lon), float(lat))
    out = {name: np.empty(len(queries) - 50) for name in approaches}
    for i, (lon, lat) in enumerate(queries[50:]):
        for name, fn in approaches.items():
            started = time.perf_counter()
            fn(float(lon), float(lat))
            out[name][i] = (time.perf_counter() - started) * 1000
    return out


def balltree_query(points: np.ndarray) -> Callable[[float, float], list[int]]:
    tree = BallTree(np.radians(points[:, ::-1]), metric="haversine")

    def query(lon: float, lat: float) -> list[int]:
        dist, idx = tree.query(np.radians([[lat, lon]]), k=K)
        return [
            int(i) for d, i in zip(dist[0], idx[0], strict=True) if d * EARTH_RADIUS_M <= RADIUS_M
        ]

    return query


def store_query(store: Store) -> Callable[[float, float], list[str]]:
    def query(lon: float, lat: float) -> list[str]:
        return [n.activity.id for n in store.nearest_activities(lon, lat, radius_m=RADIUS_M, k=K)]

    return query


BARE_IDS = "SELECT id FROM activities ORDER BY location <-> %s::geography LIMIT 10"
BARE_ROWS = "SELECT * FROM activities ORDER BY location <-> %s::geography LIMIT 10"


def bare_knn_query(
    url: str, sql: str = BARE_IDS
) -> tuple[Callable[[float, float], list[str]], Callable[[], None]]:
    """The peer: one prepared KNN statement on a plain psycopg connection, no decoding."""
    conn = psycopg.connect(url.replace("+psycopg", ""), autocommit=True, options="-c jit=off")

    def query(lon: float, lat: float) -> list[str]:
        rows = conn.execute(sql, (point_ewkt(lon, lat),), prepare=True).fetchall()
        return [r[0] for r in rows]

    return query, conn.close


@contextmanager
def postgis_url() -> Iterator[str | None]:
    given = os.environ.get("DICM_BENCH_POSTGIS_URL")
    if given:
        yield given
        return
    try:
        from tests.pgcluster import ClusterUnavailable, start_cluster
    except ImportError:
        yield None
        return
    try:
        cluster = start_cluster()
    except ClusterUnavailable as exc:
        Console().print(f"[yellow]PostGIS skipped: {exc}[/yellow]")
        yield None
        return
    try:
        yield cluster.create_database("dicm_bench")
    finally:
        cluster.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.store_knn", description=__doc__)
    parser.add_argument("--n", type=int, default=int(os.environ.get("DICM_BENCH_N", "100000")))
    parser.add_argument(
        "--queries", type=int, default=int(os.environ.get("DICM_BENCH_QUERIES", "1000"))
    )
    args = parser.parse_args(argv or [])
    n, n_queries = args.n, args.queries
    rng = np.random.default_rng(SEED)
    points, queries = make_points(n, rng), make_points(n_queries + 50, rng)
    console = Console()
    results: dict[str, np.ndarray] = {}
    answers: dict[str, list[list[str]]] = {}

    ball = balltree_query(points)
    answers["balltree"] = [[f"act-{i:06d}" for i in ball(*q)] for q in queries[:200]]

    with tempfile.TemporaryDirectory() as tmp:
        lite = open_store(Settings(database_url=f"sqlite:///{Path(tmp) / 'bench.sqlite'}").store)
        console.print(f"SQLite: loaded {n:,} activities in {load(lite, points, 'SQLite'):.1f} s")
        sqlite_query = store_query(lite)
        started = time.perf_counter()
        sqlite_query(*queries[0])
        console.print(
            f"SQLite: first query (builds the KNN index, decodes {n:,} activities) "
            f"{time.perf_counter() - started:.2f} s"
        )
        results |= timed_together(
            {"BallTree (haversine)": ball, "SQLite store": sqlite_query}, queries
        )
        answers["sqlite"] = [sqlite_query(*q) for q in queries[:200]]
        lite.close()

    with postgis_url() as url:
        if url is not None:
            pg = open_store(Settings(database_url=url).store)
            console.print(
                f"PostGIS: loaded {n:,} activities in {load(pg, points, 'PostGIS'):.1f} s"
            )
            with pg.engine.begin() as conn:  # type: ignore[attr-defined]
                conn.exec_driver_sql("ANALYZE activities")
            bare, close = bare_knn_query(url)
            bare_rows, close_rows = bare_knn_query(url, BARE_ROWS)
            pg_query = store_query(pg)
            peers: dict[str, Callable[[float, float], object]] = {
                "PostGIS bare <-> LIMIT 10": bare,
                "PostGIS bare, whole rows": bare_rows,
                "PostGIS store": pg_query,
            }
            results |= timed_together(peers, queries)
            # the same queries again: the store's decoded-activity cache now holds their answers
            again = timed_together(peers, queries)
            results |= {f"{name} (repeat)": ms for name, ms in again.items()}
            answers["postgis"] = [pg_query(*q) for q in queries[:200]]
            close()
            close_rows()
            pg.close()

    report(console, results, answers)


def report(
    console: Console, results: dict[str, np.ndarray], answers: dict[str, list[list[str]]]
) -> None:
    table = Table(title=f"k={K} nearest within {RADIUS_M / 1000:.0f} km, per query (ms)")
    for column in ("approach", "p50", "p95", "p50 ratio", "p95 ratio", "peer"):
        table.add_column(column)
    peers = {
        "SQLite store": "BallTree (haversine)",
        "PostGIS store": "PostGIS bare <-> LIMIT 10",
        "PostGIS store (repeat)": "PostGIS bare <-> LIMIT 10 (repeat)",
    }
    for name, ms in results.items():
        p50, p95 = np.percentile(ms, [50, 95])
        peer = peers.get(name)
        ratio50 = ratio95 = ""
        if peer in results:
            ratio50 = f"{p50 / np.percentile(results[peer], 50):.2f}x"
            ratio95 = f"{p95 / np.percentile(results[peer], 95):.2f}x"
        table.add_row(name, f"{p50:.3f}", f"{p95:.3f}", ratio50, ratio95, peer or "")
    console.print(table)
    for name in ("sqlite", "postgis"):
        if name in answers:
            same = sum(a == b for a, b in zip(answers[name], answers["balltree"], strict=True))
            console.print(f"{name}: {same}/{len(answers[name])} answers identical to BallTree's")


if __name__ == "__main__":
    main(sys.argv[1:])
