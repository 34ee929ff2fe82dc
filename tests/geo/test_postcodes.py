"""Postcodes: normalising, validation, offline geocoding from Code-Point Open."""

from __future__ import annotations

import math

import pytest

from geo.errors import InvalidPostcode, UnknownPostcode
from geo.postcodes import (
    geocode_postcode,
    geocode_postcodes,
    is_valid_postcode,
    normalise_postcode,
    sector_centroid,
)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [("rg1 1aa", "RG1 1AA"), ("  RG11AA ", "RG1 1AA"), ("sw1a1aa", "SW1A 1AA"),
     ("ec1a 1bb", "EC1A 1BB"), ("M1 1AE", "M1 1AE"), ("gir0aa", "GIR 0AA"), ("b33 8th", "B33 8TH")],
)  # fmt: skip
def test_normalises(typed: str, canonical: str) -> None:
    assert normalise_postcode(typed) == canonical


@pytest.mark.parametrize("bad", ["", "RG1", "BFPO 123", "RG1 1CA", "QA1 1AA", "12345", "RG1 1AAA"])
def test_rejects_malformed(bad: str) -> None:
    assert not is_valid_postcode(bad)
    with pytest.raises(InvalidPostcode):
        normalise_postcode(bad)


def test_geocodes_a_great_britain_postcode() -> None:
    found = geocode_postcode("m1 1ae")
    assert found.postcode == "M1 1AE"
    assert (found.easting_m, found.northing_m) == (384756, 398553)
    assert -2.24 < found.lon < -2.22 and 53.47 < found.lat < 53.49


@pytest.mark.parametrize(
    ("postcode", "where"),
    [("BT1 1AA", "Northern Ireland"), ("IM1 1AA", "Isle of Man"), ("JE2 3AB", "Jersey"),
     ("GY1 1AA", "Guernsey")],
)  # fmt: skip
def test_not_covered_areas_say_so(postcode: str, where: str) -> None:
    with pytest.raises(UnknownPostcode, match=f"{where}.*not covered by Code-Point Open"):
        geocode_postcode(postcode)


def test_unknown_unit_is_unknown_but_its_sector_is_found() -> None:
    with pytest.raises(UnknownPostcode, match="not in OS Code-Point Open"):
        geocode_postcode("RG1 1AA")
    near = sector_centroid("RG1 1AA")
    assert near.note and "sector RG1 1" in near.note
    assert -1.0 < near.lon < -0.94 and 51.44 < near.lat < 51.47


def test_vectorised_geocoding_gives_reasons() -> None:
    lon, _lat, problems = geocode_postcodes(["M1 1AE", "BT1 1AA", "nonsense", "RG1 1AA"])
    assert math.isfinite(lon[0]) and problems[0] is None
    assert all(math.isnan(v) for v in lon[1:])
    assert problems[1] and "Northern Ireland" in problems[1]
    assert problems[2] and "not a valid" in problems[2]
    assert problems[3] and "not in OS Code-Point Open" in problems[3]
