"""The directory use cases: read and create geography, organisations, activities and tenders,
and the spatial activity search (bbox, near, within) with paging. FastAPI-free.

Visibility is decided here once for the HTTP API and the CLI: validated activities are public;
pending or declined ones are seen by their provider, the validators of their territory and admins.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Generic, TypeVar

from shapely.geometry import box

from boundaries.succession import current_lad_code
from boundaries.tables import region_codes
from domain.errors import InvalidInput, NotFound
from domain.model import (
    Account,
    Activity,
    Area,
    Buyer,
    LocalAuthority,
    PolicePlan,
    Provider,
    Region,
    SmallArea,
    Supplier,
    Tender,
    Territory,
)
from domain.vocabulary import Role, ValidationStatus
from geo.coords import check_lon_lat
from geo.coords import parse_bbox as geo_parse_bbox
from geo.errors import InvalidCoordinates
from services.access import can_see_activity, narrowed, require_own_organisation, require_role
from services.land import check_entity_on_land
from services.paging import after_cursor
from services.tenders import check_tender
from store.codec_rows import entity_key
from store.port import Store

T = TypeVar("T")
MAX_RADIUS_M = 200_000.0
#: how many candidates a combined spatial filter considers at most
MAX_SPATIAL_CANDIDATES = 50_000


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing. ``matched`` is None when counting all would cost a full scan.

    ``next_cursor`` is the id the next page starts after (keyset paging, for listings in id
    order); None when there is no next page or the listing pages by ``offset`` (nearest first).
    """

    items: list[T]
    offset: int
    limit: int
    matched: int | None
    has_next: bool
    distances_m: dict[str, float] = field(default_factory=dict)
    next_cursor: str | None = None


@dataclass(frozen=True)
class SpatialFilter:
    """Where to look: any combination of a bbox, a circle and an area (code or polygon)."""

    bbox: tuple[float, float, float, float] | None = None
    near: tuple[float, float, float] | None = None  # lon, lat, radius_m
    within_code: str | None = None
    within_area: Area | None = None

    @property
    def is_empty(self) -> bool:
        return (self.bbox, self.near, self.within_code, self.within_area) == (None,) * 4


# --- parsing of query strings (shared with the CLI) -------------------------------------------


def _floats(text: str, n: int, what: str) -> list[float]:
    parts = text.split(",")
    if len(parts) != n:
        raise InvalidCoordinates(f"{what} needs {n} comma-separated numbers, got {text!r}")
    try:
        values = [float(p) for p in parts]
    except ValueError as exc:
        raise InvalidCoordinates(f"{what} must be numbers, got {text!r}") from exc
    if not all(math.isfinite(v) for v in values):
        raise InvalidCoordinates(f"{what} must be finite numbers")
    return values


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``minlon,minlat,maxlon,maxlat`` -> a checked UK bounding box."""
    lon_min, lat_min, lon_max, lat_max = geo_parse_bbox(text)
    check_lon_lat(lon_min, lat_min)
    check_lon_lat(lon_max, lat_max)
    return lon_min, lat_min, lon_max, lat_max


def parse_near(text: str) -> tuple[float, float, float]:
    """``lon,lat,radius_m`` -> a checked UK point and a radius in (0, 200 km]."""
    lon, lat, radius_m = _floats(text, 3, "near")
    check_radius(radius_m)
    lon, lat = check_lon_lat(lon, lat)
    return lon, lat, radius_m


def check_radius(radius_m: float) -> float:
    """A search radius must be positive and at most 200 km."""
    if not 0 < radius_m <= MAX_RADIUS_M:
        raise InvalidInput(f"radius_m must be above 0 and at most {MAX_RADIUS_M:.0f}")
    return radius_m


def clamp_limit(limit: int, page_size_max: int) -> int:
    """Limits above the configured maximum are served as the maximum (OGC API habit)."""
    return max(1, min(limit, page_size_max))


# --- geography --------------------------------------------------------------------------------


def list_all(
    store: Store,
    kind: type[T],
    limit: int,
    offset: int,
    *,
    after: str | None = None,
    **filters: str,
) -> Page[T]:
    """A page of any entity kind in id order, past the id ``after`` (keyset) and/or ``offset``
    rows, with the count of all that match (a count, no sort) and the next page's cursor."""
    items = store.find(kind, limit=limit + 1, offset=offset, after=after, **filters)  # type: ignore[type-var]
    matched = store.count(kind, **filters)  # type: ignore[arg-type]
    return keyset_page(items[:limit], offset, limit, matched, has_next=len(items) > limit)


def keyset_page(
    items: list[T], offset: int, limit: int, matched: int | None, *, has_next: bool
) -> Page[T]:
    """A page in id order whose next page starts after its last item."""
    cursor = entity_key(items[-1]) if has_next and items else None
    return Page(items, offset, limit, matched, has_next, next_cursor=cursor)


def get_territory(store: Store, code: str) -> tuple[Territory, PolicePlan | None]:
    """A territory with its current Police & Crime Plan (None when it has none yet)."""
    territory = store.get(Territory, code)
    return territory, store.current_plan(territory.code)


def get_region(store: Store, code: str) -> Region:
    """A region by ITL1 code (``TLJ``) or ONS region / country code (``E12000008``), whichever
    of the two it is stored under."""
    for candidate in dict.fromkeys(region_codes(code)):
        try:
            return store.get(Region, candidate)
        except NotFound:
            continue
    raise NotFound(f"no region with code {code!r} (ITL1 TLC-TLN or ONS E12/W92/S92/N92)")


def get_small_area(store: Store, code: str) -> SmallArea:
    """A stored community safety partnership or LSOA by its ONS code."""
    try:
        return store.get(SmallArea, code)
    except NotFound:
        raise NotFound(
            f"no CSP or LSOA with code {code!r}: import them with "
            "dicm boundaries import FILE --level csp|lsoa"
        ) from None


def get_local_authority(store: Store, code: str) -> LocalAuthority:
    """A local authority by today's code, or by an abolished one (``E07000004`` Aylesbury Vale
    answers with its successor, Buckinghamshire ``E06000060``)."""
    try:
        return store.get(LocalAuthority, code)
    except NotFound:
        if current_lad_code(code) == code:
            replaced = store.area_history("lad", code)
            if replaced:  # no successor fact, but an import retired it: say when and which
                r = replaced[0]
                raise NotFound(
                    f"local authority {code} {r.name} was replaced on {r.valid_to.isoformat()} "
                    f"by the import of {r.replaced_by_import}; it is not in that file"
                ) from None
            raise
        return store.get(LocalAuthority, current_lad_code(code))


def resolve_area(store: Store, code: str) -> Territory | LocalAuthority | Region:
    """The territory, local authority or region with ONS ``code``; ``NotFound`` otherwise."""
    getters: tuple[Callable[[Store, str], Territory | LocalAuthority | Region], ...] = (
        lambda s, c: s.get(Territory, c),
        get_local_authority,
        get_region,
    )
    for get in getters:
        try:
            return get(store, code)
        except NotFound:
            continue
    raise NotFound(f"unknown ONS code {code!r}: no territory, local authority or region")


# --- activities -------------------------------------------------------------------------------


def activity_filters(viewer: Account | None, status: ValidationStatus) -> dict[str, str]:
    """Equality filters that keep a listing inside what ``viewer`` may see."""
    filters = {"validation_status": status.value}
    if status is ValidationStatus.VALIDATED:
        return filters
    actor = require_role(viewer, Role.PROVIDER, Role.VALIDATOR)
    if actor.role is Role.PROVIDER:
        filters["provider_id"] = str(actor.organisation_id)
    elif actor.role is Role.VALIDATOR:
        filters["territory_code"] = str(actor.territory_code)
    return filters


def get_activity(store: Store, viewer: Account | None, id_: str) -> Activity:
    """One activity, or ``NotFound`` when absent or not visible to ``viewer``."""
    activity = store.get(Activity, id_)
    if not can_see_activity(viewer, activity):
        raise NotFound(f"no activity {id_!r}")
    return activity


def search_activities(
    store: Store,
    viewer: Account | None,
    where: SpatialFilter,
    *,
    status: ValidationStatus = ValidationStatus.VALIDATED,
    limit: int = 100,
    offset: int = 0,
    after: str | None = None,
    **extra: str,
) -> Page[Activity]:
    """Activities visible to ``viewer`` matching ``where`` and equality ``extra`` filters.

    Near-searches are ordered by distance (then id) and page by ``offset``; everything else is
    in id order and pages by keyset (``after`` the previous page's last id) or ``offset``.
    """
    filters = narrowed(activity_filters(viewer, status), extra)
    if filters is None:
        return Page([], offset, limit, 0, False)
    only_near = (where.bbox, where.within_code, where.within_area) == (None,) * 3
    if where.near is not None and after is not None:
        raise InvalidInput("a search with near is ordered by distance: page it with offset")
    if where.is_empty:
        return list_all(store, Activity, limit, offset, after=after, **filters)
    if where.within_code is not None:
        resolve_area(store, where.within_code)
    if where.near is not None and only_near:
        return _near_page(store, where.near, filters, limit, offset)
    return _filtered_page(store, where, filters, limit, offset, after)


def _matches(filters: dict[str, str]) -> Callable[[Activity], bool]:
    def keep(activity: Activity) -> bool:
        return all(str(getattr(activity, k)) == v for k, v in filters.items())

    return keep


def _near_page(
    store: Store,
    near: tuple[float, float, float],
    filters: dict[str, str],
    limit: int,
    offset: int,
) -> Page[Activity]:
    lon, lat, radius_m = near
    wanted = offset + limit + 1
    keep = _matches(filters)
    k = wanted
    while True:
        found = store.nearest_activities(lon, lat, radius_m=radius_m, k=k)
        kept = [n for n in found if keep(n.activity)]
        if len(kept) >= wanted or len(found) < k or k >= MAX_SPATIAL_CANDIDATES:
            break
        k *= 4
    window = kept[offset : offset + limit]
    has_next = len(kept) > offset + limit
    matched = None if has_next else len(kept)
    distances = {n.activity.id: n.distance_m for n in window}
    return Page([n.activity for n in window], offset, limit, matched, has_next, distances)


def _filtered_page(
    store: Store,
    where: SpatialFilter,
    filters: dict[str, str],
    limit: int,
    offset: int,
    after: str | None,
) -> Page[Activity]:
    candidates: list[Activity] | None = None
    if where.within_code is not None:
        candidates = store.activities_in_area(where.within_code)
    for area in (where.within_area, box(*where.bbox) if where.bbox else None):
        if area is None:
            continue
        if candidates is None:
            candidates = store.activities_within(area)
        else:
            candidates = [a for a in candidates if area.covers(a.location)]
    assert candidates is not None
    keep = _matches(filters)
    distances: dict[str, float] = {}
    if where.near is not None:
        lon, lat, radius_m = where.near
        ids = {a.id for a in candidates}
        nearby = store.nearest_activities(lon, lat, radius_m=radius_m, k=MAX_SPATIAL_CANDIDATES)
        distances = {n.activity.id: n.distance_m for n in nearby if n.activity.id in ids}
        candidates = [n.activity for n in nearby if n.activity.id in ids]
    kept = [a for a in candidates if keep(a)]
    rest = after_cursor(kept, [a.id for a in kept], after)
    window = rest[offset : offset + limit]
    has_next = len(rest) > offset + limit
    page_distances = {a.id: distances[a.id] for a in window if a.id in distances}
    if where.near is not None:  # nearest first: offset paging
        return Page(window, offset, limit, len(kept), has_next, page_distances)
    return keyset_page(window, offset, limit, len(kept), has_next=has_next)


def create_activity(store: Store, viewer: Account | None, activity: Activity) -> Activity:
    """A provider positions its own activity; it starts pending until a validator decides."""
    actor = require_role(viewer, Role.PROVIDER)
    require_own_organisation(actor, activity.provider_id, "provider")
    check_entity_on_land(store, activity)
    pending = replace(
        activity,
        validation_status=ValidationStatus.PENDING,
        validated_until=None,
        local_authority_code=None,
        territory_code=None,
        region_code=None,
        version=1,
    )
    store.put(pending)
    return store.get(Activity, pending.id)


# --- organisations and tenders ----------------------------------------------------------------


def create_organisation(
    store: Store, viewer: Account | None, entity: Provider | Supplier | Buyer
) -> None:
    """Organisations are registered by an admin (accounts are then tied to them)."""
    require_role(viewer)
    if isinstance(entity, Supplier):
        check_entity_on_land(store, entity)
    store.put(entity)


def list_suppliers(
    store: Store, viewer: Account | None, limit: int, offset: int, after: str | None = None
) -> Page[Supplier]:
    """Buyers (who evaluate bids) and admins see every supplier; a supplier sees itself."""
    actor = require_role(viewer, Role.BUYER, Role.SUPPLIER)
    if actor.role is Role.SUPPLIER:
        return list_all(store, Supplier, limit, offset, after=after, id=str(actor.organisation_id))
    return list_all(store, Supplier, limit, offset, after=after)


def get_supplier(store: Store, viewer: Account | None, id_: str) -> Supplier:
    """One supplier, for buyers, admins and the supplier itself (others: not found)."""
    actor = require_role(viewer, Role.BUYER, Role.SUPPLIER)
    if actor.role is Role.SUPPLIER:
        require_own_organisation(actor, id_, "supplier")
    return store.get(Supplier, id_)


def create_tender(store: Store, viewer: Account | None, tender: Tender) -> Tender:
    """A buyer publishes a tender for itself (admins for anyone)."""
    actor = require_role(viewer, Role.BUYER)
    require_own_organisation(actor, tender.buyer_id, "buyer")
    check_tender(store, tender)  # land, dates, lots (services.tenders)
    store.put(replace(tender, version=1))
    return store.get(Tender, tender.id)
