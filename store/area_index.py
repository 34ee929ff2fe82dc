"""In-memory point-in-area lookup for the SQLite adapter: bbox prefilter + exact shapely test.

Points on a boundary count as inside (``intersects_xy`` = covers for points); where areas
share a boundary the lowest code wins, so every point gets one deterministic answer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

#: below this many points, test candidates per point; above, sweep areas over all points
_PER_POINT_LIMIT = 64


class AreaIndex:
    """Areas (code, geometry) sorted by code, answering "which area covers this point"."""

    def __init__(self, areas: Sequence[tuple[str, BaseGeometry]]) -> None:
        ordered = sorted(areas, key=lambda item: item[0])
        self.codes: list[str] = [code for code, _ in ordered]
        self.geoms: list[BaseGeometry] = [geom for _, geom in ordered]
        for geom in self.geoms:
            shapely.prepare(geom)
        self.bounds: NDArray[np.float64] = np.array(
            [geom.bounds for geom in self.geoms], dtype=np.float64
        ).reshape(-1, 4)

    def covering(self, lon: NDArray[np.float64], lat: NDArray[np.float64]) -> list[str | None]:
        """For each point, the lowest code whose area covers it (None where none does)."""
        if not self.codes:
            return [None] * len(lon)
        if len(lon) <= _PER_POINT_LIMIT:
            return [self._one(float(x), float(y)) for x, y in zip(lon, lat, strict=True)]
        return self._sweep(lon, lat)

    def _one(self, x: float, y: float) -> str | None:
        b = self.bounds
        hits = np.flatnonzero((b[:, 0] <= x) & (x <= b[:, 2]) & (b[:, 1] <= y) & (y <= b[:, 3]))
        for i in hits:  # ascending index = ascending code
            if shapely.intersects_xy(self.geoms[i], x, y):
                return self.codes[i]
        return None

    def _sweep(self, lon: NDArray[np.float64], lat: NDArray[np.float64]) -> list[str | None]:
        found = np.full(len(lon), -1, dtype=np.int64)
        for i, (minx, miny, maxx, maxy) in enumerate(self.bounds):
            todo = (found < 0) & (lon >= minx) & (lon <= maxx) & (lat >= miny) & (lat <= maxy)
            where = np.flatnonzero(todo)
            if where.size:
                inside = shapely.intersects_xy(self.geoms[i], lon[where], lat[where])
                found[where[inside]] = i
        return [self.codes[i] if i >= 0 else None for i in found]
