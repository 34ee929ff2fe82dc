"""Great-circle geometry on the sphere the store uses, vectorised over numpy arrays.

Points become 3-D unit vectors so that a ``cKDTree`` answers "within r metres" exactly: on a
sphere the straight-line (chord) distance grows monotonically with the great-circle distance.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

#: metres; the same sphere as ``store.port.EARTH_RADIUS_M`` (IUGG mean radius), so the
#: recommender and both store backends measure distance identically.
EARTH_RADIUS_M = 6_371_008.8

FloatArray = NDArray[np.float64]


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


def chord_to_distance_m(chord: FloatArray) -> FloatArray:
    """Great-circle metres for chord lengths on the unit sphere."""
    half = np.minimum(np.asarray(chord, dtype=np.float64) * 0.5, 1.0)
    return np.asarray(np.arcsin(half) * (2.0 * EARTH_RADIUS_M), dtype=np.float64)


def pair_distance_m(a_xyz: FloatArray, b_xyz: FloatArray) -> FloatArray:
    """Row-wise great-circle metres between two (n, 3) arrays of unit vectors."""
    diff = a_xyz - b_xyz
    chord = np.sqrt(np.einsum("ij,ij->i", diff, diff))
    return chord_to_distance_m(chord)
