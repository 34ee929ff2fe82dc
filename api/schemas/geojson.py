"""GeoJSON (RFC 7946) at the edge: validated geometry input and feature-collection output.

Input geometries are checked vertex by vertex (range, UK extent, swapped lat/lon), for a
``crs`` member (RFC 7946 has none; only WGS84 / CRS84 names are tolerated), and for validity
(self-crossing rings are refused with shapely's reason).
"""

from __future__ import annotations

import json
from typing import Any, Generic, Literal, TypeVar

import numpy as np
import shapely
from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import to_json
from shapely.geometry.base import BaseGeometry

from api.schemas.safe import InputModel
from geo.geojson_in import geometry_from_geojson
from geo.validity import snap_to_grid

P = TypeVar("P", bound=BaseModel)

#: one encoder for every page (``json.dumps`` with options builds a new one per call); compact,
#: as GEOS and pydantic write JSON, UTF-8 kept as is, NaN refused (not JSON)
encode_json = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


def encode_page(document: Any) -> str:
    """``document`` as compact JSON text by pydantic's serialiser: the same values as
    :data:`encode_json` (numbers may be written differently: ``1e-7`` for ``1e-07``) at a
    quarter of its time on a page of 1,000 features (18 ms a page with ``json``). It writes
    NaN and Infinity as bare words, not JSON: a page whose text holds either (maybe only in a
    string) is encoded by :data:`encode_json` instead, which refuses a real one."""
    text = to_json(document, inf_nan_mode="constants").decode()
    if "NaN" in text or "Infinity" in text:
        return encode_json(document)
    return text


def point_geometries(geometries: list[Any]) -> list[dict[str, Any] | None] | None:
    """GeoJSON Point objects (None where a feature has no geometry) when every geometry of
    a page is a non-empty 2D point, their coordinates read in one vectorised call; else None
    (the caller writes each geometry on its own)."""
    shapes = np.array(geometries, dtype=object)
    kinds = shapely.get_type_id(shapes)
    present = kinds == 0
    if not ((kinds == -1) | present).all():
        return None
    located = shapes[present]
    if shapely.is_empty(located).any() or shapely.has_z(located).any():
        return None
    coordinates = iter(shapely.get_coordinates(located).tolist())
    return [
        {"type": "Point", "coordinates": next(coordinates)} if here else None
        for here in present.tolist()
    ]


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
    """A valid shapely geometry in the UK from GeoJSON, or a ``GeoError`` saying what is wrong
    (the one parser, :func:`geo.geojson_in.geometry_from_geojson`)."""
    data = geometry.model_dump() if isinstance(geometry, GeometryIn) else dict(geometry)
    return geometry_from_geojson(data, areal=areal)


def to_geometry(geom: BaseGeometry | None) -> Geometry | None:
    """Shapely -> response geometry (lon, lat)."""
    if geom is None:
        return None
    data = json.loads(shapely.to_geojson(snap_to_grid(geom)))
    return Geometry(type=data["type"], coordinates=data["coordinates"])
