"""Benchmark: vectorised batch recommendations (``Recommender.recommend_all``,
``matching.batch``: candidates, distances and scores as array operations over chunks of
suppliers) against the per-supplier loop (``recommend`` once per supplier), the peer, measured
in the same run on the same fitted model and suppliers.

Synthetic activities and suppliers around real Great Britain places (``bench.recommend``'s
generators, seeded); top 10 explained, 25 km, no tender. Prints suppliers/s for both (wall
clock, best of ``--rounds`` interleaved rounds, as the machine is shared; and per CPU second
of the process, with the load average), the ratio, and checks both gave identical answers.
Target (issue 19): >= 2,000 suppliers/s at 100k activities.
Run: ``python -m bench recommend_batch [--sizes 10000 100000]``.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time

import numpy as np

from bench.recommend import make_activities, make_suppliers, plans, towns
from matching.context import MatchingContext
from matching.recommender import Recommender

TARGET = 2_000.0


def run(n_activities: int, n_suppliers: int, rounds: int) -> None:
    """One size: fit, then the loop and the batch over the same suppliers."""
    rng = np.random.default_rng(20261124)
    centres = towns(rng)
    activities = make_activities(rng, centres, n_activities)
    suppliers = make_suppliers(rng, centres, n_suppliers)
    model = Recommender(radius_m=25_000).fit(activities, MatchingContext(plans=plans()))
    gc.collect()
    gc.freeze()
    model.recommend_batch(suppliers[:50])  # warm the per-offer caches for both peers
    loop_s = batch_s = loop_cpu = batch_cpu = float("inf")
    for _ in range(rounds):  # interleaved: both peers see the same machine load
        t, c = time.perf_counter(), time.process_time()
        loop = [model.recommend(s) for s in suppliers]
        loop_s = min(loop_s, time.perf_counter() - t)
        loop_cpu = min(loop_cpu, time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()
        batch = list(model.recommend_all(suppliers))
        batch_s = min(batch_s, time.perf_counter() - t)
        batch_cpu = min(batch_cpu, time.process_time() - c)
    same = loop == batch
    loop_rate, batch_rate = n_suppliers / loop_s, n_suppliers / batch_s
    print(
        f"activities {n_activities:>7,}  suppliers {n_suppliers:,}: "
        f"batch {batch_rate:,.0f} suppliers/s ({batch_s:.2f} s)  "
        f"per-supplier loop {loop_rate:,.0f} suppliers/s ({loop_s:.2f} s)  "
        f"ratio batch/loop {batch_rate / loop_rate:.2f}x  "
        f"target {TARGET:,.0f}/s {'met' if batch_rate >= TARGET else 'NOT met'}  "
        f"identical answers {'yes' if same else 'NO'}"
    )
    print(
        f"  per CPU second of this process (the machine is shared; wall clock above): "
        f"batch {n_suppliers / batch_cpu:,.0f} suppliers/s  loop {n_suppliers / loop_cpu:,.0f} "
        f"suppliers/s  ratio {loop_cpu / batch_cpu:.2f}x  "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    gc.unfreeze()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.recommend_batch", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--suppliers", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv or [])
    for size in args.sizes:
        run(size, args.suppliers, args.rounds)


if __name__ == "__main__":
    main(sys.argv[1:])
