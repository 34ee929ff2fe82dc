"""H3 indexing: the ONE module in dicm that says ``lat, lng`` (h3's order); callers pass lon, lat.

Resolution policy (cell areas are h3's published averages):

* ``STORAGE_RESOLUTION`` = 8 (~0.74 km², edge ~0.53 km): stored with every point (activities,
  sites, postcodes) and used for local aggregation; fine enough for a neighbourhood, coarse
  enough to anonymise a street address.
* ``LOCAL_HEATMAP_RESOLUTION`` = 7 (~5.2 km²): heatmaps of one territory or local authority.
* ``NATIONAL_HEATMAP_RESOLUTION`` = 6 (~36 km²): heatmaps of the whole UK (about 7,000 cells).

Cells are ``int`` (int64 in numpy) inside dicm and hexadecimal strings only at the edges
(API, CSV, JSON): use :func:`cell_to_str` / :func:`str_to_cell` there. A cell lookup is an
approximate point-in-polygon (PERF-NOTES: 0.6-4 % wrong at res 7-9), so dicm never uses cells
to decide which area a point is in: :mod:`geo.assign` does that exactly.
"""

from __future__ import annotations

import h3.api.basic_int as h3i
import numpy as np
import numpy.typing as npt
from shapely.geometry import Polygon

STORAGE_RESOLUTION = 8
LOCAL_HEATMAP_RESOLUTION = 7
NATIONAL_HEATMAP_RESOLUTION = 6

CellArray = npt.NDArray[np.int64]


def lonlat_to_cell(lon: float, lat: float, resolution: int = STORAGE_RESOLUTION) -> int:
    """The H3 cell (int) containing the point (lon, lat)."""
    return int(h3i.latlng_to_cell(float(lat), float(lon), resolution))


def cells_for_points(
    lon: npt.ArrayLike, lat: npt.ArrayLike, resolution: int = STORAGE_RESOLUTION
) -> CellArray:
    """H3 cells (int64 array) for many points; NaN coordinates give cell 0 (no cell).

    h3-py has no array entry point, so this loops in Python at ~1 µs a point (1 s per
    million), which is fine for import-time indexing.
    """
    xs = np.asarray(lon, dtype=np.float64).ravel()
    ys = np.asarray(lat, dtype=np.float64).ravel()
    if xs.shape != ys.shape:
        raise ValueError("lon and lat must have the same length")
    out = np.zeros(xs.shape, dtype=np.int64)
    finite = np.isfinite(xs) & np.isfinite(ys)
    to_cell = h3i.latlng_to_cell
    out[finite] = np.fromiter(
        (
            to_cell(y, x, resolution)
            for x, y in zip(xs[finite].tolist(), ys[finite].tolist(), strict=True)
        ),
        dtype=np.uint64,
        count=int(finite.sum()),
    ).astype(np.int64)
    return out


def cell_to_lonlat(cell: int) -> tuple[float, float]:
    """The centre of a cell as (lon, lat)."""
    lat, lng = h3i.cell_to_latlng(cell)
    return float(lng), float(lat)


def cell_to_boundary_lonlat(cell: int) -> list[tuple[float, float]]:
    """The cell's boundary vertices as (lon, lat) pairs, counter-clockwise, not closed."""
    return [(float(lng), float(lat)) for lat, lng in h3i.cell_to_boundary(cell)]


def cell_to_polygon(cell: int) -> Polygon:
    """The cell as a shapely polygon in lon/lat."""
    return Polygon(cell_to_boundary_lonlat(cell))


def cell_resolution(cell: int) -> int:
    """The resolution of a cell."""
    return int(h3i.get_resolution(cell))


def cell_to_parent(cell: int, resolution: int) -> int:
    """The coarser cell containing ``cell`` (e.g. storage res 8 -> heatmap res 6)."""
    return int(h3i.cell_to_parent(cell, resolution))


def cell_to_str(cell: int) -> str:
    """Hex string form of a cell, for the API and files."""
    return str(h3i.int_to_str(cell))


def str_to_cell(text: str) -> int:
    """Parse a hex cell string; ``ValueError`` if it is not a valid H3 cell."""
    try:
        cell = int(h3i.str_to_int(text.strip().lower()))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not an H3 cell: {text!r}") from exc
    if not h3i.is_valid_cell(cell):
        raise ValueError(f"not an H3 cell: {text!r}")
    return cell


def is_valid_cell(cell: int) -> bool:
    """True when ``cell`` is a valid H3 cell index."""
    return bool(h3i.is_valid_cell(cell))
