"""Great-circle geometry on the sphere of radius ``EARTH_RADIUS_M`` (numpy, vectorised).

The SQLite adapter's KNN index works on 3-D unit vectors: the chord between two unit vectors
grows monotonically with the great-circle distance, so a Euclidean k-d tree answers spherical
nearest-neighbour queries; exact distances are then computed with the haversine formula.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from store.port import EARTH_RADIUS_M

FloatArray = NDArray[np.float64]


def lonlat_to_unit(lon: FloatArray, lat: FloatArray) -> FloatArray:
    """(n, 3) unit vectors of points given in degrees."""
    lam, phi = np.radians(lon), np.radians(lat)
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)))


def haversine_m(lon1: float, lat1: float, lon2: FloatArray, lat2: FloatArray) -> FloatArray:
    """Great-circle metres from one point to many (haversine: exact at short range)."""
    phi1, phi2 = math.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlam = np.radians(lon2) - math.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + math.cos(phi1) * np.cos(phi2) * np.sin(dlam / 2) ** 2
    result: FloatArray = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return result


def radius_to_chord(radius_m: float) -> float:
    """The unit-sphere chord length of a great-circle distance (capped at the diameter)."""
    angle = min(radius_m / EARTH_RADIUS_M, math.pi)
    return 2.0 * math.sin(angle / 2.0)
