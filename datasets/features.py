"""Entities as flat features (properties + geometry) for export, each row carrying ONS codes.

One function per layer; the export service gathers entities from the store and the writers put
the features in a file. Lists become ``;``-joined text so every format (CSV included) holds them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from shapely.geometry import MultiPoint, Point
from shapely.geometry.base import BaseGeometry

from datasets.fields import format_support
from domain.model import (
    Activity,
    AreaChain,
    LocalAuthority,
    Provider,
    Region,
    SmallArea,
    Supplier,
    Tender,
    Territory,
)
from spo.measure import VALUE_FIELDS, LineValue
from spo.model import Spo

Value = str | float | int | bool | None

#: the properties of each layer's features, in order (OGC ``properties=`` and queryables check)
ACTIVITY_PROPERTIES: tuple[str, ...] = (
    "id",
    "name",
    "provider_id",
    "description",
    "themes",
    "needs",
    "validation_status",
    "validated_until",
    "active",
    "funding_gap_gbp",
    "at_risk",
    "postcode",
    "evidence_title",
    "evidence_url",
    "evidence_strength",
    "version",
    "local_authority_code",
    "territory_code",
    "region_code",
)
TENDER_PROPERTIES: tuple[str, ...] = (
    "id",
    "buyer_id",
    "title",
    "status",
    "priorities",
    "contract_value_gbp",
    "lots",
    "opens",
    "closes",
    "territory_code",
    "region_code",
)
#: an exported tender row: the tender's fields, then which lot (if any) the row's area is
TENDER_ROW_PROPERTIES: tuple[str, ...] = (
    *TENDER_PROPERTIES,
    "description",
    "lot_id",
    "lot_name",
    "area_source",
)
#: ``area_source`` of an exported row whose geometry is only its territory's outline (a tender
#: with neither delivery area nor lots): shown on a map, never read back as a delivery area
TERRITORY_AREA = "territory"
SPO_LINE_PROPERTIES: tuple[str, ...] = (
    "spo_id",
    "line_id",
    "supplier_id",
    "tender_id",
    "state",
    "activity_id",
    "support_type",
    "committed",
    "delivered",
    "unit",
    "priority",
    "local_authority_code",
    "territory_code",
    "region_code",
)

#: the properties of a measured SPO line (``measured_line_features``), in order
MEASURED_LINE_PROPERTIES: tuple[str, ...] = (
    *SPO_LINE_PROPERTIES[:5],  # spo_id .. state
    "integrity",
    *SPO_LINE_PROPERTIES[5:10],  # activity_id .. unit
    *VALUE_FIELDS,
    *SPO_LINE_PROPERTIES[10:],  # priority .. region_code
)


@dataclass(frozen=True)
class Feature:
    """A flat record and its geometry (EPSG:4326) or None."""

    properties: dict[str, Value]
    geometry: BaseGeometry | None


def region_feature(region: Region) -> Feature:
    return Feature(
        {"code": region.code, "name": region.name, "region_code": region.code}, region.geometry
    )


def territory_feature(territory: Territory) -> Feature:
    return Feature(
        {
            "code": territory.code,
            "name": territory.name,
            "force_name": territory.force_name,
            "pcc_name": territory.pcc_name,
            "territory_code": territory.code,
            "region_code": territory.region_code,
        },
        territory.geometry,
    )


def local_authority_feature(la: LocalAuthority) -> Feature:
    return Feature(
        {
            "code": la.code,
            "name": la.name,
            "local_authority_code": la.code,
            "territory_code": la.territory_code,
            "region_code": la.region_code,
        },
        la.geometry,
    )


#: a stored CSP's or LSOA's properties
SMALL_AREA_PROPERTIES: tuple[str, ...] = (
    "code",
    "name",
    "level",
    "local_authority_code",
    "territory_code",
)


def small_area_feature(area: SmallArea) -> Feature:
    """A community safety partnership or LSOA with its level, council and territory."""
    return Feature({p: getattr(area, p) for p in SMALL_AREA_PROPERTIES}, area.geometry)


def activity_feature(activity: Activity) -> Feature:
    return Feature(
        {
            "id": activity.id,
            "name": activity.name,
            "provider_id": activity.provider_id,
            "description": activity.description,
            "themes": ",".join(activity.themes),
            "needs": format_support(activity.needs),
            "validation_status": activity.validation_status.value,
            "validated_until": (
                activity.validated_until.isoformat() if activity.validated_until else None
            ),
            "active": activity.active,
            "funding_gap_gbp": activity.funding_gap_gbp,
            "at_risk": activity.at_risk,
            "postcode": activity.postcode,
            **_evidence_cells(activity),
            "version": activity.version,
            "local_authority_code": activity.local_authority_code,
            "territory_code": activity.territory_code,
            "region_code": activity.region_code,
        },
        activity.location,
    )


def provider_feature(provider: Provider, activities: Iterable[Activity]) -> Feature:
    """A provider with the ONS codes of the areas its activities are in (a multipoint)."""
    own = list(activities)
    return Feature(
        {
            "id": provider.id,
            "name": provider.name,
            "kind": provider.kind.value,
            "charity_number": provider.charity_number,
            "website": provider.website,
            "activity_count": len(own),
            "local_authority_codes": _codes(a.local_authority_code for a in own),
            "territory_codes": _codes(a.territory_code for a in own),
            "region_codes": _codes(a.region_code for a in own),
        },
        MultiPoint([a.location for a in own]) if own else None,
    )


def supplier_site_features(
    supplier: Supplier, locate: Callable[[float, float], AreaChain]
) -> list[Feature]:
    """One feature per site (a point), with the site's local authority, territory, region."""
    features = []
    for site in supplier.sites:
        chain = locate(site.location.x, site.location.y)
        features.append(
            Feature(
                {
                    "id": supplier.id,
                    "name": supplier.name,
                    "site_id": site.id,
                    "site_name": site.name,
                    "postcode": site.postcode,
                    "sectors": ",".join(supplier.sectors),
                    "offers": format_support(supplier.offers),
                    "local_authority_code": chain.local_authority_code,
                    "territory_code": chain.territory_code,
                    "region_code": chain.region_code,
                },
                site.location,
            )
        )
    return features


def tender_feature(tender: Tender, region_of: Mapping[str, str | None]) -> Feature:
    """A tender's delivery area (or the union of its lots), with its territory and region."""
    area: BaseGeometry | None = tender.delivery_area
    if area is None and tender.lots:
        from shapely import union_all

        area = union_all([lot.area for lot in tender.lots])
    return Feature(
        {
            "id": tender.id,
            "buyer_id": tender.buyer_id,
            "title": tender.title,
            "status": tender.status,
            "priorities": ",".join(tender.priorities),
            "contract_value_gbp": tender.contract_value_gbp,
            "lots": len(tender.lots),
            "opens": tender.opens.isoformat() if tender.opens else None,
            "closes": tender.closes.isoformat() if tender.closes else None,
            "territory_code": tender.territory_code,
            "region_code": region_of.get(tender.territory_code or ""),
        },
        area,
    )


def tender_row_features(tender: Tender, region_of: Mapping[str, str | None]) -> list[Feature]:
    """A tender as the rows ``dicm import tenders`` reads back unchanged: one for its delivery
    area (``lot_id`` empty), one per lot with the lot's id, name and area. A tender with
    neither has one row without geometry (the caller may draw its territory there, marked
    ``area_source`` = ``territory``)."""
    base = tender_feature(tender, region_of).properties | {"description": tender.description}
    rows: list[Feature] = []
    if tender.delivery_area is not None or not tender.lots:
        source = "delivery-area" if tender.delivery_area is not None else ""
        rows.append(
            Feature(
                base | {"lot_id": None, "lot_name": None, "area_source": source},
                tender.delivery_area,
            )
        )
    rows.extend(
        Feature(base | {"lot_id": lot.id, "lot_name": lot.name, "area_source": "lot"}, lot.area)
        for lot in tender.lots
    )
    return rows


def spo_line_features(
    spo: Spo, delivered: Mapping[str, float], region_of: Mapping[str, str | None]
) -> list[Feature]:
    """One point per SPO line with committed and delivered amounts and its ONS codes."""
    features = []
    for line in spo.lines:
        point = Point(line.lon, line.lat) if line.lon is not None and line.lat is not None else None
        features.append(
            Feature(
                {
                    "spo_id": spo.id,
                    "line_id": line.id,
                    "supplier_id": spo.supplier_id,
                    "tender_id": spo.tender_id,
                    "state": spo.state.value,
                    "activity_id": line.activity_id,
                    "support_type": line.support_type.value,
                    "committed": line.amount,
                    "delivered": delivered.get(line.id, 0.0),
                    "unit": line.unit,
                    "priority": line.priority,
                    "local_authority_code": line.local_authority_code,
                    "territory_code": line.territory_code,
                    "region_code": region_of.get(line.territory_code or ""),
                },
                point,
            )
        )
    return features


def _proxy_fields(row: LineValue) -> dict[str, Value]:
    p = row.proxy
    return {
        "proxy_code": p.code if p else None,
        "proxy_value_gbp": p.value_gbp if p else None,
        "proxy_source": p.source if p else None,
        "proxy_price_year": p.price_year if p else None,
        "proxy_confidence": p.confidence if p else None,
    }


def measured_line_features(
    rows: Iterable[LineValue],
    states: Mapping[str, str],
    region_of: Mapping[str, str | None],
    tampered: Iterable[Spo] = (),
) -> list[Feature]:
    """One point per measured SPO line (the one measure, :mod:`spo.measure`): committed and
    delivered in the line's unit and in £ with the proxy's source, year and confidence, and its
    ONS codes. A tampered SPO's lines are listed with ``integrity`` = ``tampered`` and no
    figures, so they are flagged, never counted."""
    features = []
    for r in rows:
        point = Point(r.lon, r.lat) if r.lon is not None and r.lat is not None else None
        props: dict[str, Value] = {
            "spo_id": r.spo_id,
            "line_id": r.line_id,
            "supplier_id": r.supplier_id,
            "tender_id": r.tender_id,
            "state": states.get(r.spo_id),
            "integrity": "verified",
            "activity_id": r.activity_id,
            "support_type": r.support_type,
            "committed": r.committed,
            "delivered": r.delivered,
            "unit": r.unit,
            "committed_gbp": r.committed_gbp,
            "delivered_gbp": r.delivered_gbp,
            "valued": r.valued,
            **_proxy_fields(r),
            "committed_period": r.committed_period,
            "priority": r.priority,
            "local_authority_code": r.local_authority_code,
            "territory_code": r.territory_code,
            "region_code": region_of.get(r.territory_code or ""),
        }
        features.append(Feature({k: props[k] for k in MEASURED_LINE_PROPERTIES}, point))
    for spo in tampered:  # the raw line's cells; every figure left empty
        for raw in spo_line_features(spo, {}, region_of):
            cells = {**raw.properties, "committed": None, "delivered": None}
            cells |= {"integrity": "tampered", "valued": False}
            features.append(Feature({k: cells.get(k) for k in MEASURED_LINE_PROPERTIES}, None))
    return features


def _evidence_cells(activity: Activity) -> dict[str, Value]:
    """The activity's (first) evidence as the columns ``dicm import activities`` reads."""
    first = activity.evidence[0] if activity.evidence else None
    return {
        "evidence_title": first.title if first else None,
        "evidence_url": first.url if first else None,
        "evidence_strength": first.strength if first else None,
    }


def _codes(codes: Iterable[str | None]) -> str:
    return ";".join(sorted({c for c in codes if c}))
