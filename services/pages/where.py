"""Where a person says an activity is: a postcode, a place name, "lat,lon" or a click on the map.

One rule for the provider's forms: a typed query goes through the one lookup
(:func:`services.locate.locate_for`, the answer of ``GET /locate`` and ``dicm locate``); a click
sends lon/lat, checked in the UK envelope and then on UK land (:mod:`services.land`), so a click
in the sea gets the same refusal an API client gets. Problems come back as words for the field.
"""

from __future__ import annotations

from dataclasses import dataclass

from shapely.geometry import Point

from domain.errors import DomainError
from geo.coords import check_lon_lat
from geo.errors import GeoError
from services.land import check_on_land
from services.locate import locate_for
from services.settings import ServiceSettings
from store.port import Store


@dataclass(frozen=True)
class Placed:
    """A point with the postcode it was found by (None for a place name or a click)."""

    lon: float
    lat: float
    postcode: str | None
    label: str  # what to tell the person: "RG1 1AF, Reading" or "the point you clicked"


def place(
    store: Store, settings: ServiceSettings, where: str, lon: str = "", lat: str = ""
) -> Placed:
    """The point ``where`` names, else the clicked ``lon``/``lat``; ``ValueError`` with words
    for the person otherwise (nothing typed, unknown postcode, ambiguous place, at sea)."""
    if where.strip():
        try:
            found = locate_for(settings, where, store=store)
        except (GeoError, DomainError) as exc:
            raise ValueError(str(exc)) from None
        named = found.postcode or found.place or where.strip()
        label = ", ".join(x for x in (named, found.local_authority_name) if x)
        return Placed(found.lon, found.lat, found.postcode, label)
    if not lon.strip() or not lat.strip():
        raise ValueError("Enter a postcode or place name, or click the map to place the activity")
    try:
        x, y = float(lon), float(lat)
    except ValueError:
        raise ValueError("The map sent a point that is not a number: click the map again") from None
    try:
        x, y = check_lon_lat(x, y)
        check_on_land(store, Point(x, y), "the point you clicked")
    except GeoError as exc:
        raise ValueError(str(exc)) from None
    return Placed(round(x, 6), round(y, 6), None, "the point you clicked")
