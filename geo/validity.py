"""The one geometry-validity rule: what dicm stores, draws and exports is valid for GEOS and
GDAL (``shapely.is_valid``, every ring at least 4 points), whatever was done to it before.

Simplifying and rounding coordinates can collapse a small ring to a line, make two rings touch
or push a hole out of its shell; :func:`snap_to_grid` repairs an invalid input, rounds with
``shapely.set_precision`` (which keeps the result valid), then keeps only the polygonal parts
with a real ring (:func:`polygonal`).
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from geo.errors import InvalidGeometry

#: coordinates of exported and served geometries: 6 decimal places of a degree (~0.1 m)
GRID_DEG = 1e-6
_MIN_RING_POINTS = 4


def polygonal(geometry: BaseGeometry) -> Polygon | MultiPolygon:
    """``geometry`` made valid with only its polygonal parts kept, as a (Multi)Polygon.

    ``InvalidGeometry`` when nothing polygonal is left (a line, a point, an empty shape).
    """
    if geometry is None or geometry.is_empty:
        raise InvalidGeometry("empty geometry")
    if isinstance(geometry, Polygon | MultiPolygon) and is_sound(geometry):
        return geometry
    fixed = geometry if geometry.is_valid else shapely.make_valid(geometry)
    parts = [p for p in _polygons(fixed) if _has_area(p)]
    if not parts:
        raise InvalidGeometry(f"no polygonal part in a {geometry.geom_type}")
    if len(parts) == 1:
        return parts[0]
    merged = shapely.union_all(parts)
    return merged if isinstance(merged, Polygon | MultiPolygon) else MultiPolygon(parts)


def snap_to_grid(geometry: BaseGeometry, grid: float = GRID_DEG) -> BaseGeometry:
    """A polygonal ``geometry`` with coordinates on a ``grid`` (degrees) and still sound; one
    whose every part collapses comes back unsnapped (never an empty shape for a real area)."""
    if geometry is None or geometry.is_empty or not isinstance(geometry, Polygon | MultiPolygon):
        return geometry  # points and lines cannot degenerate: kept exact (round trips)
    # set_precision needs a valid input (GEOS raises a TopologyException otherwise), and
    # simplify(preserve_topology=True) can leave a hole poking out of its shell
    source = geometry if geometry.is_valid else polygonal(geometry)
    snapped = shapely.set_precision(source, grid)
    try:
        return polygonal(snapped)
    except InvalidGeometry:
        return polygonal(source)


def is_sound(geometry: BaseGeometry) -> bool:
    """Valid for GEOS and every ring has at least 4 points (GDAL's "Too few points")."""
    if not geometry.is_valid:
        return False
    rings = shapely.get_rings(shapely.get_parts(geometry))
    return bool(np.all(shapely.get_num_coordinates(rings) >= _MIN_RING_POINTS))


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    out: list[Polygon] = []
    stack: list[BaseGeometry] = [geometry]
    while stack:
        part = stack.pop()
        if isinstance(part, Polygon):
            out.append(part)
        elif hasattr(part, "geoms"):  # MultiPolygon, GeometryCollection
            stack.extend(part.geoms)
    return out


def _has_area(polygon: Polygon) -> bool:
    """A polygon with a real exterior (not collapsed to a line by rounding)."""
    if polygon.is_empty or len(polygon.exterior.coords) < _MIN_RING_POINTS:
        return False
    return polygon.area > 0
