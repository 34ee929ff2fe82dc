"""Map pages as HTML: supplier finder, coverage gaps, PCC heatmap and SPO map, plus the static
files (Leaflet from ``make assets``) they load from ``/static``.

A page is for whoever may read the API resource it draws (see ``services.maps``). A browser
cannot easily send an ``Authorization`` header when following a link, so these pages (and only
these) also take the token as ``?token=``. Such a URL is a credential: it lands in access logs
and browser history, so every page is sent with ``Referrer-Policy: no-referrer`` (the token must
not reach a tile server in a Referer) and ``Cache-Control: private, no-store``. A browser without
a (valid) token gets a small HTML 401 page; other clients the API's problem+json.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.auth import page_account
from api.deps import PageTokenDep, RecommendersDep
from api.settings import AppSettings
from domain.model import Account
from maps.assets import STATIC_DIR, STATIC_URL_PREFIX, missing_assets
from services import maps as service
from services.access import NotAuthenticated
from services.settings import ServiceSettings
from store.port import Store

#: sent with every map page: the URL may hold a token, and the page is one account's view
PAGE_HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "private, no-store"}

router = APIRouter(prefix="/maps", tags=["maps"])

PriorityQuery = Annotated[str | None, Query(description="Theme code of a plan priority")]
PeriodQuery = Annotated[str | None, Query(description='Period prefix, e.g. "2027" or "2027-Q2"')]


def mount_static(app: FastAPI) -> None:
    """Serve ``maps/static`` (Leaflet, plugins, Swagger UI, Redoc, dicm's stylesheet) at
    ``/static``, or ``settings.api.static_dir`` when set."""
    static_dir = app.state.settings.api.static_dir or STATIC_DIR
    static_dir.mkdir(parents=True, exist_ok=True)
    app.mount(STATIC_URL_PREFIX, StaticFiles(directory=static_dir), name="static")


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def _unauthenticated_page(exc: NotAuthenticated) -> HTMLResponse:
    return HTMLResponse(
        "<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Sign-in needed</title>"
        f"<h1>401: sign-in needed</h1><p>{escape(str(exc))}.</p>"
        "<p>Open this page with your dicm account token: add <code>?token=YOUR_TOKEN</code> "
        "to its address (or send <code>Authorization: Bearer YOUR_TOKEN</code>). "
        "<code>dicm demo</code> prints working links for the demo accounts.</p></html>",
        status_code=401,
        headers={**PAGE_HEADERS, "WWW-Authenticate": "Bearer"},
    )


def _page(
    request: Request, token: str | None, build: Callable[[Account | None], str]
) -> HTMLResponse:
    """Resolve the page token, build the page for that account, answer HTML. A missing or bad
    token is a 401 HTML page for a browser; every other problem is the API's problem+json."""
    try:
        html = build(page_account(request, token))
    except NotAuthenticated as exc:
        if _wants_html(request):
            return _unauthenticated_page(exc)
        raise
    if missing_assets(request.app.state.settings.api.static_dir or STATIC_DIR):
        return HTMLResponse(
            "<!DOCTYPE html><title>Map assets missing</title>"
            "<p>The map assets are not installed: run <code>make assets</code>.</p>",
            status_code=503,
        )
    return HTMLResponse(html, headers=PAGE_HEADERS)


def _ctx(request: Request) -> tuple[Store, ServiceSettings]:
    settings: AppSettings = request.app.state.settings
    return request.app.state.store, settings.services


@router.get("/supplier/{supplier_id}", response_class=HTMLResponse)
def supplier_page(
    request: Request,
    supplier_id: str,
    token: PageTokenDep,
    recommenders: RecommendersDep,
    need: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Za-z0-9_-]{1,64}$",
            description="Imported need indicator to weigh (default: the latest imported)",
        ),
    ] = None,
) -> HTMLResponse:
    """Recommended activities around a supplier's sites, ranked, with HOW & WHERE popups.
    For the supplier's own accounts, buyers and admins (as ``/suppliers/{id}/matches``, and
    ranked by the same recommender)."""
    store, settings = _ctx(request)
    return _page(
        request,
        token,
        lambda viewer: service.supplier_page(
            store, settings, supplier_id, cache=recommenders, viewer=viewer, need=need
        ),
    )


@router.get("/coverage", response_class=HTMLResponse)
def coverage_page(
    request: Request,
    territory: Annotated[str, Query()],
    token: PageTokenDep,
    priority: PriorityQuery = None,
    need: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$",
            description="Id of an imported need indicator (`dicm import indicator`)",
        ),
    ] = None,
    period: PeriodQuery = None,
) -> HTMLResponse:
    """Local authorities of a territory shaded by the gap between need and provision. For the
    territory's PCC office, its buyers and admins (as ``/territories/{code}/coverage``)."""
    store, settings = _ctx(request)
    return _page(
        request,
        token,
        lambda viewer: service.coverage_page(
            store, settings, territory, priority=priority, need=need, period=period, viewer=viewer
        ),
    )


@router.get("/heatmap/{territory_code}", response_class=HTMLResponse)
def heatmap_page(
    request: Request,
    territory_code: str,
    token: PageTokenDep,
    priority: PriorityQuery = None,
    period: PeriodQuery = None,
) -> HTMLResponse:
    """H3 hexagons of committed / delivered social value and activity density. For the
    territory's PCC office, its buyers and admins (as ``/territories/{code}/heatmap``)."""
    store, settings = _ctx(request)
    return _page(
        request,
        token,
        lambda viewer: service.heatmap_page(
            store, settings, territory_code, priority=priority, period=period, viewer=viewer
        ),
    )


@router.get("/spo/{spo_id}", response_class=HTMLResponse)
def spo_page(request: Request, spo_id: str, token: PageTokenDep) -> HTMLResponse:
    """Lines from the supplier's sites to the activities its SPO supports, with amounts.
    Public once the SPO is formalised in a contract; before that, for its parties only."""
    store, settings = _ctx(request)
    return _page(
        request, token, lambda viewer: service.spo_page(store, settings, spo_id, viewer=viewer)
    )
