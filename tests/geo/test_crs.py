"""CRS helpers: known points, lon/lat order, round trips."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from geo.crs import bng_to_lonlat, itm_to_lonlat, lonlat_to_bng, lonlat_to_itm, to_bng

GB_LON = st.floats(min_value=-7.5, max_value=1.7)
GB_LAT = st.floats(min_value=50.0, max_value=60.0)


def test_reading_postcode_lands_on_its_grid_reference() -> None:
    # OS Code-Point Open: RG1 1AF is at E 471708, N 173672
    lon, lat = bng_to_lonlat([471708], [173672])
    assert abs(lon[0] - -0.9693) < 1e-3 and abs(lat[0] - 51.4575) < 1e-3


def test_longitude_comes_first() -> None:
    easting, northing = lonlat_to_bng(-0.9693, 51.4575)
    assert 471_000 < easting < 472_500 and 173_000 < northing < 174_500


def test_geometry_projection_measures_metres() -> None:
    lon, lat = bng_to_lonlat([400_000, 401_000], [300_000, 300_000])
    line = to_bng(Point(lon[0], lat[0]))
    assert isinstance(line, Point)
    assert abs(line.x - 400_000) < 0.01


@settings(max_examples=200, deadline=None)
@given(GB_LON, GB_LAT)
def test_bng_round_trip_within_a_millimetre(lon: float, lat: float) -> None:
    e, n = lonlat_to_bng(lon, lat)
    lon2, lat2 = bng_to_lonlat(e, n)
    e2, n2 = lonlat_to_bng(lon2, lat2)
    assert np.allclose([e, n], [e2, n2], atol=1e-3)


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=-8.2, max_value=-5.4), st.floats(min_value=54.0, max_value=55.3))
def test_itm_round_trip_in_northern_ireland(lon: float, lat: float) -> None:
    e, n = lonlat_to_itm(lon, lat)
    lon2, lat2 = itm_to_lonlat(e, n)
    assert abs(lon2[0] - lon) < 1e-8 and abs(lat2[0] - lat) < 1e-8
