"""Benchmark: the recommender brought up to date after a change, incremental against a full refit.

On a SQLite store of ``--size`` synthetic validated activities (``bench.scale``'s generator, or
a copy of ``--from FILE``, a store file loaded before; the copy is migrated, the original is
never touched) it measures, each figure beside its peer in the same run and on the same data:

- "one activity validated -> a match reflects it": an officer's update, then a worker's next
  match for a supplier next to that activity, timed until the answer holds it. Ours: the saved
  state updated from ``Store.activity_changes``; peer: a full refit (column read, fit, save)
  of the same store into an empty state folder, as every change cost before;
- another worker picking the updated state up (digest check and memory map), peer: the same
  full refit;
- the cost for 1, 100 and 10,000 changed rows (``--changes``; renamed in one ``put_many``):
  the incremental update (digest, change read, ``matching.incremental.update_state``, save),
  with its parts, peer: a full refit. The service itself fits afresh past 5% of the rows
  (``MAX_SHARE``); here the share is lifted so every size is measured the incremental way.

Run: ``python -m bench refit --size 100000`` (``--from /path/s1000000.sqlite`` for 1M).
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from bench.scale import PROVIDER, parse_sizes, synthetic
from dicm.settings import Settings
from domain.model import Activity, Provider, Site, Supplier
from domain.vocabulary import ValidationStatus
from matching import incremental
from services import recommender_state
from services.recommendations import recommend
from services.recommender_cache import RecommenderCache, fitted_recommender
from store.factory import open_store
from store.port import Store

T = TypeVar("T")


def _timed(fn: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def _full_refit(store: Store, scratch: Path) -> float:
    """A full refit as before this work: a worker with no earlier state to start from."""
    root = Path(tempfile.mkdtemp(dir=scratch, prefix="full-"))
    seconds, _ = _timed(lambda: fitted_recommender(store, cache=RecommenderCache(state_dir=root)))
    shutil.rmtree(root, ignore_errors=True)
    return seconds


def _row(figure: str, ours: float, peer: float, note: str = "") -> str:
    ratio = peer / ours if ours > 0 else float("nan")
    return f"| {figure} | {ours:.2f} s | {peer:.2f} s | {ratio:.1f}x faster | {note} |"


def _store(size: int, source: Path | None, scratch: Path) -> tuple[Store, Path]:
    path = scratch / "refit.sqlite"
    if source is not None:
        shutil.copyfile(source, path)
        store = open_store(Settings(database_url=f"sqlite:///{path}").store)
    else:
        store = open_store(Settings(database_url=f"sqlite:///{path}").store)
        store.put_many([Provider(id=PROVIDER, name="Bench Trust")])
        store.put_many(synthetic(size))
    return store, path


def _supplier_at(activity: Activity) -> Supplier:
    site = Site("bench-site", "next door", activity.location)
    return Supplier(id="bench-supplier", name="Bench Supplier", sites=(site,), offers=())


def _validated_reflects(store: Store, root: Path, scratch: Path) -> list[str]:
    """Time from an officer validating an activity to a worker's match holding it."""
    ids = sorted(store.activity_columns().ids)
    target = store.get(Activity, ids[len(ids) // 2])
    store.update(dataclasses.replace(target, validation_status=ValidationStatus.PENDING))
    first, _ = _timed(lambda: fitted_recommender(store, cache=RecommenderCache(state_dir=root)))
    pending = store.get(Activity, target.id)
    supplier = _supplier_at(pending)

    def validate_and_match() -> None:
        store.update(dataclasses.replace(pending, validation_status=ValidationStatus.VALIDATED))
        answer = recommend(store, supplier, k=10, cache=RecommenderCache(state_dir=root))
        assert target.id in {m.activity_id for m in answer.matches}, "not reflected"

    ours, _ = _timed(validate_and_match)
    peer = _full_refit(store, scratch)
    picked, _ = _timed(lambda: fitted_recommender(store, cache=RecommenderCache(state_dir=root)))
    print(f"first full fit (state saved): {first:.2f} s", flush=True)
    return [
        _row("one activity validated -> a match reflects it", ours, peer),
        _row("another worker picks the updated state up", picked, peer, "digest + mmap"),
    ]


def _changed_rows(store: Store, root: Path, scratch: Path, counts: Sequence[int]) -> list[str]:
    """The cost of bringing the state up to date after ``count`` rows changed."""
    lines: list[str] = []
    ids = sorted(store.activity_columns().ids)
    incremental.MAX_SHARE = 1.0  # measure the incremental way at every size (see module doc)
    for count in counts:
        picked = ids[:: max(len(ids) // count, 1)][:count]
        found = store.get_many(Activity, picked)
        store.put_many(
            [dataclasses.replace(a, name=f"{a.name} (renamed {count})") for a in found.values()]
        )
        since = _since(root)
        digest, _ = _timed(store.activity_digest)
        read, changes = _timed(functools.partial(store.activity_changes, since))
        ours, _ = _timed(lambda: fitted_recommender(store, cache=RecommenderCache(state_dir=root)))
        peer = _full_refit(store, scratch)
        note = f"digest {digest:.2f} s, change read {read:.2f} s ({len(changes):,} rows)"
        lines.append(_row(f"{count:,} rows changed: state up to date", ours, peer, note))
    return lines


def _since(root: Path) -> int:
    """The "activities" counter the newest saved state was brought up to date at."""
    newest = max((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime_ns)
    loaded = recommender_state.load(root, newest.name)
    assert loaded is not None
    return int(loaded[1]["activities_generation"])


def run(size: int, source: Path | None, counts: Sequence[int]) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-refit-") as folder:
        scratch = Path(folder)
        load, (store, path) = _timed(lambda: _store(size, source, scratch))
        n = len(store.activity_columns(validation_status=ValidationStatus.VALIDATED.value))
        root = path.with_name(path.name + ".recommender")
        print(f"{n:,} validated activities (store ready in {load:.1f} s); state in {root}")
        lines = _validated_reflects(store, root, scratch)
        print("| figure | incremental | peer: full refit | ratio | note |")
        print("|---|---|---|---|---|")
        for line in lines:
            print(line, flush=True)
        for line in _changed_rows(store, root, scratch, counts):
            print(line, flush=True)
        store.close()


def _counts(text: str) -> list[int]:
    """ "1,100,10k" -> [1, 100, 10000]."""
    scale = {"k": 1_000, "m": 1_000_000}
    out = []
    for part in text.lower().split(","):
        part = part.strip().replace("_", "")
        out.append(int(float(part[:-1]) * scale[part[-1]]) if part[-1] in scale else int(part))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench refit", description=__doc__)
    parser.add_argument("--size", type=lambda s: parse_sizes(s)[0], default=100_000)
    parser.add_argument("--from", dest="source", type=Path, default=None)
    parser.add_argument("--changes", type=_counts, default=[1, 100, 10_000])
    args = parser.parse_args(argv)
    run(args.size, args.source, args.changes)


if __name__ == "__main__":
    main()
