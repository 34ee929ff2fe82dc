"""Point assignment: exact answers, the shared-boundary rule, the coast tolerance, outside UK."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from boundaries.bundled import BundledGeography
from geo.assign import AreaIndex, PolygonLayer, assign_to_polygons
from geo.placement import Placement

LONS = st.floats(min_value=-2.2, max_value=0.2)
LATS = st.floats(min_value=51.8, max_value=53.2)

# two local authorities sharing the meridian -1.0, both in one territory (a toy "England")
WEST, EAST = box(-2.0, 52.0, -1.0, 53.0), box(-1.0, 52.0, 0.0, 53.0)


def toy_index(tolerance_m: float = 2_000.0) -> AreaIndex:
    return AreaIndex(sea_tolerance_m=tolerance_m).fit(
        local_authorities={"E07000002": EAST, "E07000001": WEST},
        territories={"E23000001": shapely.union_all([WEST, EAST])},
        la_territory={"E07000001": "E23000001", "E07000002": "E23000001"},
        territory_region={"E23000001": "TLF"},
    )


def test_inside_points_get_the_whole_chain() -> None:
    a = toy_index().assign_one(-1.5, 52.5)
    assert (a.local_authority_code, a.territory_code, a.region_code) == (
        "E07000001", "E23000001", "TLF",
    )  # fmt: skip
    assert a.placement is Placement.INSIDE


def test_shared_boundary_goes_to_the_lowest_code_whatever_the_input_order() -> None:
    a = toy_index().assign_one(-1.0, 52.5)
    assert a.local_authority_code == "E07000001"
    flipped = AreaIndex().fit(
        local_authorities={"E07000001": WEST, "E07000002": EAST},
        territories={"E23000001": shapely.union_all([WEST, EAST])},
        la_territory={}, territory_region={},
    )  # fmt: skip
    assert flipped.assign_one(-1.0, 52.5).local_authority_code == "E07000001"


def test_sea_point_within_tolerance_gets_the_nearest_area_with_a_note() -> None:
    a = toy_index().assign_one(0.02, 52.5)  # ~1.4 km east of the coast at 52.5N
    assert a.placement is Placement.NEAR_COAST
    assert a.local_authority_code == "E07000002" and a.territory_code == "E23000001"
    assert a.distance_m is not None and 1_000 < a.distance_m < 2_000
    assert a.note and "nearest area" in a.note


def test_points_beyond_the_tolerance_are_outside_the_uk() -> None:
    a = toy_index().assign_one(0.1, 52.5)
    assert a.placement is Placement.OUTSIDE_UK
    assert a.territory_code is None and a.note and "outside the UK" in a.note


def test_non_finite_points_are_invalid_not_silent() -> None:
    res = toy_index().assign([np.nan, -1.5], [52.5, np.inf])
    assert list(res.placement) == [Placement.INVALID.value, Placement.INVALID.value]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(LONS, LATS),
        min_size=1, max_size=60,
    )
)  # fmt: skip
def test_vectorised_answers_equal_brute_force(points: list[tuple[float, float]]) -> None:
    lon = np.array([p[0] for p in points])
    lat = np.array([p[1] for p in points])
    got = assign_to_polygons(lon, lat, ["E07000002", "E07000001"], [EAST, WEST])
    for (x, y), code in zip(points, got, strict=True):
        hits = sorted(c for c, g in (("E07000001", WEST), ("E07000002", EAST))
                      if g.intersects(shapely.Point(x, y)))  # fmt: skip
        assert code == (hits[0] if hits else None)


def test_layer_rejects_duplicate_codes() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        PolygonLayer(["A", "A"], [WEST, EAST])


def test_bundled_france_is_outside_the_uk(bundled_index: AreaIndex) -> None:
    a = bundled_index.assign_one(2.3522, 48.8566)  # Paris
    assert a.placement is Placement.OUTSIDE_UK and a.territory_code is None


def test_bundled_sea_near_the_coast_gets_the_nearest_territory(bundled_index: AreaIndex) -> None:
    a = bundled_index.assign_one(-1.2, 50.79)  # the Solent, off Gosport
    assert a.placement is Placement.NEAR_COAST and a.territory_code == "E23000030"
    far = bundled_index.assign_one(-1.2, 50.5)  # the Channel, 15 km south of the Isle of Wight
    assert far.placement is Placement.OUTSIDE_UK


@pytest.mark.parametrize(
    ("lon", "lat", "territory", "region"),
    [(-0.973, 51.454, "E23000029", "TLJ"), (-3.19, 55.95, "S92000003", "TLM"),
     (-5.93, 54.60, "N92000002", "TLN"), (-3.18, 51.48, "W15000003", "TLL"),
     (-0.1276, 51.5072, "E23000001", "TLI")],
)  # fmt: skip
def test_bundled_cities(bundled_index: AreaIndex, lon: float, lat: float, territory: str,
                        region: str) -> None:  # fmt: skip
    a = bundled_index.assign_one(lon, lat)
    assert (a.territory_code, a.region_code, a.placement) == (territory, region, Placement.INSIDE)


def test_bundled_geography_has_territory_parents(bundled: BundledGeography) -> None:
    assert {t.region_code for t in bundled.territories} == {r.code for r in bundled.regions}
