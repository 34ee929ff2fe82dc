"""Codec invariants (no database): entity -> row -> entity is the identity; WKB round trips."""

from __future__ import annotations

from datetime import date

import h3
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from domain.model import Activity, Evidence, Need
from domain.vocabulary import SupportType, ValidationStatus
from store.codec_rows import entity_to_row, point_to_h3, row_to_entity
from store.types import wkb_to_shape

lons = st.floats(min_value=-8.0, max_value=1.7, allow_nan=False)
lats = st.floats(min_value=50.0, max_value=60.5, allow_nan=False)
text = st.text(max_size=20)


@st.composite
def activities(draw: st.DrawFn) -> Activity:
    lon, lat = draw(lons), draw(lats)
    needs = draw(
        st.lists(
            st.builds(
                Need,
                st.sampled_from(list(SupportType)),
                text,
                st.none() | st.floats(0, 1e6),
                st.none() | text,
            ),
            max_size=3,
        )
    )
    evidence = draw(
        st.lists(st.builds(Evidence, text, st.none() | text, st.integers(1, 5)), max_size=2)
    )
    area = draw(st.none() | st.just(box(lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01)))
    return Activity(
        id=draw(st.text(min_size=1, max_size=12)),
        provider_id="p",
        name=draw(text),
        location=Point(lon, lat),
        themes=tuple(draw(st.lists(text, max_size=3))),
        needs=tuple(needs),
        evidence=tuple(evidence),
        service_area=area,
        validation_status=draw(st.sampled_from(list(ValidationStatus))),
        validated_until=draw(st.none() | st.dates(date(2000, 1, 1), date(2100, 1, 1))),
        active=draw(st.booleans()),
        funding_gap_gbp=draw(st.floats(0, 1e7)),
        version=draw(st.integers(1, 1000)),
    )


@settings(max_examples=60, deadline=None)
@given(activities())
def test_activity_row_round_trip_is_the_identity(activity: Activity) -> None:
    row = entity_to_row(activity, h3_resolution=8)
    row["location"] = shapely.to_wkb(row["location"])  # what the column type stores
    if row["service_area"] is not None:
        row["service_area"] = shapely.to_wkb(row["service_area"], hex=True)
    assert row_to_entity(Activity, row) == activity
    assert row["minx"] == activity.location.x and row["maxy"] == activity.location.y


@settings(max_examples=60, deadline=None)
@given(lons, lats, st.integers(0, 15))
def test_the_h3_cell_contains_its_point(lon: float, lat: float, resolution: int) -> None:
    cell = point_to_h3(lon, lat, resolution)
    assert h3.get_resolution(h3.int_to_str(cell)) == resolution
    assert h3.latlng_to_cell(lat, lon, resolution) == h3.int_to_str(cell)


@settings(max_examples=60, deadline=None)
@given(lons, lats)
def test_wkb_round_trip_from_any_driver_form(lon: float, lat: float) -> None:
    point = Point(lon, lat)
    for form in (
        shapely.to_wkb(point),
        shapely.to_wkb(point, hex=True),
        memoryview(shapely.to_wkb(point)),
    ):
        assert wkb_to_shape(form) == point
    ewkb = shapely.to_wkb(shapely.set_srid(point, 4326), hex=True, include_srid=True)
    assert wkb_to_shape(ewkb) == point
