"""``put_many`` at batch size on both backends (COPY + one upsert on PostGIS, executemany in
one transaction on SQLite): insert or replace, all or nothing, also when the batch goes in
several chunks (PostGIS encodes and locates the next chunk in a worker thread meanwhile)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from shapely.geometry import Point

from domain.errors import DomainError, UnknownReference
from domain.model import Activity
from geo.errors import InvalidGeometry, SwappedCoordinates
from store import bulk_ahead
from store.port import Store
from tests.builders import (
    make_activity,
    make_local_authority,
    make_provider,
    make_region,
    make_territory,
)


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> int:
    """Chunks of 8 rows: a batch of 50 goes in 7 of them."""
    monkeypatch.setattr(bulk_ahead, "CHUNK_ROWS", 8)
    return 8


def test_put_many_inserts_then_replaces_a_large_batch(store: Store) -> None:
    store.put(make_provider())
    items = [make_activity(id=f"act-{i:05d}") for i in range(2_500)]
    assert store.put_many(items) == 2_500
    renamed = [replace(a, name=f"Renamed {a.id}") for a in items[::2]]
    store.put_many(renamed)
    assert store.count(Activity) == 2_500
    assert store.get(Activity, "act-00002").name == "Renamed act-00002"
    assert store.get(Activity, "act-00001").name == items[1].name
    assert store.get(Activity, "act-00000").location.equals(items[0].location)


def test_a_batch_with_one_bad_row_changes_nothing(store: Store) -> None:
    store.put(make_provider())
    good = [make_activity(id=f"act-{i}") for i in range(50)]
    bad = make_activity(id="act-bad", provider_id="nobody")
    with pytest.raises(UnknownReference):
        store.put_many([*good, bad])
    assert store.count(Activity) == 0


@pytest.mark.parametrize(
    ("location", "error"),
    [(Point(51.45, -0.97), SwappedCoordinates), (Point(), InvalidGeometry)],
    ids=["swapped", "empty"],
)
def test_a_batch_with_one_bad_location_says_which_and_changes_nothing(
    store: Store, location: Point, error: type[Exception]
) -> None:
    """The batch's vectorised point check raises what ``put`` raises for that activity."""
    store.put(make_provider())
    items = [make_activity(id=f"act-{i}") for i in range(20)]
    items[7] = replace(items[7], location=location)
    with pytest.raises(error) as raised:
        store.put_many(items)
    with pytest.raises(error) as one:
        store.put(items[7])
    assert str(raised.value) == str(one.value)
    assert store.count(Activity) == 0


@pytest.mark.usefixtures("small_chunks")
def test_a_bad_row_in_a_late_chunk_changes_nothing(store: Store) -> None:
    store.put(make_provider())
    items = [make_activity(id=f"act-{i:02d}") for i in range(50)]
    items[45] = replace(items[45], provider_id="nobody")
    with pytest.raises(UnknownReference):
        store.put_many(items)
    assert store.count(Activity) == 0


@pytest.mark.usefixtures("small_chunks")
def test_a_key_already_there_in_a_late_chunk_replaces_it_and_keeps_every_chunk(
    store: Store,
) -> None:
    """The COPY (or INSERT) of new keys fails at chunk 6 of 7: the upsert way then writes the
    chunks written before the failure, the failing one and the ones not yet encoded."""
    store.put(make_provider())
    store.put(make_activity(id="act-44", name="Old name"))
    items = [make_activity(id=f"act-{i:02d}", name=f"Name {i}") for i in range(50)]
    assert store.put_many(items) == 50
    assert store.count(Activity) == 50
    stored = store.get_many(Activity, [a.id for a in items])
    assert {a.id: a.name for a in stored.values()} == {a.id: a.name for a in items}


@pytest.mark.usefixtures("small_chunks")
def test_a_unit_of_work_places_a_chunked_batch_in_its_own_new_areas(store: Store) -> None:
    """Areas written earlier in the same unit of work are not committed: the batch's codes
    come from the unit's own connection, not from a chunk's worker thread connection."""
    store.put(make_provider())
    with store.transaction() as tx:
        tx.put_many([make_region(), make_territory(), make_local_authority()])
        tx.put_many([make_activity(id=f"act-{i:02d}") for i in range(20)])
    placed = store.get_many(Activity, [f"act-{i:02d}" for i in range(20)])
    assert {a.local_authority_code for a in placed.values()} == {make_local_authority().code}


@pytest.mark.usefixtures("small_chunks")
def test_a_batch_failing_mid_copy_leaves_the_unit_of_work_usable(store: Store) -> None:
    """An error that is not a key conflict in chunk 4 (PostgreSQL bounds ``id`` to 200
    characters) rolls the batch back to its savepoint: the unit goes on and commits the rest,
    with nothing of the batch."""
    if store.engine.dialect.name != "postgresql":  # type: ignore[attr-defined]
        pytest.skip("SQLite does not bound the length of a string column")
    store.put(make_provider())
    items = [make_activity(id=f"act-{i:02d}") for i in range(50)]
    items[30] = replace(items[30], id="x" * 300)
    with store.transaction() as tx:
        with pytest.raises(DomainError):
            tx.put_many(items)
        tx.put(make_activity(id="act-after"))
    assert [a.id for a in store.get_many(Activity, ["act-after", "act-00"]).values()] == [
        "act-after"
    ]
