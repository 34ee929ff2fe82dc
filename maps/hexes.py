"""H3 aggregation for heatmaps: sums and counts per cell, and cell outlines in lon, lat order.

Cells are int64 inside (``h3.api.basic_int``). H3 is an aggregation grid here, never a
point-in-polygon test: points are clipped to the territory exactly before they are binned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from geo.cells import cell_to_boundary_lonlat, lonlat_to_cell

#: resolution 7 cells are about 5 km² (edge about 1.2 km): a town shows as a handful of cells
DEFAULT_RESOLUTION = 7


def cell_of(lon: float, lat: float, resolution: int = DEFAULT_RESOLUTION) -> int:
    """The H3 cell holding a point (:mod:`geo.cells` is the one place that says lat, lng)."""
    return lonlat_to_cell(lon, lat, resolution)


def sum_by_cell(
    values: Iterable[tuple[float, float, float]], resolution: int = DEFAULT_RESOLUTION
) -> dict[int, float]:
    """Sum of ``value`` per cell, for (lon, lat, value) triples; cells summing to 0 omitted."""
    totals: dict[int, float] = defaultdict(float)
    for lon, lat, value in values:
        totals[cell_of(lon, lat, resolution)] += value
    return {cell: total for cell, total in totals.items() if total > 0}


def cell_ring(cell: int, decimals: int = 5) -> list[list[float]]:
    """The cell's closed boundary ring as [lon, lat] pairs (GeoJSON order)."""
    vertices = cell_to_boundary_lonlat(cell)
    ring = [[round(lon, decimals), round(lat, decimals)] for lon, lat in vertices]
    return [*ring, ring[0]]
