"""Coverage gaps and heatmaps for a territory (PCC offices of their own, buyers, admins) and
for the UK by territory, region or as a whole (national buyers, admins)."""

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


NationalLevelQuery = Annotated[
    Literal["territory", "region", "uk"],
    Query(description="One row per territory, per region, or the UK as one row (K02000001)"),
]


@router.get("/coverage", response_model=AggregateCollection, response_class=GeoJSONResponse)
def national_coverage(
    store: StoreDep,
    viewer: ViewerDep,
    level: NationalLevelQuery = "region",
    geometry: GeometryQuery = True,
    priority: PriorityQuery = None,
    period: PeriodQuery = None,
) -> AggregateCollection:
    """The UK for national buyers (a buyer tied to no territory) and admins: regions (or
    territories) with gaps first; the regions add up to the UK total."""
    found = analytics.national_coverage(
        store, viewer, level=level, priority=priority, period=period
    )
    return aggregate_collection(found, level=level, geometry=geometry)


@router.get("/heatmap", response_model=AggregateCollection, response_class=GeoJSONResponse)
def national_heatmap(
    store: StoreDep,
    viewer: ViewerDep,
    level: NationalLevelQuery = "region",
    geometry: GeometryQuery = True,
    priority: PriorityQuery = None,
    period: PeriodQuery = None,
) -> AggregateCollection:
    """Activity counts and committed / delivered value (GBP) per region, per territory or for
    the whole UK, for national buyers and admins."""
    found = analytics.national_aggregate(
        store, viewer, level=level, priority=priority, period=period
    )
    return aggregate_collection(found, level=level, geometry=geometry)
