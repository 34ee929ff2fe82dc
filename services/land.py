"""The UK land test: is a point or an area on UK land (in a stored police territory)?

One rule for every write that takes a location or an area — the importer, ``POST/PUT
/activities``, suppliers' sites, service areas, tender areas and lots: a geometry is on land
when a stored territory contains (a point) or touches (an area) it, or when the store's coast
rule places it (within ``geo.assign.SEA_TOLERANCE_M`` of an area: a generalised coastline must
not refuse a pier). The UK bounding box alone lets through the North Sea, the Irish Sea, the
Channel, Dublin, Calais and the Isle of Man. With no geography loaded yet, only the
bounding-box check (at the edge) applies.
"""

from __future__ import annotations

import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from domain.model import Activity, Supplier, Tender, Territory
from geo.crs import bng_to_lonlat, to_bng
from geo.errors import OutsideUK
from store.port import Store

#: vertices of an area tried against the store's point lookup before the exact test
SAMPLED_VERTICES = 64
#: spacing (British National Grid metres) of the points an area's outline is tried at when no
#: sampled vertex is on land: that of the coast rule's own boundaries (``geo.assign``)
OUTLINE_STEP_M = 100.0


def _samples(geometry: BaseGeometry) -> list[tuple[float, float]]:
    if isinstance(geometry, Point):
        return [(geometry.x, geometry.y)]
    inside = geometry.representative_point()
    coords = shapely.get_coordinates(geometry)
    step = max(1, len(coords) // SAMPLED_VERTICES)
    return [(inside.x, inside.y), *((float(x), float(y)) for x, y in coords[::step])]


def _outline(geometry: BaseGeometry) -> list[tuple[float, float]]:
    """The area's outline as lon/lat points every :data:`OUTLINE_STEP_M` metres."""
    ring = shapely.segmentize(shapely.boundary(to_bng(geometry)), OUTLINE_STEP_M)
    coords = shapely.get_coordinates(ring)
    lon, lat = bng_to_lonlat(coords[:, 0], coords[:, 1])
    return list(zip(lon.tolist(), lat.tolist(), strict=True))


def _any_on_land(store: Store, points: list[tuple[float, float]]) -> bool:
    return any(chain.territory_code is not None for chain in store.locate_many(points))


def is_on_land(store: Store, geometry: BaseGeometry) -> bool:
    """True when ``geometry`` is in, touches or is within the coast tolerance of a stored
    territory (or when no territory is stored yet: nothing to test against).

    The coast is the store's own rule (``locate``: :func:`geo.assign.near_coast`), so a point
    the land test accepts is one ``locate`` places; an area is on land when it touches a
    territory or a point of its outline is.
    """
    if _any_on_land(store, _samples(geometry)):
        return True
    if store.count(Territory) == 0:
        return True
    if isinstance(geometry, Point):
        return False
    if any(
        t.geometry is not None and t.geometry.intersects(geometry)
        for t in store.iter_all(Territory)
    ):
        return True
    return _any_on_land(store, _outline(geometry))


def check_on_land(store: Store, geometry: BaseGeometry | None, what: str) -> None:
    """``OutsideUK`` (422 ``outside-uk``) unless ``geometry`` is on UK land; None passes."""
    if geometry is None or is_on_land(store, geometry):
        return
    where = geometry.representative_point()
    raise OutsideUK(
        f"{what} ({where.x:.5f}, {where.y:.5f}) is in no UK police territory (at sea or abroad)"
    )


def check_entity_on_land(store: Store, entity: Activity | Supplier | Tender) -> None:
    """Every location and area an entity carries passes :func:`check_on_land`."""
    if isinstance(entity, Activity):
        check_on_land(store, entity.location, f"activity {entity.id} location")
        check_on_land(store, entity.service_area, f"activity {entity.id} service area")
    elif isinstance(entity, Supplier):
        for site in entity.sites:
            check_on_land(store, site.location, f"site {site.id}")
    else:
        check_on_land(store, entity.delivery_area, f"tender {entity.id} delivery area")
        for lot in entity.lots:
            check_on_land(store, lot.area, f"lot {lot.id}")


__all__ = ["check_entity_on_land", "check_on_land", "is_on_land"]
