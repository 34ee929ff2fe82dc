"""Map pages as HTML: supplier finder, coverage gaps, PCC heatmap and SPO map, plus the static
files (Leaflet from ``make assets``) they load from ``/static``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.deps import ViewerDep
from api.services import maps as service
from maps.assets import STATIC_DIR, STATIC_URL_PREFIX, missing_assets

router = APIRouter(prefix="/maps", tags=["maps"])

PriorityQuery = Annotated[str | None, Query(description="Theme code of a plan priority")]
PeriodQuery = Annotated[str | None, Query(description='Period prefix, e.g. "2027" or "2027-Q2"')]


def mount_static(app: FastAPI) -> None:
    """Serve ``maps/static`` (Leaflet, plugins, dicm's stylesheet) at ``/static``."""
    STATIC_DIR.mkdir(parents=True, exist_ok=True)
    app.mount(STATIC_URL_PREFIX, StaticFiles(directory=STATIC_DIR), name="static")


def _page(html: str) -> HTMLResponse:
    if missing_assets():
        return HTMLResponse(
            "<!DOCTYPE html><title>Map assets missing</title>"
            "<p>The map assets are not installed: run <code>make assets</code>.</p>",
            status_code=503,
        )
    return HTMLResponse(html)


def _ctx(request: Request) -> tuple[Any, Any]:
    return request.app.state.store, request.app.state.settings


@router.get("/supplier/{supplier_id}", response_class=HTMLResponse)
def supplier_page(request: Request, supplier_id: str) -> HTMLResponse:
    """Recommended activities around a supplier's sites, ranked, with HOW & WHERE popups."""
    store, settings = _ctx(request)
    return _page(service.supplier_page(store, settings, supplier_id))


@router.get("/coverage", response_class=HTMLResponse)
def coverage_page(
    request: Request,
    territory: Annotated[str, Query()],
    priority: PriorityQuery = None,
    need: Annotated[str | None, Query(description="Imported need indicator name")] = None,
) -> HTMLResponse:
    """Local authorities of a territory shaded by the gap between need and provision."""
    store, settings = _ctx(request)
    html = service.coverage_page(store, settings, territory, priority=priority, need=need)
    return _page(html)


@router.get("/heatmap/{territory_code}", response_class=HTMLResponse)
def heatmap_page(
    request: Request,
    territory_code: str,
    priority: PriorityQuery = None,
    period: PeriodQuery = None,
) -> HTMLResponse:
    """H3 hexagons of committed / delivered social value and activity density."""
    store, settings = _ctx(request)
    html = service.heatmap_page(store, settings, territory_code, priority=priority, period=period)
    return _page(html)


@router.get("/spo/{spo_id}", response_class=HTMLResponse)
def spo_page(request: Request, spo_id: str, viewer: ViewerDep) -> HTMLResponse:
    """Lines from the supplier's sites to the activities its SPO supports, with amounts.
    Public once the SPO is formalised in a contract; before that, for its parties only."""
    store, settings = _ctx(request)
    return _page(service.spo_page(store, settings, spo_id, viewer=viewer))
