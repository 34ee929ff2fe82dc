"""A small in-process, thread-safe publish/subscribe broadcaster for SPO changes.

Services publish one :class:`Event` per successful change to the topics of the SPO
(``spo:<id>``) and of its buyer (``buyer:<id>``); the HTTP layer turns a subscription into
Server-Sent Events. Each subscriber has its own bounded queue: a slow reader loses its oldest
events (and sees ``dropped`` grow) rather than blocking publishers. No FastAPI here.
"""

from __future__ import annotations

import itertools
import queue
import threading
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any


def spo_topic(spo_id: str) -> str:
    """The topic of one SPO's changes."""
    return f"spo:{spo_id}"


def buyer_topic(buyer_id: str) -> str:
    """The topic of every SPO change in a buyer's tenders."""
    return f"buyer:{buyer_id}"


@dataclass(frozen=True)
class Event:
    """One change: ``seq`` increases across the broadcaster; ``data`` is JSON-ready."""

    seq: int
    topic: str
    kind: str  # e.g. "spo.submitted", "spo.progress"
    data: dict[str, Any] = field(default_factory=dict)


class Subscription:
    """A subscriber's queue on one topic; iterate with :meth:`get` or :meth:`drain`."""

    def __init__(self, broker: Broadcaster, topic: str, maxsize: int) -> None:
        self.topic = topic
        self.dropped = 0
        self._broker = broker
        self._queue: queue.Queue[Event] = queue.Queue(maxsize=maxsize)

    def _offer(self, event: Event) -> None:
        while True:
            try:
                self._queue.put_nowait(event)
                return
            except queue.Full:
                try:
                    self._queue.get_nowait()
                    self.dropped += 1
                except queue.Empty:
                    pass

    def get(self, timeout: float | None = None) -> Event | None:
        """The next event, or None after ``timeout`` seconds without one."""
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def drain(self) -> list[Event]:
        """Every event waiting now, oldest first."""
        events: list[Event] = []
        while True:
            try:
                events.append(self._queue.get_nowait())
            except queue.Empty:
                return events

    def close(self) -> None:
        """Stop receiving events."""
        self._broker.unsubscribe(self)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class Broadcaster:
    """Topic -> subscribers; ``publish`` never blocks on a subscriber."""

    def __init__(self, *, queue_size: int = 1000) -> None:
        self._lock = threading.Lock()
        self._subs: dict[str, list[Subscription]] = {}
        self._seq = itertools.count(1)
        self._queue_size = queue_size

    def subscribe(self, topic: str) -> Subscription:
        """A new subscription on ``topic`` (close it when done)."""
        sub = Subscription(self, topic, self._queue_size)
        with self._lock:
            self._subs.setdefault(topic, []).append(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        """Remove ``sub``; unknown subscriptions are ignored."""
        with self._lock:
            subs = self._subs.get(sub.topic, [])
            if sub in subs:
                subs.remove(sub)
            if not subs:
                self._subs.pop(sub.topic, None)

    def publish(self, topic: str, kind: str, data: dict[str, Any] | None = None) -> Event:
        """Deliver one event to every current subscriber of ``topic``."""
        with self._lock:
            event = Event(next(self._seq), topic, kind, dict(data or {}))
            for sub in self._subs.get(topic, []):
                sub._offer(event)
        return event

    def subscriber_count(self, topic: str) -> int:
        """How many subscriptions ``topic`` has now."""
        with self._lock:
            return len(self._subs.get(topic, []))
