"""Geography use cases for the CLI and the HTTP routes: load the bundled UK geography into the
store, import official boundary files (one transaction each), and locate a postcode or point.

FastAPI-free: plain values in, plain values out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from boundaries.bundled import BundledGeography, load_bundled_geography
from boundaries.importer import ImportReport, read_boundary_file, to_domain
from boundaries.levels import Level
from boundaries.tables import local_authority_facts, region_facts, territory_facts
from domain.errors import NotFound
from domain.model import AreaChain, LocalAuthority, Region, Territory
from geo.assign import AreaIndex, Placement
from geo.cells import STORAGE_RESOLUTION, cell_to_str, lonlat_to_cell
from geo.coords import is_in_uk_bbox
from geo.errors import (
    InvalidCoordinates,
    SwappedCoordinates,
    UnknownPostcode,
)
from geo.postcodes import geocode_postcode, normalise_postcode, sector_centroid
from services.settings import ServiceSettings
from store.port import Store

Progress = Callable[[str], None]
_A = TypeVar("_A", Region, Territory, LocalAuthority)


def bundled_geography(
    settings: ServiceSettings, progress: Progress | None = None
) -> BundledGeography:
    """The offline UK geography, built once and cached under ``settings.cache_dir``."""
    return load_bundled_geography(settings.cache_dir, progress)


def ensure_geography(
    store: Store, settings: ServiceSettings, progress: Progress | None = None
) -> int:
    """Put the bundled regions, territories and local authorities into ``store`` in one
    transaction, unless they are already there. Returns how many entities were written."""
    geography = bundled_geography(settings, progress)
    if (
        store.count(Region) >= len(geography.regions)
        and store.count(Territory) >= len(geography.territories)
        and store.count(LocalAuthority) >= len(geography.local_authorities)
    ):
        return 0
    return store.put_many(
        [*geography.regions, *geography.territories, *geography.local_authorities]
    )


@dataclass(frozen=True)
class BoundaryImport:
    """What an import read and how many entities it stored."""

    report: ImportReport
    stored: int
    notes: tuple[str, ...] = ()


def import_boundaries(
    store: Store,
    path: str | Path,
    level: Level | str,
    *,
    assume_crs: int | str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BoundaryImport:
    """Import an ONS boundary file into the store: all its accepted features or nothing.

    Local authorities get their territory and region from the stored boundaries (the point of
    each LA's representative point); police force areas their region from dicm's territory
    table when that region is stored. CSP and LSOA files are read and checked, not stored (the
    store has no such kind yet).
    """
    result = read_boundary_file(path, level, assume_crs=assume_crs, progress=progress)
    level = Level(level)
    if level in (Level.CSP, Level.LSOA):
        note = f"{level.value} boundaries are validated but not stored (no store kind for them)"
        return BoundaryImport(result.report, 0, (note,))
    parents: dict[str, tuple[str | None, str | None]] = {}
    if level is Level.LAD:
        for f in result.features:
            p = f.geometry.representative_point()
            chain = store.locate(p.x, p.y)
            parents[f.code] = (chain.territory_code, chain.region_code)
    entities = to_domain(result, parents)
    if level is Level.PFA:
        entities = [_known_region(store, e) for e in entities if isinstance(e, Territory)]
    stored = store.put_many(entities)
    return BoundaryImport(result.report, stored)


def _known_region(store: Store, territory: Territory) -> Territory:
    if territory.region_code is None:
        return territory
    try:
        store.get(Region, territory.region_code)
    except NotFound:
        return replace(territory, region_code=None)
    return territory


# --- locate ------------------------------------------------------------------------------------

_LATLON_RE = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*[, ]\s*([-+]?\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Location:
    """Where a query lands, with names for people and codes for machines."""

    query: str
    lon: float
    lat: float
    placement: Placement
    chain: AreaChain
    h3_cell: str
    postcode: str | None = None
    local_authority_name: str | None = None
    territory_name: str | None = None
    force_name: str | None = None
    pcc_name: str | None = None
    region_name: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (H3 cell as a hex string)."""
        return {
            "query": self.query, "postcode": self.postcode, "lon": self.lon, "lat": self.lat,
            "placement": self.placement.value,
            "local_authority": {
                "code": self.chain.local_authority_code, "name": self.local_authority_name,
            },
            "territory": {"code": self.chain.territory_code, "name": self.territory_name,
                          "force": self.force_name, "pcc": self.pcc_name},
            "region": {"code": self.chain.region_code, "name": self.region_name},
            "h3_cell": self.h3_cell, "h3_resolution": STORAGE_RESOLUTION, "notes": list(self.notes),
        }  # fmt: skip


def parse_lat_lon(text: str) -> tuple[float, float]:
    """Parse the "lat,lon" a person types (``51.454,-0.973``) into (lon, lat).

    ``SwappedCoordinates`` when only "lon,lat" makes a UK point, ``OutsideUK`` when neither does.
    """
    match = _LATLON_RE.match(text)
    if not match:
        raise InvalidCoordinates(f"{text!r} is neither a postcode nor 'lat,lon'")
    lat, lon = float(match.group(1)), float(match.group(2))
    if is_in_uk_bbox(lon, lat):
        return lon, lat
    if is_in_uk_bbox(lat, lon):
        raise SwappedCoordinates(
            f"{text!r} looks like longitude,latitude; type latitude first: '{lon},{lat}'"
        )
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidCoordinates(f"{text!r}: latitude must be within ±90 and longitude within ±180")
    return lon, lat  # on Earth but not in the UK: the answer says "outside the UK"


def _point_for(query: str) -> tuple[float, float, str | None, list[str]]:
    if _LATLON_RE.match(query):
        lon, lat = parse_lat_lon(query)
        return lon, lat, None, []
    postcode = normalise_postcode(query)
    try:
        found = geocode_postcode(postcode)
    except UnknownPostcode as exc:
        if "not covered" in str(exc) or "no coordinates" in str(exc):
            raise
        found = sector_centroid(postcode)
    return found.lon, found.lat, found.postcode, [found.note] if found.note else []


def locate(target: Store | BundledGeography | AreaIndex, query: str) -> Location:
    """Locate a postcode ("RG1 1AA") or a typed "lat,lon" ("51.454,-0.973").

    ``target`` is a store (its stored boundaries), the bundled geography or a fitted index.
    Raises ``InvalidPostcode``/``UnknownPostcode``/``InvalidCoordinates``/``SwappedCoordinates``.
    """
    lon, lat, postcode, notes = _point_for(query.strip())
    if isinstance(target, BundledGeography | AreaIndex):
        index = target.index if isinstance(target, BundledGeography) else target
        answer = index.assign_one(lon, lat)
        placement, note = answer.placement, answer.note
        chain = AreaChain(lon, lat, answer.local_authority_code, answer.territory_code,
                          answer.region_code, lonlat_to_cell(lon, lat), note)  # fmt: skip
        names = _fact_names(chain, target if isinstance(target, BundledGeography) else None)
    else:
        chain = target.locate(lon, lat)
        placement = Placement.INSIDE if chain.territory_code else Placement.OUTSIDE_UK
        note = chain.note or (
            None if chain.territory_code else "no stored boundary contains the point"
        )
        names = _store_names(target, chain)
    if note:
        notes.append(note)
    cell = chain.h3_cell or lonlat_to_cell(lon, lat)
    return Location(
        query, lon, lat, placement, chain, cell_to_str(cell), postcode, *names, tuple(notes)
    )


Names = tuple[str | None, str | None, str | None, str | None, str | None]


def _fact_names(chain: AreaChain, bundled: BundledGeography | None = None) -> Names:
    # Scottish council areas are named by the bundled build, not by the E&W fact table
    names = {f.code: f.name for f in local_authority_facts()}
    names.update({x.code: x.name for x in (bundled.local_authorities if bundled else ())})
    la_name = names.get(chain.local_authority_code or "")
    t = next((f for f in territory_facts() if f.code == chain.territory_code), None)
    r = next((f for f in region_facts() if f.code == chain.region_code), None)
    return (la_name, t.name if t else None, t.force_name if t else None,
            t.pcc_name if t else None, r.name if r else None)  # fmt: skip


def _store_names(store: Store, chain: AreaChain) -> Names:
    la = _get(store, LocalAuthority, chain.local_authority_code)
    t = _get(store, Territory, chain.territory_code)
    r = _get(store, Region, chain.region_code)
    return (la.name if la else None, t.name if t else None, t.force_name if t else None,
            t.pcc_name if t else None, r.name if r else None)  # fmt: skip


def _get(store: Store, kind: type[_A], code: str | None) -> _A | None:
    if code is None:
        return None
    try:
        return store.get(kind, code)
    except NotFound:
        return None


__all__ = [
    "BoundaryImport", "Location", "bundled_geography",
    "ensure_geography", "import_boundaries", "locate", "parse_lat_lon",
]  # fmt: skip
