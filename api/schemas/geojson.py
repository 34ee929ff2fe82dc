"""GeoJSON (RFC 7946) at the edge: validated geometry input and feature-collection output.

Input geometries are checked vertex by vertex (range, UK extent, swapped lat/lon), for a
``crs`` member (RFC 7946 has none; only WGS84 / CRS84 names are tolerated), and for validity
(self-crossing rings are refused with shapely's reason).
"""

from __future__ import annotations

import json
from typing import Any, Generic, Literal, TypeVar

import shapely
from pydantic import BaseModel, ConfigDict, Field
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from api.schemas.safe import InputModel
from geo.coords import UK_BBOX, check_lon_lat
from geo.errors import InvalidGeometry, UnsupportedCRS
from geo.validity import snap_to_grid

WGS84_NAMES = frozenset(
    {
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "urn:ogc:def:crs:OGC::CRS84",
        "EPSG:4326",
        "urn:ogc:def:crs:EPSG::4326",
        "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
    }
)
P = TypeVar("P", bound=BaseModel)
GEOMETRY_TYPES = ("Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon")


class GeometryIn(InputModel):
    """A GeoJSON geometry as sent by a client (checked by :func:`to_shape`)."""

    model_config = ConfigDict(extra="allow")

    type: Literal["Point", "Polygon", "MultiPolygon"]
    coordinates: list[Any]
    crs: dict[str, Any] | None = Field(default=None, description="Not RFC 7946; WGS84 only.")


class Geometry(BaseModel):
    """A GeoJSON geometry in a response."""

    type: str = Field(examples=["Point"])
    coordinates: list[Any]


class Link(BaseModel):
    """A web link (RFC 8288 style, as OGC API and paging use it)."""

    href: str
    rel: str
    type: str | None = None
    title: str | None = None


class Feature(BaseModel, Generic[P]):
    """A GeoJSON feature; ``properties`` always carries the ONS codes of its place."""

    type: Literal["Feature"] = "Feature"
    id: str
    geometry: Geometry | None
    properties: P


class FeatureCollection(BaseModel, Generic[P]):
    """A page of GeoJSON features with paging counts and next/prev links."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[Feature[P]]
    numberMatched: int | None = None
    numberReturned: int
    links: list[Link] = []
    bbox: list[float] | None = None


def to_shape(geometry: GeometryIn | dict[str, Any], *, areal: bool = False) -> BaseGeometry:
    """A valid shapely geometry in the UK from GeoJSON, or a ``GeoError`` saying what is wrong."""
    data = geometry.model_dump() if isinstance(geometry, GeometryIn) else dict(geometry)
    _check_crs(data.pop("crs", None))
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
    _check_vertices(geom)
    if not geom.is_valid:
        raise InvalidGeometry(f"invalid {geom.geom_type}: {shapely.is_valid_reason(geom)}")
    return geom


#: how deep each type's coordinates nest: 0 is a position [lon, lat]
_DEPTH = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "Polygon": 2,
    "MultiLineString": 2,
    "MultiPolygon": 3,
}


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


def _check_crs(crs: Any) -> None:
    if crs is None:
        return
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if name not in WGS84_NAMES:
        raise UnsupportedCRS(
            f"GeoJSON must be WGS84 longitude/latitude (RFC 7946); got crs {name!r}"
        )


def _check_vertices(geom: BaseGeometry) -> None:
    coords = shapely.get_coordinates(geom)
    if coords.shape[1] != 2 and coords.size:
        coords = coords[:, :2]
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


def to_geometry(geom: BaseGeometry | None) -> Geometry | None:
    """Shapely -> response geometry (lon, lat)."""
    if geom is None:
        return None
    data = json.loads(shapely.to_geojson(snap_to_grid(geom)))
    return Geometry(type=data["type"], coordinates=data["coordinates"])
