"""OGC API – Features Part 1 (Core, GeoJSON) for territories, local authorities and activities.

GIS clients (QGIS, GDAL's ``OAPIF`` driver) read the public collections here; activities are
the validated ones only. Unknown query parameters are refused with 400, as Core requires.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request

from api.deps import StoreDep
from api.routes._common import GEOJSON, GeoJSONResponse
from api.schemas.activities import activity_feature
from api.schemas.common import PROBLEM_RESPONSES, paging_links
from api.schemas.geography import local_authority_feature, territory_feature
from api.schemas.geojson import Feature, FeatureCollection, Link
from api.schemas.ogc import (
    CONFORMANCE,
    Collection,
    Collections,
    Conformance,
    Extent,
    LandingPage,
    SpatialExtent,
)
from domain.model import Activity, LocalAuthority, Territory
from geo.coords import UK_BBOX, parse_bbox
from geo.errors import InvalidCoordinates
from services import ogc_collections

router = APIRouter(prefix="/ogc", tags=["ogc"], responses=PROBLEM_RESPONSES)
JSON = "application/json"
CollectionPath = Annotated[str, Path(description="territories, local-authorities or activities")]
ITEMS_PARAMS = frozenset({"limit", "offset", "bbox", "datetime", "f"})


def _href(request: Request, path: str) -> str:
    return str(request.url_for("ogc_landing")).rstrip("/") + path


@router.get("", response_model=LandingPage, name="ogc_landing")
def landing(request: Request) -> LandingPage:
    """The OGC API landing page."""
    return LandingPage(
        title="dicm – OGC API Features",
        description="UK police territories, local authorities and validated dual-impact "
        "activities (ONS codes in every feature).",
        links=[
            Link(href=_href(request, ""), rel="self", type=JSON, title="This document"),
            Link(
                href=str(request.url_for("openapi")),
                rel="service-desc",
                type="application/vnd.oai.openapi+json;version=3.1",
                title="API definition",
            ),
            Link(
                href=str(request.url_for("swagger_ui_html")),
                rel="service-doc",
                type="text/html",
                title="API documentation",
            ),
            Link(href=_href(request, "/conformance"), rel="conformance", type=JSON),
            Link(href=_href(request, "/collections"), rel="data", type=JSON),
        ],
    )


@router.get("/conformance", response_model=Conformance)
def conformance() -> Conformance:
    """The conformance classes implemented (Core and GeoJSON only)."""
    return Conformance(conformsTo=list(CONFORMANCE))


def _collection(request: Request, name: str) -> Collection:
    title, description = ogc_collections.OGC_COLLECTIONS[name]
    base = _href(request, f"/collections/{name}")
    return Collection(
        id=name,
        title=title,
        description=description,
        links=[
            Link(href=base, rel="self", type=JSON),
            Link(href=base + "/items", rel="items", type=GEOJSON, title=f"{title} (GeoJSON)"),
        ],
        extent=Extent(spatial=SpatialExtent(bbox=[list(UK_BBOX)])),
    )


@router.get("/collections", response_model=Collections)
def collections(request: Request) -> Collections:
    """The three public collections."""
    return Collections(
        links=[Link(href=_href(request, "/collections"), rel="self", type=JSON)],
        collections=[_collection(request, name) for name in ogc_collections.OGC_COLLECTIONS],
    )


@router.get("/collections/{collection_id}", response_model=Collection)
def collection(request: Request, collection_id: CollectionPath) -> Collection:
    """One collection's description."""
    ogc_collections.check_collection(collection_id)
    return _collection(request, collection_id)


@router.get(
    "/collections/{collection_id}/items",
    response_class=GeoJSONResponse,
    responses={200: {"content": {GEOJSON: {"schema": {"type": "object"}}}}},
)
def items(
    request: Request,
    store: StoreDep,
    collection_id: CollectionPath,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
    datetime: Annotated[str | None, Query(description="Accepted; no temporal data")] = None,
) -> Any:
    """A page of features (GeoJSON) with numberMatched, numberReturned and a next link."""
    unknown = set(request.query_params) - ITEMS_PARAMS
    if unknown:
        raise HTTPException(400, f"unknown query parameters: {', '.join(sorted(unknown))}")
    api = request.app.state.settings.api
    page_size = min(limit, api.page_size_max)
    box = _parse_bbox(bbox) if bbox else None
    page = ogc_collections.collection_page(store, collection_id, box, page_size, offset)
    base = _href(request, f"/collections/{collection_id}")
    links = paging_links(
        request.url, offset=offset, limit=page_size, has_next=page.has_next, media=GEOJSON
    )
    links.append(Link(href=base, rel="collection", type=JSON))
    features = [_feature(x) for x in page.items]
    return FeatureCollection[Any](
        features=features, numberMatched=page.matched, numberReturned=len(features), links=links
    ).model_dump(exclude_none=True)


@router.get(
    "/collections/{collection_id}/items/{feature_id}",
    response_class=GeoJSONResponse,
    responses={200: {"content": {GEOJSON: {"schema": {"type": "object"}}}}},
)
def item(
    request: Request,
    store: StoreDep,
    collection_id: CollectionPath,
    feature_id: Annotated[str, Path(max_length=100)],
) -> Any:
    """One feature."""
    found = ogc_collections.collection_item(store, collection_id, feature_id)
    data = _feature(found).model_dump(exclude_none=True)
    base = _href(request, f"/collections/{collection_id}")
    data["links"] = [
        {"href": str(request.url), "rel": "self", "type": GEOJSON},
        {"href": base, "rel": "collection", "type": JSON},
    ]
    return data


def _feature(entity: Territory | LocalAuthority | Activity) -> Feature[Any]:
    if isinstance(entity, Activity):
        return activity_feature(entity)
    if isinstance(entity, Territory):
        return territory_feature(entity)
    return local_authority_feature(entity)


def _parse_bbox(text: str) -> tuple[float, float, float, float]:
    """An OGC bbox (2D, or 3D with heights ignored), any extent; 400 if bad (OGC's status)."""
    try:
        return parse_bbox(text, heights=True)
    except InvalidCoordinates as exc:
        raise HTTPException(400, str(exc)) from None
