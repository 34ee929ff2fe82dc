"""The public collections served to GIS clients (OGC API – Features Parts 1, 2 and 3).

Regions, territories, local authorities, validated activities, tenders (delivery area or the
union of their lots) and the lines of awarded SPOs, as the same flat features the exports write
(``datasets.features``: one home for "an entity as a GIS row"). Filters (CQL2, simple property
filters), ``sortby`` and the window are pushed down to SQL on both backends through
``Store.query``; a bbox is exact (points by their bbox columns, polygons by shapely after the
bbox-column prefilter). Output CRS and simplification are applied to the page only.
FastAPI-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from shapely.geometry import box

from datasets import features as ft
from datasets.features import Feature
from domain.errors import InvalidQuery, NotFound
from domain.model import Activity, LocalAuthority, Region, SmallArea, Tender, Territory
from geo.crs_uris import CRS84, bbox_to_lonlat, lonlat_to_crs
from geo.simplify import simplify_m
from services.gis_features import awarded_line_features, select_features, tender_features
from services.ogc_filters import Queryable
from services.ogc_query import ItemsRequest, parse_items_request
from services.paging import after_cursor
from store.port import FeatureQuery, Store

_STR = Queryable
_CODES = {
    "territory_code": _STR("territory_code", title="Police territory (ONS code)"),
    "region_code": _STR("region_code", title="Region (ONS code)"),
}


@dataclass(frozen=True)
class CollectionSpec:
    """What one collection serves and how clients may query it."""

    title: str
    description: str
    kind: type | None  # the stored entity, None for derived features (SPO lines)
    id_property: str
    queryables: Mapping[str, Queryable]
    properties: tuple[str, ...]
    fixed: Mapping[str, object] = field(default_factory=dict)  # equality always applied
    polygons: bool = True  # the bbox needs an exact check after the SQL prefilter
    bbox_in_sql: bool = True


COLLECTIONS: dict[str, CollectionSpec] = {
    "regions": CollectionSpec(
        "Regions",
        "The 12 UK regions (ITL1 / English regions) with their ONS codes.",
        Region,
        "code",
        {"code": _STR("code"), "name": _STR("name"), "region_code": _STR("code")},
        ("code", "name", "region_code"),
    ),
    "territories": CollectionSpec(
        "Police territories",
        "The 45 UK police territories with ONS codes.",
        Territory,
        "code",
        {
            "code": _STR("code"),
            "name": _STR("name"),
            "force_name": _STR("force_name"),
            "pcc_name": _STR("pcc_name"),
            "territory_code": _STR("code"),
            "region_code": _STR("region_code"),
        },
        ("code", "name", "force_name", "pcc_name", "territory_code", "region_code"),
    ),
    "local-authorities": CollectionSpec(
        "Local authorities",
        "Local authority districts with their territory and region codes.",
        LocalAuthority,
        "code",
        {
            "code": _STR("code"),
            "name": _STR("name"),
            "local_authority_code": _STR("code"),
            **_CODES,
        },
        ("code", "name", "local_authority_code", "territory_code", "region_code"),
    ),
    "small-areas": CollectionSpec(
        "Community safety partnerships and LSOAs",
        "CSP (E22/W14) and LSOA (E01/W01) boundaries as imported with dicm boundaries import "
        "--level csp|lsoa, each with its level and the council and territory it falls in.",
        SmallArea,
        "code",
        {
            "code": _STR("code"),
            "name": _STR("name"),
            "level": _STR("level", title="csp or lsoa"),
            "local_authority_code": _STR("local_authority_code"),
            "territory_code": _STR("territory_code", title="Police territory (ONS code)"),
        },
        ft.SMALL_AREA_PROPERTIES,
    ),
    "activities": CollectionSpec(
        "Validated activities",
        "Dual-impact activities validated for their territory, with ONS codes.",
        Activity,
        "id",
        {
            "id": _STR("id"),
            "name": _STR("name"),
            "provider_id": _STR("provider_id"),
            "validated_until": Queryable("validated_until", "date"),
            "active": Queryable("active", "boolean"),
            "local_authority_code": _STR("local_authority_code"),
            **_CODES,
        },
        ft.ACTIVITY_PROPERTIES,
        fixed={"validation_status": "validated"},
        polygons=False,
    ),
    "tenders": CollectionSpec(
        "Tenders",
        "Procurements with their delivery area (or the union of their lots, else their "
        "territory), territory and region codes.",
        Tender,
        "id",
        {
            "id": _STR("id"),
            "buyer_id": _STR("buyer_id"),
            "title": _STR("title"),
            "status": _STR("status"),
            "territory_code": _STR("territory_code"),
        },
        ft.TENDER_PROPERTIES,
        bbox_in_sql=False,
    ),
    "spo-lines": CollectionSpec(
        "Awarded SPO lines",
        "One point per line of every awarded Social Purchase Order (at the supported "
        "activity), with committed and delivered amounts and ONS codes.",
        None,
        "id",
        {
            name: Queryable(name, kind)
            for name, kind in (
                ("spo_id", "string"),
                ("line_id", "string"),
                ("supplier_id", "string"),
                ("tender_id", "string"),
                ("state", "string"),
                ("activity_id", "string"),
                ("support_type", "string"),
                ("committed", "number"),
                ("delivered", "number"),
                ("local_authority_code", "string"),
                ("territory_code", "string"),
                ("region_code", "string"),
            )
        },
        ("id", *ft.SPO_LINE_PROPERTIES),
        polygons=False,
        bbox_in_sql=False,
    ),
}
#: kept for callers that only need titles
OGC_COLLECTIONS = {name: (c.title, c.description) for name, c in COLLECTIONS.items()}


@dataclass(frozen=True)
class ItemsPage:
    """A page of features in the requested CRS, with the count of all that match.

    ``next_cursor`` (the last id) is set when a next page exists and the order is by id: the
    next link then pages by keyset; with ``sortby`` it pages by offset.
    """

    features: list[Feature]
    ids: list[str]
    matched: int
    offset: int
    limit: int
    crs: str
    has_next: bool = False
    next_cursor: str | None = None


#: a window of features, how many match in all, and whether more follow the window
Window = tuple[list[Feature], int, bool]


def spec_of(name: str) -> CollectionSpec:
    """The collection ``name``; ``NotFound`` for one that is not served."""
    if name not in COLLECTIONS:
        raise NotFound(f"no collection {name!r}; try one of {', '.join(COLLECTIONS)}")
    return COLLECTIONS[name]


def check_collection(name: str) -> None:
    """``NotFound`` for a collection id that is not served."""
    spec_of(name)


def items_for_query(
    store: Store,
    name: str,
    params: Mapping[str, str],
    *,
    page_size_default: int,
    page_size_max: int,
) -> ItemsPage:
    """A page of collection ``name`` for a raw query string (checked: 400 when wrong)."""
    spec = spec_of(name)
    request = parse_items_request(
        params,
        spec.queryables,
        spec.properties,
        page_size_default=page_size_default,
        page_size_max=page_size_max,
    )
    return collection_items(store, name, request)


def item_for_query(store: Store, name: str, id_: str, params: Mapping[str, str]) -> ItemsPage:
    """One feature of collection ``name`` as a one-feature page (for its CRS and shape)."""
    spec = spec_of(name)
    request = parse_items_request(
        params, spec.queryables, spec.properties, page_size_default=1, page_size_max=1, single=True
    )
    feature = collection_item(store, name, id_, request)
    return ItemsPage([feature], [id_], 1, 0, 1, request.crs)


def collection_items(store: Store, name: str, request: ItemsRequest) -> ItemsPage:
    """A page of collection ``name`` answering ``request`` (parsed by ``services.ogc_query``)."""
    spec = spec_of(name)
    bbox = _lonlat_bbox(request)
    if spec.kind is None:
        features, matched, more = _derived_window(store, spec, request, bbox)
    else:
        features, matched, more = _stored_window(store, spec, request, bbox)
    ids = [str(f.properties[spec.id_property]) for f in features]
    shown = [_shape(f, request) for f in features]
    cursor = ids[-1] if more and ids and not request.order else None
    return ItemsPage(shown, ids, matched, request.offset, request.limit, request.crs, more, cursor)


def collection_item(store: Store, name: str, id_: str, request: ItemsRequest) -> Feature:
    """One feature of a collection (validated activities only), shaped like a page's."""
    spec = spec_of(name)
    one = replace(
        request, where=None, equal={spec.id_property: id_}, bbox=None, offset=0, cursor=None
    )
    if spec.kind is None:
        found, _, _ = _derived_window(store, spec, replace(one, limit=1), None)
    else:
        found, _, _ = _stored_window(store, spec, replace(one, limit=1), None)
    if not found:
        raise NotFound(f"no feature {id_!r} in {name}")
    return _shape(found[0], request)


def _lonlat_bbox(request: ItemsRequest) -> tuple[float, float, float, float] | None:
    if request.bbox is None:
        return None
    lon_min, lat_min, lon_max, lat_max = bbox_to_lonlat(request.bbox, request.bbox_crs)
    if not (-180 <= lon_min <= lon_max <= 180 and -90 <= lat_min <= lat_max <= 90):
        raise InvalidQuery("bbox is outside the range of longitudes and latitudes of its CRS")
    return lon_min, lat_min, lon_max, lat_max


def _stored_window(store: Store, spec: CollectionSpec, request: ItemsRequest, bbox: Any) -> Window:
    assert spec.kind is not None
    exact_later = bbox is not None and (spec.polygons or not spec.bbox_in_sql)
    query = FeatureQuery(
        fields={name: q.column for name, q in spec.queryables.items()}
        | {name: name for name in spec.fixed},
        where=request.where,
        equal={**spec.fixed, **request.equal},
        bbox=bbox if spec.bbox_in_sql else None,
        order=request.order,
        limit=None if exact_later else request.limit + 1,  # one more: is there a next page?
        offset=0 if exact_later else request.offset,
        after=None if exact_later else request.cursor,
    )
    entities: list[Any]
    entities, matched = store.query(spec.kind, query)
    features = _to_features(store, spec.kind, entities)
    if not exact_later:
        return features[: request.limit], matched, len(features) > request.limit
    area = box(*bbox)
    kept = [f for f in features if f.geometry is not None and f.geometry.intersects(area)]
    return _window(kept, request, spec.id_property)


def _window(kept: list[Feature], request: ItemsRequest, id_property: str) -> Window:
    """The request's window of features filtered in memory: past the cursor's feature (by
    position: the order is the listing's), then ``offset``, ``limit``."""
    ids = [str(f.properties[id_property]) for f in kept]
    rest = after_cursor(kept, ids, request.cursor)
    window = rest[request.offset : request.offset + request.limit]
    return window, len(kept), len(rest) > request.offset + request.limit


def _to_features(store: Store, kind: type, entities: list[Any]) -> list[Feature]:
    if kind is Activity:
        return [ft.activity_feature(a) for a in entities]
    if kind is LocalAuthority:
        return [ft.local_authority_feature(a) for a in entities]
    if kind is Territory:
        return [ft.territory_feature(a) for a in entities]
    if kind is Region:
        return [ft.region_feature(a) for a in entities]
    if kind is SmallArea:
        return [ft.small_area_feature(a) for a in entities]
    return tender_features(store, entities)


def _derived_window(store: Store, spec: CollectionSpec, request: ItemsRequest, bbox: Any) -> Window:
    every = awarded_line_features(store)
    kept = select_features(every, request, spec.queryables)
    if bbox is not None:
        area = box(*bbox)
        kept = [f for f in kept if f.geometry is not None and f.geometry.intersects(area)]
    return _window(kept, request, spec.id_property)


def _shape(feature: Feature, request: ItemsRequest) -> Feature:
    """The page's view of a feature: chosen properties, simplified, in the output CRS."""
    props = feature.properties
    if request.properties is not None:
        props = {k: v for k, v in props.items() if k in request.properties}
    geometry = None if request.skip_geometry else feature.geometry
    if geometry is not None and request.simplify_m:
        geometry = simplify_m(geometry, request.simplify_m)
    if geometry is not None and request.crs != CRS84:
        geometry = lonlat_to_crs(geometry, request.crs)
    return Feature(props, geometry)


def queryables_schema(name: str, self_url: str) -> dict[str, Any]:
    """The collection's queryables as a JSON Schema (OGC API – Features Part 3)."""
    spec = spec_of(name)
    properties: dict[str, Any] = {}
    for prop, q in spec.queryables.items():
        entry: dict[str, Any] = {"title": q.title or prop.replace("_", " ")}
        if q.type == "date":
            entry |= {"type": "string", "format": "date"}
        else:
            entry["type"] = q.type
        properties[prop] = entry
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": self_url,
        "type": "object",
        "title": spec.title,
        "properties": properties,
        "additionalProperties": False,
    }


__all__ = [
    "COLLECTIONS",
    "OGC_COLLECTIONS",
    "CollectionSpec",
    "ItemsPage",
    "collection_item",
    "collection_items",
    "queryables_schema",
    "spec_of",
]
