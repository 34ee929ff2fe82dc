"""Map pages as HTML: supplier finder, coverage gaps, PCC heatmap and SPO map, plus the static
files (Leaflet from ``make assets``) they load from ``/static``.

A page is for whoever may read the API resource it draws (see ``services.maps``). A browser is
who the web session's signed cookie says (sign in at ``/app/sign-in``); a program sends
``Authorization: Bearer``. A token in the address (``?token=``) is refused with a readable page
(problem+json for programs) and never signs anyone in: an address lands in access logs, browser
history and shared links. A browser nobody is signed in to is sent to the sign-in page, which
brings it back here. Every page is sent with ``Referrer-Policy: no-referrer`` and
``Cache-Control: private, no-store``: it is one account's view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from api.auth import page_account
from api.deps import PageBearerDep, RecommendersDep
from api.settings import AppSettings
from domain.model import Account
from maps.assets import STATIC_DIR, STATIC_URL_PREFIX, missing_assets
from services import maps as service
from services.access import NotAuthenticated, TokenInAddress
from services.settings import ServiceSettings
from store.port import Store
from web.errors import error_page, sign_in_redirect

#: sent with every map page: it is one account's view (never cached, never in a Referer)
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


def _page(request: Request, bearer: str | None, build: Callable[[Account | None], str]) -> Response:
    """Find who asks (bearer token or session), build the page for that account, answer HTML.
    For a browser, a token in the address is a readable 400 page and a missing sign-in a
    redirect to the sign-in page; every other problem is the API's problem+json."""
    try:
        html = build(page_account(request, bearer))
    except TokenInAddress as exc:
        if _wants_html(request):
            refused = error_page(request, 400, str(exc))
            refused.headers.update(PAGE_HEADERS)
            return refused
        raise
    except NotAuthenticated:
        if _wants_html(request):
            return sign_in_redirect(request)
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
    bearer: PageBearerDep,
    recommenders: RecommendersDep,
    need: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Za-z0-9_-]{1,64}$",
            description="Imported need indicator to weigh (default: the latest imported)",
        ),
    ] = None,
) -> Response:
    """Recommended activities around a supplier's sites, ranked, with HOW & WHERE popups.
    For the supplier's own accounts, buyers and admins (as ``/suppliers/{id}/matches``, and
    ranked by the same recommender)."""
    store, settings = _ctx(request)
    return _page(
        request,
        bearer,
        lambda viewer: service.supplier_page(
            store, settings, supplier_id, cache=recommenders, viewer=viewer, need=need
        ),
    )


@router.get("/coverage", response_class=HTMLResponse)
def coverage_page(
    request: Request,
    territory: Annotated[str, Query()],
    bearer: PageBearerDep,
    priority: PriorityQuery = None,
    need: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$",
            description="Id of an imported need indicator (`dicm import indicator`)",
        ),
    ] = None,
    period: PeriodQuery = None,
) -> Response:
    """Local authorities of a territory shaded by the gap between need and provision. For the
    territory's PCC office, its buyers and admins (as ``/territories/{code}/coverage``)."""
    store, settings = _ctx(request)
    return _page(
        request,
        bearer,
        lambda viewer: service.coverage_page(
            store, settings, territory, priority=priority, need=need, period=period, viewer=viewer
        ),
    )


@router.get("/heatmap/{territory_code}", response_class=HTMLResponse)
def heatmap_page(
    request: Request,
    territory_code: str,
    bearer: PageBearerDep,
    priority: PriorityQuery = None,
    period: PeriodQuery = None,
) -> Response:
    """H3 hexagons of committed / delivered social value and activity density. For the
    territory's PCC office, its buyers and admins (as ``/territories/{code}/heatmap``)."""
    store, settings = _ctx(request)
    return _page(
        request,
        bearer,
        lambda viewer: service.heatmap_page(
            store, settings, territory_code, priority=priority, period=period, viewer=viewer
        ),
    )


@router.get("/spo/{spo_id}", response_class=HTMLResponse)
def spo_page(request: Request, spo_id: str, bearer: PageBearerDep) -> Response:
    """Lines from the supplier's sites to the activities its SPO supports, with amounts.
    Public once the SPO is formalised in a contract; before that, for its parties only."""
    store, settings = _ctx(request)
    return _page(
        request, bearer, lambda viewer: service.spo_page(store, settings, spo_id, viewer=viewer)
    )
