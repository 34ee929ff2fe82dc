"""Publish/subscribe for SPO changes, seen by every API worker on every host.

Services publish one :class:`Event` per successful change to the topics of the SPO
(``spo:<id>``) and of its buyer (``buyer:<id>``); the HTTP layer turns a subscription into
Server-Sent Events. Each subscriber has its own bounded queue: a slow reader loses its oldest
events (and sees ``dropped`` grow) rather than blocking publishers. No FastAPI here.

Built on a store (``Broadcaster(log=store)``, what the app does), a publish appends to the
store's event log and every worker's reader fans out what the log holds, in id order: on
PostGIS woken by LISTEN/NOTIFY, on SQLite by polling the same table (one host, many
processes). A publishing thread catches up at once, so its own subscribers see its event
before ``publish`` returns. A subscription may start ``after`` an event id: it is replayed
every later event of its topic from the log, then the live ones (SSE ``Last-Event-ID``).
Without a store the broadcaster is in-process only (tests, scripts).
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from domain.errors import DomainError
from store.port import LoggedEvent, Store

log = logging.getLogger("dicm.events")

#: how long the reader waits for a notification before looking at the log anyway (seconds)
WAKE_S = 0.5


def spo_topic(spo_id: str) -> str:
    """The topic of one SPO's changes."""
    return f"spo:{spo_id}"


def buyer_topic(buyer_id: str) -> str:
    """The topic of every SPO change in a buyer's tenders."""
    return f"buyer:{buyer_id}"


@dataclass(frozen=True)
class Event:
    """One change: ``seq`` increases across the broadcaster (the event log's id when there
    is one, the same on every worker); ``data`` is JSON-ready."""

    seq: int
    topic: str
    kind: str  # e.g. "spo.submitted", "spo.progress"
    data: dict[str, Any] = field(default_factory=dict)


def _from_log(logged: LoggedEvent) -> Event:
    return Event(logged.id, logged.topic, logged.kind, logged.data)


class Subscription:
    """A subscriber's queue on one topic; iterate with :meth:`get` or :meth:`drain`."""

    def __init__(self, broker: Broadcaster, topic: str, maxsize: int, after: int = 0) -> None:
        self.topic = topic
        self.dropped = 0
        self._after = after  # events up to this id were seen elsewhere (a replayed client)
        self._broker = broker
        self._queue: queue.Queue[Event] = queue.Queue(maxsize=maxsize)

    def _offer(self, event: Event) -> None:
        if event.seq <= self._after:
            return
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
    """Topic -> subscribers; ``publish`` never blocks on a subscriber.

    With ``log`` (a store), events go through its event log and :meth:`start` runs the reader
    that delivers other processes' events; ``stop`` ends it.
    """

    def __init__(self, *, queue_size: int = 1000, log: Store | None = None) -> None:
        self._lock = threading.Lock()
        self._subs: dict[str, list[Subscription]] = {}
        self._seq = itertools.count(1)
        self._queue_size = queue_size
        self._log = log
        self._seen = 0  # the newest log id fanned out (log mode)
        self._stop = threading.Event()
        self._reader: threading.Thread | None = None

    # --- subscribers ----------------------------------------------------------------------
    def subscribe(self, topic: str, *, after: int | None = None) -> Subscription:
        """A new subscription on ``topic`` (close it when done). With ``after`` (an event id,
        log mode), every event of the topic logged since is queued first, in order."""
        with self._lock:
            if self._log is not None and not self._subs:
                self._seen = self._log.last_event_id()  # nobody listened: nothing to catch up
            missed = self._replay(topic, after)
            skip = (after or 0) if self._log is not None else 0
            sub = Subscription(self, topic, self._queue_size + len(missed), skip)
            for event in missed:
                sub._offer(event)
            self._subs.setdefault(topic, []).append(sub)
        return sub

    def _replay(self, topic: str, after: int | None) -> list[Event]:
        """Events of ``topic`` with ids in (after, seen]: later ones arrive live."""
        if self._log is None or after is None:
            return []
        missed: list[Event] = []
        while after < self._seen:
            page = self._log.events_after(after, topic=topic)
            missed += [_from_log(e) for e in page if e.id <= self._seen]
            if not page or page[-1].id >= self._seen:
                break
            after = page[-1].id
        return missed

    def unsubscribe(self, sub: Subscription) -> None:
        """Remove ``sub``; unknown subscriptions are ignored."""
        with self._lock:
            subs = self._subs.get(sub.topic, [])
            if sub in subs:
                subs.remove(sub)
            if not subs:
                self._subs.pop(sub.topic, None)

    def subscriber_count(self, topic: str) -> int:
        """How many subscriptions ``topic`` has now."""
        with self._lock:
            return len(self._subs.get(topic, []))

    # --- publishing -----------------------------------------------------------------------
    def publish(self, topic: str, kind: str, data: dict[str, Any] | None = None) -> Event:
        """Deliver one event to every current subscriber of ``topic`` (in log mode: on every
        worker). The change it reports is already committed, so a log that cannot be written
        is logged and the event lost, never turned into the change's failure."""
        payload = dict(data or {})
        if self._log is None:
            with self._lock:
                event = Event(next(self._seq), topic, kind, payload)
                self._fan_out(event)
            return event
        try:
            logged = self._log.append_event(topic, kind, payload)
        except DomainError as exc:
            log.warning("event %s on %s not recorded: %s", kind, topic, exc)
            return Event(0, topic, kind, payload)
        self.catch_up()
        return _from_log(logged)

    def _fan_out(self, event: Event) -> None:
        for sub in self._subs.get(event.topic, []):
            sub._offer(event)

    def catch_up(self) -> int:
        """Fan out every logged event newer than the last one seen, in id order; how many."""
        if self._log is None:
            return 0
        delivered = 0
        with self._lock:
            while self._subs:
                page = self._log.events_after(self._seen)
                for logged in page:
                    self._fan_out(_from_log(logged))
                    self._seen = logged.id
                delivered += len(page)
                if not page:
                    break
        return delivered

    # --- the reader (log mode) --------------------------------------------------------------
    def start(self) -> None:
        """Start the thread that delivers events other workers and hosts logged."""
        if self._log is None or self._reader is not None:
            return
        self._stop.clear()
        self._reader = threading.Thread(target=self._read_log, name="dicm-events", daemon=True)
        self._reader.start()

    def stop(self) -> None:
        """Stop the reader (returns within about ``WAKE_S``)."""
        self._stop.set()
        if self._reader is not None:
            self._reader.join(timeout=5 * WAKE_S)
            self._reader = None

    def _read_log(self) -> None:
        assert self._log is not None
        listener = self._log.event_listener()
        try:
            while not self._stop.is_set():
                listener.wait(WAKE_S)
                if self._stop.is_set():
                    return
                try:
                    self.catch_up()
                except DomainError as exc:
                    log.warning("events not read from the log: %s", exc)
                    self._stop.wait(WAKE_S)
        finally:
            listener.close()
