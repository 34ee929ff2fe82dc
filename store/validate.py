"""Checks run before any write: geometries valid and in the UK, points in lon, lat order.

Raises the ``geo.errors`` classes, so a swapped latitude/longitude is reported as such.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from domain.model import Activity, LocalAuthority, Region, Supplier, Tender, Territory
from geo.coords import UK_BBOX, check_lon_lat, is_in_uk_bbox
from geo.errors import InvalidCoordinates, InvalidGeometry, OutsideUK, SwappedCoordinates


def check_point(point: object, what: str) -> None:
    """A non-empty shapely Point whose lon, lat pass ``check_lon_lat``."""
    if not isinstance(point, Point) or point.is_empty:
        raise InvalidGeometry(f"{what} must be a non-empty Point")
    check_lon_lat(point.x, point.y)


def check_area(area: object, what: str) -> None:
    """A valid, non-empty Polygon or MultiPolygon in lon/lat range that reaches the UK."""
    if not isinstance(area, Polygon | MultiPolygon):
        raise InvalidGeometry(f"{what} must be a Polygon or MultiPolygon")
    if area.is_empty:
        raise InvalidGeometry(f"{what} is empty")
    if not shapely.is_valid(area):
        raise InvalidGeometry(f"{what} is not valid: {shapely.is_valid_reason(area)}")
    minx, miny, maxx, maxy = area.bounds
    if not (minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90):
        if _touches_uk(miny, minx, maxy, maxx):
            raise SwappedCoordinates(f"{what}: latitude and longitude look swapped")
        raise InvalidCoordinates(f"{what} has coordinates out of range")
    if not _touches_uk(minx, miny, maxx, maxy):
        if _touches_uk(miny, minx, maxy, maxx):
            raise SwappedCoordinates(f"{what}: latitude and longitude look swapped")
        raise OutsideUK(f"{what} lies outside the United Kingdom")


def _touches_uk(minx: float, miny: float, maxx: float, maxy: float) -> bool:
    corners = ((minx, miny), (maxx, maxy), (minx, maxy), (maxx, miny))
    if any(is_in_uk_bbox(x, y) for x, y in corners):
        return True
    return bool(minx <= -8.75 and maxx >= 2.0 and miny <= 61.0 and maxy >= 49.8)


def check_entity(entity: object) -> None:
    """Every geometry an entity carries, checked."""
    if isinstance(entity, Activity):
        check_point(entity.location, "activity location")
        _optional_area(entity.service_area, "activity service area")
    elif isinstance(entity, Region | Territory | LocalAuthority):
        _optional_area(entity.geometry, f"{type(entity).__name__} {entity.code} geometry")
    elif isinstance(entity, Tender):
        _optional_area(entity.delivery_area, "tender delivery area")
        for lot in entity.lots:
            check_area(lot.area, f"lot {lot.id} area")
    elif isinstance(entity, Supplier):
        for site in entity.sites:
            check_point(site.location, f"site {site.id} location")


def check_entities(entities: Sequence[object]) -> None:
    """``check_entity`` of each in turn (the first bad one raises, with the same error), the
    activities' locations checked in one vectorised pass: only the ones that pass here (a
    non-empty Point inside the UK envelope, so ``check_lon_lat`` would accept it) skip the
    one-by-one point check (a batch write: ~3 us an activity less)."""
    points = [e.location if isinstance(e, Activity) else None for e in entities]
    shapes = np.empty(len(points), dtype=object)
    shapes[:] = [p if isinstance(p, Point) else None for p in points]
    lon_min, lat_min, lon_max, lat_max = UK_BBOX
    shapes[shapely.is_empty(shapes)] = None  # GEOS refuses the x of an empty point
    x, y = shapely.get_x(shapes), shapely.get_y(shapes)  # NaN for None
    fine = ((x >= lon_min) & (x <= lon_max) & (y >= lat_min) & (y <= lat_max)).tolist()
    for entity, ok in zip(entities, fine, strict=True):
        if ok:
            _optional_area(entity.service_area, "activity service area")  # type: ignore[attr-defined]
        else:
            check_entity(entity)


def _optional_area(area: BaseGeometry | None, what: str) -> None:
    if area is not None:
        check_area(area, what)
