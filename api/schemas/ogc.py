"""OGC API – Features Part 1 documents: landing page, conformance, collections."""

from __future__ import annotations

from pydantic import BaseModel

from api.schemas.geojson import Link

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
#: only what is implemented: Core and GeoJSON (the OpenAPI document is 3.1, so no oas30)
CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
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
    crs: list[str] = [CRS84]


class Collections(BaseModel):
    links: list[Link]
    collections: list[Collection]
