"""The event log on both backends: ids in commit order, reads by id and topic, and two
broadcasters on one database (two workers) delivering each other's events, replayed by id."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from dicm.settings import Settings
from services.events import Broadcaster, Event, Subscription
from store.factory import open_store
from store.port import Store


@pytest.fixture
def other_worker(backend_settings: Settings) -> Iterator[Store]:
    """A second store on the same database: its own engine and connections, as another
    worker process would have."""
    opened = open_store(backend_settings.store, migrate=False)
    yield opened
    opened.close()


def _wait_for(sub: Subscription, count: int, timeout: float = 10.0) -> list[Event]:
    got: list[Event] = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        event = sub.get(timeout=0.1)
        if event is not None:
            got.append(event)
    return got


def test_events_are_read_back_by_id_and_topic(store: Store) -> None:
    first = store.append_event("spo:a", "spo.submitted", {"spo_id": "a"})
    second = store.append_event("buyer:b", "spo.submitted", {"spo_id": "a"})
    third = store.append_event("spo:a", "spo.scored", {"spo_id": "a", "n": 1})
    assert first.id < second.id < third.id
    assert store.last_event_id() == third.id
    assert [e.kind for e in store.events_after(0, topic="spo:a")] == ["spo.submitted", "spo.scored"]
    assert [e.id for e in store.events_after(first.id)] == [second.id, third.id]
    assert store.events_after(third.id) == []
    assert store.events_after(0, topic="spo:a")[1].data == {"spo_id": "a", "n": 1}


def test_a_worker_sees_a_change_published_through_another(
    store: Store, other_worker: Store
) -> None:
    here, there = Broadcaster(log=store), Broadcaster(log=other_worker)
    there.start()
    try:
        with there.subscribe("spo:a") as remote, here.subscribe("spo:a") as local:
            sent = here.publish("spo:a", "spo.submitted", {"spo_id": "a"})
            assert [e.seq for e in local.drain()] == [sent.seq]  # its own: before publish returns
            got = _wait_for(remote, 1)
        assert [(e.seq, e.kind, e.data) for e in got] == [(sent.seq, "spo.submitted", sent.data)]
    finally:
        there.stop()


def test_a_reconnecting_subscriber_is_replayed_what_it_missed_then_live(
    store: Store, other_worker: Store
) -> None:
    bus = Broadcaster(log=store)
    seen = bus.publish("spo:a", "spo.submitted", {"i": 0})
    missed = [bus.publish("spo:a", "spo.scored", {"i": i}) for i in (1, 2)]
    bus.publish("spo:other", "spo.scored", {"i": 9})  # another topic: never replayed here
    Broadcaster(log=other_worker).publish("spo:a", "spo.awarded", {"i": 3})  # another worker
    bus.start()
    try:
        with bus.subscribe("spo:a", after=seen.seq) as sub:
            live = bus.publish("spo:a", "spo.progress", {"i": 4})
            got = _wait_for(sub, 4)
    finally:
        bus.stop()
    assert [e.data["i"] for e in got] == [1, 2, 3, 4]
    assert [e.seq for e in got] == sorted(e.seq for e in got)
    assert got[0].seq == missed[0].seq and got[-1].seq == live.seq


def test_two_workers_publishing_at_once_deliver_every_event_once_in_id_order(
    store: Store, other_worker: Store
) -> None:
    buses = [Broadcaster(log=store), Broadcaster(log=other_worker)]
    reader = Broadcaster(log=store)
    reader.start()
    try:
        with reader.subscribe("t") as sub:

            def publish(bus: Broadcaster, n: int) -> None:
                for i in range(40):
                    bus.publish("t", "x", {"n": n, "i": i})

            threads = [
                threading.Thread(target=publish, args=(bus, n)) for n, bus in enumerate(buses * 2)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            got = _wait_for(sub, 160, timeout=30)
    finally:
        reader.stop()
    assert len(got) == 160
    assert [e.seq for e in got] == sorted({e.seq for e in got})
    for n in range(4):  # each publisher's events in the order it published them
        assert [e.data["i"] for e in got if e.data["n"] == n] == list(range(40))


@pytest.mark.postgis
def test_postgis_listener_wakes_on_the_notify_of_an_append(postgis_url: str) -> None:
    section = Settings(database_url=postgis_url).store
    store, other_worker = open_store(section, migrate=False), open_store(section, migrate=False)
    listener = store.event_listener()
    try:
        listener.wait(0.01)  # connects and LISTENs
        timer = threading.Timer(0.2, other_worker.append_event, ("t", "x", {}))
        timer.start()
        started = time.monotonic()
        listener.wait(60.0)  # a listener that missed the NOTIFY would sleep the full minute
        assert time.monotonic() - started < 30.0
        timer.join()
    finally:
        listener.close()
        store.close()
        other_worker.close()
