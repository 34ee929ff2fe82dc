"""The compact lookup index answers exactly what the bundled geography answers, and names
places: every postcode's build-time areas, every point's areas, place names and ambiguity."""

from __future__ import annotations

import numpy as np
import pytest

from boundaries.bundled import BundledGeography
from boundaries.lookup_index import LookupIndex, PointAnswer
from geo.errors import AmbiguousPlace, EmptyQuery, InvalidPostcode, OutsideUK, UnknownPlace
from geo.placement import Placement
from services.locate import locate, locate_query


def test_every_sampled_postcode_has_the_bundled_geographys_areas(
    lookup: LookupIndex, bundled: BundledGeography
) -> None:
    keys = np.load(lookup.folder / "postcodes.keys.npy", mmap_mode="r")
    rows = np.random.default_rng(3).integers(0, len(keys), 3_000)
    lonlat = lookup.postcode_lonlat(rows)
    ok = np.isfinite(lonlat[:, 0])
    expected = bundled.index.assign(lonlat[ok, 0], lonlat[ok, 1])
    got = [a for a, keep in zip(lookup.postcode_answers(rows), ok, strict=True) if keep]
    assert [a.local_authority for a in got] == expected.local_authority.tolist()
    assert [a.territory for a in got] == expected.territory.tolist()
    assert [a.placement.value for a in got] == expected.placement.tolist()


@pytest.mark.parametrize(
    ("lon", "lat"),
    [
        (-0.973, 51.454),  # Reading
        (-3.19, 55.95),  # Edinburgh: a council area, not an E&W district
        (-5.93, 54.6),  # Belfast: a territory without local authorities
        (-1.1, 50.77),  # the Solent, near the coast
        (-4.3, 53.35),  # Irish Sea off Anglesey
        (2.3522, 48.8566),  # Paris
        (-0.1276, 51.5072),  # a London shared-edge neighbourhood
    ],
)
def test_a_point_gets_the_full_index_answer(
    lookup: LookupIndex, bundled: BundledGeography, lon: float, lat: float
) -> None:
    a = bundled.index.assign_one(lon, lat)
    got = lookup.locate_point(lon, lat)
    assert got == PointAnswer(
        a.local_authority_code, a.territory_code, a.region_code, a.placement, got.distance_m
    )
    if a.distance_m is None:
        assert got.distance_m in (None, 0.0)
    else:
        assert got.distance_m == pytest.approx(a.distance_m)


@pytest.mark.parametrize("query", ["RG1 1AF", "rg11af", "51.454,-0.973", "EH1 1YZ", "RG1 1AA"])
def test_the_index_answers_like_the_bundled_geography(
    lookup: LookupIndex, bundled: BundledGeography, query: str
) -> None:
    fast, slow = locate(lookup, query).to_dict(), locate(bundled, query).to_dict()
    for body in (fast, slow):  # a sector centroid is a mean in lon/lat vs in BNG metres
        body["lon"], body["lat"] = round(float(body["lon"]), 4), round(float(body["lat"]), 4)  # type: ignore[arg-type]
    assert fast == slow


def test_a_place_name_is_located(lookup: LookupIndex) -> None:
    answer = locate(lookup, "Reading")
    assert answer.chain.local_authority_code == "E06000038"
    assert answer.place == "Reading, Reading, England" and answer.postcode is None
    assert locate(lookup, "  reading ").chain.local_authority_code == "E06000038"


def test_a_shared_name_is_an_ambiguity_listing_each_local_authority(lookup: LookupIndex) -> None:
    with pytest.raises(AmbiguousPlace) as caught:
        locate(lookup, "Newport")
    message = str(caught.value)
    assert "Newport W06000022" in message and "Isle of Wight E06000046" in message
    codes = {c["local_authority"]["code"] for c in caught.value.candidates}  # type: ignore[index]
    assert {"W06000022", "E06000046", "E06000020"} <= codes
    chosen = locate(lookup, "Newport, Isle of Wight")
    assert chosen.chain.local_authority_code == "E06000046"
    assert locate(lookup, "Newport, W06000022").chain.local_authority_code == "W06000022"


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("", EmptyQuery),
        ("   ", EmptyQuery),
        ("Xyzzyville", UnknownPlace),
        ("RG1", InvalidPostcode),
        ("48.8566,2.3522", OutsideUK),
    ],
)
def test_refusals(lookup: LookupIndex, query: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        locate_query(lookup, query)


def test_outside_is_an_answer_for_locate_and_a_refusal_for_the_use_case(
    lookup: LookupIndex,
) -> None:
    assert locate(lookup, "48.8566,2.3522").placement is Placement.OUTSIDE_UK
    with pytest.raises(OutsideUK, match="outside the UK"):
        locate_query(lookup, "48.8566,2.3522")
