"""Benchmark: ``dicm locate`` against ``dicm version``'s own start-up, and batch lookups.

Run: ``python -m bench.locate [--runs 9] [--rows 100000]``. Uses ``DICM_DATA_DIR`` (default
``.dicm``) and builds the lookup index there first if needed (``dicm geography build``), so
every timed lookup is warm. Prints:

* median wall time of ``dicm version`` and of ``dicm locate POSTCODE`` / ``lat,lon`` / a place
  name, each a fresh subprocess, interleaved run by run so both see the same machine load, and
  the ratio to ``version`` (target: at most 1.5x);
* with ``--store``: the same for a SQLite database holding the bundled boundaries;
* ``dicm locate --file`` over ``--rows`` real postcodes (plus 1% "lat,lon" and 1% bad rows),
  end to end as a subprocess and inside the process (``locate_file`` alone), in rows/s
  (target: at least 20,000 postcodes/s).
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _env(data_dir: Path, database: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["DICM_DATA_DIR"] = str(data_dir)
    env["DICM_DATABASE_URL"] = f"sqlite:///{database}"
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one ``dicm`` subprocess: CPU time varies less with machine load."""
    started, cpu = time.perf_counter(), _children_cpu()
    subprocess.run([sys.executable, "-m", "dicm", *args], env=env, check=True,
                   stdout=subprocess.DEVNULL, cwd=ROOT)  # fmt: skip
    return time.perf_counter() - started, _children_cpu() - cpu


def _startup(runs: int, env: dict[str, str], queries: dict[str, list[str]]) -> None:
    times: dict[str, list[tuple[float, float]]] = {"version": [], **{k: [] for k in queries}}
    for _ in range(runs):  # interleaved: version, then each lookup, in every round
        times["version"].append(_run(["version"], env))
        for name, args in queries.items():
            times[name].append(_run(args, env))
    wall = {k: statistics.median(w for w, _ in v) for k, v in times.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in times.items()}
    print(f"{'':<34} {'wall':>8} {'ratio':>6}   {'CPU':>7} {'ratio':>6}   (medians of {runs})")
    for name in times:
        label = "dicm version" if name == "version" else name
        print(f"{label:<34} {wall[name]:7.3f}s {wall[name] / wall['version']:5.2f}x"
              f"   {cpu[name]:6.3f}s {cpu[name] / cpu['version']:5.2f}x")  # fmt: skip


def _write_batch(path: Path, rows: int, data_dir: Path) -> int:
    from boundaries.lookup_index import LookupIndex

    index = LookupIndex.open(data_dir / "cache")
    assert index is not None
    keys = np.load(index.folder / "postcodes.keys.npy", mmap_mode="r")
    rng = np.random.default_rng(11)
    picked = keys[rng.integers(0, len(keys), rows)]
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "postcode"])
        for i, key in enumerate(picked.tolist()):
            text = key.decode()
            if i % 100 == 1:
                text = "51.454,-0.973"
            elif i % 100 == 2:
                text = "not a postcode 1"
            writer.writerow([i, text])
    return rows


def _batch(rows: int, env: dict[str, str], data_dir: Path, tmp: Path) -> None:
    from dicm.settings import Settings
    from services.locate import lookup_index
    from services.locate_batch import locate_file

    source, out = tmp / "in.csv", tmp / "out.csv"
    _write_batch(source, rows, data_dir)
    wall, cpu = _run(
        ["locate", "--file", str(source), "--column", "postcode", "--out", str(out)], env
    )
    index = lookup_index(Settings(data_dir=data_dir).services)
    started, cpu_started = time.perf_counter(), time.process_time()
    summary = locate_file(index, source, "postcode", tmp / "out2.csv")
    inner, inner_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    with out.open() as fh:
        written = sum(1 for _ in fh) - 1
    print(f"batch: {rows:,} rows in, {written:,} rows out, {summary.located:,} located")
    for label, w, c in (("whole subprocess (start-up included)", wall, cpu),
                        ("locate_file in process", inner, inner_cpu)):  # fmt: skip
        print(f"batch, {label:<37} wall {w:6.2f} s = {rows / w:8,.0f} rows/s;"
              f" CPU {c:6.2f} s = {rows / c:8,.0f} rows/s")  # fmt: skip


def _store_db(data_dir: Path, database: Path) -> None:
    from dicm.settings import Settings
    from services.geography import ensure_geography
    from store.factory import open_store

    settings = Settings(data_dir=data_dir, database_url=f"sqlite:///{database}")
    store = open_store(settings.store)
    try:
        ensure_geography(store, settings.services)
    finally:
        store.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.locate")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--store", action="store_true", help="also time a SQLite store")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    data_dir = Path(os.environ.get("DICM_DATA_DIR", ROOT / ".dicm")).resolve()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = _env(data_dir, tmp / "none.sqlite")
        subprocess.run([sys.executable, "-m", "dicm", "geography", "build"], env=env,
                       check=True, cwd=ROOT, stdout=subprocess.DEVNULL)  # fmt: skip
        lookups = {
            "dicm locate 'RG1 1AF'": ["locate", "RG1 1AF"],
            "dicm locate 51.454,-0.973": ["locate", "51.454,-0.973"],
            "dicm locate Reading": ["locate", "Reading"],
        }
        print(f"bundled lookup index ({data_dir / 'cache'}), no database:")
        _startup(args.runs, env, lookups)
        if args.store:
            _store_db(data_dir, tmp / "store.sqlite")
            print("\nSQLite store holding the bundled boundaries:")
            store_env = _env(data_dir, tmp / "store.sqlite")
            _startup(args.runs, store_env, {"dicm locate 'RG1 1AF' (store)": ["locate", "RG1 1AF"]})
        print()
        _batch(args.rows, env, data_dir, tmp)


if __name__ == "__main__":
    main()
