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

from matching.features import IntArray
from matching.grid import Int64Array, window_rows
from matching.sphere import FloatArray, chord_to_distance_m, lon_lat_to_xyz


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


def nearest_site_distance(
    points_xyz: FloatArray, site_xyz: FloatArray
) -> tuple[FloatArray, IntArray]:
    """Great-circle metres from each point to its nearest site, and that site's index.

    With several sites the nearest is picked by dot product (one matrix product), then its
    distance is measured from the coordinate difference, which stays exact at short range.
    """
    if len(site_xyz) == 1:
        site = np.zeros(len(points_xyz), dtype=np.intp)
        diff = points_xyz - site_xyz[0]
    else:
        site = np.argmax(points_xyz @ site_xyz.T, axis=1)
        diff = points_xyz - np.take(site_xyz, site, axis=0)
    chord = np.sqrt(np.einsum("ij,ij->i", diff, diff))
    return chord_to_distance_m(chord), site
