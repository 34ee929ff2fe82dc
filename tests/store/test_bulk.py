"""``put_many`` at batch size on both backends (COPY + one upsert on PostGIS, executemany in
one transaction on SQLite): insert or replace, all or nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest
from shapely.geometry import Point

from domain.errors import UnknownReference
from domain.model import Activity
from geo.errors import InvalidGeometry, SwappedCoordinates
from store.port import Store
from tests.builders import make_activity, make_provider


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
