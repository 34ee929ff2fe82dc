"""The decoded-activity cache: answers only at the tag it was given, bounded, LRU."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from store.activity_cache import ActivityCache
from tests.builders import make_activity


def test_a_different_tag_is_a_miss() -> None:
    cache = ActivityCache()
    first = make_activity()
    cache.store(first.id, (1, "700"), first)
    assert cache.lookup([("act-1", (1, "700"))]) == ({"act-1": first}, [])
    assert cache.lookup([("act-1", (1, "701"))]) == ({}, ["act-1"])
    assert cache.lookup([("act-2", (1, "700"))]) == ({}, ["act-2"])
    renamed = dataclasses.replace(first, name="renamed")
    cache.store(first.id, (1, "701"), renamed)
    assert cache.lookup([("act-1", (1, "701"))]) == ({"act-1": renamed}, [])
    assert cache.lookup([("act-1", (1, "700"))]) == ({}, ["act-1"])
    cache.discard(["act-1"])
    assert len(cache) == 0


def test_least_recently_used_goes_first() -> None:
    cache = ActivityCache(capacity=2)
    a, b, c = (make_activity(id=x) for x in "abc")
    cache.store("a", 1, a)
    cache.store("b", 1, b)
    cache.lookup([("a", 1)])  # a is now the most recently used
    cache.store("c", 1, c)
    assert cache.lookup([("a", 1), ("b", 1), ("c", 1)]) == ({"a": a, "c": c}, ["b"])


@given(st.lists(st.tuples(st.sampled_from("abcdefgh"), st.integers(0, 3)), max_size=60))
def test_never_larger_than_its_capacity_and_always_the_last_value(
    writes: list[tuple[str, int]],
) -> None:
    cache = ActivityCache(capacity=3)
    activity = make_activity()
    last: dict[str, int] = {}
    for id_, tag in writes:
        cache.store(id_, tag, activity)
        last[id_] = tag
        assert len(cache) <= 3
    for id_, tag in last.items():
        found, _ = cache.lookup([(id_, tag + 1)])
        assert found == {}  # only ever the tag stored last
