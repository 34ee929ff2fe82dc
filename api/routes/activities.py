"""Activities: the public map of validated dual-impact activities, and providers' own entries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from api.deps import ReadStoreDep, SettingsDep, StoreDep, ViewerDep
from api.routes._common import (
    CursorQuery,
    GeoJSONResponse,
    LimitQuery,
    OffsetQuery,
    collection,
    page_limit,
    page_links,
)
from api.schemas.activities import (
    ID_PATTERN,
    ActivityCollection,
    ActivityFeature,
    ActivityIn,
    ActivitySearch,
    ActivityUpdate,
    activity_feature,
    collection_text,
)
from api.schemas.common import PROBLEM_RESPONSES
from api.schemas.geojson import to_shape
from api.schemas.spos import AuditOut, Decline, Versioned
from domain.errors import InvalidInput
from domain.model import Activity
from domain.vocabulary import ValidationStatus
from services import directory, validation
from services.directory import Page, SpatialFilter

router = APIRouter(tags=["activities"], responses=PROBLEM_RESPONSES)
IdPath = Annotated[str, Path(pattern=ID_PATTERN)]


def _collection(request: Request, page: Page[Activity]) -> ActivityCollection:
    features = [activity_feature(a, page.distances_m.get(a.id)) for a in page.items]
    result: ActivityCollection = collection(request, page, features, ActivityCollection)
    return result


@router.get("/activities", response_model=ActivityCollection, response_class=GeoJSONResponse)
def list_activities(
    request: Request,
    store: ReadStoreDep,
    viewer: ViewerDep,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
    near: Annotated[str | None, Query(description="lon,lat,radius_m (nearest first)")] = None,
    within: Annotated[
        str | None, Query(max_length=12, description="Territory, local authority or region code")
    ] = None,
    status: Annotated[
        ValidationStatus, Query(description="Other than validated: provider/validator/admin")
    ] = ValidationStatus.VALIDATED,
    provider: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    limit: LimitQuery = None,
    offset: OffsetQuery = 0,
    cursor: CursorQuery = None,
) -> Response:
    """Activities as GeoJSON, filtered by bbox, distance or area; validated ones are public."""
    where = SpatialFilter(
        bbox=directory.parse_bbox(bbox) if bbox else None,
        near=directory.parse_near(near) if near else None,
        within_code=within,
    )
    extra = {} if provider is None else {"provider_id": provider}
    page = directory.search_activities(
        store,
        viewer,
        where,
        status=status,
        limit=page_limit(request, limit),
        offset=offset,
        after=cursor,
        **extra,
    )
    # written as text, here: as a model it would be built and validated per feature (the hot
    # path of ``near`` searches and of paging); the schema is still ``response_model``
    body = collection_text(
        page.items, page.distances_m, matched=page.matched, links=page_links(request, page)
    )
    return Response(body, media_type=GeoJSONResponse.media_type)


@router.post(
    "/activities/search", response_model=ActivityCollection, response_class=GeoJSONResponse
)
def search_activities(
    request: Request, store: ReadStoreDep, viewer: ViewerDep, search: ActivitySearch
) -> ActivityCollection:
    """The same search with a GeoJSON polygon to search ``within``."""
    near = None
    if search.near is not None:
        near = directory.parse_near(",".join(map(str, search.near)))
    where = SpatialFilter(
        bbox=directory.parse_bbox(",".join(map(str, search.bbox))) if search.bbox else None,
        near=near,
        within_code=search.within_code,
        within_area=to_shape(search.within, areal=True) if search.within else None,  # type: ignore[arg-type]
    )
    page = directory.search_activities(
        store,
        viewer,
        where,
        status=search.status,
        limit=page_limit(request, search.limit),
        offset=search.offset,
    )
    result = _collection(request, page)
    # a POST search pages with ``offset`` in the body: GET links to it would not work
    result.links = [link for link in result.links if link.rel == "self"]
    return result


@router.get(
    "/activities/{activity_id}", response_model=ActivityFeature, response_class=GeoJSONResponse
)
def get_activity(activity_id: IdPath, store: StoreDep, viewer: ViewerDep) -> ActivityFeature:
    """One activity (404 when it is not visible to the caller)."""
    return activity_feature(directory.get_activity(store, viewer, activity_id))


@router.post(
    "/activities",
    status_code=201,
    response_model=ActivityFeature,
    response_class=GeoJSONResponse,
)
def create_activity(body: ActivityIn, store: StoreDep, viewer: ViewerDep) -> ActivityFeature:
    """A provider positions its activity; it is pending until a validator decides."""
    return activity_feature(directory.create_activity(store, viewer, body.to_domain()))


@router.put(
    "/activities/{activity_id}", response_model=ActivityFeature, response_class=GeoJSONResponse
)
def update_activity(
    activity_id: IdPath, body: ActivityUpdate, store: StoreDep, viewer: ViewerDep
) -> ActivityFeature:
    """Its provider (or an admin) rewrites or moves an activity, at the version it read (409
    ``stale-version`` otherwise). Changing what or where sends it back to pending validation."""
    if body.id != activity_id:
        raise InvalidInput(f"the body's id {body.id!r} is not the path's {activity_id!r}")
    activity = validation.update_activity(
        store,
        body.to_domain(),
        actor=viewer,
        expected_version=body.expected_version,
        reason=body.reason,
    )
    return activity_feature(activity)


@router.post(
    "/activities/{activity_id}/validate",
    response_model=ActivityFeature,
    response_class=GeoJSONResponse,
)
def validate(
    activity_id: IdPath, body: Versioned, store: StoreDep, settings: SettingsDep, viewer: ViewerDep
) -> ActivityFeature:
    """A validator of the activity's territory validates (or renews) it: "Target!"."""
    activity = validation.validate_activity(
        store,
        activity_id,
        actor=viewer,
        expected_version=body.expected_version,
        settings=settings.services,
        reason=body.reason,
    )
    return activity_feature(activity)


@router.post(
    "/activities/{activity_id}/decline",
    response_model=ActivityFeature,
    response_class=GeoJSONResponse,
)
def decline(
    activity_id: IdPath, body: Decline, store: StoreDep, viewer: ViewerDep
) -> ActivityFeature:
    """A validator declines the activity, with a written reason (kept in the audit log)."""
    activity = validation.decline_activity(
        store,
        activity_id,
        actor=viewer,
        expected_version=body.expected_version,
        reason=body.reason,
    )
    return activity_feature(activity)


@router.get("/activities/{activity_id}/history", response_model=list[AuditOut])
def history(activity_id: IdPath, store: StoreDep, viewer: ViewerDep) -> list[AuditOut]:
    """Every validation decision about the activity, oldest first."""
    return [
        AuditOut.of(e) for e in validation.visible_validation_history(store, viewer, activity_id)
    ]
