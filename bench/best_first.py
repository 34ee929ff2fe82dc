"""Benchmark: one supplier's top 10 explained, searched best first (``matching.bounds``) against
scoring every candidate, with scikit-learn's ``BallTree(haversine).query(k=10)`` over the same
sites as the peer of issue 19's target (top-10 explained match p95 <= 2x BallTree at 1M).

The same fitted model answers each way (``Recommender.search``: ``best_first``, ``exhaustive``
and the default ``auto``, which scores every row below ``bounds.EXHAUSTIVE_BELOW``); the
answers must be identical or the run stops. Synthetic validated activities around GB places
(``bench.scale``'s generator), suppliers from ``bench.recommend``; interleaved supplier by
supplier, in an order that alternates so no way always runs on the caches another warmed.
Prints p50 and p95 of wall time and of the thread's CPU time (the machine is shared: CPU time
leaves out the waits for a core), each with its ratio to the BallTree's, and how many rows
the search scored against how many candidates there were.
Run: ``python -m bench best_first [--sizes 100000,1M] [--suppliers 400]``.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Callable

import numpy as np
from sklearn.neighbors import BallTree

from bench.recommend import make_suppliers
from bench.scale import SEED, centres, parse_sizes, synthetic
from domain.model import Supplier
from matching.recommender import Recommender
from matching.result import Recommendation

K = 10
WAYS = ("auto", "best_first", "exhaustive")


def _sites(supplier: Supplier) -> np.ndarray:
    return np.radians([[s.location.y, s.location.x] for s in supplier.sites])


def _timed(fn: Callable[[], object]) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.thread_time()
    out = fn()
    return time.perf_counter() - wall, time.thread_time() - cpu, out


def run(n: int, n_suppliers: int) -> None:
    """One size: fit, then every supplier each way and the BallTree, interleaved."""
    started = time.perf_counter()
    items = synthetic(n)
    model = Recommender().fit(items)
    lon_lat = np.array([(a.location.x, a.location.y) for a in items])
    del items
    tree = BallTree(np.radians(lon_lat[:, ::-1]), metric="haversine")
    suppliers = make_suppliers(np.random.default_rng(SEED + 1), centres(), n_suppliers + 30)
    gc.collect()
    gc.freeze()  # the fitted state out of the collector's sight, as a serving worker does

    def answer(way: str, supplier: Supplier) -> Recommendation:
        model.set_params(search=way)
        return model.recommend(supplier, k=K)

    for supplier in suppliers[:30]:  # warm-up: per-tender scene, offer caches
        for way in WAYS:
            answer(way, supplier)
        tree.query(_sites(supplier), k=K)
    peers = ("ball", *WAYS)
    wall: dict[str, list[float]] = {p: [] for p in peers}
    cpu: dict[str, list[float]] = {p: [] for p in peers}
    candidates = 0
    for i, supplier in enumerate(suppliers[30:]):
        order = peers if i % 2 else peers[::-1]
        answers: dict[str, object] = {}
        for peer in order:
            if peer == "ball":
                sites = _sites(supplier)
                w, c, _ = _timed(lambda: tree.query(sites, k=K))  # noqa: B023
            else:
                w, c, answers[peer] = _timed(lambda: answer(peer, supplier))  # noqa: B023
            wall[peer].append(w)
            cpu[peer].append(c)
        if not answers["auto"] == answers["best_first"] == answers["exhaustive"]:
            raise SystemExit(f"answers differ for supplier {supplier.id}: the search is wrong")
        candidates += answers["auto"].candidate_count  # type: ignore[attr-defined]
    gc.unfreeze()
    print(f"n={n:,} activities, {n_suppliers} suppliers, top {K}, "
          f"25 km; {candidates / n_suppliers:,.0f} candidates per supplier on average; "
          f"identical answers yes; {time.perf_counter() - started:.0f} s; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip
    for label, samples in (("wall", wall), ("CPU", cpu)):
        ball50, ball95 = (float(np.percentile(samples["ball"], q)) * 1e3 for q in (50, 95))
        print(f"  {label}: BallTree k=10 p50 {ball50:.2f} ms, p95 {ball95:.2f} ms")
        for way in WAYS:
            p50, p95 = (float(np.percentile(samples[way], q)) * 1e3 for q in (50, 95))
            print(f"    {way:<10} p50 {p50:.2f} ms ({p50 / ball50:.2f}x)  "
                  f"p95 {p95:.2f} ms ({p95 / ball95:.2f}x)")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.best_first", description=__doc__)
    parser.add_argument("--sizes", type=parse_sizes, default=[10_000, 100_000])
    parser.add_argument("--suppliers", type=int, default=400)
    args = parser.parse_args(argv or [])
    for size in args.sizes:
        run(size, args.suppliers)


if __name__ == "__main__":
    main(sys.argv[1:])
