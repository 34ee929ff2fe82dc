"""Schemas shared by every route: the problem document and paging links."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from starlette.datastructures import URL

from api.problems import PROBLEM_MEDIA_TYPE
from api.schemas.geojson import Link


class Problem(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "model": Problem,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


#: the error answers every operation may give, for the OpenAPI document
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _problem("Bad request"),
    401: _problem("Missing or unknown bearer token"),
    403: _problem("The account's role may not do this"),
    404: _problem("Not found (or not visible to this account)"),
    409: _problem("Conflict with the stored state"),
    413: _problem("Request body too large"),
    414: _problem("Request line too long"),
    429: _problem("Too many requests from this client (see Retry-After)"),
    431: _problem("Request headers too large"),
    422: _problem("Invalid input: parameters, geometry, coordinates or codes"),
    500: _problem("Internal error (logged)"),
}


def paging_links(
    url: URL,
    *,
    offset: int,
    limit: int,
    has_next: bool,
    media: str,
    next_cursor: str | None = None,
) -> list[Link]:
    """self / next / prev links for a page, keeping every other query parameter.

    With ``next_cursor`` the next link pages by keyset (``cursor`` = the last id, no offset:
    an index seek however deep the page); otherwise by ``offset``. A page asked for by
    ``offset`` also links its previous page (keyset paging goes forward only).
    """
    links = [Link(href=str(url), rel="self", type=media)]
    if has_next and next_cursor is not None:
        nxt = url.remove_query_params("offset").include_query_params(
            cursor=next_cursor, limit=limit
        )
        links.append(Link(href=str(nxt), rel="next", type=media))
    elif has_next:
        nxt = url.include_query_params(offset=offset + limit, limit=limit)
        links.append(Link(href=str(nxt), rel="next", type=media))
    if offset > 0:
        prev = url.include_query_params(offset=max(0, offset - limit), limit=limit)
        links.append(Link(href=str(prev), rel="prev", type=media))
    return links


class Page(BaseModel):
    """Paging information of a non-GeoJSON listing."""

    numberMatched: int | None
    numberReturned: int
    links: list[Link]
