"""The social value (ESG) report and avoided-cost estimates: each route one service call."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, Response

from api.deps import StoreDep, ViewerDep
from api.routes._common import GEOJSON
from api.schemas.activities import ID_PATTERN
from api.schemas.common import PROBLEM_RESPONSES
from services.spo import reports as service

router = APIRouter(tags=["reports"], responses=PROBLEM_RESPONSES)
PeriodQuery = Annotated[
    str | None, Query(max_length=7, description="A year (2026) or quarter (2026-Q4)")
]
PriorityQuery = Annotated[str | None, Query(max_length=64, description="A theme code")]
MEDIA = {"csv": "text/csv; charset=utf-8", "geojson": GEOJSON, "json": "application/json"}


REPORT_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report as JSON, CSV or GeoJSON (``format``)",
        "content": {"application/json": {}, "text/csv": {}, GEOJSON: {}},
    }
}


@router.get("/reports/social-value", responses=REPORT_DOC)
def social_value(
    store: StoreDep,
    viewer: ViewerDep,
    buyer: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    territory: Annotated[str | None, Query(max_length=12)] = None,
    period: PeriodQuery = None,
    priority: PriorityQuery = None,
    format: Literal["json", "csv", "geojson"] = "json",
) -> Response:
    """Formalised SPOs only: every support type in its unit and in £ (with the proxy's source,
    year and confidence), committed vs delivered, ONS codes, and the secondary impact as
    low–high avoided fiscal and social cost with each unit cost's source and year."""
    report = service.social_value_report(
        store, viewer, buyer_id=buyer, territory_code=territory, period=period, priority=priority
    )
    body = service.render_report(report, format)
    if isinstance(body, str):
        return Response(body, media_type=MEDIA[format])
    return JSONResponse(body, media_type=MEDIA[format])


@router.get("/spos/{spo_id}/avoided-costs")
def spo_avoided_costs(
    spo_id: Annotated[str, Path(pattern=ID_PATTERN)], store: StoreDep, viewer: ViewerDep
) -> dict[str, Any]:
    """Indicative avoided costs per year of the activities the SPO supports, as ranges."""
    return service.spo_avoided_costs(store, viewer, spo_id)


@router.get("/territories/{code}/avoided-costs")
def territory_avoided_costs(
    code: Annotated[str, Path(max_length=12)],
    store: StoreDep,
    viewer: ViewerDep,
    period: PeriodQuery = None,
    priority: PriorityQuery = None,
) -> dict[str, Any]:
    """Indicative avoided costs per year of the activities formalised SPOs support here."""
    return service.territory_avoided_costs(store, viewer, code, period=period, priority=priority)
