"""Decoded activities kept between queries, each tagged with the row version it came from.

Shared by both adapters: the PostGIS nearest query fetches only (id, tag, distance) and takes
the Activity objects from here, and the SQLite KNN index decodes lazily into one: decoding JSON
and WKB into domain objects costs more than the KNN query itself. An entry is used only when
its tag equals the tag the query just read from the row, so the cache never answers with a
value the database no longer holds; the query itself only returns rows that exist, so a deleted
activity is never served either.

Bounded LRU: ``capacity`` entries (default 200,000: about 0.6 KB each for a typical activity
without a service area, so ~120 MB when full), least recently used evicted first. A working
set larger than the capacity only costs decoding again, never a wrong answer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence

from domain.model import Activity

DEFAULT_CAPACITY = 200_000


class ActivityCache:
    """Thread-safe LRU: id -> (tag, Activity)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 0:
            raise ValueError("capacity must be >= 0")
        self.capacity = capacity
        self._entries: OrderedDict[str, tuple[Hashable, Activity]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, keys: Sequence[tuple[str, Hashable]]) -> tuple[dict[str, Activity], list[str]]:
        """The cached activities whose tag matches, and the ids that are missing or stale."""
        found: dict[str, Activity] = {}
        missing: list[str] = []
        with self._lock:
            entries = self._entries
            for id_, tag in keys:
                entry = entries.get(id_)
                if entry is not None and entry[0] == tag:
                    found[id_] = entry[1]
                    entries.move_to_end(id_)
                else:
                    missing.append(id_)
        return found, missing

    def store(self, id_: str, tag: Hashable, activity: Activity) -> None:
        """Remember ``activity`` as the value of row ``id_`` at version ``tag``."""
        if self.capacity == 0:
            return
        with self._lock:
            self._entries[id_] = (tag, activity)
            self._entries.move_to_end(id_)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def discard(self, ids: Iterable[str]) -> None:
        """Forget ``ids`` (after this process wrote them: frees memory early)."""
        with self._lock:
            for id_ in ids:
                self._entries.pop(id_, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
