"""Boundaries made light for display: simplified, coordinates rounded, as GeoJSON dicts.

``DISPLAY_TOLERANCE_DEG`` = 0.001 degrees (about 70 m east-west and 110 m north-south in the UK)
with ``preserve_topology=True``, and coordinates rounded to ``COORD_DECIMALS`` = 4 places (about
10 m): the 361 UK local authorities (ONS BGC, 11 MB) then draw in well under 5 MB of page.
"""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geo.validity import snap_to_grid

DISPLAY_TOLERANCE_DEG = 0.001
COORD_DECIMALS = 4


def simplify_for_display(
    geometry: BaseGeometry,
    *,
    tolerance_deg: float = DISPLAY_TOLERANCE_DEG,
    decimals: int = COORD_DECIMALS,
) -> BaseGeometry:
    """Simplify (topology preserved) and round coordinates; never returns an empty shape for a
    non-empty input (falls back to the unsimplified rounded shape)."""
    simple = shapely.simplify(geometry, tolerance_deg, preserve_topology=True)
    if simple.is_empty:
        simple = geometry
    return snap_to_grid(simple, 10.0**-decimals)  # rounded, and still valid (geo.validity)


def geometry_to_geojson(
    geometry: BaseGeometry,
    *,
    tolerance_deg: float = DISPLAY_TOLERANCE_DEG,
    decimals: int = COORD_DECIMALS,
) -> dict[str, Any]:
    """A GeoJSON geometry dict of the simplified, rounded shape (lon, lat order)."""
    shape = simplify_for_display(geometry, tolerance_deg=tolerance_deg, decimals=decimals)
    result: dict[str, Any] = _lists(mapping(shape))
    return result


def _lists(value: Any) -> Any:
    """Tuples to lists, so the dict is plain JSON."""
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(v) for v in value]
    return value


def geometry_bounds(geometry: BaseGeometry | None) -> tuple[float, float, float, float] | None:
    """(min_lon, min_lat, max_lon, max_lat) or None for no / an empty geometry."""
    if geometry is None or geometry.is_empty:
        return None
    b = geometry.bounds
    return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))
