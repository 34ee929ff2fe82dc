"""Real Great Britain towns and their coordinates, for the evaluation scenarios and benchmarks.

Coordinates are GeoNames places read by :mod:`geo.places` (the one GeoNames reader; GeoNames,
Creative Commons Attribution 4.0); each town is looked up by name and county/district so the
same name elsewhere is not taken.
"""

from __future__ import annotations

from functools import cache

from geo.places import uk_places


@cache
def gb_places() -> dict[tuple[str, str], tuple[float, float]]:
    """(name, admin2) -> (lon, lat) of every GeoNames place in Great Britain."""
    places: dict[tuple[str, str], tuple[float, float]] = {}
    for p in uk_places():
        places.setdefault((p.name, p.county), (p.lon, p.lat))
    return places


def town_lon_lat(name: str, admin2: str) -> tuple[float, float]:
    """(lon, lat) of a GeoNames place in Great Britain (``KeyError`` if it is not there)."""
    return gb_places()[(name, admin2)]
