"""Geometry repair shared by the importers and the bundled build."""

from __future__ import annotations

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from domain.model import Area
from geo.errors import InvalidGeometry


def polygonal(geometry: BaseGeometry) -> Area:
    """``geometry`` made valid with only its polygonal parts kept, as a (Multi)Polygon.

    ``InvalidGeometry`` when nothing polygonal is left (a line, a point, an empty shape).
    """
    if geometry is None or geometry.is_empty:
        raise InvalidGeometry("empty geometry")
    if isinstance(geometry, Polygon | MultiPolygon) and geometry.is_valid:
        return geometry
    fixed = geometry if geometry.is_valid else shapely.make_valid(geometry)
    parts: list[Polygon] = []
    stack: list[BaseGeometry] = [fixed]
    while stack:
        part = stack.pop()
        if isinstance(part, Polygon):
            if not part.is_empty:
                parts.append(part)
        elif hasattr(part, "geoms"):  # MultiPolygon, GeometryCollection
            stack.extend(part.geoms)
    if not parts:
        raise InvalidGeometry(f"no polygonal part in a {geometry.geom_type}")
    if len(parts) == 1:
        return parts[0]
    merged = shapely.union_all(parts)
    return merged if isinstance(merged, Polygon | MultiPolygon) else MultiPolygon(parts)
