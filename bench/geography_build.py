"""Benchmark: building the bundled UK geography from scratch versus loading it from cache.

Run: ``python -m bench.geography_build``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from boundaries.bundled import load_bundled_geography


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.geography_build", description=__doc__)
    parser.parse_args(argv or [])
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        started, cpu_started = time.perf_counter(), time.process_time()
        geo = load_bundled_geography(cache)
        build_s = time.perf_counter() - started
        build_cpu_s = time.process_time() - cpu_started
        started = time.perf_counter()
        load_bundled_geography(cache)
        cached_s = time.perf_counter() - started
        size_mb = sum(p.stat().st_size for p in cache.iterdir()) / 1e6
    print(f"{len(geo.territories)} territories, {len(geo.regions)} regions, "
          f"{len(geo.local_authorities)} local authorities")  # fmt: skip
    # wall time depends on what else the machine runs; CPU time of this process does less
    print(f"from scratch: {build_s:6.2f} s wall, {build_cpu_s:6.2f} s CPU")
    print(f"from cache:   {cached_s:6.3f} s ({size_mb:.1f} MB pickle)")
    print(f"ratio: {build_s / cached_s:.0f}x faster from cache")


if __name__ == "__main__":
    main(sys.argv[1:])
