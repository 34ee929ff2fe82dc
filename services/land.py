"""The UK land test: is a point or an area on UK land (in a stored police territory)?

One rule for every write that takes a location or an area — the importer, ``POST/PUT
/activities``, suppliers' sites, service areas, tender areas and lots: a geometry is on land
when a stored territory contains (a point) or touches (an area) it, or when it lies within
:data:`COAST_TOLERANCE_M` of one (a generalised coastline must not refuse a pier). The UK
bounding box alone lets through the North Sea, the Irish Sea, the Channel, Dublin, Calais and the
Isle of Man. With no geography loaded yet, only the bounding-box check (at the edge) applies.
"""

from __future__ import annotations

from collections.abc import Sequence

import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from domain.model import Activity, Supplier, Tender, Territory
from geo.assign import SEA_TOLERANCE_M
from geo.crs import to_bng
from geo.errors import OutsideUK
from store.port import Store

#: how far (metres) outside every stored territory a geometry may be and still count as coast:
#: the one coast tolerance of :func:`geo.assign.near_coast`
COAST_TOLERANCE_M = SEA_TOLERANCE_M
#: vertices of an area tried against the store's point lookup before the exact test
SAMPLED_VERTICES = 64


class Coast:
    """Territories projected to British National Grid, built on the first miss only."""

    def __init__(self, territories: Sequence[Territory]) -> None:
        self._territories = [t for t in territories if t.geometry is not None]
        self._projected: list[tuple[Territory, BaseGeometry]] | None = None

    def nearest(self, geometry: BaseGeometry) -> Territory | None:
        """The territory ``geometry`` touches or is nearest to within the tolerance, or None."""
        if self._projected is None:
            self._projected = [(t, to_bng(t.geometry)) for t in self._territories if t.geometry]
        projected = to_bng(geometry)
        best: tuple[float, Territory] | None = None
        for territory, area in self._projected:
            distance_m = float(area.distance(projected))
            if distance_m <= COAST_TOLERANCE_M and (best is None or distance_m < best[0]):
                best = (distance_m, territory)
        return best[1] if best else None


def _territories(store: Store) -> list[Territory]:
    return list(store.iter_all(Territory))


def _samples(geometry: BaseGeometry) -> list[tuple[float, float]]:
    if isinstance(geometry, Point):
        return [(geometry.x, geometry.y)]
    inside = geometry.representative_point()
    coords = shapely.get_coordinates(geometry)
    step = max(1, len(coords) // SAMPLED_VERTICES)
    return [(inside.x, inside.y), *((float(x), float(y)) for x, y in coords[::step])]


def is_on_land(store: Store, geometry: BaseGeometry) -> bool:
    """True when ``geometry`` is in, touches or is within the coast tolerance of a stored
    territory (or when no territory is stored yet: nothing to test against)."""
    chains = store.locate_many(_samples(geometry))
    if any(chain.territory_code is not None for chain in chains):
        return True
    territories = _territories(store)
    if not territories:
        return True
    return Coast(territories).nearest(geometry) is not None


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


__all__ = ["COAST_TOLERANCE_M", "Coast", "check_entity_on_land", "check_on_land", "is_on_land"]
