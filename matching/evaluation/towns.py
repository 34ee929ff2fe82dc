"""Real Great Britain towns and their coordinates, for the evaluation scenarios and benchmarks.

Coordinates are GeoNames places read by :mod:`geo.places` (the one GeoNames reader; GeoNames,
Creative Commons Attribution 4.0); each town is looked up by name and county/district so the
same name elsewhere is not taken.
"""

from __future__ import annotations

from functools import cache

from geo.places import uk_places

# (name, GeoNames admin2) — large towns and cities spread over Great Britain.
GB_TOWNS: tuple[tuple[str, str], ...] = (
    ("Reading", "Reading"),
    ("Oxford", "Oxfordshire"),
    ("Slough", "Slough"),
    ("Milton Keynes", "Milton Keynes"),
    ("Wokingham", "Wokingham"),
    ("Maidenhead", "Royal Borough of Windsor and Maidenhead"),
    ("Newbury", "West Berkshire"),
    ("Witney", "Oxfordshire"),
    ("Manchester", "Manchester"),
    ("Salford", "City and Borough of Salford"),
    ("Wigan", "Borough of Wigan"),
    ("Leigh", "Borough of Wigan"),
    ("Liverpool", "Liverpool"),
    ("Sheffield", "Sheffield"),
    ("Wakefield", "City and Borough of Wakefield"),
    ("Nottingham", "Nottingham"),
    ("Norwich", "Norfolk"),
    ("Plymouth", "Plymouth"),
    ("Southampton", "Southampton"),
    ("Swindon", "Borough of Swindon"),
    ("Luton", "Luton"),
    ("Shipley", "Bradford"),
)


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


def gb_towns() -> dict[str, tuple[float, float]]:
    """Name -> (lon, lat) for ``GB_TOWNS``."""
    return {name: town_lon_lat(name, admin2) for name, admin2 in GB_TOWNS}
