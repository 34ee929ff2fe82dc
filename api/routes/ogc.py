"""OGC API – Features (Parts 1, 2 and 3) for GIS clients (QGIS, GDAL's ``OAPIF`` driver).

Every resource answers JSON (GeoJSON for features) or plain HTML (``f=html`` or a browser's
``Accept: text/html``), to GET and HEAD. Items take ``limit`` (capped at the maximum),
``offset``, ``bbox`` + ``bbox-crs``, ``crs``, ``datetime``, CQL2 ``filter`` (text or JSON),
simple property filters on queryables, ``sortby``, ``properties``, ``skipGeometry`` and
``simplify`` (metres). Unknown query parameters are refused with 400, as Core requires.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import ReadStoreDep
from api.ogc_html import render
from api.ogc_openapi import OPENAPI_30, openapi_document
from api.routes._common import GEOJSON
from api.schemas.common import PROBLEM_RESPONSES, paging_links
from api.schemas.ogc import (
    CONFORMANCE,
    Collection,
    Collections,
    Conformance,
    Extent,
    LandingPage,
    SpatialExtent,
    feature_text,
    page_text,
)
from domain.errors import InvalidQuery
from geo.coords import UK_BBOX
from services import ogc_collections
from services.ogc_collections import ItemsPage

router = APIRouter(prefix="/ogc", tags=["ogc"], responses=PROBLEM_RESPONSES)
JSON = "application/json"
SCHEMA_JSON = "application/schema+json"
HTML = "text/html"
CollectionPath = Annotated[str, Path(description=", ".join(ogc_collections.COLLECTIONS))]
Text = Annotated[str | None, Query()]


def _doc(*media: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {m: {"schema": {"type": "object"}} for m in media} | {HTML: {}}}}


def _get(path: str, **kw: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """GET in the OpenAPI document, HEAD answered by the same function (not documented)."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        router.add_api_route(path, fn, methods=["HEAD"], include_in_schema=False)
        return router.get(path, **kw)(fn)

    return register


def _href(request: Request, path: str) -> str:
    return str(request.url_for("ogc_landing")).rstrip("/") + path


def _wants_html(request: Request) -> bool:
    f = request.query_params.get("f")
    if f is not None:
        if f not in ("json", "geojson", "html"):
            raise InvalidQuery("f must be json, geojson or html")
        return f == "html"
    return HTML in request.headers.get("accept", "")


def _answer(
    request: Request,
    doc: dict[str, Any] | str,
    media: str,
    title: str,
    *,
    headers: dict[str, str] | None = None,
    items_link: str | None = None,
) -> Response:
    if _wants_html(request):
        data = json.loads(doc) if isinstance(doc, str) else doc
        return HTMLResponse(render(title, data, items_link=items_link), headers=headers)
    body = doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False)
    return Response(body, media_type=media, headers=headers)


def _link(href: str, rel: str, media: str, title: str | None = None) -> dict[str, str]:
    link = {"href": href, "rel": rel, "type": media}
    return link | ({"title": title} if title else {})


@_get("", response_model=LandingPage, name="ogc_landing", responses=_doc(JSON))
def landing(request: Request) -> Response:
    """The OGC API landing page."""
    page = LandingPage(
        title="dicm – OGC API Features",
        description="UK regions, police territories, local authorities, validated dual-impact "
        "activities, tenders and awarded SPO lines (ONS codes in every feature).",
        links=[],
    ).model_dump()
    page["links"] = [
        _link(_href(request, ""), "self", JSON, "This document"),
        _link(_href(request, "?f=html"), "alternate", HTML, "This document as HTML"),
        _link(_href(request, "/api"), "service-desc", OPENAPI_30, "OGC API definition"),
        _link(
            str(request.url_for("openapi")),
            "alternate",
            "application/vnd.oai.openapi+json;version=3.1",
            "Whole dicm API definition",
        ),
        _link(str(request.url_for("swagger_ui_html")), "service-doc", HTML, "API documentation"),
        _link(_href(request, "/conformance"), "conformance", JSON, "Conformance classes"),
        _link(_href(request, "/collections"), "data", JSON, "Collections"),
    ]
    return _answer(request, page, JSON, page["title"])


@_get("/api", include_in_schema=False)
def api_document(request: Request) -> Response:
    """The OGC API's own OpenAPI 3.0 document (what GIS clients may push down)."""
    doc = openapi_document(_href(request, ""), request.app.version)
    return Response(json.dumps(doc), media_type=OPENAPI_30)


@_get("/conformance", response_model=Conformance, responses=_doc(JSON))
def conformance(request: Request) -> Response:
    """The conformance classes implemented and tested."""
    return _answer(request, {"conformsTo": list(CONFORMANCE)}, JSON, "Conformance")


def _collection(request: Request, name: str) -> dict[str, Any]:
    spec = ogc_collections.COLLECTIONS[name]
    base = _href(request, f"/collections/{name}")
    links = [
        _link(base, "self", JSON),
        _link(base + "?f=html", "alternate", HTML),
        _link(base + "/items", "items", GEOJSON, f"{spec.title} (GeoJSON)"),
        _link(base + "/items?f=html", "items", HTML, f"{spec.title} (HTML)"),
        _link(
            base + "/queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables", SCHEMA_JSON
        ),
    ]
    extent = Extent(spatial=SpatialExtent(bbox=[list(UK_BBOX)]))
    doc = Collection(
        id=name, title=spec.title, description=spec.description, links=[], extent=extent
    ).model_dump()
    return doc | {"links": links}


@_get("/collections", response_model=Collections, responses=_doc(JSON))
def collections(request: Request) -> Response:
    """Every public collection."""
    doc = {
        "links": [_link(_href(request, "/collections"), "self", JSON)],
        "collections": [_collection(request, name) for name in ogc_collections.COLLECTIONS],
        "crs": list(Collections.model_fields["crs"].default),
    }
    return _answer(request, doc, JSON, "Collections", items_link=_href(request, "/collections"))


@_get("/collections/{collection_id}", response_model=Collection, responses=_doc(JSON))
def collection(request: Request, collection_id: CollectionPath) -> Response:
    """One collection's description, with the CRSs it serves."""
    ogc_collections.check_collection(collection_id)
    doc = _collection(request, collection_id)
    return _answer(request, doc, JSON, doc["title"])


@_get("/collections/{collection_id}/queryables", responses=_doc(SCHEMA_JSON))
def queryables(request: Request, collection_id: CollectionPath) -> Response:
    """The properties that ``filter``, property filters and ``sortby`` accept (JSON Schema)."""
    url = _href(request, f"/collections/{collection_id}/queryables")
    doc = ogc_collections.queryables_schema(collection_id, url)
    return _answer(request, doc, SCHEMA_JSON, f"Queryables of {doc['title']}")


def _crs_header(page: ItemsPage) -> dict[str, str]:
    return {"Content-Crs": f"<{page.crs}>"}


@_get("/collections/{collection_id}/items", responses=_doc(GEOJSON))
def items(
    request: Request,
    store: ReadStoreDep,
    collection_id: CollectionPath,
    limit: Annotated[str | None, Query(description="page size; above the maximum: capped")] = None,
    offset: Text = None,
    cursor: Annotated[str | None, Query(description="keyset paging: from the next link")] = None,
    bbox: Annotated[str | None, Query(description="min x,min y,max x,max y in bbox-crs")] = None,
    bbox_crs: Annotated[str | None, Query(alias="bbox-crs")] = None,
    crs: Annotated[str | None, Query(description="output CRS URI (see the collection)")] = None,
    datetime_: Annotated[str | None, Query(alias="datetime")] = None,
    filter_: Annotated[str | None, Query(alias="filter", description="CQL2 text or JSON")] = None,
    filter_lang: Annotated[str | None, Query(alias="filter-lang")] = None,
    sortby: Annotated[str | None, Query(description="e.g. name,-code")] = None,
    properties: Annotated[str | None, Query(description="properties to keep")] = None,
    skip_geometry: Annotated[str | None, Query(alias="skipGeometry")] = None,
    simplify: Annotated[str | None, Query(description="tolerance in metres, 0-10000")] = None,
) -> Response:
    """A page of features with numberMatched, numberReturned, timeStamp and paging links."""
    api = request.app.state.settings.api
    page = ogc_collections.items_for_query(
        store,
        collection_id,
        dict(request.query_params),
        page_size_default=min(10, api.page_size_max),
        page_size_max=api.page_size_max,
    )
    links = [
        link.model_dump(exclude_none=True)
        for link in paging_links(
            request.url,
            offset=page.offset,
            limit=page.limit,
            has_next=page.has_next,
            media=GEOJSON,
            next_cursor=page.next_cursor,
        )
    ]
    links.append(_link(_href(request, f"/collections/{collection_id}"), "collection", JSON))
    stamp = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    text = page_text(page.ids, page.features, matched=page.matched, links=links, time_stamp=stamp)
    title = ogc_collections.COLLECTIONS[collection_id].title
    base = _href(request, f"/collections/{collection_id}/items")
    return _answer(request, text, GEOJSON, title, headers=_crs_header(page), items_link=base)


@_get("/collections/{collection_id}/items/{feature_id}", responses=_doc(GEOJSON))
def item(
    request: Request,
    store: ReadStoreDep,
    collection_id: CollectionPath,
    feature_id: Annotated[str, Path(max_length=200)],
    crs: Text = None,
    properties: Text = None,
    skip_geometry: Annotated[str | None, Query(alias="skipGeometry")] = None,
    simplify: Text = None,
) -> Response:
    """One feature."""
    page = ogc_collections.item_for_query(
        store, collection_id, feature_id, dict(request.query_params)
    )
    base = _href(request, f"/collections/{collection_id}")
    links = [_link(str(request.url), "self", GEOJSON), _link(base, "collection", JSON)]
    text = feature_text(page.ids[0], page.features[0], links)
    return _answer(request, text, GEOJSON, f"{feature_id}", headers=_crs_header(page))
