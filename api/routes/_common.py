"""Small helpers every route module shares: the GeoJSON response class and paging parameters."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from pydantic import BaseModel

from api.responses import SafeJSONResponse
from api.schemas.common import paging_links
from api.schemas.geojson import Feature, FeatureCollection, Link
from services.directory import Page, clamp_limit

GEOJSON = "application/geo+json"


class GeoJSONResponse(SafeJSONResponse):
    """JSON with the RFC 7946 media type."""

    media_type = GEOJSON


LimitQuery = Annotated[
    int | None,
    Query(ge=1, description="Page size (default and maximum from settings; larger is clamped)"),
]
OffsetQuery = Annotated[int, Query(ge=0, le=10_000_000, description="Features to skip")]
CursorQuery = Annotated[
    str | None,
    Query(
        max_length=200,
        description="Keyset paging: start after this id (the next link carries it)",
    ),
]


def page_limit(request: Request, limit: int | None) -> int:
    """The effective page size: the settings' default when absent, clamped to the maximum."""
    api = request.app.state.settings.api
    return clamp_limit(limit or api.page_size_default, api.page_size_max)


def page_links(request: Request, page: Page[Any]) -> list[Link]:
    """The self / next / prev links of a page of a GeoJSON listing."""
    return paging_links(
        request.url,
        offset=page.offset,
        limit=page.limit,
        has_next=page.has_next,
        media=GEOJSON,
        next_cursor=page.next_cursor,
    )


def collection(
    request: Request, page: Page[Any], features: list[Feature[Any]], model: type[BaseModel]
) -> Any:
    """A GeoJSON FeatureCollection for a page, with next/prev links."""
    links = page_links(request, page)
    return model(
        features=features,
        numberMatched=page.matched,
        numberReturned=len(features),
        links=links,
    )


__all__ = [
    "GEOJSON",
    "CursorQuery",
    "FeatureCollection",
    "GeoJSONResponse",
    "collection",
    "page_limit",
    "page_links",
]
