"""A latitude/longitude cell index for "everything within r metres of these sites" windows.

Activities are stored sorted by cell (rows of 0.02 degree latitude, columns of 0.02 degree
longitude, about 2.2 x 1.4 km in Great Britain), so the cells a circle's bounding box covers are
one contiguous slice per cell row. Cells this small let ``matching.bounds`` count a 25 km
circle mostly cell by cell (only the rows of cells its edge crosses need a distance, about a
tenth) and bound scores tightly enough to skip most rows; 0.1 degree cells were all edge.
A window is a superset of the circle (the exact great-circle cut follows), found with a few
binary searches and no per-point Python objects: this is what keeps a single supplier query
close to the cost of a raw k-nearest query. The box is exact on the sphere: latitude +/- the
angular radius, longitude +/- ``asin(sin(angle) / cos(lat))`` (the widest point of the cap).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from geo.sphere import EARTH_RADIUS_M, FloatArray
from matching.features import IntArray

CELL_DEG = 0.02
N_COLUMNS = 18000  # 360 degrees / CELL_DEG
_SLACK_DEG = 1e-9

Int64Array = NDArray[np.int64]


def cell_keys(lon: FloatArray, lat: FloatArray) -> Int64Array:
    """The cell of each point as ``row * N_COLUMNS + column`` (int64)."""
    row = np.floor((np.asarray(lat) + 90.0) / CELL_DEG).astype(np.int64)
    column = np.clip(np.floor((np.asarray(lon) + 180.0) / CELL_DEG), 0, N_COLUMNS - 1)
    return np.asarray(row * N_COLUMNS + column.astype(np.int64), dtype=np.int64)


def _site_bounds(lon: float, lat: float, radius_m: float) -> tuple[list[int], list[int]]:
    """Lowest and highest cell key of each cell row the site's circle may touch (plain floats:
    math on scalars is much cheaper than numpy here)."""
    angle = radius_m / EARTH_RADIUS_M
    dlat = math.degrees(angle) + _SLACK_DEG
    cos_lat = math.cos(math.radians(lat))
    if math.sin(angle) >= cos_lat or abs(lat) + dlat >= 90.0:
        c0, c1 = 0, N_COLUMNS - 1
    else:
        dlon = math.degrees(math.asin(math.sin(angle) / cos_lat)) + _SLACK_DEG
        c0 = math.floor((lon - dlon + 180.0) / CELL_DEG)
        c1 = math.floor((lon + dlon + 180.0) / CELL_DEG)
        if c0 < 0 or c1 >= N_COLUMNS:  # the box crosses the antimeridian: whole rows
            c0, c1 = 0, N_COLUMNS - 1
    r0 = math.floor((lat - dlat + 90.0) / CELL_DEG)
    r1 = math.floor((lat + dlat + 90.0) / CELL_DEG)
    rows = [r * N_COLUMNS for r in range(r0, r1 + 1)]
    return [r + c0 for r in rows], [r + c1 for r in rows]


def window_rows(sorted_keys: Int64Array, site_lon_lat: FloatArray, radius_m: float) -> IntArray:
    """Sorted, unique rows of every cell that the sites' ``radius_m`` circles may touch."""
    low: list[int] = []
    high: list[int] = []
    for x, y in site_lon_lat.tolist():
        lo, hi = _site_bounds(x, y, radius_m)
        low += lo
        high += hi
    starts = np.searchsorted(sorted_keys, low, side="left")
    ends = np.searchsorted(sorted_keys, high, side="right")
    keep = ends > starts
    starts, ends = starts[keep], ends[keep]
    if starts.size == 0:
        return np.empty(0, dtype=np.intp)
    if len(site_lon_lat) > 1:
        starts, ends = _merge(starts, ends)
    return np.asarray(expand_ranges(starts, ends), dtype=np.intp)


def _merge(starts: Int64Array, ends: Int64Array) -> tuple[Int64Array, Int64Array]:
    """Union of half-open ranges as disjoint sorted ranges."""
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    reach = np.maximum.accumulate(ends)
    new = np.ones(starts.size, dtype=np.bool_)
    new[1:] = starts[1:] > reach[:-1]
    first = np.flatnonzero(new)
    return starts[first], np.maximum.reduceat(ends, first)


def site_windows(
    sorted_keys: Int64Array, lon: FloatArray, lat: FloatArray, radius_m: float
) -> tuple[IntArray, Int64Array, Int64Array]:
    """``_site_bounds`` for many sites at once, as half-open row ranges of ``sorted_keys``:
    (site of each range, starts, ends), empty ranges left out. A superset of every site's
    circle, like ``window_rows`` (the ranges of one site may differ from it by a cell at the
    slack's edge; the exact great-circle cut follows either way)."""
    angle = radius_m / EARTH_RADIUS_M
    dlat = math.degrees(angle) + _SLACK_DEG
    cos_lat = np.cos(np.radians(lat))
    sin_angle = math.sin(angle)
    whole = (sin_angle >= cos_lat) | (np.abs(lat) + dlat >= 90.0)
    ratio = np.minimum(sin_angle / np.where(whole, 1.0, cos_lat), 1.0)
    dlon = np.degrees(np.arcsin(ratio)) + _SLACK_DEG
    c0 = np.floor((lon - dlon + 180.0) / CELL_DEG).astype(np.int64)
    c1 = np.floor((lon + dlon + 180.0) / CELL_DEG).astype(np.int64)
    whole |= (c0 < 0) | (c1 >= N_COLUMNS)
    c0[whole], c1[whole] = 0, N_COLUMNS - 1
    r0 = np.floor((lat - dlat + 90.0) / CELL_DEG).astype(np.int64)
    r1 = np.floor((lat + dlat + 90.0) / CELL_DEG).astype(np.int64)
    count = r1 - r0 + 1
    site = np.repeat(np.arange(lon.size, dtype=np.intp), count)
    first = np.cumsum(count) - count
    row = r0[site] + (np.arange(site.size, dtype=np.int64) - first[site])
    starts = np.searchsorted(sorted_keys, row * N_COLUMNS + c0[site], side="left")
    ends = np.searchsorted(sorted_keys, row * N_COLUMNS + c1[site], side="right")
    keep = ends > starts
    return site[keep], starts[keep].astype(np.int64), ends[keep].astype(np.int64)


def expand_ranges(starts: Int64Array, ends: Int64Array) -> Int64Array:
    """Every integer of the half-open ranges (disjoint, sorted), in order."""
    if starts.size == 0:
        return np.empty(0, dtype=np.int64)
    lengths = ends - starts
    shift = starts - np.concatenate(([0], np.cumsum(lengths)[:-1]))
    return np.asarray(np.arange(int(lengths.sum())) + np.repeat(shift, lengths), dtype=np.int64)


def merge_ranges(starts: Int64Array, ends: Int64Array) -> tuple[Int64Array, Int64Array]:
    """Union of half-open ranges as disjoint sorted ranges."""
    if starts.size == 0:
        return starts, ends
    return _merge(starts, ends)
