"""Candidate generation: which activities are worth scoring for one supplier at all.

An activity is a candidate when it lies within ``radius_m`` great-circle metres of one of the
supplier's sites (a window of cells from ``matching.grid``, then cut on the exact great-circle
distance), or, with a tender, inside its delivery area, lots or
territory (``reach``). Each candidate keeps the distance to the supplier's NEAREST site.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from geo.sphere import EARTH_RADIUS_M, FloatArray, lon_lat_to_xyz
from matching.features import IntArray
from matching.grid import Int64Array, window_rows


@dataclass(frozen=True)
class Candidates:
    """One supplier's candidates: activity rows, distance to and index of the nearest site."""

    activity: IntArray
    distance_m: FloatArray
    site: IntArray  # index into the supplier's ``sites``


def supplier_candidates(
    cell_keys: Int64Array,
    activity_xyz: FloatArray,
    site_lon_lat: FloatArray,
    radius_m: float,
    in_reach: NDArray[np.bool_] | None = None,
    reach: IntArray | None = None,
) -> Candidates:
    """Candidates of one supplier: within ``radius_m`` of a site, or (with a tender) among the
    ``reach`` rows (``in_reach`` is the same set as a mask over all activities)."""
    rows = window_rows(cell_keys, site_lon_lat, radius_m)
    if reach is not None and reach.size:
        rows = np.union1d(rows, reach).astype(np.intp)
    site_xyz = lon_lat_to_xyz(site_lon_lat[:, 0], site_lon_lat[:, 1])
    distance, site = nearest_site_distance(np.take(activity_xyz, rows, axis=0), site_xyz)
    keep = distance <= radius_m
    if in_reach is not None:
        keep |= in_reach[rows]
    return Candidates(rows[keep], distance[keep], site[keep])


# Below this (about 640 m) the distance is recomputed from the coordinate difference: the
# cosine form loses digits at short range (up to ~0.1 m at 0 m), the difference does not.
# Above it the cosine form is accurate to micrometres.
_SHORT_HAVERSINE = 2.5e-9  # sin^2(angle / 2)


def nearest_site_distance(
    points_xyz: FloatArray, site_xyz: FloatArray
) -> tuple[FloatArray, IntArray]:
    """Great-circle metres from each point to its nearest site, and that site's index (the
    first site on a tie): one matrix product of unit vectors, exact repair at short range."""
    cosine = points_xyz @ site_xyz.T
    if len(site_xyz) == 1:
        site = np.zeros(len(points_xyz), dtype=np.intp)
        best = cosine[:, 0]
    else:
        site = np.argmax(cosine, axis=1)
        best = np.take_along_axis(cosine, site[:, None], axis=1)[:, 0]
    hav = np.subtract(1.0, best)  # 1 - cos = 2 sin^2(angle / 2)
    hav *= 0.5
    np.clip(hav, 0.0, 1.0, out=hav)
    short = np.flatnonzero(hav < _SHORT_HAVERSINE)
    if short.size:
        diff = points_xyz[short] - site_xyz[site[short]]
        hav[short] = np.einsum("ij,ij->i", diff, diff) * 0.25  # (chord / 2)^2
    return _haversine_to_m(hav), site


# asin(x) = x (1 + x^2/6 + 3 x^4/40 + 5 x^6/112 + ...); for x^2 <= 2.5e-4 (angles up to
# ~200 km) the first omitted term is below double precision, and it is ~3x cheaper than asin.
_SERIES_LIMIT = 2.5e-4


def _haversine_to_m(hav: FloatArray) -> FloatArray:
    """Great-circle metres from ``sin^2(angle / 2)`` (consumes ``hav``)."""
    if hav.size and float(hav.max()) > _SERIES_LIMIT:
        distance = np.sqrt(hav, out=hav)
        np.arcsin(distance, out=distance)
        distance *= 2.0 * EARTH_RADIUS_M
        return distance
    series = hav * (5.0 / 112.0)
    series += 3.0 / 40.0
    series *= hav
    series += 1.0 / 6.0
    series *= hav
    series += 1.0
    series *= np.sqrt(hav, out=hav)
    series *= 2.0 * EARTH_RADIUS_M
    return series
