"""The event log both SQL adapters share, mixed into ``SqlStore``: append a change notice, read
notices after an id, and a listener that wakes when another process appended one.

Ids grow in commit order (SQLite writes one at a time; PostGIS takes a transaction-level
advisory lock around the insert, see ``store.postgis.notify``), so a reader that remembers the
last id it saw never skips an event that commits late. The SQLite listener polls (one host,
many processes); PostGIS's LISTENs for the NOTIFY sent in the appending transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from store import schema
from store.errors import translated
from store.port import EventListener, LoggedEvent

#: events read per query when catching up
EVENT_PAGE = 1000
#: how often a polling listener looks for events other processes appended (seconds)
POLL_S = 0.2


class PollingListener:
    """Wakes every ``interval`` seconds (or at once when closed): the reader then asks the log
    for anything newer than what it saw (an indexed range on the primary key)."""

    def __init__(self, interval: float = POLL_S) -> None:
        self.interval = interval
        self._closed = threading.Event()

    def wait(self, timeout: float) -> None:
        self._closed.wait(min(timeout, self.interval))

    def close(self) -> None:
        self._closed.set()


class EventLog:
    """Event-log methods of a SQL store; ``SqlStore`` provides the transactions."""

    def _write(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError

    def append_event(self, topic: str, kind: str, data: Mapping[str, Any]) -> LoggedEvent:
        at = datetime.now(UTC)
        with translated("an event"), self._write() as conn:
            self._before_event(conn)
            table = schema.events
            row = {"at": at, "topic": topic, "kind": kind, "data": dict(data)}
            new_id = int(conn.execute(insert(table).values(row).returning(table.c.id)).scalar_one())
            self._after_event(conn, new_id, kind)
        return LoggedEvent(new_id, topic, kind, dict(data), at)

    def _before_event(self, conn: Connection) -> None:
        """In the appending transaction, before the insert (PostGIS orders the commits)."""

    def _after_event(self, conn: Connection, event_id: int, kind: str) -> None:
        """In the appending transaction, after the insert (PostGIS sends its NOTIFY)."""

    def events_after(
        self, after_id: int, *, topic: str | None = None, limit: int = EVENT_PAGE
    ) -> list[LoggedEvent]:
        table = schema.events
        stmt = select(table).where(table.c.id > after_id)
        if topic is not None:
            stmt = stmt.where(table.c.topic == topic)
        stmt = stmt.order_by(table.c.id).limit(limit)
        with self._read() as conn:
            rows = conn.execute(stmt).all()
        return [LoggedEvent(int(r.id), r.topic, r.kind, dict(r.data), r.at) for r in rows]

    def last_event_id(self) -> int:
        with self._read() as conn:
            stmt = select(func.coalesce(func.max(schema.events.c.id), 0))
            return int(conn.execute(stmt).scalar_one())

    def event_listener(self) -> EventListener:
        return PollingListener()
