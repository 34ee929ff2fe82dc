"""The UK land test takes its coast from the store's ``locate`` (one coast rule), every backend.

Thames Valley is a box here (its south edge at 51.3°N, no local authority near it); 0.009° of
latitude is 1 km. Each area below keeps every vertex and its representative point far out at
sea, so only the area's outline can find the coast.
"""

from __future__ import annotations

import pytest
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry

from geo.errors import OutsideUK
from services.land import check_on_land, is_on_land
from store.port import Store
from tests.builders import make_region, make_territory

SOUTH_EDGE = 51.3
ONE_KM = 0.009


@pytest.fixture
def coast(store: Store) -> Store:
    store.put_many([make_region(), make_territory()])
    return store


def _long_triangle(lat: float) -> Polygon:
    """Its top edge runs along ``lat`` from 49 km west to 49 km east of the territory."""
    return Polygon([(-2.3, lat), (0.2, lat), (-1.05, 50.6)])


@pytest.mark.parametrize(
    ("geometry", "on_land"),
    [
        (Point(-1.0, SOUTH_EDGE - ONE_KM), True),
        (Point(-1.0, SOUTH_EDGE - 3 * ONE_KM), False),
        (_long_triangle(SOUTH_EDGE - ONE_KM), True),
        (_long_triangle(SOUTH_EDGE - 3 * ONE_KM), False),
        (Polygon([(-1.9, 50.6), (-1.3, 51.25), (-1.9, 51.45)]), True),  # cuts a corner
    ],
    ids=["pier-1km", "boat-3km", "area-1km", "area-3km", "area-across-a-corner"],
)
def test_the_coast_is_the_stores_coast_rule(
    coast: Store, geometry: BaseGeometry, on_land: bool
) -> None:
    assert is_on_land(coast, geometry) is on_land
    if isinstance(geometry, Point):  # what the land test accepts, locate places
        placed = coast.locate(geometry.x, geometry.y).territory_code
        assert (placed is not None) is on_land
    if not on_land:
        with pytest.raises(OutsideUK, match="in no UK police territory"):
            check_on_land(coast, geometry, "the area")


def test_with_no_geography_stored_everything_passes(store: Store) -> None:
    assert is_on_land(store, Point(-1.0, 50.0))
