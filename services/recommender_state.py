"""The fitted recommender's state on disk: written after a fit, memory-mapped on a later start.

At a million activities a fit takes minutes and its arrays hundreds of MB; every API worker
fitting and holding its own copy costs minutes per start and a copy per process. After a fit
the arrays (``matching.state``) are written as ``.npy`` files (plus ``meta.json``; nothing
pickled) into ``<root>/<generation>-<key hash>/``, atomically (a temporary directory renamed
into place), and a worker whose store is at the same generation, for the same day and need
indicator, loads them with ``np.load(mmap_mode="r")``: the pages are the OS page cache's,
shared by every worker, and read only where touched. A changed generation is a new name:
the newest earlier state for the same key (``latest_before``) is brought up to date with the
rows changed since (``services.recommender_fit``, ``matching.incremental``) or, failing that, the
store is refitted (the state of one earlier generation is kept for workers still reading it).

``root`` is beside the SQLite file (``<db>.recommender``), or under the data directory for
PostGIS (``<data_dir>/recommender/<hash of the database URL>``): see ``state_root``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.engine import make_url

from matching.state import FORMAT
from store.settings import StoreSettings

#: states kept per root: the newest and the one before (a worker may still be reading it)
KEEP = 2
_META = "meta.json"


def state_root(store: StoreSettings, data_dir: Path) -> Path:
    """Where the fitted states of the store ``store`` names are kept."""
    url = make_url(store.database_url)
    if not store.is_postgis and url.database:
        db = Path(url.database).resolve()
        return db.with_name(db.name + ".recommender")
    safe = url.render_as_string(hide_password=True)
    return data_dir / "recommender" / hashlib.sha256(safe.encode()).hexdigest()[:16]


def state_name(generation: int, key: tuple[object, ...]) -> str:
    """The directory name of the state fitted at ``generation`` for ``key`` (day, needs)."""
    text = json.dumps([FORMAT, [str(part) for part in key]], sort_keys=True)
    return f"{generation}-{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def save(root: Path, name: str, arrays: Mapping[str, np.ndarray], meta: Mapping[str, Any]) -> Path:
    """Write one state atomically: a reader sees the whole directory or none of it."""

    def write(tmp: Path) -> None:
        for field, array in arrays.items():
            np.save(tmp / f"{field}.npy", np.ascontiguousarray(array), allow_pickle=False)

    return _publish(root, name, meta, write)


def save_linked(root: Path, name: str, base: str, meta: Mapping[str, Any]) -> Path:
    """Write ``name`` as the arrays of ``base`` unchanged (hard links: no copy) with ``meta``:
    a change that moves no activity row (a plan, an area's name) costs no rewrite."""

    def link(tmp: Path) -> None:
        for path in (root / base).glob("*.npy"):
            try:
                os.link(path, tmp / path.name)
            except OSError:  # a filesystem without hard links: copy
                shutil.copyfile(path, tmp / path.name)

    return _publish(root, name, meta, link)


def _publish(root: Path, name: str, meta: Mapping[str, Any], fill: Callable[[Path], None]) -> Path:
    """``fill`` a temporary directory beside the states, add ``meta``, and rename it to
    ``name`` in one step (if another process wrote the same state first, theirs is as good)."""
    root.mkdir(parents=True, exist_ok=True)
    final = root / name
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
    try:
        fill(tmp)
        (tmp / _META).write_text(json.dumps(dict(meta)))
        try:
            os.rename(tmp, final)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(root, keep=final)
    return final


def load(root: Path, name: str) -> tuple[dict[str, np.ndarray], dict[str, Any]] | None:
    """The state ``name`` memory-mapped (read-only), None when absent or unreadable."""
    folder = root / name
    try:
        meta: dict[str, Any] = json.loads((folder / _META).read_text())
        # plain ndarray views of the maps: a ``np.memmap`` subclass costs a Python-level
        # ``__array_finalize__`` on every slice and gather of a request
        arrays = {
            path.stem: np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))
            for path in folder.glob("*.npy")
        }
    except (OSError, ValueError):
        return None
    return arrays, meta


def latest_before(
    root: Path, name: str
) -> tuple[str, dict[str, np.ndarray], dict[str, Any]] | None:
    """The newest readable state of an earlier generation than ``name``, for the same key
    (``state_name``'s hash): what an incremental update starts from, None when there is none."""
    generation, _, key = name.partition("-")
    try:
        found = [
            (int(p.name.partition("-")[0]), p.name)
            for p in root.iterdir()
            if p.is_dir() and p.name.endswith(f"-{key}") and p.name.partition("-")[0].isdigit()
        ]
    except OSError:
        return None
    for older, older_name in sorted(found, reverse=True):
        if older >= int(generation):
            continue
        state = load(root, older_name)
        if state is not None:
            return older_name, *state
    return None


def discard(root: Path, name: str) -> None:
    """Remove the state ``name`` (it is not of the store's rows: a refit replaces it)."""
    shutil.rmtree(root / name, ignore_errors=True)


@contextlib.contextmanager
def fitting(root: Path) -> Iterator[None]:
    """One process fits a root's state at a time; the others wait, then load what it wrote."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".fit.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _prune(root: Path, keep: Path) -> None:
    """Remove all but the ``KEEP`` newest states (the mapped pages of a removed file stay
    valid for a process that has it open)."""
    states = sorted(
        (p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime_ns,
        reverse=True,
    )
    for old in [p for p in states if p != keep][KEEP - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
