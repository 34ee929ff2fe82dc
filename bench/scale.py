"""Benchmark: dicm at national scale, each figure beside a peer measured in the same run.

At each size (``--sizes 10000,100000``; ``1M`` works but takes many minutes) it generates
synthetic validated activities around real Great Britain places (``bench.recommend``'s
generators, seeded), loads them into the project's own store (a SQLite file; with
``--postgis URL`` a PostGIS database too) and measures, in a fresh process per size (so memory
is that size's alone):

- the API's first recommender fit (keyset read of every validated activity from the store, the
  matching context, the fit), peer: ``Recommender.fit`` alone on the same decoded activities;
- the process RSS after that fit (psutil, else ``/proc/self/status``), peer: the RSS before it;
- top-10 explained match p95 (``services.recommendations.recommend``, as a request runs it), peer:
  scikit-learn ``BallTree(haversine).query(k=10)`` over the same supplier's sites, interleaved;
- the first KNN on a freshly opened SQLite store (it builds its in-memory index), peer: building
  a ``BallTree`` on the same points and querying it once;
- a full keyset walk of the validated activities (``store.iter_all``, per page), peer: a bare
  ``SELECT * ... WHERE validation_status = ? AND id > ? ORDER BY id LIMIT 1000`` loop;
- ``put_many`` of all of them, peer: raw ``executemany`` of the same encoded rows in one
  transaction into an identical migrated database with the store's pragmas (PostGIS: raw
  ``COPY`` into the same table, and into a twin without its foreign keys, as ``bench.bulk_load``).

Then it fits each of our figures to ``a * n^b`` over the sizes and prints ``b`` (1 = linear)
and the whole table (Markdown, as the README's). ``--postgis URL`` writes to that database
(empties its activities first, ``TRUNCATE ... CASCADE``): give it a scratch one; ``--postgis``
alone starts a throwaway cluster. Run: ``python -m bench scale --sizes 10000,100000 --postgis``.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
from sklearn.neighbors import BallTree

from bench.bulk_load import _encoded, raw_copies, raw_executemany
from bench.recommend import make_activities, make_suppliers, towns
from bench.store_knn import bare_knn_query, postgis_url
from dicm.settings import Settings
from domain.model import Activity, Provider, Supplier
from domain.vocabulary import ValidationStatus
from geo.sphere import EARTH_RADIUS_M
from matching.recommender import Recommender
from services.matching_context import columns_context
from services.recommendations import recommend
from services.recommender_cache import RecommenderCache, fitted_recommender
from services.recommender_fit import DEFAULT_RADIUS_M
from services.recommender_state import state_root
from store.factory import open_store
from store.port import Store
from store.sqlstore import ITER_PAGE

SEED = 20261202
PROVIDER = "bench-provider"
VALIDATED = ValidationStatus.VALIDATED.value
K = 10
#: (key, figure, peer, unit): one table row each; ours and the peer in the same unit
ROWS: tuple[tuple[str, str, str, str], ...] = (
    (
        "fit",
        "recommender fit, the first worker's (column read + fit + state saved)",
        "`Recommender.fit` alone on the same columns",
        "s",
    ),
    ("rss", "first worker: RSS after fit", "RSS before the fit", "MB"),
    ("peak", "first worker: peak RSS", "RSS before the fit", "MB"),
    ("rss_added", "first worker: RSS the fit added (after - before)", "", "MB"),
    (
        "ready",
        "later worker: first explained match after process start (mapped state)",
        "interpreter start + imports alone",
        "s",
    ),
    (
        "ready_state",
        "later worker: state mapped + first match",
        "`BallTree` build, same sites",
        "s",
    ),
    ("worker_rss", "later worker: RSS after the matches", "RSS before its first match", "MB"),
    ("worker_anon", "later worker: of which private (RssAnon)", "", "MB"),
    ("worker_file", "later worker: of which shared file pages (RssFile)", "", "MB"),
    ("match", "top-10 explained match p95, the use case", "`BallTree` k=10 p95, same sites", "ms"),
    ("match_model", "top-10 explained p95, fitted model alone", "`BallTree` k=10 p95", "ms"),
    ("match_p50", "top-10 explained match p50, the use case", "`BallTree` k=10 p50", "ms"),
    ("knn", "SQLite store: first KNN (builds its index)", "`BallTree` build + 1 query", "s"),
    ("walk", "keyset walk of all validated, per page", "bare `WHERE id > ? LIMIT`", "ms"),
    ("put", "SQLite `put_many`", "raw `executemany`, 1 transaction, FKs on", "s"),
    ("put_no_fk", "SQLite `put_many`", "raw `executemany`, FKs off (the driver's default)", "s"),
    ("pg_put", "PostGIS `put_many`", "raw `COPY` of encoded rows, same table", "s"),
    ("pg_put_twin", "PostGIS `put_many`", "raw `COPY` into a twin without the FKs", "s"),
    ("pg_knn", "PostGIS store KNN p95", "bare `<->` LIMIT 10 p95", "ms"),
    ("pg_walk", "PostGIS keyset walk, per page", "bare `WHERE id > ? LIMIT`", "ms"),
)
#: figures whose growth with n is fitted (time and memory)
GROWTH = (
    "fit",
    "rss",
    "peak",
    "rss_added",
    "ready",
    "ready_state",
    "worker_rss",
    "match",
    "match_model",
    "match_p50",
    "knn",
    "walk",
    "put",
    "pg_put",
)


def rss_mb() -> float:
    """This process's resident set size now, MB (psutil when installed, else /proc)."""
    try:
        import psutil
    except ImportError:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")
    return float(psutil.Process().memory_info().rss) / 2**20


def peak_rss_mb() -> float:
    """The most this process has held resident (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def parse_sizes(text: str) -> list[int]:
    """``"10000,100k,1M"`` -> [10000, 100000, 1000000]."""
    out = []
    for part in text.split(","):
        part = part.strip().lower()
        scale = {"k": 1_000, "m": 1_000_000}.get(part[-1:], 1)
        out.append(int(float(part[:-1] if scale > 1 else part) * scale))
    if not out or min(out) < 100:
        raise argparse.ArgumentTypeError("sizes are at least 100 activities each")
    return out


def centres() -> np.ndarray:
    """The GB places activities and suppliers cluster around (the same in every process)."""
    return towns(np.random.default_rng(SEED))


def synthetic(n: int) -> list[Activity]:
    """``n`` validated activities of one provider around GB places."""
    rng = np.random.default_rng(SEED + 2)
    # the generator's territory and provider codes are not stored areas: leave them to the store
    return [
        dataclasses.replace(a, provider_id=PROVIDER, territory_code=None)
        for a in make_activities(rng, centres(), n)
    ]


def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _put_many(store: Store, items: list[Activity]) -> float:
    store.put_many([Provider(id=PROVIDER, name="Bench Trust")])  # there already at a 2nd size
    return _timed(lambda: store.put_many(items))


def _bare_sqlite_walk(path: Path) -> tuple[float, int]:
    """(seconds, pages): the validated rows a page at a time by keyset, undecoded."""
    conn = sqlite3.connect(path)
    sql = "SELECT * FROM activities WHERE validation_status = ? AND id > ? ORDER BY id LIMIT ?"
    after, pages, started = "", 0, time.perf_counter()
    while True:
        rows = conn.execute(sql, (VALIDATED, after, ITER_PAGE)).fetchall()
        pages += 1
        if len(rows) < ITER_PAGE:
            break
        after = rows[-1][0]
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed, pages


def _walk(store: Store) -> tuple[float, int]:
    """(seconds, pages) of ``iter_all`` over the validated activities."""
    started = time.perf_counter()
    n = sum(1 for _ in store.iter_all(Activity, validation_status=VALIDATED))
    return time.perf_counter() - started, n // ITER_PAGE + 1


def _sites(supplier: Supplier) -> np.ndarray:
    return np.radians([[s.location.y, s.location.x] for s in supplier.sites])


def _p95_ms(samples: Sequence[float]) -> float:
    return float(np.percentile(np.asarray(samples) * 1000.0, 95))


def _p50_ms(samples: Sequence[float]) -> float:
    """The median beside the p95: on a loaded machine a p95 measures the scheduler too."""
    return float(np.percentile(np.asarray(samples) * 1000.0, 50))


def _match(
    store: Store, cache: RecommenderCache, tree: BallTree, suppliers: list[Supplier]
) -> dict[str, tuple[float, float]]:
    """p95 ms of the use case (as a request runs it) and of the fitted model alone, each
    beside the BallTree's, interleaved supplier by supplier after a warm-up."""
    model = fitted_recommender(store, cache=cache).model
    for s in suppliers[:50]:
        recommend(store, s, k=K, cache=cache)
        model.recommend(s, k=K)
        tree.query(_sites(s), k=K)
    ours, alone, theirs = [], [], []
    for s in suppliers:
        q = _sites(s)
        t = time.perf_counter()
        tree.query(q, k=K)
        theirs.append(time.perf_counter() - t)
        t = time.perf_counter()
        recommend(store, s, k=K, cache=cache)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        model.recommend(s, k=K)
        alone.append(time.perf_counter() - t)
    ball, ball50 = _p95_ms(theirs), _p50_ms(theirs)
    return {
        "match": (_p95_ms(ours), ball),
        "match_model": (_p95_ms(alone), ball),
        "match_p50": (_p50_ms(ours), ball50),
    }


def load(
    n: int, folder: Path, postgis: str | None, serving: bool = True
) -> dict[str, tuple[float, float]]:
    """Generate ``n`` activities and load them (ours and the peers); runs in its own process,
    so the serving figures below start from a process that never held them."""
    items = synthetic(n)
    lonlat = np.array([(a.location.x, a.location.y) for a in items])
    path, peer_path = folder / "scale.sqlite", folder / "peer.sqlite"
    lite = open_store(Settings(database_url=f"sqlite:///{path}").store)
    put = _put_many(lite, items)
    names, encoded = _encoded(lite, items)
    lite.close()
    out = {}
    for key, foreign_keys in (("put", True), ("put_no_fk", False)):
        target = peer_path.with_suffix(f".{key}.sqlite")
        twin = open_store(Settings(database_url=f"sqlite:///{target}").store)
        twin.put(Provider(id=PROVIDER, name="Bench Trust"))
        twin.close()
        out[key] = (put, raw_executemany(target, names, encoded, foreign_keys=foreign_keys))
    if postgis is not None:
        out |= _postgis(postgis, items, lonlat, serving)
    return out


def serve(folder: Path, queries: int) -> dict[str, tuple[float, float]]:
    """The figures of the first worker on the loaded SQLite file: first fit (which writes the
    fitted state beside the file), memory, first KNN, keyset walk; runs in a fresh process
    (its RSS is the worker's)."""
    out: dict[str, tuple[float, float]] = {}
    path = folder / "scale.sqlite"
    settings = Settings(database_url=f"sqlite:///{path}")
    # the API's first fit, on a freshly opened store (as a new worker's first match)
    store = open_store(settings.store, migrate=False)
    cache = RecommenderCache(state_dir=state_root(settings.store, settings.data_dir))
    gc.collect()
    before = rss_mb()
    fit = _timed(lambda: fitted_recommender(store, cache=cache))
    after = rss_mb()
    out["rss"] = (after, before)
    out["peak"] = (max(peak_rss_mb(), after), before)
    out["rss_added"] = (after - before, float("nan"))
    out["fit"] = (fit, _fit_alone(store))
    gc.collect()

    with sqlite3.connect(path) as conn:
        lonlat = np.array(conn.execute("SELECT minx, miny FROM activities ORDER BY id").fetchall())
    suppliers = make_suppliers(np.random.default_rng(SEED + 1), centres(), max(queries, 60))
    tree_s = time.perf_counter()
    tree = BallTree(np.radians(lonlat[:, ::-1]), metric="haversine")
    tree.query(_sites(suppliers[0])[:1], k=K)
    tree_s = time.perf_counter() - tree_s
    out["tree_build"] = (tree_s, float("nan"))
    fresh = open_store(settings.store, migrate=False)
    site = suppliers[0].sites[0].location
    knn = _timed(lambda: fresh.nearest_activities(site.x, site.y, radius_m=25_000, k=K))
    out["knn"] = (knn, tree_s)
    walked, pages = _walk(fresh)
    bare, bare_pages = _bare_sqlite_walk(path)
    out["walk"] = (walked * 1000 / pages, bare * 1000 / bare_pages)
    fresh.close()
    store.close()
    return out


def worker(folder: Path, queries: int, launched: float) -> dict[str, tuple[float, float]]:
    """A worker started after the first one saved the fitted state (as every later API
    worker): ready-to-answer time from its process launch (``launched``, wall clock), its
    RSS (and how much of it is private, not file pages shared with other workers), and the
    match p95 beside a BallTree's, interleaved."""
    out: dict[str, tuple[float, float]] = {}
    imported = time.time() - launched  # interpreter start and imports of the spawned process
    path = folder / "scale.sqlite"
    settings = Settings(database_url=f"sqlite:///{path}")
    store = open_store(settings.store, migrate=False)
    cache = RecommenderCache(state_dir=state_root(settings.store, settings.data_dir))
    suppliers = make_suppliers(np.random.default_rng(SEED + 1), centres(), max(queries, 60))
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    recommend(store, suppliers[0], k=K, cache=cache)
    ready = time.perf_counter() - started
    with sqlite3.connect(path) as conn:
        lonlat = np.array(conn.execute("SELECT minx, miny FROM activities ORDER BY id").fetchall())
    tree_s = time.perf_counter()
    tree = BallTree(np.radians(lonlat[:, ::-1]), metric="haversine")
    tree_s = time.perf_counter() - tree_s
    del lonlat
    out["ready"] = (imported + ready, imported)
    out["ready_state"] = (ready, tree_s)
    gc.collect()
    gc.freeze()  # long-lived fitted state out of the collector's sight, as bench.recommend
    out |= _match(store, cache, tree, suppliers)
    gc.unfreeze()
    del tree
    gc.collect()
    anon, shared = rss_parts_mb()
    out["worker_rss"] = (rss_mb(), before)
    out["worker_anon"] = (anon, float("nan"))
    out["worker_file"] = (shared, float("nan"))
    store.close()
    return out


def _fit_alone(store: Store) -> float:
    """Seconds of ``Recommender.fit`` alone on the columns the first fit read."""
    columns = store.activity_columns(validation_status=VALIDATED)
    context = columns_context(store, columns.territory_codes, set(columns.ids))
    return _timed(
        lambda: Recommender(radius_m=DEFAULT_RADIUS_M).fit(columns, context, loader=_no_rows)
    )


def _no_rows(ids: Sequence[str]) -> list[Activity]:
    """The peer fit explains nothing: it never reads an activity."""
    return []


def rss_parts_mb() -> tuple[float, float]:
    """(private anonymous, file-backed) resident MB of this process: mapped state files are
    file pages, one copy in the page cache for every worker mapping them."""
    parts = {"RssAnon:": float("nan"), "RssFile:": float("nan")}
    for line in Path("/proc/self/status").read_text().splitlines():
        name = line.split()[0] if line.strip() else ""
        if name in parts:
            parts[name] = int(line.split()[1]) / 1024
    return parts["RssAnon:"], parts["RssFile:"]


def _postgis(
    url: str, items: list[Activity], lonlat: np.ndarray, serving: bool = True
) -> dict[str, tuple[float, float]]:
    """PostGIS figures: ``put_many`` vs raw COPY, then (``serving``) KNN p95 vs bare ``<->``
    and the keyset walk."""
    import psycopg

    out: dict[str, tuple[float, float]] = {}
    pg = open_store(Settings(database_url=url).store)
    pg.put_many([Provider(id=PROVIDER, name="Bench Trust")])
    names, encoded = _encoded(pg, items)
    # the peers first (raw COPY into activities itself, then a twin without its foreign
    # keys), then ours into the same table emptied again, whose rows the figures below read
    same, twin, _cpu = raw_copies(url, names, encoded)  # leaves activities empty
    put = _put_many(pg, items)
    out["pg_put"] = (put, same)
    out["pg_put_twin"] = (put, twin)
    if not serving:
        pg.close()
        return out
    with pg.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.exec_driver_sql("ANALYZE activities")
    bare, close = bare_knn_query(url)
    rng = np.random.default_rng(SEED + 1)
    points = lonlat[rng.integers(0, len(lonlat), 250)]
    ours, theirs = [], []
    for i, (lon, lat) in enumerate(points):
        t = time.perf_counter()
        bare(float(lon), float(lat))
        b = time.perf_counter() - t
        t = time.perf_counter()
        pg.nearest_activities(float(lon), float(lat), radius_m=25_000, k=K)
        o = time.perf_counter() - t
        if i >= 50:  # after a warm-up
            theirs.append(b)
            ours.append(o)
    close()
    out["pg_knn"] = (_p95_ms(ours), _p95_ms(theirs))
    walked, pages = _walk(pg)
    sql = "SELECT * FROM activities WHERE validation_status = %s AND id > %s ORDER BY id LIMIT %s"
    with psycopg.connect(url.replace("+psycopg", "")) as conn:
        after, bare_pages, started = "", 0, time.perf_counter()
        while True:
            rows = conn.execute(sql, (VALIDATED, after, ITER_PAGE)).fetchall()
            bare_pages += 1
            if len(rows) < ITER_PAGE:
                break
            after = rows[-1][0]
        bare_s = time.perf_counter() - started
    out["pg_walk"] = (walked * 1000 / pages, bare_s * 1000 / bare_pages)
    pg.close()
    return out


def growth(sizes: Sequence[int], values: Sequence[float]) -> tuple[float, float] | None:
    """(a, b) of the least-squares power law ``a * n^b`` (log-log line); None if < 2 sizes."""
    if len(sizes) < 2 or min(values) <= 0:
        return None
    b, log_a = np.polyfit(np.log(sizes), np.log(values), 1)
    return float(np.exp(log_a)), float(b)


def _cell(value: tuple[float, float] | None, unit: str) -> str:
    if value is None:
        return "—"
    ours, peer = value
    digits = 0 if unit == "MB" else 3
    if peer != peer:  # NaN: a figure without a peer of its own
        return f"{ours:,.{digits}f} {unit}"
    ratio = f"{ours / peer:.2f}x" if peer > 0 else "—"
    return f"{ours:,.{digits}f} {unit} vs {peer:,.{digits}f} ({ratio})"


def table(sizes: Sequence[int], results: Sequence[dict[str, tuple[float, float]]]) -> list[str]:
    """The Markdown table: one row per figure, ``ours vs peer (ratio)`` per size, growth ``b``."""
    head = ["figure", "peer", *(f"n={n:,}" for n in sizes), "growth b (a·n^b)"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for key, figure, peer, unit in ROWS:
        cells = [r.get(key) for r in results]
        if all(c is None for c in cells):
            continue
        fitted = (
            growth(sizes, [c[0] for c in cells if c is not None]) if None not in cells else None
        )
        b = f"{fitted[1]:.2f}" if key in GROWTH and fitted is not None else ""
        row = [figure, peer, *(_cell(c, unit) for c in cells), b]
        lines.append("| " + " | ".join(row) + " |")
    return lines


def _process() -> ProcessPoolExecutor:
    """One fresh interpreter (spawned, not forked: nothing of this process's heap in it)."""
    return ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.scale", description=__doc__)
    parser.add_argument("--sizes", type=parse_sizes, default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=500, help="suppliers matched per size")
    parser.add_argument(
        "--put-only",
        action="store_true",
        help="only the loads (``put_many`` beside its peers), none of the serving figures",
    )
    parser.add_argument(
        "--postgis",
        nargs="?",
        const="",
        metavar="URL",
        help="also load into this PostGIS database (its activities are deleted first); no URL: "
        "DICM_BENCH_POSTGIS_URL, else a throwaway cluster (tests/pgcluster.py)",
    )
    args = parser.parse_args(argv or [])
    if args.postgis == "":
        with postgis_url() as url:
            run(args.sizes, args.queries, url, serving=not args.put_only)
    else:
        run(args.sizes, args.queries, args.postgis, serving=not args.put_only)


def run(sizes: list[int], queries: int, postgis: str | None, *, serving: bool = True) -> None:
    """Measure every size (each in fresh processes), then print the table and the growth."""
    results = []
    for n in sizes:
        started = time.perf_counter()
        result: dict[str, tuple[float, float]] = {}
        with tempfile.TemporaryDirectory() as tmp:
            # a fresh process to load and another to serve: memory is that worker's alone
            with _process() as pool:
                result |= pool.submit(load, n, Path(tmp), postgis, serving).result()
            if serving:
                with _process() as pool:
                    result |= pool.submit(serve, Path(tmp), queries).result()
                launched = time.time()  # a later worker, on the state the first one saved
                with _process() as pool:
                    result |= pool.submit(worker, Path(tmp), queries, launched).result()
        results.append(result)
        print(f"n={n:,} measured in {time.perf_counter() - started:.0f} s:", flush=True)
        for key, figure, _peer, unit in ROWS:
            if key in result:
                print(f"  {figure}: {_cell(result[key], unit)}", flush=True)
    print(f"\ncores {os.cpu_count()}, earth radius {EARTH_RADIUS_M:,.1f} m, seed {SEED}")
    print("\n".join(table(sizes, results)))
    for key, figure, _peer, unit in ROWS:
        cells = [r.get(key) for r in results]
        if key in GROWTH and None not in cells:
            fitted = growth(sizes, [c[0] for c in cells if c is not None])
            if fitted is not None:
                a, b = fitted
                print(f"growth {figure}: {a:.3g} {unit} * n^{b:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
