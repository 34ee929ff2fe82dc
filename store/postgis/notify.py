"""Events across processes and hosts on PostGIS: ordered appends and LISTEN/NOTIFY.

An append takes a transaction-level advisory lock before it draws its id, so event ids
commit in id order (a reader that remembers the last id never skips one committed late), and
sends ``NOTIFY dicm_events, '<id> <kind>'`` in the same transaction: PostgreSQL delivers it
to every listening connection only once the event is committed. The payload stays small;
the event's body is read from the ``events`` table by id.
"""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any

import psycopg
from sqlalchemy import Connection, text

log = logging.getLogger("dicm.store.events")

CHANNEL = "dicm_events"
#: the advisory lock key that orders event appends (any constant; "dicm" as a number)
APPEND_LOCK = 0x6469636D
_LOCK = text("SELECT pg_advisory_xact_lock(:key)")
_NOTIFY = text("SELECT pg_notify(:channel, :payload)")


def lock_event_order(conn: Connection) -> None:
    """Held until the appending transaction ends: appends commit one after another."""
    conn.execute(_LOCK, {"key": APPEND_LOCK})


def notify_event(conn: Connection, event_id: int, kind: str) -> None:
    """Tell every listener (at commit) that event ``event_id`` exists."""
    conn.execute(_NOTIFY, {"channel": CHANNEL, "payload": f"{event_id} {kind}"})


class NotifyListener:
    """A connection of its own that LISTENs on the events channel; ``wait`` returns at the
    first notification or after the timeout. A lost connection is reopened on the next wait
    (the reader catches up by id, so nothing sent meanwhile is lost)."""

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._conn: psycopg.Connection[Any] | None = None
        self._closed = False

    def wait(self, timeout: float) -> None:
        conn = self._connection(timeout)
        if conn is None:
            return
        try:
            for _ in conn.notifies(timeout=timeout, stop_after=1):
                pass
        except psycopg.Error as exc:
            log.warning("event listener lost its connection (%s); reconnecting", type(exc).__name__)
            self._drop()

    def _connection(self, timeout: float) -> psycopg.Connection[Any] | None:
        if self._conn is not None and not self._conn.closed:
            return self._conn
        if self._closed:
            return None
        try:
            conn = psycopg.connect(self._dsn, autocommit=True)
            conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as exc:
            log.warning("event listener cannot connect (%s)", type(exc).__name__)
            time.sleep(timeout)
            return None
        self._conn = conn
        return conn

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
        self._conn = None

    def close(self) -> None:
        self._closed = True
        self._drop()
