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

A state is checked before it is used, restored or updated (``load``): its meta records its own
name, each array file's size and CRC-32 (taken at save time) and a SHA-256 seal over the rest
of the meta. A file truncated, missing or with a flipped byte, a meta edited, or a state copied
under another generation's name fails the check: it is not used (a warning is logged) and the
caller refits, so no answer comes from a corrupt state. CRC-32 catches corruption at ~2 GB/s
(it is not a defence against someone who can write the directory: they could rewrite the meta).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import zlib
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
#: what ``_publish`` adds to a state's meta for ``load``'s check (``load`` gives the meta without)
_CHECK_KEYS = ("state_name", "files", "seal")
_CHUNK = 1 << 24

log = logging.getLogger("dicm.recommender")


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

    def write(tmp: Path) -> dict[str, list[int]]:
        for field, array in arrays.items():
            np.save(tmp / f"{field}.npy", np.ascontiguousarray(array), allow_pickle=False)
        return {path.name: _file_check(path) for path in tmp.glob("*.npy")}

    return _publish(root, name, meta, write)


def save_linked(root: Path, name: str, base: str, meta: Mapping[str, Any]) -> Path:
    """Write ``name`` as the arrays of ``base`` unchanged (hard links: no copy) with ``meta``:
    a change that moves no activity row (a plan, an area's name) costs no rewrite. The files'
    checks are the base's (``load`` verified them): a base changed since fails the next load."""

    def link(tmp: Path) -> dict[str, list[int]]:
        files: dict[str, list[int]] = json.loads((root / base / _META).read_text())["files"]
        for file in files:
            try:
                os.link(root / base / file, tmp / file)
            except OSError:  # a filesystem without hard links: copy
                shutil.copyfile(root / base / file, tmp / file)
        return files

    return _publish(root, name, meta, link)


def _publish(
    root: Path, name: str, meta: Mapping[str, Any], fill: Callable[[Path], dict[str, list[int]]]
) -> Path:
    """``fill`` a temporary directory beside the states (it gives each file's size and CRC-32),
    add ``meta`` with the checks ``load`` makes, and rename it to ``name`` in one step (if
    another process wrote the same state first, theirs is as good)."""
    root.mkdir(parents=True, exist_ok=True)
    final = root / name
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
    try:
        files = fill(tmp)
        checked = {k: v for k, v in meta.items() if k not in _CHECK_KEYS}
        checked |= {"state_name": name, "files": files}
        (tmp / _META).write_text(json.dumps(checked | {"seal": _seal(checked)}))
        try:
            os.rename(tmp, final)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(root, keep=final)
    return final


def load(
    root: Path, name: str, *, check: bool = True
) -> tuple[dict[str, np.ndarray], dict[str, Any]] | None:
    """The state ``name`` memory-mapped (read-only) with its meta (less the checks), None when
    absent, unreadable or failing its check (``state_fault``; then a warning is logged). ``check``
    False: the caller has just written it itself, under the fit lock."""
    folder = root / name
    try:
        meta: dict[str, Any] = json.loads((folder / _META).read_text())
        fault = state_fault(folder, meta) if check else None
        if fault is not None:
            log.warning("recommender state %s is not used (a refit replaces it): %s", folder, fault)
            return None
        # plain ndarray views of the maps: a ``np.memmap`` subclass costs a Python-level
        # ``__array_finalize__`` on every slice and gather of a request
        arrays = {
            path.stem: np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))
            for path in folder.glob("*.npy")
        }
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return arrays, {k: v for k, v in meta.items() if k not in _CHECK_KEYS}


def state_fault(folder: Path, meta: Mapping[str, Any]) -> str | None:
    """What is wrong with the state in ``folder``, None when ``meta`` is sealed as written,
    names ``folder``, and lists exactly its array files, each of the recorded size and CRC-32.
    The sizes are checked first (a stat each: a truncated file costs no read), then every byte
    (CRC-32 reads ~2 GB/s)."""
    checked = {k: v for k, v in meta.items() if k != "seal"}
    if meta.get("seal") != _seal(checked):
        return "its meta does not match its seal (edited, or written before seals)"
    if meta.get("state_name") != folder.name:
        return f"its meta is of the state {meta.get('state_name')!r}"
    files: Mapping[str, list[int]] = meta["files"]
    present = {path.name for path in folder.glob("*.npy")}
    if present != set(files):
        return f"its array files are {sorted(present)}, not {sorted(files)}"
    for file, (size, _) in files.items():
        if (folder / file).stat().st_size != size:
            return f"{file} is {(folder / file).stat().st_size} bytes, not {size}"
    for file, (_, crc) in files.items():
        if _file_check(folder / file)[1] != crc:
            return f"{file} does not match its CRC-32: its bytes changed"
    return None


def _file_check(path: Path) -> list[int]:
    """A file's size and CRC-32, read in chunks."""
    crc, size = 0, 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            crc, size = zlib.crc32(chunk, crc), size + len(chunk)
    return [size, crc]


def _seal(meta: Mapping[str, Any]) -> str:
    """The SHA-256 of ``meta`` as canonical JSON."""
    return hashlib.sha256(json.dumps(meta, sort_keys=True).encode()).hexdigest()


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
