"""The rules a tender's dates and lots keep, whoever writes it (pure: a tender and the area
it is let in, nothing else).

Lots are the buyer's geographic division of the delivery area (Wigan let its homecare
framework in eight): each a valid polygon, inside the delivery area (or, with none, the
territory), none overlapping another. Boundaries drawn by hand or generalised by different
tools never match to the metre, so "inside" and "not overlapping" allow
:data:`SLIVER_SHARE` of a lot's area, measured in British National Grid square metres.
"""

from __future__ import annotations

from itertools import combinations

from shapely import make_valid
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from domain.errors import InvalidDates, InvalidLots
from domain.model import Lot, Tender
from geo.crs import to_bng

#: the share of a lot's area that may fall outside its container or inside another lot
SLIVER_SHARE = 0.01


def check_dates(tender: Tender) -> None:
    """``InvalidDates`` for a tender that closes before it opens."""
    if tender.opens is not None and tender.closes is not None and tender.closes < tender.opens:
        raise InvalidDates(
            f"tender {tender.id!r} closes on {tender.closes.isoformat()}, before it opens on "
            f"{tender.opens.isoformat()}"
        )


def check_lots(tender: Tender, territory_area: BaseGeometry | None) -> None:
    """``InvalidLots`` naming the first lot that breaks a rule (see the module docstring)."""
    lots = tender.lots
    if not lots:
        return
    ids = [lot.id for lot in lots]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise InvalidLots(f"lot ids repeated: {', '.join(repeated)}")
    projected = {lot.id: _valid_area(lot) for lot in lots}
    container = tender.delivery_area if tender.delivery_area is not None else territory_area
    if container is not None:
        what = "the delivery area" if tender.delivery_area is not None else "the territory"
        inside = make_valid(to_bng(container))
        for lot in lots:
            area = projected[lot.id]
            outside = area.difference(inside).area
            if outside > SLIVER_SHARE * area.area:
                raise InvalidLots(
                    f"lot {lot.id!r} lies {outside / area.area:.0%} outside {what} "
                    f"({outside / 1e6:,.1f} km²)"
                )
    for a, b in combinations(lots, 2):
        shared = projected[a.id].intersection(projected[b.id]).area
        smaller = min(projected[a.id].area, projected[b.id].area)
        if shared > SLIVER_SHARE * smaller:
            raise InvalidLots(f"lots {a.id!r} and {b.id!r} overlap ({shared / 1e6:,.1f} km²)")


def _valid_area(lot: Lot) -> BaseGeometry:
    area = lot.area
    if area.is_empty or area.geom_type not in ("Polygon", "MultiPolygon"):
        raise InvalidLots(f"lot {lot.id!r} is not a polygon ({area.geom_type})")
    if not area.is_valid:
        raise InvalidLots(f"lot {lot.id!r} is not a valid polygon: {explain_validity(area)}")
    return to_bng(area)
