"""The public collections served to GIS clients (OGC API – Features): territories, local
authorities and validated activities, paged and optionally cut to a bounding box. FastAPI-free.
"""

from __future__ import annotations

from shapely.geometry import box

from domain.errors import NotFound
from domain.model import Activity, LocalAuthority, Territory
from services.directory import Page, SpatialFilter, get_activity, list_all, search_activities
from store.port import Store

#: collection id -> (title, description)
OGC_COLLECTIONS: dict[str, tuple[str, str]] = {
    "territories": ("Police territories", "The 45 UK police territories with ONS codes."),
    "local-authorities": (
        "Local authorities",
        "Local authority districts with their territory and region codes.",
    ),
    "activities": (
        "Validated activities",
        "Dual-impact activities validated for their territory, with ONS codes.",
    ),
}
_GEOGRAPHY_KIND: dict[str, type[Territory] | type[LocalAuthority]] = {
    "territories": Territory,
    "local-authorities": LocalAuthority,
}


def check_collection(name: str) -> None:
    """``NotFound`` for a collection id that is not served."""
    if name not in OGC_COLLECTIONS:
        raise NotFound(f"no collection {name!r}; try one of {', '.join(OGC_COLLECTIONS)}")


def collection_page(
    store: Store,
    name: str,
    bbox: tuple[float, float, float, float] | None,
    limit: int,
    offset: int,
) -> Page[Territory | LocalAuthority | Activity]:
    """A page of a public collection, optionally inside ``bbox`` (any CRS84 box: clipped)."""
    check_collection(name)
    if name == "activities":
        where = SpatialFilter(within_area=box(*bbox)) if bbox else SpatialFilter()
        page = search_activities(store, None, where, limit=limit, offset=offset)
        return Page(list(page.items), offset, limit, page.matched, page.has_next)
    kind = _GEOGRAPHY_KIND[name]
    if bbox is None:
        plain = list_all(store, kind, limit, offset)
        return Page(list(plain.items), offset, limit, plain.matched, plain.has_next)
    area = box(*bbox)
    every = store.find(kind, limit=10_000)
    kept = [g for g in every if g.geometry is not None and g.geometry.intersects(area)]
    window: list[Territory | LocalAuthority | Activity] = list(kept[offset : offset + limit])
    return Page(window, offset, limit, len(kept), len(kept) > offset + limit)


def collection_item(store: Store, name: str, id_: str) -> Territory | LocalAuthority | Activity:
    """One feature of a public collection (validated activities only)."""
    check_collection(name)
    if name == "activities":
        return get_activity(store, None, id_)
    return store.get(_GEOGRAPHY_KIND[name], id_)
