"""Candidate generation: which activities are worth scoring for one supplier at all.

An activity is a candidate when it lies within ``radius_m`` great-circle metres of one of the
supplier's sites (a window of cells from ``matching.grid``, then cut on the exact great-circle
distance), or, with a tender, inside its delivery area, lots or
territory (``reach``). Each candidate keeps the distance to the supplier's NEAREST site.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
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
    activity_xyz: Columns,
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
    distance, site = nearest_site_distance(take_columns(activity_xyz, rows), site_columns(site_xyz))
    keep = distance <= radius_m
    if in_reach is not None:
        keep |= in_reach[rows]
    return Candidates(rows[keep], distance[keep], site[keep])


# Below this (about 640 m) the distance is recomputed from the coordinate difference: the
# cosine form loses digits at short range (up to ~0.1 m at 0 m), the difference does not.
# Above it the cosine form is accurate to micrometres.
_SHORT_HAVERSINE = 2.5e-9  # sin^2(angle / 2)


Columns = tuple[FloatArray, FloatArray, FloatArray]


def take_columns(columns: Columns, rows: IntArray) -> Columns:
    """``rows`` of three contiguous columns (one gather per column is several times cheaper
    than ``take(..., axis=0)`` of whole rows of an ``(n, 3)`` array)."""
    x, y, z = columns
    return np.take(x, rows), np.take(y, rows), np.take(z, rows)


#: one site's unit vector as (x, y, z)
SiteColumns = tuple[float, float, float]


def site_columns(site_xyz: FloatArray) -> list[SiteColumns]:
    """One supplier's ``(sites, 3)`` unit vectors as ``nearest_site_distance`` takes them."""
    return [(x, y, z) for x, y, z in site_xyz.tolist()]


def nearest_site_distance(
    points: Columns, sites: Sequence[SiteColumns]
) -> tuple[FloatArray, IntArray]:
    """Great-circle metres from each point to its nearest of one supplier's ``sites``, and
    that site's index (the first site on a tie); ``points`` are unit vectors as (x, y, z)
    columns."""
    return segment_site_distance(points, [sites], [0, points[0].size])


def segment_site_distance(
    points: Columns, sites: Sequence[Sequence[SiteColumns]], bounds: Sequence[int]
) -> tuple[FloatArray, IntArray]:
    """``nearest_site_distance`` of many suppliers at once: points ``bounds[s]:bounds[s + 1]``
    are supplier ``s``'s, ``sites[s]`` its sites. The cosine of each (point, site) pair is
    the same three products and two sums of plain floats either way, and the distance of a
    pair depends on that pair alone, so a supplier's answer is bit-for-bit the same whether
    computed alone or in a batch (a matrix product may sum in another order, or fuse). Each
    supplier's slice is multiplied by its sites' coordinates as scalars: repeating them out
    to every point first cost more than the products."""
    px = points[0]
    width = max(len(s) for s in sites)
    cosine = np.empty((width, px.size))
    scratch = np.empty_like(px)
    for s, (lo, hi) in enumerate(itertools.pairwise(bounds)):
        if lo == hi:
            continue
        part = (points[0][lo:hi], points[1][lo:hi], points[2][lo:hi])
        for j, vector in enumerate(sites[s]):
            site_cosine(part, vector, scratch[lo:hi], out=cosine[j, lo:hi])
        cosine[len(sites[s]) :, lo:hi] = -2.0  # no such site: below every cosine
    best = cosine[0]
    site = np.zeros(px.size, dtype=np.intp)
    if width > 1:
        closer = np.empty(px.size, dtype=np.bool_)
        for j in range(1, width):  # a running argmax: the first site wins a tie
            np.greater(cosine[j], best, out=closer)
            site[closer] = j
            np.maximum(best, cosine[j], out=best)
    hav = np.subtract(1.0, best)  # 1 - cos = 2 sin^2(angle / 2)
    hav *= 0.5
    np.clip(hav, 0.0, 1.0, out=hav)
    short = np.flatnonzero(hav < _SHORT_HAVERSINE)
    if short.size:
        owner = np.searchsorted(np.asarray(bounds), short, side="right") - 1
        first = np.cumsum([0, *(len(one) for one in sites)])[:-1]
        site_xyz = np.array([xyz for one in sites for xyz in one])[first[owner] + site[short]]
        diff = np.column_stack((points[0][short], points[1][short], points[2][short]))
        diff -= site_xyz
        hav[short] = np.einsum("ij,ij->i", diff, diff) * 0.25  # (chord / 2)^2
    return _haversine_to_m(hav), site


def site_cosine(
    points: tuple[FloatArray, FloatArray, FloatArray],
    site: SiteColumns,
    scratch: FloatArray,
    out: FloatArray | None = None,
) -> FloatArray:
    """Cosine of each point with the site, element by element: ``x*sx + y*sy + z*sz`` summed
    left to right (``scratch`` and ``out`` only spare allocations, the values are the same)."""
    column = np.multiply(points[0], site[0], out=out)
    column += np.multiply(points[1], site[1], out=scratch)
    column += np.multiply(points[2], site[2], out=scratch)
    return np.asarray(column, dtype=np.float64)


# asin(x) = x (1 + x^2/6 + 3 x^4/40 + 5 x^6/112 + ...); for x^2 <= 2.5e-4 (angles up to
# ~200 km) the first omitted term is below double precision, and it is ~3x cheaper than asin.
_SERIES_LIMIT = 2.5e-4


def _haversine_to_m(hav: FloatArray) -> FloatArray:
    """Great-circle metres from ``sin^2(angle / 2)`` (consumes ``hav``): the series where it is
    exact, ``asin`` beyond, chosen per element (so a distance never depends on its neighbours
    in the array)."""
    far = np.flatnonzero(hav > _SERIES_LIMIT) if hav.size else np.empty(0, dtype=np.intp)
    far_m = 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(hav[far])) if far.size else None
    series = hav * (5.0 / 112.0)
    series += 3.0 / 40.0
    series *= hav
    series += 1.0 / 6.0
    series *= hav
    series += 1.0
    series *= np.sqrt(hav, out=hav)
    series *= 2.0 * EARTH_RADIUS_M
    if far_m is not None:
        series[far] = far_m
    return series
