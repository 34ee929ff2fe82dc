"""Regions, territories (with the current Police & Crime Plan) and local authorities: public."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from api.deps import ReadStoreDep, StoreDep, ViewerDep
from api.routes._common import (
    CursorQuery,
    GeoJSONResponse,
    LimitQuery,
    OffsetQuery,
    collection,
    page_limit,
)
from api.routes._conditional import ConditionalDep
from api.schemas.common import PROBLEM_RESPONSES
from api.schemas.geography import (
    LocalAuthorityCollection,
    LocalAuthorityFeature,
    PlanOut,
    RegionCollection,
    RegionFeature,
    SmallAreaFeature,
    TerritoryCollection,
    TerritoryFeature,
    local_authority_feature,
    plan_out,
    region_feature,
    small_area_feature,
    territory_feature,
)
from api.schemas.plans import PlanIn
from domain.model import LocalAuthority, Region, Territory
from geo.simplify import MAX_TOLERANCE_M
from services import directory, plans

router = APIRouter(tags=["geography"], responses=PROBLEM_RESPONSES)
CodePath = Annotated[str, Path(max_length=12, description="ONS code, e.g. E23000001")]
GeometryQuery = Annotated[bool, Query(description="Include boundary geometry")]
SimplifyQuery = Annotated[
    float, Query(ge=0, le=MAX_TOLERANCE_M, description="Simplify boundaries by METRES (valid)")
]
#: lists simplify by this many metres unless asked otherwise (``simplify=0``: full geometry), so
#: a public list of every boundary stays a few MB instead of over 20; one feature is full
LIST_SIMPLIFY_M = 100.0
ListSimplifyQuery = Annotated[
    float,
    Query(
        ge=0,
        le=MAX_TOLERANCE_M,
        description=f"Simplify boundaries by METRES (valid); default {LIST_SIMPLIFY_M:g} m on "
        "lists, 0 for full geometry",
    ),
]


@router.get("/regions", response_model=RegionCollection, response_class=GeoJSONResponse)
def list_regions(
    request: Request,
    store: ReadStoreDep,
    cond: ConditionalDep,
    limit: LimitQuery = None,
    offset: OffsetQuery = 0,
    cursor: CursorQuery = None,
    geometry: GeometryQuery = True,
    simplify: ListSimplifyQuery = LIST_SIMPLIFY_M,
) -> RegionCollection | Response:
    """The 12 UK regions (ITL1)."""
    if cond.fresh:
        return cond.not_modified()
    page = directory.list_all(store, Region, page_limit(request, limit), offset, after=cursor)
    features = [region_feature(r, geometry=geometry, simplify_m=simplify) for r in page.items]
    result: RegionCollection = collection(request, page, features, RegionCollection)
    return result


@router.get("/regions/{code}", response_model=RegionFeature, response_class=GeoJSONResponse)
def get_region(
    code: CodePath, store: ReadStoreDep, cond: ConditionalDep, simplify: SimplifyQuery = 0
) -> RegionFeature | Response:
    """One region by ITL1 code (``TLJ``) or ONS region/country code (``E12000008``)."""
    if cond.fresh:
        return cond.not_modified()
    return region_feature(directory.get_region(store, code), simplify_m=simplify)


@router.get("/territories", response_model=TerritoryCollection, response_class=GeoJSONResponse)
def list_territories(
    request: Request,
    store: ReadStoreDep,
    cond: ConditionalDep,
    limit: LimitQuery = None,
    offset: OffsetQuery = 0,
    cursor: CursorQuery = None,
    geometry: GeometryQuery = True,
    simplify: ListSimplifyQuery = LIST_SIMPLIFY_M,
) -> TerritoryCollection | Response:
    """The 45 police territories (43 force areas, Police Scotland, PSNI)."""
    if cond.fresh:
        return cond.not_modified()
    page = directory.list_all(store, Territory, page_limit(request, limit), offset, after=cursor)
    features = [territory_feature(t, geometry=geometry, simplify_m=simplify) for t in page.items]
    result: TerritoryCollection = collection(request, page, features, TerritoryCollection)
    return result


@router.get("/territories/{code}", response_model=TerritoryFeature, response_class=GeoJSONResponse)
def get_territory(
    code: CodePath,
    store: ReadStoreDep,
    cond: ConditionalDep,
    geometry: GeometryQuery = True,
    simplify: SimplifyQuery = 0,
) -> TerritoryFeature | Response:
    """A territory with its current Police & Crime Plan priorities."""
    if cond.fresh:
        return cond.not_modified()
    territory, plan = directory.get_territory(store, code)
    return territory_feature(territory, plan, geometry=geometry, simplify_m=simplify)


@router.post("/territories/{code}/plans", status_code=201, response_model=PlanOut)
def publish_plan(code: CodePath, body: PlanIn, store: StoreDep, viewer: ViewerDep) -> PlanOut:
    """The territory's PCC office (or an admin) publishes a new version of its Police & Crime
    Plan; earlier versions stay, and SPOs scored with them keep them."""
    plan = plans.publish_plan(store, viewer, code, body.to_draft())
    out = plan_out(plan)
    assert out is not None
    return out


@router.get(
    "/local-authorities",
    response_model=LocalAuthorityCollection,
    response_class=GeoJSONResponse,
)
def list_local_authorities(
    request: Request,
    store: ReadStoreDep,
    cond: ConditionalDep,
    limit: LimitQuery = None,
    offset: OffsetQuery = 0,
    cursor: CursorQuery = None,
    territory: Annotated[str | None, Query(max_length=12, description="Territory code")] = None,
    geometry: GeometryQuery = True,
    simplify: ListSimplifyQuery = LIST_SIMPLIFY_M,
) -> LocalAuthorityCollection | Response:
    """Local authority districts, optionally those of one territory."""
    if cond.fresh:
        return cond.not_modified()
    filters = {} if territory is None else {"territory_code": territory}
    if territory is not None:
        directory.resolve_area(store, territory)
    page = directory.list_all(
        store, LocalAuthority, page_limit(request, limit), offset, after=cursor, **filters
    )
    features = [
        local_authority_feature(la, geometry=geometry, simplify_m=simplify) for la in page.items
    ]
    result: LocalAuthorityCollection = collection(request, page, features, LocalAuthorityCollection)
    return result


@router.get(
    "/local-authorities/{code}",
    response_model=LocalAuthorityFeature,
    response_class=GeoJSONResponse,
)
def get_local_authority(
    code: CodePath, store: ReadStoreDep, cond: ConditionalDep, simplify: SimplifyQuery = 0
) -> LocalAuthorityFeature | Response:
    """One local authority district by ONS code (an abolished code answers with today's)."""
    if cond.fresh:
        return cond.not_modified()
    return local_authority_feature(directory.get_local_authority(store, code), simplify_m=simplify)


@router.get("/small-areas/{code}", response_model=SmallAreaFeature, response_class=GeoJSONResponse)
def get_small_area(
    code: CodePath, store: StoreDep, cond: ConditionalDep, simplify: SimplifyQuery = 0
) -> SmallAreaFeature | Response:
    """One community safety partnership (E22/W14) or LSOA (E01/W01) by ONS code, as
    ``dicm boundaries import --level csp|lsoa`` stored it."""
    if cond.fresh:
        return cond.not_modified()
    return small_area_feature(directory.get_small_area(store, code), simplify_m=simplify)
