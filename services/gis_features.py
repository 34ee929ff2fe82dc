"""Entities as GIS features where the store must be asked for more than the entity: tenders
(whose geometry falls back to the union of their lots, then to their territory) and the lines
of awarded SPOs (with delivered amounts). Shared by the exports and the OGC collections.

``select_features`` filters and sorts such derived features in Python with ``pygeofilter``'s
native evaluator, for the one collection that is not a table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from pygeofilter.backends.native.evaluate import NativeEvaluator
from shapely.geometry.base import BaseGeometry

from datasets import features as ft
from datasets.features import Feature
from domain.errors import NotFound
from domain.model import Tender, Territory
from services.ogc_filters import Queryable
from services.ogc_query import ItemsRequest
from spo.model import ProgressReport, Spo, SpoState
from store.port import Store

#: SPO states whose lines are public commitments
AWARDED_STATES = frozenset({SpoState.AWARDED, SpoState.IN_DELIVERY, SpoState.REVIEWED})


def region_of(store: Store) -> dict[str, str | None]:
    """Territory code -> region code."""
    return {t.code: t.region_code for t in store.iter_all(Territory)}


def tender_features(store: Store, tenders: Iterable[Tender]) -> list[Feature]:
    """Tenders as features, each with a geometry: delivery area, union of lots, territory."""
    regions = region_of(store)
    areas: dict[str, BaseGeometry | None] = {}
    out = []
    for tender in tenders:
        feature = ft.tender_feature(tender, regions)
        code = tender.territory_code
        if feature.geometry is None and code:
            if code not in areas:
                areas[code] = _territory_area(store, code)
            feature = Feature(feature.properties, areas[code])
        out.append(feature)
    return out


def tender_row_features(store: Store, tenders: Iterable[Tender]) -> list[Feature]:
    """Tenders as exported: a row for the delivery area and one per lot (each with its own
    area), so the file imports back unchanged; a tender with neither is drawn as its
    territory, marked ``area_source`` = ``territory`` (which an import does not read as an
    area)."""
    regions = region_of(store)
    areas: dict[str, BaseGeometry | None] = {}
    out = []
    for tender in tenders:
        for feature in ft.tender_row_features(tender, regions):
            code = tender.territory_code
            if feature.geometry is None and code:
                if code not in areas:
                    areas[code] = _territory_area(store, code)
                if areas[code] is not None:
                    props = feature.properties | {"area_source": ft.TERRITORY_AREA}
                    feature = Feature(props, areas[code])
            out.append(feature)
    return out


def _territory_area(store: Store, code: str) -> BaseGeometry | None:
    try:
        return store.get(Territory, code).geometry
    except NotFound:
        return None


def spo_line_features(store: Store, spos: Iterable[Spo]) -> list[Feature]:
    """One point per line of ``spos`` with committed and delivered amounts."""
    regions = region_of(store)
    delivered: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for report in store.iter_all(ProgressReport):
        delivered[report.spo_id][report.line_id] += report.amount
    return [f for s in spos for f in ft.spo_line_features(s, delivered.get(s.id, {}), regions)]


def awarded_line_features(store: Store) -> list[Feature]:
    """The lines of every awarded (or delivering, or reviewed) SPO, each with an ``id``."""
    awarded = [s for s in store.iter_all(Spo) if s.state in AWARDED_STATES]
    out = []
    for feature in spo_line_features(store, awarded):
        props = feature.properties
        out.append(
            Feature({"id": f"{props['spo_id']}~{props['line_id']}", **props}, feature.geometry)
        )
    return out


def select_features(
    features: list[Feature], request: ItemsRequest, queryables: Mapping[str, Queryable]
) -> list[Feature]:
    """``features`` passing the request's filter and equality filters, in its order."""
    kept = [f for f in features if all(f.properties.get(k) == v for k, v in request.equal.items())]
    if request.where is not None:
        test = NativeEvaluator(use_getattr=False).evaluate(request.where)
        kept = [f for f in kept if _passes(test, f.properties)]
    for name, descending in reversed(request.order):
        kept.sort(key=lambda f: _sort_key(f.properties.get(name)), reverse=descending)
    return kept


def _passes(test: Any, properties: Mapping[str, Any]) -> bool:
    try:
        return bool(test(properties))
    except TypeError:  # a comparison with a missing value: SQL's NULL is not true either
        return False


def _sort_key(value: Any) -> tuple[bool, Any]:
    return (value is None, value if value is not None else 0)
