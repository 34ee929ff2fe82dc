"""CRS helpers: WGS 84 lon/lat <-> British National Grid (EPSG:27700) and Irish Transverse
Mercator (EPSG:2157).

Storage and exchange are in EPSG:4326; metric work (areas, buffers, distances to a coast)
happens in a projected grid. BNG does not cover Northern Ireland well, so ITM is offered for
work there. Transformers are built once per (source, target) pair and cached because building
one costs far more than transforming a million points with it. Every transformer uses
``always_xy=True``: x is longitude (or easting), y is latitude (or northing).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt
from pyproj import CRS, Transformer
from shapely import transform
from shapely.geometry.base import BaseGeometry

WGS84 = 4326
BNG = 27700
ITM = 2157

FloatArray = npt.NDArray[np.float64]


@lru_cache(maxsize=32)
def transformer(source: int | str, target: int | str) -> Transformer:
    """A cached, thread-safe-enough (read-only use) transformer in x, y (lon, lat) order."""
    return Transformer.from_crs(
        CRS.from_user_input(source), CRS.from_user_input(target), always_xy=True
    )


def _xy(x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    return np.atleast_1d(np.asarray(x, dtype=np.float64)), np.atleast_1d(
        np.asarray(y, dtype=np.float64)
    )


def lonlat_to_bng(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """WGS 84 lon/lat (degrees) to BNG easting/northing (metres), vectorised."""
    x, y = transformer(WGS84, BNG).transform(*_xy(lon, lat))
    return np.atleast_1d(np.asarray(x, dtype=np.float64)), np.atleast_1d(
        np.asarray(y, dtype=np.float64)
    )


def bng_to_lonlat(easting: npt.ArrayLike, northing: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """BNG easting/northing (metres) to WGS 84 lon/lat (degrees), vectorised."""
    x, y = transformer(BNG, WGS84).transform(*_xy(easting, northing))
    return np.atleast_1d(np.asarray(x, dtype=np.float64)), np.atleast_1d(
        np.asarray(y, dtype=np.float64)
    )


def lonlat_to_itm(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """WGS 84 lon/lat to Irish Transverse Mercator easting/northing (metres), vectorised."""
    x, y = transformer(WGS84, ITM).transform(*_xy(lon, lat))
    return np.atleast_1d(np.asarray(x, dtype=np.float64)), np.atleast_1d(
        np.asarray(y, dtype=np.float64)
    )


def itm_to_lonlat(easting: npt.ArrayLike, northing: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Irish Transverse Mercator easting/northing to WGS 84 lon/lat, vectorised."""
    x, y = transformer(ITM, WGS84).transform(*_xy(easting, northing))
    return np.atleast_1d(np.asarray(x, dtype=np.float64)), np.atleast_1d(
        np.asarray(y, dtype=np.float64)
    )


def project_geometry(geometry: BaseGeometry, source: int | str, target: int | str) -> BaseGeometry:
    """Reproject a shapely geometry (all its coordinates at once) between two CRSs."""
    tr = transformer(source, target)

    def _apply(coords: FloatArray) -> FloatArray:
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return transform(geometry, _apply)


def to_bng(geometry: BaseGeometry) -> BaseGeometry:
    """A lon/lat geometry in British National Grid metres (for areas, buffers, IoU)."""
    return project_geometry(geometry, WGS84, BNG)


def from_bng(geometry: BaseGeometry) -> BaseGeometry:
    """A British National Grid geometry back in WGS 84 lon/lat."""
    return project_geometry(geometry, BNG, WGS84)
