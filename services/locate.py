"""Locate what a person types: a postcode ("RG1 1AA"), "lat,lon" ("51.454,-0.973", latitude
FIRST as on a map app) or a UK place name ("Reading", "Newport, Isle of Wight").

One answer (:class:`Location`) for ``dicm locate``, ``dicm locate --file`` and ``GET /locate``:
:func:`locate_query` is the use case both the CLI and the route call. Postcodes and places come
from the compact lookup index (:mod:`boundaries.lookup_index`), memory-mapped, so a lookup costs
little more than starting Python; the areas come from the store when it holds boundaries, else
from the index. Nothing here imports pandas, geopandas or FastAPI on the single-lookup path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeGuard, TypeVar

from boundaries.lookup_index import LookupIndex, PointAnswer
from domain.model import AreaChain
from geo.cells import STORAGE_RESOLUTION, cell_to_str, lonlat_to_cell
from geo.coords import is_in_uk_bbox
from geo.errors import (
    AmbiguousPlace,
    EmptyQuery,
    InvalidCoordinates,
    InvalidPostcode,
    OutsideUK,
    SwappedCoordinates,
    UnknownPlace,
    UnknownPostcode,
)
from geo.placement import Placement, placement_note
from geo.postcode_format import NOT_COVERED, normalise_postcode, postcode_area
from services.lookup_source import Source

if TYPE_CHECKING:
    from collections.abc import Callable

    from boundaries.bundled import BundledGeography
    from boundaries.lookup_index import IndexedPlace
    from domain.model import LocalAuthority, Region, Territory
    from geo.assign import AreaIndex
    from services.settings import ServiceSettings
    from store.port import Store

    _A = TypeVar("_A", Region, Territory, LocalAuthority)

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
    place: str | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (H3 cell as a hex string): the CLI's ``--json`` and the API's body."""
        return {
            "query": self.query, "postcode": self.postcode, "place": self.place,
            "lon": self.lon, "lat": self.lat, "placement": self.placement.value,
            "local_authority": {
                "code": self.chain.local_authority_code, "name": self.local_authority_name,
            },
            "territory": {"code": self.chain.territory_code, "name": self.territory_name,
                          "force": self.force_name, "pcc": self.pcc_name},
            "region": {"code": self.chain.region_code, "name": self.region_name},
            "h3_cell": self.h3_cell, "h3_resolution": STORAGE_RESOLUTION, "notes": list(self.notes),
        }  # fmt: skip


@dataclass(frozen=True)
class _Point:
    """A query turned into a point, with what the index already knows about it."""

    lon: float
    lat: float
    postcode: str | None = None
    place: str | None = None
    notes: tuple[str, ...] = ()
    answer: PointAnswer | None = None  # the build-time answer of an indexed postcode or place
    cell: int | None = None


def parse_lat_lon(text: str) -> tuple[float, float]:
    """Parse the "lat,lon" a person types (``51.454,-0.973``) into (lon, lat).

    ``SwappedCoordinates`` when only "lon,lat" makes a UK point, ``InvalidCoordinates`` when the
    numbers are not on Earth; a point elsewhere on Earth is returned (its answer says outside).
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
    return lon, lat


def is_place_like(text: str) -> bool:
    """True when ``text`` may be a place name: no digits before any comma ("RG1" is a bad
    postcode, "Newport, W06000022" a name with its local authority)."""
    return not any(ch.isdigit() for ch in text.split(",", 1)[0])


def looks_like_coordinates(text: str) -> bool:
    """True for two numbers ("51.45,-0.97"), whether or not they make a UK point."""
    return _LATLON_RE.match(text) is not None


# --- queries to points ---------------------------------------------------------------------------


def _postcode_point(postcode: str, index: LookupIndex | None) -> _Point:
    if index is None:
        from geo.postcodes import geocode_postcode, sector_centroid

        try:
            found = geocode_postcode(postcode)
        except UnknownPostcode as exc:
            if "not covered" in str(exc) or "no coordinates" in str(exc):
                raise
            found = sector_centroid(postcode)
        notes = (found.note,) if found.note else ()
        return _Point(found.lon, found.lat, found.postcode, notes=notes)
    area = postcode_area(postcode)
    if area in NOT_COVERED:
        raise UnknownPostcode(
            f"{postcode}: {NOT_COVERED[area]} is not covered by Code-Point Open "
            "(Great Britain only)"
        )
    row = index.postcode_rows([postcode])
    if row[0] >= 0:
        lon, lat = index.postcode_lonlat(row)[0].tolist()
        if lon != lon:  # NaN: a postcode Code-Point Open lists without coordinates
            raise UnknownPostcode(f"{postcode} has no coordinates in OS Code-Point Open")
        answer = index.postcode_answers(row)[0]
        return _Point(lon, lat, postcode, answer=answer, cell=int(index.postcode_cells(row)[0]))
    return _sector_point(postcode, index)


def _sector_point(postcode: str, index: LookupIndex) -> _Point:
    sector = postcode[:-2]
    found = index.sector_lonlat(sector)
    if found is None:
        raise UnknownPostcode(
            f"{postcode}: neither it nor its sector {sector} is in Code-Point Open"
        )
    lon, lat, count = found
    note = (
        f"{postcode} is not in Code-Point Open: centroid of sector {sector} "
        f"({count} postcodes) used instead"
    )
    return _Point(lon, lat, postcode, notes=(note,))


def _candidate(place: IndexedPlace, index: LookupIndex) -> dict[str, object]:
    code = place.answer.local_authority
    return {
        "name": place.name, "county": place.county, "nation": place.nation,
        "lon": place.lon, "lat": place.lat,
        "local_authority": {"code": code, "name": index.name("la", code)},
    }  # fmt: skip


def _place_point(text: str, index: LookupIndex) -> _Point:
    """The one UK place ``text`` names, else ``UnknownPlace`` or ``AmbiguousPlace``."""
    from geo.places import place_key

    found = index.places_named(text)
    if not found and "," in text:  # "Newport, Isle of Wight": name, then LA / county / nation
        name, qualifier = (part.strip() for part in text.rsplit(",", 1))
        key = place_key(qualifier)
        found = [
            p
            for p in index.places_named(name)
            if key
            in {place_key(p.county), place_key(p.nation), place_key(p.answer.local_authority or "")}
            | {place_key(index.name("la", p.answer.local_authority) or "")}
        ]
    if not found:
        raise UnknownPlace(
            f"{text!r} is not a postcode, 'lat,lon' or a UK place name dicm knows (GeoNames "
            "towns and villages of 1,000 people or more)"
        )
    by_area: dict[str, IndexedPlace] = {}
    for p in found:
        by_area.setdefault(p.answer.local_authority or p.answer.territory or "", p)
    if len(by_area) > 1:
        options = [
            f"{index.name('la', p.answer.local_authority) or p.county} {code}"
            for code, p in by_area.items()
        ]
        first = next(iter(by_area.values()))
        raise AmbiguousPlace(
            f"{first.name}: {' or '.join(options)} (say which, e.g. "
            f"'{first.name}, {index.name('la', first.answer.local_authority) or first.county}')",
            [_candidate(p, index) for p in by_area.values()],
        )
    p = found[0]
    return _Point(p.lon, p.lat, place=f"{p.name}, {p.county}, {p.nation}", answer=p.answer)


def query_point(query: str, index: LookupIndex | None) -> _Point:
    """Turn a query into a point (raising the geo error that says why it cannot)."""
    text = query.strip()
    if not text:
        raise EmptyQuery("nothing to locate: give a postcode, 'lat,lon' or a place name")
    if looks_like_coordinates(text):
        lon, lat = parse_lat_lon(text)
        return _Point(lon, lat)
    try:
        postcode = normalise_postcode(text)
    except InvalidPostcode:
        if index is None or not is_place_like(text):
            raise
        return _place_point(text, index)
    return _postcode_point(postcode, index)


# --- points to answers -------------------------------------------------------------------------


def locate(
    target: Store | BundledGeography | AreaIndex | LookupIndex,
    query: str,
    *,
    index: LookupIndex | None = None,
) -> Location:
    """Locate a postcode, a typed "lat,lon" or a place name in ``target``'s areas.

    ``target`` is a store (its stored boundaries), the lookup index, the bundled geography or a
    fitted AreaIndex; ``index`` finds postcodes and places fast when ``target`` is not it.
    Raises the geo errors (``InvalidPostcode``, ``UnknownPostcode``, ``UnknownPlace``,
    ``AmbiguousPlace``, ``InvalidCoordinates``, ``SwappedCoordinates``, ``EmptyQuery``).
    """
    if isinstance(target, LookupIndex):
        index = target
    point = query_point(query, index)
    return locate_point(target, query.strip(), point)


def locate_point(
    target: Store | BundledGeography | AreaIndex | LookupIndex,
    query: str,
    point: _Point,
    *,
    chain: AreaChain | None = None,
) -> Location:
    """The answer for a point already resolved from ``query`` (``chain``: the store's answer
    for it, when a batch already asked the store)."""
    lon, lat, notes = point.lon, point.lat, list(point.notes)
    cell = point.cell or lonlat_to_cell(lon, lat)
    if isinstance(target, LookupIndex):
        a = point.answer or target.locate_point(lon, lat)
        chain = AreaChain(lon, lat, a.local_authority, a.territory, a.region, cell)
        names = _index_names(target, chain)
        placement, note = a.placement, placement_note(a.placement, a.distance_m,
                                                      target.sea_tolerance_m)  # fmt: skip
    elif _is_store(target):
        chain = chain or target.locate(lon, lat)
        placement = (
            Placement.OUTSIDE_UK
            if not chain.territory_code
            else Placement.NEAR_COAST
            if chain.distance_m
            else Placement.INSIDE
        )
        note = chain.note or (
            None if chain.territory_code else "no stored boundary contains the point"
        )
        names = _store_names(target, chain)
    else:
        chain, placement, note, names = _bundled_answer(target, lon, lat, cell)  # type: ignore[arg-type]
    if note:
        notes.append(note)
    return Location(
        query, lon, lat, placement, chain, cell_to_str(chain.h3_cell or cell), point.postcode,
        *names, tuple(notes), point.place,
    )  # fmt: skip


Names = tuple[str | None, str | None, str | None, str | None, str | None]


def _is_store(target: object) -> TypeGuard[Store]:
    """A store answers ``locate``; the bundled geography and an AreaIndex do not (checked by
    duck type so this module need not import the store or the build code)."""
    return hasattr(target, "locate") and hasattr(target, "get")


def _index_names(index: LookupIndex, chain: AreaChain) -> Names:
    force, pcc = index.territory_people(chain.territory_code)
    return (index.name("la", chain.local_authority_code),
            index.name("territory", chain.territory_code), force, pcc,
            index.name("region", chain.region_code))  # fmt: skip


def _bundled_answer(
    target: BundledGeography | AreaIndex, lon: float, lat: float, cell: int
) -> tuple[AreaChain, Placement, str | None, Names]:
    from boundaries.bundled import BundledGeography

    area_index = target.index if isinstance(target, BundledGeography) else target
    a = area_index.assign_one(lon, lat)
    chain = AreaChain(lon, lat, a.local_authority_code, a.territory_code, a.region_code, cell,
                      a.note)  # fmt: skip
    bundled = target if isinstance(target, BundledGeography) else None
    return chain, a.placement, a.note, _fact_names(chain, bundled)


def _fact_names(chain: AreaChain, bundled: BundledGeography | None = None) -> Names:
    from boundaries.tables import current_local_authority_facts, region_facts, territory_facts

    # Scottish council areas are named by the bundled build, not by the E&W fact table
    names = {f.code: f.name for f in current_local_authority_facts()}
    names.update({x.code: x.name for x in (bundled.local_authorities if bundled else ())})
    la_name = names.get(chain.local_authority_code or "")
    t = next((f for f in territory_facts() if f.code == chain.territory_code), None)
    r = next((f for f in region_facts() if f.code == chain.region_code), None)
    return (la_name, t.name if t else None, t.force_name if t else None,
            t.pcc_name if t else None, r.name if r else None)  # fmt: skip


def _store_names(store: Store, chain: AreaChain) -> Names:
    from domain.model import LocalAuthority, Region, Territory

    la = _get(store, LocalAuthority, chain.local_authority_code)
    t = _get(store, Territory, chain.territory_code)
    r = _get(store, Region, chain.region_code)
    return (la.name if la else None, t.name if t else None, t.force_name if t else None,
            t.pcc_name if t else None, r.name if r else None)  # fmt: skip


def _get(store: Store, kind: type[_A], code: str | None) -> _A | None:
    from domain.errors import NotFound

    if code is None:
        return None
    try:
        return store.get(kind, code)
    except NotFound:
        return None


# --- the use case ------------------------------------------------------------------------------


def lookup_index(
    settings: ServiceSettings, progress: Callable[[str, int, int], None] | None = None
) -> LookupIndex:
    """The lookup index under ``settings.cache_dir``, built first when missing (about a minute
    on a machine that never ran ``dicm geography build``)."""
    opened = LookupIndex.open(settings.cache_dir)
    if opened is not None:
        return opened
    from boundaries.bundled import load_bundled_geography
    from boundaries.lookup_index import build_lookup_index

    say = (lambda msg: progress(msg, 0, 4)) if progress else None
    geography = load_bundled_geography(settings.cache_dir, say)
    return build_lookup_index(geography, settings.cache_dir, progress)


def store_has_areas(store: Store) -> bool:
    """True when the store holds territories (then its boundaries answer lookups)."""
    from domain.model import Territory

    return store.count(Territory) > 0


def locate_query(
    index: LookupIndex | None,
    query: str,
    *,
    store: Store | None = None,
    source: Source = Source.AUTO,
) -> Location:
    """THE lookup answer: a postcode, "lat,lon" or place name located in the store's
    boundaries (``source`` store, or auto when the store has any) or the index's.

    ``index`` may be ``None`` only when the store answers (postcodes are then read from
    Code-Point Open directly, and place names need the index). A point outside the UK raises
    ``OutsideUK`` (the CLI and the API refuse it); every other refusal is :func:`locate`'s.
    """
    use_store = store is not None and (
        source is Source.STORE or (source is Source.AUTO and store_has_areas(store))
    )
    target: Store | LookupIndex | None = store if use_store else index
    if target is None:
        raise ValueError("locate_query needs the lookup index unless the store answers")
    answer = locate(target, query, index=index)
    if answer.placement is Placement.OUTSIDE_UK:
        raise OutsideUK(f"{query.strip()!r} ({answer.lat}, {answer.lon}) lies outside the UK: "
                        + "; ".join(answer.notes))  # fmt: skip
    return answer


_OPENED: dict[str, LookupIndex] = {}


def locate_for(
    settings: ServiceSettings,
    query: str,
    *,
    store: Store | None = None,
    source: Source = Source.AUTO,
) -> Location:
    """:func:`locate_query` with the index of ``settings``, opened once per process and cache
    folder (a server decodes each area at most once). A server whose store holds boundaries
    answers even before ``dicm geography build`` ran (postcodes then read from Code-Point
    Open per area); otherwise the index is built first (about two minutes, once)."""
    key = str(settings.cache_dir)
    index = _OPENED.get(key) or LookupIndex.open(settings.cache_dir)
    if index is None and (store is None or source is Source.BUNDLED or not store_has_areas(store)):
        index = lookup_index(settings)
    if index is not None:
        _OPENED[key] = index
    return locate_query(index, query, store=store, source=source)


__all__ = [
    "Location",
    "Source",
    "locate",
    "locate_point",
    "locate_query",
    "looks_like_coordinates",
    "lookup_index",
    "parse_lat_lon",
    "query_point",
    "store_has_areas",
]  # fmt: skip
