"""Coverage gaps and heatmaps for a territory: PCC offices (own territory), buyers, admins."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from api.deps import StoreDep, ViewerDep
from api.routes._common import GeoJSONResponse
from api.schemas.analytics import AggregateCollection, aggregate_collection
from api.schemas.common import PROBLEM_RESPONSES
from services import analytics

router = APIRouter(tags=["analytics"], responses=PROBLEM_RESPONSES)
CodePath = Annotated[str, Path(max_length=12, description="Territory ONS code")]
GeometryQuery = Annotated[bool, Query(description="Include area geometry")]
PriorityQuery = Annotated[
    str | None, Query(max_length=64, description="A plan priority theme code, or all")
]
PeriodQuery = Annotated[
    str | None, Query(max_length=7, description="A year (2026) or quarter (2026-Q4)")
]


@router.get(
    "/territories/{code}/coverage",
    response_model=AggregateCollection,
    response_class=GeoJSONResponse,
)
def coverage(
    code: CodePath,
    store: StoreDep,
    viewer: ViewerDep,
    geometry: GeometryQuery = True,
    priority: PriorityQuery = None,
    period: PeriodQuery = None,
) -> AggregateCollection:
    """Local authorities of the territory, gaps (no activity or no committed value) first;
    unknown ``priority`` or ``period`` is a 422, an empty result says so in ``message``."""
    found = analytics.coverage_gaps(store, viewer, code, priority=priority, period=period)
    return aggregate_collection(found, level="la", geometry=geometry)


@router.get(
    "/territories/{code}/heatmap",
    response_model=AggregateCollection,
    response_class=GeoJSONResponse,
)
def heatmap(
    code: CodePath,
    store: StoreDep,
    viewer: ViewerDep,
    level: Annotated[Literal["la", "h3"], Query(description="Aggregate by LA or H3 cell")] = "la",
    resolution: Annotated[int, Query(ge=0, le=12, description="H3 resolution")] = 7,
    geometry: GeometryQuery = True,
    priority: PriorityQuery = None,
    period: PeriodQuery = None,
) -> AggregateCollection:
    """Activity counts and committed / delivered value (GBP) per area of the territory."""
    found = analytics.aggregate(
        store, viewer, code, level=level, resolution=resolution, priority=priority, period=period
    )
    return aggregate_collection(found, level=level, geometry=geometry)
