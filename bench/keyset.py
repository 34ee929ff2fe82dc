"""Benchmark: keyset paging of every page of the validated activities, beside the bare SQL page.

At each size (``--sizes 100000,1M``) it loads ``n`` synthetic validated activities with
``bench.scale``'s generator and loader into a SQLite file (and with ``--postgis`` a PostGIS
database), then, in a fresh process per backend, walks EVERY page of ``--page`` (1,000)
activities four ways, interleaved page by page so a load spike on the shared cores hits all of
them alike:

- the peer: the bare ``SELECT * FROM activities WHERE validation_status = ? AND id > ?
  ORDER BY id LIMIT 1000`` on the driver (no decoding), following its own last id;
- ``store.find`` (the store's page read: the select, the decode of the page to activities);
- REST ``GET /activities?limit=1000`` following each page's ``next`` link (its cursor);
- OGC ``GET /ogc/collections/activities/items?limit=1000`` following ``next`` links;

the two HTTP walks through the ASGI app in process (FastAPI's test client: routing, middleware,
the count, serialisation and gzip as a client gets them, no sockets). Each walk must see the
same ids page by page and ``numberMatched`` must be ``n``, else the run stops. Per page it prints
mean, p50, p95, p99 and max of each, the ratio to the peer's same statistic, and the pages of
ours over 100 ms whose peer page was not. Then ``numberMatched``'s count: the first (uncached)
``store.count`` beside the bare ``SELECT count(*)``, and what every later page pays for it (the
kind's change counter read). Then (unless ``--no-export``) ``services.exports.export_layer`` of
the activities to GeoJSON, total time beside the bare walk's total.

``--keep DIR`` keeps the SQLite file there and reuses it (and a PostGIS database already holding
exactly ``n`` bench activities) on the next run, so a 1M load is paid once. ``--postgis URL``
uses that database (its activities are deleted before a load: a scratch one); ``--postgis``
alone: ``DICM_BENCH_POSTGIS_URL``, else a throwaway cluster. Run:
``python -m bench keyset --sizes 100000,1M --postgis --keep /tmp/keyset``.
"""

from __future__ import annotations

import argparse
import gc
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench.scale import PROVIDER, VALIDATED, _process, _put_many, parse_sizes, synthetic
from bench.store_knn import postgis_url
from dicm.settings import Settings
from domain.model import Activity
from store.factory import open_store

#: a page that a person paging through the API would call slow
SLOW_MS = 100.0
BARE_SQL = (
    "SELECT * FROM activities WHERE validation_status = {p} AND id > {p} ORDER BY id LIMIT {p}"
)
COUNT_SQL = "SELECT count(*) FROM activities WHERE validation_status = {p}"
REST = "/activities?limit={page}"
OGC = "/ogc/collections/activities/items?limit={page}"
WALKS = ("bare SQL page (peer)", "store.find", "REST /activities", "OGC items")


def _bench_count(url: str) -> int:
    """How many validated activities of the bench's provider the database holds (0: none, or
    no database yet)."""
    sql = "SELECT count(*) FROM activities WHERE validation_status = {p} AND provider_id = {p}"
    try:
        with _bare(url) as execute:
            return int(execute(sql, (VALIDATED, PROVIDER))[0][0])
    except Exception:  # no file, no schema yet: nothing to reuse
        return 0


@contextmanager
def _bare(url: str) -> Iterator[Callable[[str, tuple[Any, ...]], list[Any]]]:
    """``execute(sql, params) -> rows`` on the bare driver (``{p}``: its placeholder)."""
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if not Path(path).exists():
            raise FileNotFoundError(path)
        conn = sqlite3.connect(path)
        try:
            yield lambda sql, params: conn.execute(sql.format(p="?"), params).fetchall()
        finally:
            conn.close()
        return
    import psycopg

    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as pg:
        yield lambda sql, params: pg.execute(sql.format(p="%s"), params).fetchall()


def load(url: str, n: int) -> float:
    """Load ``n`` synthetic activities unless the database holds exactly those already;
    seconds spent loading (0.0: reused). Runs in its own process (the activities are freed
    with it)."""
    if _bench_count(url) == n:
        return 0.0
    store = open_store(Settings(database_url=url).store)
    try:
        with store.engine.begin() as conn:  # type: ignore[attr-defined]
            conn.exec_driver_sql("DELETE FROM activities")
        seconds = _put_many(store, synthetic(n))
        if not url.startswith("sqlite"):
            with store.engine.begin() as conn:  # type: ignore[attr-defined]
                conn.exec_driver_sql("ANALYZE activities")
    finally:
        store.close()
    return seconds


@dataclass
class Walked:
    """Per-page milliseconds of each walk (same pages, same order) and the run's other figures."""

    pages: dict[str, list[float]] = field(default_factory=lambda: {w: [] for w in WALKS})
    #: CPU milliseconds of the process for each page (the in-process server's thread included):
    #: a page far slower in wall time than in CPU time waited for a core
    cpu: dict[str, list[float]] = field(default_factory=lambda: {w: [] for w in WALKS})
    rows: int = 0
    figures: dict[str, float] = field(default_factory=dict)


class Clocks:
    """A page's wall and CPU time, and the time the cyclic collector spends by generation
    (``gc.callbacks``): a full collection walks every tracked object, a pause a page shows."""

    def __init__(self) -> None:
        self.started = 0.0
        self.wall = self.cpu = 0.0
        self.ms = [0.0, 0.0, 0.0]
        self.runs = [0, 0, 0]
        self.longest = 0.0

    def start(self) -> None:
        """A page's clocks start: wall and the process's CPU time."""
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self, walked: Walked, name: str) -> None:
        """The page's wall and CPU milliseconds filed under ``name``; the clocks restart."""
        wall, cpu = time.perf_counter(), time.process_time()
        walked.pages[name].append((wall - self.wall) * 1000)
        walked.cpu[name].append((cpu - self.cpu) * 1000)
        self.wall, self.cpu = wall, cpu

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
            return
        ms = (time.perf_counter() - self.started) * 1000
        self.ms[info["generation"]] += ms
        self.runs[info["generation"]] += 1
        self.longest = max(self.longest, ms)

    def figures(self) -> dict[str, float]:
        return {
            "gc_ms": sum(self.ms),
            "gc2_runs": float(self.runs[2]),
            "gc2_ms": self.ms[2],
            "gc_longest_ms": self.longest,
        }


def _next_href(body: dict[str, Any]) -> str | None:
    return next((link["href"] for link in body["links"] if link["rel"] == "next"), None)


def _ids(body: dict[str, Any]) -> list[str]:
    return [str(f["id"]) for f in body["features"]]


def walk(url: str, n: int, page: int, folder: Path, export: bool) -> Walked:
    """Every page four ways, interleaved (see the module docstring); runs in a fresh process."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    settings = Settings(database_url=url, data_dir=folder / "data")
    store = open_store(settings.store, migrate=False)
    out = Walked()
    with _bare(url) as execute, TestClient(create_app(settings)) as client:
        out.figures |= _counts(execute, url)
        bare_after, find_after = "", None
        rest: str | None
        ogc: str | None
        rest, ogc = REST.format(page=page), OGC.format(page=page)
        for href in (rest, ogc):  # warm-up: each route's first call builds its schemas
            client.get(href)
        gc.collect()
        clock = Clocks()
        gc.callbacks.append(clock)
        while True:
            times = out.pages
            clock.start()
            rows = execute(BARE_SQL, (VALIDATED, bare_after, page))
            clock.stop(out, WALKS[0])
            found = store.find(Activity, limit=page, after=find_after, validation_status=VALIDATED)
            clock.stop(out, WALKS[1])
            bodies = []
            for name, href in ((WALKS[2], rest), (WALKS[3], ogc)):
                assert href is not None
                clock.start()
                r = client.get(href)
                clock.stop(out, name)
                body = r.json()  # the client's own parse: not the server's time
                if r.status_code != 200 or body.get("numberMatched") != n:
                    raise SystemExit(f"{href}: {r.status_code}, numberMatched "
                                     f"{body.get('numberMatched')!r} of {n}")  # fmt: skip
                bodies.append(body)
            ids = [str(r[0]) for r in rows]
            seen = [ids, [a.id for a in found], *(_ids(b) for b in bodies)]
            if any(s != ids for s in seen):
                raise SystemExit(f"page {len(times[WALKS[0]])}: the walks disagree on its ids")
            out.rows += len(ids)
            rest, ogc = (_next_href(b) for b in bodies)
            if len(ids) < page or rest is None or ogc is None:
                break
            bare_after, find_after = ids[-1], found[-1].id
        gc.callbacks.remove(clock)
        out.figures |= clock.figures()
        if rest is not None or ogc is not None or out.rows != n:
            raise SystemExit(f"walked {out.rows:,} of {n:,} rows (a next link wrong or missing)")
        if export:
            out.figures |= _export(store, folder)
    store.close()
    return out


def _counts(execute: Callable[[str, tuple[Any, ...]], list[Any]], url: str) -> dict[str, float]:
    """numberMatched's cost: the store's first count (a fresh store: nothing remembered) beside
    the bare count, then a remembered one (what every later page pays: the counter read)."""
    fresh = open_store(Settings(database_url=url).store, migrate=False)
    fresh.find(Activity, limit=1)  # the connection opened: not the count's cost
    execute(COUNT_SQL, (VALIDATED,))  # the pages cached for both: not the first one's cost
    t = time.perf_counter()
    fresh.count(Activity, validation_status=VALIDATED)
    first = time.perf_counter() - t
    bare = []
    for _ in range(5):
        t = time.perf_counter()
        execute(COUNT_SQL, (VALIDATED,))
        bare.append(time.perf_counter() - t)
    later = []
    for _ in range(50):
        t = time.perf_counter()
        fresh.count(Activity, validation_status=VALIDATED)
        later.append(time.perf_counter() - t)
    fresh.close()
    return {
        "count_first_ms": first * 1000,
        "count_bare_ms": float(np.median(bare)) * 1000,
        "count_later_ms": float(np.median(later)) * 1000,
    }


def _export(store: Any, folder: Path) -> dict[str, float]:
    """``export_layer`` of the activities to GeoJSON: seconds, rows, peak RSS added."""
    from bench.scale import peak_rss_mb
    from services.exports import export_layer

    gc.collect()
    before = peak_rss_mb()
    target = folder / "activities.geojson"
    t = time.perf_counter()
    rows = export_layer(store, "activities", fmt="geojson", out=target)
    seconds = time.perf_counter() - t
    size = target.stat().st_size
    target.unlink()
    return {
        "export_s": seconds,
        "export_rows": float(rows),
        "export_mb": size / 1e6,
        "export_peak_mb": peak_rss_mb() - before,
    }


def _stats(ms: list[float]) -> list[float]:
    a = np.asarray(ms)
    return [float(a.mean()), *(float(v) for v in np.percentile(a, [50, 95, 99])), float(a.max())]


def report(backend: str, n: int, page: int, loaded_s: float, walked: Walked) -> list[str]:
    """The Markdown lines of one backend's walk: a row per walk, its ratio to the peer's."""
    peer = _stats(walked.pages[WALKS[0]])
    pages = len(walked.pages[WALKS[0]])
    load = f"loaded in {loaded_s:.1f} s" if loaded_s else "reused"
    lines = [
        f"\n{backend}, n={n:,} ({load}), {pages:,} pages of {page:,}"
        f" ({walked.rows:,} rows), ms per page:",
        "| walk | mean | p50 | p95 | p99 | max | CPU p50 / max | pages > 100 ms (peer's not):"
        " all, of which CPU < 100 ms; worst wall/peer/CPU |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in WALKS:
        ms = walked.pages[name]
        stats = _stats(ms)
        slow = [i for i, (o, p) in enumerate(zip(ms, walked.pages[WALKS[0]], strict=True))
                if o > SLOW_MS and p <= SLOW_MS]  # fmt: skip
        cells = [f"{s:.1f}" if name == WALKS[0] else f"{s:.1f} ({s / b:.2f}x)"
                 for s, b in zip(stats, peer, strict=True)]  # fmt: skip
        cpu = walked.cpu[name]
        waited = [i for i in slow if cpu[i] <= SLOW_MS]
        worst = ", ".join(f"#{i} {ms[i]:.0f}/{walked.pages[WALKS[0]][i]:.0f}/{cpu[i]:.0f}"
                          for i in sorted(slow, key=lambda i: -ms[i])[:3])  # fmt: skip
        cpu_cell = f"{np.percentile(cpu, 50):.1f} / {max(cpu):.1f}"
        lines.append(f"| {name} | " + " | ".join(cells)
                     + f" | {cpu_cell} | {len(slow)}, {len(waited)}; {worst} |")  # fmt: skip
    f = walked.figures
    lines.append(
        f"numberMatched: first store.count {f['count_first_ms']:.1f} ms vs bare count(*) "
        f"{f['count_bare_ms']:.1f} ms ({f['count_first_ms'] / f['count_bare_ms']:.2f}x); "
        f"every later page {f['count_later_ms']:.2f} ms (remembered until a change)"
    )
    lines.append(
        f"cyclic GC during the walk: {f['gc_ms']:,.0f} ms in all, {f['gc2_runs']:.0f} full "
        f"(gen-2) collections {f['gc2_ms']:,.0f} ms, longest pause {f['gc_longest_ms']:.1f} ms"
    )
    if "export_s" in f:
        bare_s = sum(walked.pages[WALKS[0]]) / 1000
        lines.append(
            f"export_layer activities -> GeoJSON: {f['export_s']:.1f} s for "
            f"{f['export_rows']:,.0f} rows ({f['export_mb']:.0f} MB, peak RSS +"
            f"{f['export_peak_mb']:,.0f} MB) vs the bare walk's {bare_s:.1f} s "
            f"({f['export_s'] / bare_s:.1f}x)"
        )
    return lines


def run(sizes: list[int], page: int, keep: Path | None, postgis: str | None, export: bool) -> None:
    """Load (or reuse) and walk each size on each backend, each stage in a fresh process."""
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = (keep / f"n{n}") if keep is not None else Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            backends = [("SQLite", f"sqlite:///{folder / 'keyset.sqlite'}")]
            if postgis is not None:
                backends.append(("PostGIS", postgis))
            for backend, url in backends:
                with _process() as pool:
                    loaded = pool.submit(load, url, n).result()
                with _process() as pool:
                    walked = pool.submit(walk, url, n, page, folder, export).result()
                print("\n".join(report(backend, n, page, loaded, walked)), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.keyset", description=__doc__)
    parser.add_argument("--sizes", type=parse_sizes, default=[100_000])
    parser.add_argument("--page", type=int, default=1000, help="page size (the API's maximum)")
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        metavar="DIR",
        help="keep the SQLite file in DIR, reuse it",
    )
    parser.add_argument("--no-export", dest="export", action="store_false")
    parser.add_argument(
        "--postgis",
        nargs="?",
        const="",
        metavar="URL",
        help="also on this PostGIS database (its activities are replaced when it does not hold "
        "exactly n bench ones); no URL: DICM_BENCH_POSTGIS_URL, else a throwaway cluster",
    )
    args = parser.parse_args(argv or [])
    if args.postgis == "":
        with postgis_url() as url:
            run(args.sizes, args.page, args.keep, url, args.export)
    else:
        run(args.sizes, args.page, args.keep, args.postgis, args.export)


if __name__ == "__main__":
    main(sys.argv[1:])
