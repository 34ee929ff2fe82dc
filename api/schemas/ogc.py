"""OGC API – Features documents: landing page, conformance, collections, and the fast
serialisation of feature pages (GeoJSON text built from shapely's GEOS writer)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from pydantic import BaseModel

from api.schemas.geojson import Link, encode_json, encode_page, point_geometries
from datasets.features import Feature
from geo.crs_uris import CRS84, SUPPORTED

_FEATURES_1 = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
_FEATURES_3 = "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/"
_CQL2 = "http://www.opengis.net/spec/cql2/1.0/conf/"
#: exactly what is implemented and tested (the OpenAPI document is 3.1, so no oas30)
CONFORMANCE = (
    _FEATURES_1 + "core",
    _FEATURES_1 + "geojson",
    _FEATURES_1 + "html",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    _FEATURES_3 + "queryables",
    _FEATURES_3 + "queryables-query-parameters",
    _FEATURES_3 + "filter",
    _FEATURES_3 + "features-filter",
    _CQL2 + "cql2-text",
    _CQL2 + "cql2-json",
    _CQL2 + "basic-cql2",
    _CQL2 + "advanced-comparison-operators",
)


class LandingPage(BaseModel):
    title: str
    description: str
    links: list[Link]


class Conformance(BaseModel):
    conformsTo: list[str]


class SpatialExtent(BaseModel):
    bbox: list[list[float]]
    crs: str = CRS84


class Extent(BaseModel):
    spatial: SpatialExtent


class Collection(BaseModel):
    id: str
    title: str
    description: str
    links: list[Link]
    extent: Extent
    itemType: str = "feature"
    crs: list[str] = list(SUPPORTED)
    storageCrs: str = CRS84


class Collections(BaseModel):
    links: list[Link]
    collections: list[Collection]
    crs: list[str] = list(SUPPORTED)


_ENCODE = encode_json


def feature_text(id_: str, feature: Feature, links: Sequence[dict[str, Any]] = ()) -> str:
    """One GeoJSON feature as JSON text."""
    geometry = "null" if feature.geometry is None else shapely.to_geojson(feature.geometry)
    return _feature_text(id_, geometry, feature.properties, links)


def _feature_text(
    id_: str, geometry: str, properties: Any, links: Sequence[dict[str, Any]] = ()
) -> str:
    extra = f',"links":{json.dumps(list(links))}' if links else ""
    return (
        f'{{"type":"Feature","id":{json.dumps(id_)},"geometry":{geometry},'
        f'"properties":{_ENCODE(properties)}{extra}}}'
    )


def page_text(
    ids: Sequence[str],
    features: Sequence[Feature],
    *,
    matched: int,
    links: Sequence[dict[str, Any]],
    time_stamp: str,
) -> str:
    """A GeoJSON FeatureCollection page as JSON text (numberMatched, timeStamp, links).

    A page of points (activities, SPO lines) is encoded in ONE serialiser call, its coordinates
    read in one vectorised shapely call; a page of other geometries writes each through GEOS's
    GeoJSON writer (a polygon's coordinates as Python lists would cost more than the text).
    """
    head = {"type": "FeatureCollection"}
    tail = {
        "numberMatched": matched,
        "numberReturned": len(features),
        "timeStamp": time_stamp,
        "links": list(links),
    }
    points = point_geometries([f.geometry for f in features])
    if points is not None:
        items = [
            {"type": "Feature", "id": i, "geometry": g, "properties": f.properties}
            for i, g, f in zip(ids, points, features, strict=True)
        ]
        return encode_page(head | {"features": items} | tail)
    shapes = shapely.to_geojson(np.array([f.geometry for f in features], dtype=object))
    body = ",".join(
        _feature_text(i, "null" if g is None else g, f.properties)
        for i, g, f in zip(ids, shapes.tolist(), features, strict=True)
    )
    return f'{_ENCODE(head)[:-1]},"features":[{body}],{_ENCODE(tail)[1:]}'
