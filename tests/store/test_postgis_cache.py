"""PostGIS nearest answers come from a decoded-activity cache: never stale, whoever wrote."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from dicm.settings import Settings
from domain.model import Activity
from store.factory import open_store
from store.postgis.store import PostgisStore
from tests.builders import READING, make_activity, make_provider
from tests.pgcluster import empty_dicm_tables

pytestmark = pytest.mark.postgis


@pytest.fixture
def pg_store(postgis_url: str) -> Iterator[PostgisStore]:
    empty_dicm_tables(postgis_url)
    store = open_store(Settings(database_url=postgis_url).store, migrate=False)
    assert isinstance(store, PostgisStore)
    yield store
    store.close()


def names(store: PostgisStore) -> list[str]:
    return [n.activity.name for n in store.nearest_activities(*READING, radius_m=5e3, k=5)]


def test_a_write_from_outside_dicm_is_seen(pg_store: PostgisStore) -> None:
    pg_store.put(make_provider())
    pg_store.put_many(make_activity(id=f"act-{i}") for i in range(3))
    assert names(pg_store) == ["Boxing club youth diversion"] * 3
    with pg_store.engine.begin() as conn:  # no version bump, no dicm code involved
        conn.execute(text("UPDATE activities SET name = 'by hand' WHERE id = 'act-1'"))
    boxing = "Boxing club youth diversion"
    assert names(pg_store) == [boxing, "by hand", boxing]
    with pg_store.engine.begin() as conn:
        conn.execute(text("DELETE FROM activities WHERE id = 'act-0'"))
    assert names(pg_store) == ["by hand", boxing]


def test_repeated_queries_decode_nothing(pg_store: PostgisStore) -> None:
    pg_store.put(make_provider())
    pg_store.put_many(make_activity(id=f"act-{i}") for i in range(4))
    first = pg_store.nearest_activities(*READING, radius_m=5e3, k=4)
    again = pg_store.nearest_activities(*READING, radius_m=5e3, k=4)
    assert [a.activity for a in again] == [a.activity for a in first]
    assert all(x.activity is y.activity for x, y in zip(first, again, strict=True))


def test_readers_in_threads_see_only_committed_states(pg_store: PostgisStore) -> None:
    pg_store.put(make_provider())
    pg_store.put(make_activity(id="act-0"))
    stop = threading.Event()
    seen: list[tuple[str, int]] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            while not stop.is_set():
                for near in pg_store.nearest_activities(*READING, radius_m=5e3, k=1):
                    seen.append((near.activity.name, near.activity.version))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for t in readers:
        t.start()
    current = pg_store.get(Activity, "act-0")
    for i in range(20):
        current = pg_store.update(dataclasses.replace(current, name=f"v{i + 2}"))
    stop.set()
    for t in readers:
        t.join(timeout=30)
    assert not errors
    assert all(name == f"v{version}" or version == 1 for name, version in seen)
    assert names(pg_store) == ["v21"]
