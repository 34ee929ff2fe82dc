"""Geometry generalisation by a tolerance in metres that always returns valid geometry.

Simplification happens in British National Grid metres (so ``100`` means 100 m everywhere in
Great Britain, not a stretched degree), keeps topology per polygon, and finishes with
``make_valid`` keeping only the polygonal parts, because simplifying the parts of a
multipolygon independently can make them overlap or touch along a line.
"""

from __future__ import annotations

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from geo.crs import from_bng, to_bng

#: the largest tolerance accepted (beyond it a territory becomes a triangle)
MAX_TOLERANCE_M = 10_000.0


def polygonal_valid(geometry: BaseGeometry) -> BaseGeometry:
    """``geometry`` repaired if needed; for a polygonal input only its polygonal parts."""
    if geometry.is_valid:
        return geometry
    repaired = shapely.make_valid(geometry)
    if not isinstance(geometry, (Polygon, MultiPolygon)):
        return repaired
    parts = [g for g in shapely.get_parts(repaired) if isinstance(g, (Polygon, MultiPolygon))]
    polygons = [p for g in parts for p in shapely.get_parts(g)]
    return MultiPolygon(polygons) if len(polygons) != 1 else polygons[0]


def simplify_m(geometry: BaseGeometry, tolerance_m: float) -> BaseGeometry:
    """``geometry`` (lon/lat) generalised to ``tolerance_m`` metres, valid, still lon/lat.

    Points are returned as they are; a polygon that would vanish keeps its original shape.
    """
    if tolerance_m <= 0 or geometry.geom_type in ("Point", "MultiPoint"):
        return geometry
    simpler = to_bng(geometry).simplify(tolerance_m, preserve_topology=True)
    if simpler.is_empty:
        return geometry
    return polygonal_valid(from_bng(simpler))


def generalise_m(geometry: BaseGeometry, tolerance_m: float) -> BaseGeometry:
    """:func:`simplify_m`, then without the islands smaller than a ``tolerance_m`` square (the
    largest part always kept): simplification alone leaves every one of Scotland's hundreds of
    islets at four points, too many for a spreadsheet cell even at 10 km."""
    simpler = simplify_m(geometry, tolerance_m)
    if not isinstance(simpler, MultiPolygon):
        return simpler
    parts = list(shapely.get_parts(simpler))
    areas = [float(a) for a in shapely.area(shapely.get_parts(to_bng(simpler)))]
    largest = max(range(len(parts)), key=areas.__getitem__)
    kept = [p for i, p in enumerate(parts) if i == largest or areas[i] >= tolerance_m**2]
    return MultiPolygon(kept) if len(kept) != 1 else kept[0]
