"""Both backends give the same answers on the same random dataset (seeded, bounded)."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from shapely.geometry import MultiPoint, Polygon, box

from dicm.settings import Settings
from domain.vocabulary import ValidationStatus
from store.factory import open_store
from store.port import ActivityQuery, Store
from tests.builders import (
    make_activity,
    make_local_authority,
    make_provider,
    make_region,
    make_territory,
)
from tests.pgcluster import empty_dicm_tables

pytestmark = pytest.mark.postgis

THEMES = ("serious_violence", "domestic_abuse", "youth_diversion", "mental_health")


@pytest.fixture
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    template: Path = request.getfixturevalue("sqlite_template")
    shutil.copyfile(template, tmp_path / "p.sqlite")
    url: str = request.getfixturevalue("postgis_url")
    empty_dicm_tables(url)
    lite = open_store(
        Settings(database_url=f"sqlite:///{tmp_path / 'p.sqlite'}").store, migrate=False
    )
    pg = open_store(Settings(database_url=url).store, migrate=False)
    yield lite, pg
    lite.close()
    pg.close()


def dataset(seed: int) -> list[object]:
    rng = random.Random(seed)
    items: list[object] = [
        make_region(),
        make_territory(),
        make_local_authority(),
        make_local_authority(
            code="E06000041", name="Wokingham", geometry=box(-0.93, 51.35, -0.8, 51.49)
        ),
        make_provider(),
    ]
    towns = [(-0.973, 51.454), (-1.258, 51.752), (-0.759, 52.041), (-0.93, 51.45)]
    for i in range(400):
        cx, cy = rng.choice(towns)
        grid = 0.002  # snapped to a grid, so exact ties and shared-boundary points occur
        lon = round((cx + rng.gauss(0, 0.08)) / grid) * grid
        lat = round((cy + rng.gauss(0, 0.05)) / grid) * grid
        items.append(
            make_activity(
                id=f"act-{i:04d}",
                lon_lat=(lon, lat),
                themes=tuple(rng.sample(THEMES, rng.randint(1, 2))),
                validation_status=rng.choice(list(ValidationStatus)),
                active=rng.random() > 0.1,
            )
        )
    return items


def test_same_inputs_same_answers(pair: tuple[Store, Store]) -> None:
    lite, pg = pair
    items = dataset(42)
    for store in pair:
        store.put_many(items)  # type: ignore[arg-type]
    rng = random.Random(7)
    queries = [
        ActivityQuery(),
        ActivityQuery(recommendable_only=True, as_of="2026-11-24"),
        ActivityQuery(themes=("mental_health",)),
        ActivityQuery(territory_code="E23000029", themes=("serious_violence", "domestic_abuse")),
    ]
    for _ in range(40):
        lon, lat = -1.0 + rng.uniform(-0.4, 0.4), 51.6 + rng.uniform(-0.3, 0.5)
        radius_m, k, query = (
            rng.choice([800.0, 5_000.0, 30_000.0]),
            rng.randint(1, 25),
            rng.choice(queries),
        )
        a = lite.nearest_activities(lon, lat, radius_m=radius_m, k=k, query=query)
        b = pg.nearest_activities(lon, lat, radius_m=radius_m, k=k, query=query)
        assert [n.activity for n in a] == [n.activity for n in b]
        assert [n.distance_m for n in a] == pytest.approx([n.distance_m for n in b], abs=1e-3)
    for _ in range(15):
        hull = MultiPoint(
            [(-1.0 + rng.uniform(-0.5, 0.5), 51.6 + rng.uniform(-0.4, 0.5)) for _ in range(6)]
        ).convex_hull
        assert isinstance(hull, Polygon)
        query = rng.choice(queries)
        assert lite.activities_within(hull, query=query) == pg.activities_within(hull, query=query)
    for code in ("E06000038", "E06000041", "E23000029", "E12000008"):
        assert lite.activities_in_area(code) == pg.activities_in_area(code)
    points = [
        (rng.choice([-0.93, -1.05, -0.8]), 51.35 + rng.randint(0, 70) * 0.002) for _ in range(30)
    ]
    points += [(-1.0 + rng.uniform(-1, 1), 51.6 + rng.uniform(-0.6, 0.8)) for _ in range(30)]
    assert lite.locate_many(points) == pg.locate_many(points)
