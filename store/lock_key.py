"""The key that seals awarded SPOs, kept outside the database, and which store uses which.

``DICM_LOCK_KEY`` when set; otherwise ``<data_dir>/lock.key``, 32 random bytes created once
(exclusively, mode 0600) and read by every later process with the same data dir, so the server
and the CLI agree. ``store.factory.open_store`` remembers the settings of each store it opens;
the key is read on first use only (opening a store for a read never creates a file). A store
built any other way gets a random key for this process (logged): seals it makes verify only in
this process — fine for a throwaway test store, never what a deployment should do.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import weakref
from pathlib import Path

from store.settings import StoreSettings

KEY_FILE = "lock.key"
KEY_BYTES = 32
log = logging.getLogger("dicm.store.lock_key")

_SETTINGS: weakref.WeakKeyDictionary[object, StoreSettings] = weakref.WeakKeyDictionary()
_KEYS: weakref.WeakKeyDictionary[object, bytes] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def key_path(settings: StoreSettings) -> Path | None:
    """Where the key file of ``settings`` lives (None: no data dir was given). The root
    settings, passed where a store section is expected, name ``<data_dir>/lock.key``."""
    path: Path | None = getattr(settings, "lock_key_file", None)
    data_dir = getattr(settings, "data_dir", None)
    return path if path is not None or data_dir is None else Path(data_dir) / KEY_FILE


def load_lock_key(settings: StoreSettings) -> bytes:
    """The sealing key of ``settings``: ``DICM_LOCK_KEY``, else the key file (created once);
    neither given: a random key for this process."""
    secret = getattr(settings, "lock_key", None)
    if secret is not None:
        return str(secret.get_secret_value()).encode("utf-8")
    path = key_path(settings)
    if path is None:
        log.warning("no lock key and no key file configured: sealing with a process key")
        return secrets.token_bytes(KEY_BYTES)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first: read theirs
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(KEY_BYTES))
    key = path.read_bytes()
    if len(key) < 16:
        raise RuntimeError(f"{path} is not a dicm lock key (too short)")
    return key


def remember(store: object, settings: StoreSettings) -> None:
    """Note which settings (hence which key) ``store`` was opened with."""
    with _LOCK:
        _SETTINGS[store] = settings
        _KEYS.pop(store, None)


def key_for(store: object) -> bytes:
    """The sealing key of ``store`` (see the module docstring for a store never remembered)."""
    with _LOCK:
        key = _KEYS.get(store)
        if key is not None:
            return key
        settings = _SETTINGS.get(store)
        if settings is None:
            log.warning("store %r was not opened from settings: sealing with a process key", store)
            key = secrets.token_bytes(KEY_BYTES)
        else:
            key = load_lock_key(settings)
        _KEYS[store] = key
        return key
