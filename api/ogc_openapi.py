"""The OGC API's own OpenAPI 3.0 description (``/ogc/api``, the landing page's service-desc).

GIS clients read it to learn what they may push down: GDAL's OAPIF driver sends an attribute
filter as ``name=value`` for every items query parameter named like a field, and as CQL text
when ``filter-lang`` lists it. So every collection gets its own items path with one query
parameter per queryable. Paths are relative to ``/ogc`` (the ``servers`` entry says so).
"""

from __future__ import annotations

from typing import Any

from services.ogc_collections import COLLECTIONS
from services.ogc_filters import FILTER_LANGS, GDAL_FILTER_LANG

OPENAPI_30 = "application/vnd.oai.openapi+json;version=3.0"
_COMMON = (
    ("limit", {"type": "integer", "minimum": 1}, "page size; above the maximum: capped"),
    ("offset", {"type": "integer", "minimum": 0}, "features to skip"),
    ("cursor", {"type": "string"}, "keyset paging: the id the page starts after (next link)"),
    ("bbox", {"type": "string"}, "min x,min y,max x,max y in bbox-crs"),
    ("bbox-crs", {"type": "string"}, "CRS URI of bbox (default CRS84)"),
    ("crs", {"type": "string"}, "CRS URI of the answer (default CRS84)"),
    ("datetime", {"type": "string"}, "RFC 3339 instant or interval"),
    ("filter", {"type": "string"}, "CQL2 filter over the queryables"),
    (
        "filter-lang",
        {"type": "string", "enum": [*FILTER_LANGS, GDAL_FILTER_LANG]},
        "cql2-text (default) or cql2-json",
    ),
    ("sortby", {"type": "string"}, "queryables, comma-separated, '-' for descending"),
    ("properties", {"type": "string"}, "properties to keep, comma-separated"),
    ("skipGeometry", {"type": "boolean"}, "leave geometry out"),
    ("simplify", {"type": "number", "minimum": 0}, "simplification tolerance in metres"),
    ("f", {"type": "string", "enum": ["json", "html"]}, "format"),
)
_TYPES = {"date": {"type": "string", "format": "date"}}


def _parameter(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
        "style": "form",
        "explode": False,
    }


def _items_path(name: str) -> dict[str, Any]:
    spec = COLLECTIONS[name]
    params = [_parameter(*p) for p in _COMMON] + [
        _parameter(prop, _TYPES.get(q.type, {"type": q.type}), f"equal to this {prop}")
        for prop, q in spec.queryables.items()
    ]
    return {
        "get": {
            "summary": f"{spec.title}: a page of features",
            "operationId": f"items-{name}",
            "parameters": params,
            "responses": {"200": {"description": "GeoJSON features"}},
        }
    }


def openapi_document(server_url: str, version: str) -> dict[str, Any]:
    """The OpenAPI 3.0 document of the OGC API served under ``server_url``."""
    paths: dict[str, Any] = {}
    for path in ("/", "/conformance", "/collections"):
        paths[path] = {"get": {"responses": {"200": {"description": "JSON or HTML"}}}}
    for name in COLLECTIONS:
        paths[f"/collections/{name}"] = {"get": {"responses": {"200": {"description": "JSON"}}}}
        paths[f"/collections/{name}/queryables"] = {
            "get": {"responses": {"200": {"description": "JSON Schema"}}}
        }
        paths[f"/collections/{name}/items"] = _items_path(name)
        paths[f"/collections/{name}/items/{{featureId}}"] = {
            "get": {
                "parameters": [
                    {
                        "name": "featureId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {"200": {"description": "a GeoJSON feature"}},
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "dicm – OGC API Features", "version": version},
        "servers": [{"url": server_url}],
        "paths": paths,
    }
