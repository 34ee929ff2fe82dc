"""Great-circle geometry on dicm's one sphere (radius ``EARTH_RADIUS_M``), scalar and numpy.

Every distance in dicm is measured here or on this sphere: both store backends (PostGIS
geography with ``use_spheroid = false``), the recommender, the maps and the evaluation. Points
become 3-D unit vectors so that a k-d tree answers "within r metres" exactly: on a sphere the
straight-line (chord) distance grows monotonically with the great-circle distance.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

#: metres: the IUGG mean Earth radius, the sphere both stores, the recommender and the maps use
EARTH_RADIUS_M = 6_371_008.8

FloatArray = NDArray[np.float64]


def great_circle_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Haversine metres between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(h, 1.0)))


def haversine_m(lon1: float, lat1: float, lon2: FloatArray, lat2: FloatArray) -> FloatArray:
    """Great-circle metres from one point to many (haversine: exact at short range)."""
    phi1, phi2 = math.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlam = np.radians(lon2) - math.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + math.cos(phi1) * np.cos(phi2) * np.sin(dlam / 2) ** 2
    result: FloatArray = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return result


def lon_lat_to_xyz(lon: FloatArray, lat: FloatArray) -> FloatArray:
    """Degrees (lon, lat) to unit vectors, shape (n, 3)."""
    lon_r = np.radians(np.asarray(lon, dtype=np.float64))
    lat_r = np.radians(np.asarray(lat, dtype=np.float64))
    cos_lat = np.cos(lat_r)
    return np.column_stack((cos_lat * np.cos(lon_r), cos_lat * np.sin(lon_r), np.sin(lat_r)))


def distance_m_to_chord(distance_m: float) -> float:
    """The chord length on the unit sphere for a great-circle distance in metres."""
    angle = min(distance_m / EARTH_RADIUS_M, np.pi)
    return float(2.0 * np.sin(angle / 2.0))
