"""GeoJSON (RFC 7946) geometry input, checked: the one parser behind the API's bodies and the
web pages' drawn or uploaded shapes, so a map drawing is refused for the same reasons as JSON.

Checked vertex by vertex (range, UK extent, swapped lat/lon), for a ``crs`` member (RFC 7946 has
none; only WGS84 / CRS84 names are tolerated), for structure (closed rings of 4+ positions) and
for validity (self-crossing rings are refused with shapely's reason).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.coords import UK_BBOX, check_lon_lat
from geo.errors import InvalidGeometry, UnsupportedCRS

WGS84_NAMES = frozenset(
    {
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "urn:ogc:def:crs:OGC::CRS84",
        "EPSG:4326",
        "urn:ogc:def:crs:EPSG::4326",
        "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
    }
)
GEOMETRY_TYPES = ("Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon")

#: how deep each type's coordinates nest: 0 is a position [lon, lat]
_DEPTH = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "Polygon": 2,
    "MultiLineString": 2,
    "MultiPolygon": 3,
}


def geometry_from_geojson(geometry: Mapping[str, Any], *, areal: bool = False) -> BaseGeometry:
    """A valid shapely geometry in the UK from a GeoJSON geometry object, or a ``GeoError``
    saying what is wrong (``areal``: only a Polygon or MultiPolygon will do)."""
    data = dict(geometry)
    check_crs(data.pop("crs", None))
    if data.get("type") not in GEOMETRY_TYPES:
        raise InvalidGeometry(f"unsupported GeoJSON geometry type {data.get('type')!r}")
    check_structure(str(data["type"]), data.get("coordinates"))
    try:
        geom = shape(data)
    except (ValueError, TypeError, LookupError, AttributeError, shapely.errors.ShapelyError) as exc:
        raise InvalidGeometry(f"malformed GeoJSON {data.get('type')} coordinates") from exc
    if geom.is_empty:
        raise InvalidGeometry("empty geometry")
    if areal and geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise InvalidGeometry(f"expected a Polygon or MultiPolygon, got {geom.geom_type}")
    check_vertices(geom)
    if not geom.is_valid:
        raise InvalidGeometry(f"invalid {geom.geom_type}: {shapely.is_valid_reason(geom)}")
    return geom


def check_structure(kind: str, coordinates: Any) -> None:
    """``InvalidGeometry`` unless ``coordinates`` nest exactly as RFC 7946 says for ``kind``:
    positions of 2 or 3 numbers, at the type's depth (a Point nested in a list is refused, not
    unwrapped), lines of 2+ positions, and rings of 4+ positions that are closed (first equals
    last: an unclosed ring is refused, not silently closed)."""
    depth = _DEPTH[kind]
    rings = kind in ("Polygon", "MultiPolygon")
    _check_level(kind, coordinates, depth, rings=rings)


def _check_level(kind: str, value: Any, depth: int, *, rings: bool) -> None:
    if depth == 0:
        if not _is_position(value):
            raise InvalidGeometry(
                f"{kind} coordinates must nest as RFC 7946 says, down to [lon, lat] positions"
            )
        return
    if not isinstance(value, list) or not value:
        raise InvalidGeometry(f"{kind} coordinates must be non-empty nested arrays")
    if depth == 1:
        for position in value:
            _check_level(kind, position, 0, rings=rings)
        if kind != "MultiPoint" and len(value) < 2:
            raise InvalidGeometry(f"{kind}: a line needs at least 2 positions")
        if rings:
            _check_ring(kind, value)
        return
    for part in value:
        _check_level(kind, part, depth - 1, rings=rings)


def _check_ring(kind: str, ring: list[Any]) -> None:
    if len(ring) < 4:
        raise InvalidGeometry(f"{kind}: a linear ring needs at least 4 positions")
    if ring[0] != ring[-1]:
        raise InvalidGeometry(f"{kind}: a linear ring must be closed (first position = last)")


def _is_position(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) in (2, 3)
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    )


def check_crs(crs: Any) -> None:
    """``UnsupportedCRS`` unless the (non-standard) ``crs`` member is absent or names WGS84."""
    if crs is None:
        return
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if name not in WGS84_NAMES:
        raise UnsupportedCRS(
            f"GeoJSON must be WGS84 longitude/latitude (RFC 7946); got crs {name!r}"
        )


def check_vertices(geom: BaseGeometry) -> None:
    """Every vertex inside the UK's box, else the precise coordinate error (swapped, out of
    range, outside the UK)."""
    coords = shapely.get_coordinates(geom)
    lon_min, lat_min, lon_max, lat_max = UK_BBOX
    inside = (
        (coords[:, 0] >= lon_min)
        & (coords[:, 0] <= lon_max)
        & (coords[:, 1] >= lat_min)
        & (coords[:, 1] <= lat_max)
    )
    if not inside.all():
        lon, lat = coords[int((~inside).argmax())]
        check_lon_lat(float(lon), float(lat))  # raises the precise error
        raise InvalidGeometry("geometry has a vertex outside the UK")  # pragma: no cover
