"""Conditional GETs for data that changes rarely (the geography): an ETag, ``If-None-Match`` and
``Cache-Control``.

The ETag is derived from the store's change counter of the areas (``geography_version``) and the
request's path and query, so any boundary or plan change, in any process, gives every answer a
new tag, and a client that already holds the answer gets ``304 Not Modified`` without the server
building 20 MB of GeoJSON again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Response

from api.deps import ReadStoreDep
from services.geography import geography_version

#: shared caches may keep an answer a minute, then must revalidate (cheap: a 304 by ETag)
CACHE_CONTROL = "public, max-age=60, must-revalidate"


@dataclass(frozen=True)
class Conditional:
    """The ETag of this request's answer and whether the client already holds it."""

    etag: str
    fresh: bool

    def not_modified(self) -> Response:
        """The bodiless 304 for a client whose copy is current."""
        return Response(status_code=304, headers=_headers(self.etag))


def _headers(etag: str) -> dict[str, str]:
    return {"ETag": etag, "Cache-Control": CACHE_CONTROL}


def _matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 weak comparison: ``*`` or any listed tag equal to ours, ``W/`` ignored."""
    if not if_none_match:
        return False
    ours = etag.removeprefix("W/")
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or ours in tags


async def conditional(request: Request, response: Response, store: ReadStoreDep) -> Conditional:
    """Compute the ETag, put it and ``Cache-Control`` on the answer, compare ``If-None-Match``."""
    key = f"{request.url.path}?{request.url.query}".encode()
    digest = hashlib.sha256(key).hexdigest()[:16]
    etag = f'W/"g{geography_version(store)}-{digest}"'
    response.headers.update(_headers(etag))
    return Conditional(etag, _matches(request.headers.get("if-none-match"), etag))


ConditionalDep = Annotated[Conditional, Depends(conditional)]
