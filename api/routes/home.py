"""``/``: a landing page for people and a list of links for API clients (by ``Accept``).

A browser (``Accept: text/html,...``) gets a page saying what dicm is, a link per kind of user,
the docs and the OGC endpoint; anything preferring JSON (or sending ``*/*``) gets the same links
as JSON, OGC-style (``rel``, ``href``, ``type``, ``title``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Template
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

router = APIRouter(tags=["health"])
TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "home.html"
VARY = {"Vary": "Accept"}

#: (rel, href, media type, title)
LINKS: tuple[tuple[str, str, str, str], ...] = (
    ("self", "/", "application/json", "These links"),
    ("alternate", "/", "text/html", "This page for people"),
    ("service-desc", "/openapi.json", "application/vnd.oai.openapi+json;version=3.1", "OpenAPI"),
    ("service-doc", "/docs", "text/html", "Swagger UI"),
    ("service-doc", "/redoc", "text/html", "Redoc"),
    ("data", "/ogc", "application/json", "OGC API - Features"),
    ("status", "/healthz", "application/json", "Liveness"),
    ("status", "/readyz", "application/json", "Readiness"),
)


def _quality(accept: str, media_type: str) -> float:
    """The q-value ``accept`` gives ``media_type`` (exact, ``type/*`` or ``*/*``; 0 if none)."""
    main = media_type.split("/")[0]
    best, specificity = 0.0, -1
    for part in accept.split(","):
        name, *params = (p.strip() for p in part.split(";"))
        rank = {media_type: 2, f"{main}/*": 1, "*/*": 0}.get(name.lower(), -1)
        if rank > specificity:
            q = next((p[2:] for p in params if p.startswith("q=")), "1")
            best, specificity = float(q) if q.replace(".", "", 1).isdigit() else 0.0, rank
    return best


def wants_html(accept: str) -> bool:
    """HTML only when the client prefers it to JSON (a tie, e.g. ``*/*``, is JSON)."""
    return _quality(accept, "text/html") > _quality(accept, "application/json")


@cache
def _page(version: str) -> str:
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(version=version)


@router.get(
    "/",
    summary="Landing page: HTML for browsers, links as JSON for API clients",
    responses={200: {"content": {"text/html": {}}}},
)
def home(request: Request) -> Any:
    if wants_html(request.headers.get("accept", "")):
        return HTMLResponse(_page(request.app.version), headers=VARY)
    links = [{"rel": r, "href": h, "type": t, "title": title} for r, h, t, title in LINKS]
    body = {"title": "dicm", "version": request.app.version, "links": links}
    body["description"] = "HOW and WHERE contract social value reaches local activities."
    return JSONResponse(body, headers=VARY)
