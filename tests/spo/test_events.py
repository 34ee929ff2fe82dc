"""The SPO change broadcaster: topics, many threads, slow readers."""

from __future__ import annotations

import threading

from services.events import Broadcaster, buyer_topic, spo_topic


def test_subscribers_get_only_their_topic() -> None:
    bus = Broadcaster()
    with bus.subscribe(spo_topic("a")) as a, bus.subscribe(buyer_topic("b")) as b:
        bus.publish(spo_topic("a"), "spo.submitted", {"id": "a"})
        assert [e.kind for e in a.drain()] == ["spo.submitted"]
        assert b.drain() == []
    assert bus.subscriber_count(spo_topic("a")) == 0


def test_concurrent_publishers_lose_nothing_and_sequence_numbers_are_unique() -> None:
    bus = Broadcaster(queue_size=10_000)
    sub = bus.subscribe("t")

    def publish(n: int) -> None:
        for i in range(500):
            bus.publish("t", "x", {"n": n, "i": i})

    threads = [threading.Thread(target=publish, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    events = sub.drain()
    assert len(events) == 2000
    assert len({e.seq for e in events}) == 2000
    assert [e.seq for e in events] == sorted(e.seq for e in events)


def test_a_slow_reader_drops_its_oldest_events_without_blocking() -> None:
    bus = Broadcaster(queue_size=3)
    sub = bus.subscribe("t")
    for i in range(5):
        bus.publish("t", "x", {"i": i})
    assert [e.data["i"] for e in sub.drain()] == [2, 3, 4]
    assert sub.dropped == 2
    assert sub.get(timeout=0.01) is None
