"""The PCC office pages (``/app/pcc/...``): the dashboard of committed and delivered £ by plan
priority against the plan, by local authority and by period, the H3 heatmap, avoided-cost
ranges, the drill-down from a hexagon or an area to the SPOs behind it, and the CSV export.

Priority and period are query-string fields (a view can be linked); the filter form refreshes
the dashboard by htmx and works as a plain GET without script. The drill-down loads into the
panel beside the map by htmx and is a page of its own without script."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from domain.model import Account
from domain.vocabulary import Role
from services.pages import pcc as pages
from store.port import Store
from web.session import require_role
from web.templating import PAGE_HEADERS, render

router = APIRouter(prefix="/app/pcc", include_in_schema=False)

PccUser = Annotated[Account, Depends(require_role(Role.PCC_OFFICE))]
PriorityQuery = Annotated[str | None, Query(max_length=64)]
PeriodQuery = Annotated[str | None, Query(max_length=7)]
TerritoryQuery = Annotated[str | None, Query(max_length=12, pattern=r"^[A-Z0-9]+$")]
CellQuery = Annotated[str | None, Query(max_length=20)]
AreaQuery = Annotated[str | None, Query(max_length=12)]


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _blank(value: str | None) -> str | None:
    """An empty select ("All priorities", "All periods") means no filter."""
    return value or None


@router.get("", response_class=HTMLResponse)
def dashboard(
    request: Request,
    user: PccUser,
    priority: PriorityQuery = None,
    period: PeriodQuery = None,
    territory: TerritoryQuery = None,
) -> HTMLResponse:
    """The dashboard for my territory and the chosen priority and period."""
    board = pages.dashboard(
        _store(request),
        user,
        territory,
        priority=_blank(priority),
        period=_blank(period),
        today=date.today(),
    )
    return render(request, "pcc/dashboard.html", {"board": board}, user=user)


@router.get("/drill", response_class=HTMLResponse)
def drill(
    request: Request,
    user: PccUser,
    cell: CellQuery = None,
    area: AreaQuery = None,
    priority: PriorityQuery = None,
    period: PeriodQuery = None,
    territory: TerritoryQuery = None,
) -> HTMLResponse:
    """The SPOs behind one hexagon or local authority (a panel for htmx, else a page)."""
    found = pages.drill_down(
        _store(request),
        user,
        territory,
        cell=_blank(cell),
        area=_blank(area),
        priority=_blank(priority),
        period=_blank(period),
        today=date.today(),
    )
    partial = request.headers.get("HX-Request") == "true"
    name = "pcc/_drill.html" if partial else "pcc/drill.html"
    return render(request, name, {"drill": found}, user=user)


@router.get("/export.csv")
def export(
    request: Request,
    user: PccUser,
    priority: PriorityQuery = None,
    period: PeriodQuery = None,
    territory: TerritoryQuery = None,
) -> Response:
    """The territory's social value report for the selection, as CSV."""
    name, text = pages.export_csv(
        _store(request), user, territory, priority=_blank(priority), period=_blank(period)
    )
    headers = {**PAGE_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)
