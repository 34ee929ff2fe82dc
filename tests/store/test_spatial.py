"""Contract: k nearest within a radius, within a polygon, in an area, point -> area chain.

Expected answers are computed by brute force in the store's own measure: haversine on a sphere
of radius EARTH_RADIUS_M, ties by id.
"""

from __future__ import annotations

import dataclasses
import math
import random
from datetime import date
from pathlib import Path

import pytest
from shapely.geometry import MultiPolygon, Point, Polygon, box

from dicm.settings import Settings
from domain.errors import NotFound
from domain.model import LocalAuthority
from domain.vocabulary import ValidationStatus
from store.factory import open_store
from store.port import EARTH_RADIUS_M, ActivityQuery, Store
from store.settings import StoreSettings
from store.sqlite.store import SqliteStore
from tests.builders import (
    READING,
    make_activity,
    make_local_authority,
    make_provider,
    make_region,
    make_territory,
)


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


Points = dict[str, tuple[float, float]]


def scatter(
    n: int, seed: int, centre: tuple[float, float] = READING, spread: float = 0.3
) -> Points:
    rng = random.Random(seed)
    return {
        f"act-{i:03d}": (
            centre[0] + rng.uniform(-spread, spread),
            centre[1] + rng.uniform(-spread, spread) * 0.6,
        )
        for i in range(n)
    }


def load(store: Store, points: dict[str, tuple[float, float]], **overrides: object) -> None:
    store.put(make_provider())
    store.put_many(make_activity(id=id_, lon_lat=xy, **overrides) for id_, xy in points.items())


def brute_nearest(
    points: Points, centre: tuple[float, float], radius_m: float, k: int
) -> list[tuple[str, float]]:
    dists = sorted((haversine_m(centre, xy), id_) for id_, xy in points.items())
    return [(id_, d) for d, id_ in dists if d <= radius_m][:k]


@pytest.mark.parametrize("seed", [1, 2])
def test_k_nearest_within_radius_match_brute_force(store: Store, seed: int) -> None:
    points = scatter(150, seed)
    load(store, points)
    rng = random.Random(seed + 100)
    for _ in range(15):
        centre = (READING[0] + rng.uniform(-0.3, 0.3), READING[1] + rng.uniform(-0.2, 0.2))
        radius_m, k = rng.choice([500.0, 3_000.0, 10_000.0, 50_000.0]), rng.choice([1, 5, 10, 40])
        got = store.nearest_activities(*centre, radius_m=radius_m, k=k)
        expected = brute_nearest(points, centre, radius_m, k)
        assert [n.activity.id for n in got] == [id_ for id_, _ in expected]
        for near, (_, d) in zip(got, expected, strict=True):
            assert near.distance_m == pytest.approx(d, abs=1e-3)


def test_ties_are_broken_by_id(store: Store) -> None:
    # eight activities on one spot, two more at the same distance east and west
    points = {f"same-{c}": READING for c in "hgfedcba"}
    offset = 0.01
    points |= {
        "tie-b": (READING[0] + offset, READING[1]),
        "tie-a": (READING[0] - offset, READING[1]),
    }
    load(store, points)
    got = store.nearest_activities(*READING, radius_m=5_000, k=9)
    assert [n.activity.id for n in got] == [f"same-{c}" for c in "abcdefgh"] + ["tie-a"]
    assert got[0].distance_m == pytest.approx(0.0, abs=1e-6)


def test_radius_and_k_edges(store: Store) -> None:
    load(store, {"near": READING, "far": (READING[0] + 0.5, READING[1])})
    assert store.nearest_activities(*READING, radius_m=1_000, k=0) == []
    assert [n.activity.id for n in store.nearest_activities(*READING, radius_m=1_000, k=5)] == [
        "near"
    ]
    both = store.nearest_activities(*READING, radius_m=100_000, k=5)
    assert [n.activity.id for n in both] == ["near", "far"]


def test_filters_apply_before_k(store: Store) -> None:
    store.put(make_provider())
    for i in range(12):
        status = ValidationStatus.VALIDATED if i % 3 == 0 else ValidationStatus.PENDING
        store.put(
            make_activity(
                id=f"act-{i:02d}",
                lon_lat=(READING[0] + i * 0.001, READING[1]),
                validation_status=status,
                themes=("domestic_abuse",) if i % 2 else ("serious_violence",),
            )
        )
    store.put(make_activity(id="expired", lon_lat=READING, validated_until=date(2020, 1, 1)))
    recommendable = ActivityQuery(recommendable_only=True, as_of="2026-11-24")
    got = store.nearest_activities(*READING, radius_m=10_000, k=3, query=recommendable)
    assert [n.activity.id for n in got] == ["act-00", "act-03", "act-06"]
    themed = ActivityQuery(themes=("domestic_abuse", "hate_crime"))
    got = store.nearest_activities(*READING, radius_m=10_000, k=2, query=themed)
    assert [n.activity.id for n in got] == ["act-01", "act-03"]
    assert [a.id for a in store.activities_within(box(-2, 51, 0, 52), query=themed)] == [
        f"act-{i:02d}" for i in range(1, 12, 2)
    ]


def test_within_polygon_counts_the_boundary(store: Store) -> None:
    square = box(-1.0, 51.4, -0.9, 51.5)
    points = {
        "inside": (-0.95, 51.45),
        "edge": (-1.0, 51.45),
        "corner": (-0.9, 51.5),
        "outside": (-0.89, 51.45),
    }
    load(store, points)
    assert [a.id for a in store.activities_within(square)] == ["corner", "edge", "inside"]
    hole = Polygon(square.exterior.coords, [box(-0.96, 51.44, -0.94, 51.46).exterior.coords])
    assert [a.id for a in store.activities_within(hole)] == ["corner", "edge"]
    multi = MultiPolygon([box(-1.01, 51.44, -0.99, 51.46), box(-0.891, 51.44, -0.889, 51.46)])
    assert [a.id for a in store.activities_within(multi)] == ["edge", "outside"]


def test_within_matches_brute_force_for_a_long_edged_triangle(store: Store) -> None:
    points = scatter(300, 7, spread=1.5)
    load(store, points)
    triangle = Polygon([(-2.6, 51.0), (0.6, 51.05), (-1.0, 52.3)])
    expected = sorted(id_ for id_, xy in points.items() if triangle.covers(Point(xy)))
    assert [a.id for a in store.activities_within(triangle)] == expected


def put_geography(store: Store) -> None:
    store.put(make_region())
    store.put(make_territory())
    store.put(make_local_authority())
    # a neighbour sharing Reading's eastern edge, with a higher code
    store.put(
        make_local_authority(
            code="E06000041", name="Wokingham", geometry=box(-0.93, 51.35, -0.8, 51.49)
        )
    )


def test_point_to_local_authority_to_territory_to_region(store: Store) -> None:
    put_geography(store)
    chain = store.locate(*READING)
    assert (chain.local_authority_code, chain.territory_code, chain.region_code) == (
        "E06000038",
        "E23000029",
        "E12000008",
    )
    assert chain.h3_cell is not None and chain.h3_cell > 0
    shared = store.locate(-0.93, 51.45)  # on the Reading / Wokingham boundary
    assert shared.local_authority_code == "E06000038"  # lowest code wins
    only_territory = store.locate(-1.5, 51.9)  # inside the territory, outside both LAs
    assert (only_territory.local_authority_code, only_territory.territory_code) == (
        None,
        "E23000029",
    )
    assert only_territory.region_code == "E12000008"
    region_only = store.locate(-1.7, 52.15)
    assert (region_only.territory_code, region_only.region_code) == (None, "E12000008")
    nowhere = store.locate(-3.0, 53.0)
    assert (nowhere.local_authority_code, nowhere.territory_code, nowhere.region_code) == (
        None,
        None,
        None,
    )


def test_a_point_just_off_the_stored_boundaries_gets_the_nearest_on_both_backends(
    store: Store,
) -> None:
    # a river or dock the generalised boundaries leave out: one coast rule, both backends
    put_geography(store)
    wokingham_east = -0.8
    near = store.locate(wokingham_east + 0.01, 51.42)  # ~700 m east of Wokingham's edge
    assert (near.local_authority_code, near.territory_code) == ("E06000041", "E23000029")
    assert near.distance_m is not None and 500 < near.distance_m < 900
    assert near.note and "nearest area" in near.note
    assert near.region_code == "E12000008"
    far = store.locate(-3.0, 53.0)  # far beyond the 2 km tolerance: still outside
    assert far.territory_code is None and far.distance_m is None


def test_activities_in_area_by_code(store: Store) -> None:
    put_geography(store)
    store.put(LocalAuthority(code="E07000999", name="Boxless", territory_code="E23000029"))
    points = {"reading": READING, "wokingham": (-0.85, 51.41), "oxford": (-1.2577, 51.752)}
    load(store, points)
    assert [a.id for a in store.activities_in_area("E06000038")] == ["reading"]
    assert [a.id for a in store.activities_in_area("E06000041")] == ["wokingham"]
    assert [a.id for a in store.activities_in_area("E23000029")] == [
        "oxford",
        "reading",
        "wokingham",
    ]
    assert [a.id for a in store.activities_in_area("E12000008")] == [
        "oxford",
        "reading",
        "wokingham",
    ]
    assert store.activities_in_area("E07000999") == []  # no geometry: by code, none have it
    query = ActivityQuery(territory_code="E23000029")
    assert len(store.nearest_activities(*READING, radius_m=50_000, k=10, query=query)) == 3
    with pytest.raises(NotFound):
        store.activities_in_area("E06999999")


def test_put_fills_area_codes_but_keeps_given_ones(store: Store) -> None:
    put_geography(store)
    load(store, {"a": READING})
    stored = store.get(type(make_activity()), "a")
    assert (stored.local_authority_code, stored.territory_code, stored.region_code) == (
        "E06000038",
        "E23000029",
        "E12000008",
    )
    store.put(make_activity(id="b", local_authority_code="E06000041"))
    assert store.get(type(stored), "b").local_authority_code == "E06000041"


def test_a_second_store_on_the_same_database_sees_writes(backend_settings: Settings) -> None:
    """Two processes (here: two store objects) sharing one database never answer from a
    stale in-memory index."""
    reader = open_store(backend_settings.store, migrate=False)
    writer = open_store(backend_settings.store, migrate=False)
    try:
        writer.put(make_provider())
        writer.put(make_activity(id="first"))
        assert [n.activity.id for n in reader.nearest_activities(*READING, radius_m=1e3, k=5)] == [
            "first"
        ]
        assert reader.locate(*READING).local_authority_code is None
        writer.put(make_activity(id="second"))
        put_geography(writer)
        got = reader.nearest_activities(*READING, radius_m=1e3, k=5)
        assert [n.activity.id for n in got] == ["first", "second"]
        assert reader.locate(*READING).local_authority_code == "E06000038"
        writer.delete(type(make_activity()), "first")
        got = reader.nearest_activities(*READING, radius_m=1e3, k=5)
        assert [n.activity.id for n in got] == ["second"]
    finally:
        reader.close()
        writer.close()


def test_nearest_answers_with_the_latest_stored_values(store: Store) -> None:
    load(store, {"a": READING, "b": (READING[0] + 0.01, READING[1])})
    assert [n.activity.name for n in store.nearest_activities(*READING, radius_m=5e3, k=2)] == [
        "Boxing club youth diversion"
    ] * 2
    a = store.get(type(make_activity()), "a")
    store.update(dataclasses.replace(a, name="renamed", location=Point(-0.9, 51.4543)))
    got = store.nearest_activities(*READING, radius_m=20e3, k=2)
    assert [(n.activity.id, n.activity.name, n.activity.version) for n in got] == [
        ("b", "Boxing club youth diversion", 1),
        ("a", "renamed", 2),
    ]
    store.delete(type(a), "b")
    assert [n.activity.id for n in store.nearest_activities(*READING, radius_m=20e3, k=2)] == ["a"]


def test_nearest_sees_put_many_replacing_rows_with_the_same_version(store: Store) -> None:
    """A cached decoded activity is never served once its row was replaced, even when the
    replacement carries the same ``version`` (put_many stores what it is given)."""
    load(store, {"a": READING, "b": (READING[0] + 0.01, READING[1])})
    assert store.nearest_activities(*READING, radius_m=5e3, k=2)[0].activity.name == (
        "Boxing club youth diversion"
    )
    store.put_many(
        [
            make_activity(id="a", lon_lat=(READING[0] + 0.02, READING[1]), name="moved"),
            make_activity(id="b", name="renamed"),
        ]
    )
    got = store.nearest_activities(*READING, radius_m=5e3, k=2)
    assert [(n.activity.id, n.activity.name, n.activity.version) for n in got] == [
        ("b", "renamed", 1),
        ("a", "moved", 1),
    ]
    assert got[1].activity.location.x == pytest.approx(READING[0] + 0.02)


def test_sqlite_first_knn_decodes_only_the_activities_it_returns(tmp_path: Path) -> None:
    """The index is built from columns: a million-row store must not hold a decoded copy of
    every activity after its first nearest query (the cache holds what was returned)."""
    lite = open_store(StoreSettings(database_url=f"sqlite:///{tmp_path / 'k.sqlite'}"))
    assert isinstance(lite, SqliteStore)
    lite.put(make_provider())
    lite.put_many(
        [
            make_activity(id=f"a{i:03d}", lon_lat=(READING[0] + i * 1e-4, READING[1]))
            for i in range(60)
        ]
    )
    got = lite.nearest_activities(*READING, radius_m=5_000, k=3)
    assert [n.activity.id for n in got] == ["a000", "a001", "a002"]
    assert len(lite._activity_cache) == 3
    lite.close()
