"""An OGC API – Features items request: the query string checked into one value.

Everything a client can get wrong is a 400 ``invalid-query`` with a reason: unknown
parameters, a limit of 0, a bad bbox, CRS, filter, sort, property list or datetime. A limit
above the maximum is served as the maximum (OGC API habit). FastAPI-free.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from domain.errors import InvalidQuery
from geo.crs_uris import CRS84, parse_crs_uri
from geo.errors import UnsupportedCRS
from services.ogc_filters import (
    Queryable,
    parse_datetime,
    parse_filter,
    parse_properties,
    parse_sortby,
    property_value,
)

#: parameters every items request may carry (besides the collection's queryables)
ITEMS_PARAMS = frozenset(
    {
        "limit",
        "offset",
        "cursor",
        "bbox",
        "bbox-crs",
        "crs",
        "datetime",
        "f",
        "filter",
        "filter-lang",
        "filter-crs",
        "sortby",
        "properties",
        "skipGeometry",
        "simplify",
    }
)
#: parameters a single item accepts
ITEM_PARAMS = frozenset({"crs", "f", "properties", "skipGeometry", "simplify"})


@dataclass(frozen=True)
class ItemsRequest:
    """What a client asked of a collection, checked."""

    limit: int = 10
    offset: int = 0
    cursor: str | None = None  # keyset paging: the id the page starts after (no sortby)
    bbox: tuple[float, float, float, float] | None = None
    bbox_crs: str = CRS84
    crs: str = CRS84
    where: object | None = None
    equal: Mapping[str, object] = field(default_factory=dict)
    order: tuple[tuple[str, bool], ...] = ()
    properties: tuple[str, ...] | None = None
    skip_geometry: bool = False
    simplify_m: float = 0.0


def parse_items_request(
    params: Mapping[str, str],
    queryables: Mapping[str, Queryable],
    known_properties: tuple[str, ...],
    *,
    page_size_default: int,
    page_size_max: int,
    single: bool = False,
) -> ItemsRequest:
    """The checked request for query string ``params`` of a collection (or one item)."""
    allowed = ITEM_PARAMS if single else ITEMS_PARAMS | set(queryables)
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise InvalidQuery(f"unknown query parameters: {', '.join(unknown)}")
    if "datetime" in params:
        parse_datetime(params["datetime"])  # no collection has a time axis: checked only
    if params.get("filter-crs", CRS84) not in (CRS84, "OGC:CRS84"):
        raise InvalidQuery("filter-crs must be CRS84: filters have no geometry here")
    if "cursor" in params and "sortby" in params:
        raise InvalidQuery("cursor pages in id order: with sortby, page with offset")
    return ItemsRequest(
        limit=_limit(params.get("limit"), page_size_default, page_size_max),
        offset=_integer(params.get("offset", "0"), "offset", 0, 10_000_000),
        cursor=_cursor(params.get("cursor")),
        bbox=_bbox(params["bbox"]) if "bbox" in params else None,
        bbox_crs=_crs(params.get("bbox-crs"), "bbox-crs"),
        crs=_crs(params.get("crs"), "crs"),
        where=(
            parse_filter(params["filter"], params.get("filter-lang"), queryables)
            if "filter" in params
            else None
        ),
        equal={
            name: property_value(name, params[name], q)
            for name, q in queryables.items()
            if name in params
        },
        order=parse_sortby(params["sortby"], queryables) if "sortby" in params else (),
        properties=(
            parse_properties(params["properties"], known_properties)
            if "properties" in params
            else None
        ),
        skip_geometry=_boolean(params.get("skipGeometry", "false"), "skipGeometry"),
        simplify_m=_number(params.get("simplify", "0"), "simplify", 0, 10_000),
    )


def _crs(text: str | None, name: str) -> str:
    if text is None:
        return CRS84
    try:
        return parse_crs_uri(text)
    except UnsupportedCRS as exc:
        raise InvalidQuery(f"{name}: {exc}") from None


def _integer(text: str, name: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise InvalidQuery(f"{name} must be a whole number, not {text!r}") from None
    if not low <= value <= high:
        raise InvalidQuery(f"{name} must be from {low} to {high}")
    return value


def _cursor(text: str | None) -> str | None:
    if text is not None and not 0 < len(text) <= 200:
        raise InvalidQuery("cursor is the id of the last feature of the previous page")
    return text


def _limit(text: str | None, default: int, maximum: int) -> int:
    if text is None:
        return min(default, maximum)
    try:
        value = int(text)
    except ValueError:
        raise InvalidQuery(f"limit must be a whole number, not {text!r}") from None
    if value < 1:
        raise InvalidQuery("limit must be at least 1")
    return min(value, maximum)


def _number(text: str, name: str, low: float, high: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InvalidQuery(f"{name} must be a number, not {text!r}") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise InvalidQuery(f"{name} must be from {low:g} to {high:g}")
    return value


def _boolean(text: str, name: str) -> bool:
    if text.lower() not in ("true", "false"):
        raise InvalidQuery(f"{name} is true or false, not {text!r}")
    return text.lower() == "true"


def _bbox(text: str) -> tuple[float, float, float, float]:
    """An OGC bbox (2D, or 3D with heights ignored), min corner first, in the bbox-crs."""
    parts = text.split(",")
    try:
        values = [float(v) for v in parts]
    except ValueError:
        raise InvalidQuery("bbox must be comma-separated numbers") from None
    if len(values) == 6:
        values = [values[0], values[1], values[3], values[4]]
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise InvalidQuery("bbox must be 4 (or 6) finite numbers: min corner, then max corner")
    x_min, y_min, x_max, y_max = values
    if x_min > x_max or y_min > y_max:
        raise InvalidQuery("bbox must list its minimum corner first")
    return x_min, y_min, x_max, y_max
