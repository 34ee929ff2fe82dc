"""H3 cells: a point's cell contains it, ints inside / strings at the edge, WKB round trips."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon

from geo.cells import (
    STORAGE_RESOLUTION,
    cell_resolution,
    cell_to_lonlat,
    cell_to_parent,
    cell_to_polygon,
    cell_to_str,
    cells_for_points,
    lonlat_to_cell,
    str_to_cell,
)

UK_LON = st.floats(min_value=-8.6, max_value=1.9)
UK_LAT = st.floats(min_value=49.9, max_value=60.9)


@settings(max_examples=300, deadline=None)
@given(UK_LON, UK_LAT, st.integers(min_value=5, max_value=10))
def test_a_points_cell_contains_the_point(lon: float, lat: float, res: int) -> None:
    cell = lonlat_to_cell(lon, lat, res)
    # cell edges are great-circle arcs; the planar polygon differs by far less than 1e-6 deg
    assert cell_to_polygon(cell).distance(Point(lon, lat)) < 1e-6
    assert cell_resolution(cell) == res


@settings(max_examples=100, deadline=None)
@given(UK_LON, UK_LAT)
def test_cell_centre_is_lon_lat_ordered(lon: float, lat: float) -> None:
    c_lon, c_lat = cell_to_lonlat(lonlat_to_cell(lon, lat))
    assert abs(c_lon - lon) < 0.02 and abs(c_lat - lat) < 0.02


def test_vectorised_cells_match_scalar_and_mark_missing() -> None:
    lon = np.array([-0.973, -3.19, np.nan])
    lat = np.array([51.454, 55.95, 52.0])
    cells = cells_for_points(lon, lat)
    assert cells.dtype == np.int64
    assert cells[0] == lonlat_to_cell(-0.973, 51.454) and cells[2] == 0


def test_hex_strings_at_the_edge_round_trip() -> None:
    cell = lonlat_to_cell(-0.973, 51.454)
    assert str_to_cell(cell_to_str(cell)) == cell
    assert cell_resolution(cell_to_parent(cell, 6)) == 6
    assert cell_resolution(cell) == STORAGE_RESOLUTION
    with pytest.raises(ValueError, match="not an H3 cell"):
        str_to_cell("not-a-cell")


@settings(max_examples=100, deadline=None)
@given(UK_LON, UK_LAT, st.floats(min_value=0.001, max_value=0.5))
def test_wkb_round_trips(lon: float, lat: float, size: float) -> None:
    for geom in (Point(lon, lat), Polygon([(lon, lat), (lon + size, lat), (lon, lat + size)])):
        back = shapely.from_wkb(shapely.to_wkb(geom))
        assert back.equals_exact(geom, 0.0)
        assert back.coords[0] == geom.coords[0] if geom.geom_type == "Point" else True
