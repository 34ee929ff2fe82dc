"""Entities <-> table rows. No ORM row or WKB value leaves ``store``: adapters call these.

A field with a column of the same name is stored there; every other field goes into the JSON
``data`` column. Derived columns (bbox, H3 cell) are computed here from the geometry.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shapely.geometry.base import BaseGeometry
from sqlalchemy import Table

from domain.model import (
    Account,
    Activity,
    AuditEntry,
    Buyer,
    Contract,
    LocalAuthority,
    PolicePlan,
    Provider,
    Region,
    SmallArea,
    Supplier,
    Tender,
    Territory,
)
from geo.cells import lonlat_to_cell
from spo.model import ProgressReport, Spo
from store import schema
from store.codec import Convert, converter, field_types, to_json


@dataclass(frozen=True)
class Mapping_:
    """How one entity class is stored."""

    kind: type
    table: Table
    key: str  # "id" or "code"
    bbox_of: str | None = None  # the geometry field the bbox columns describe

    @property
    def versioned(self) -> bool:
        return "version" in self.table.c


MAPPINGS: dict[type, Mapping_] = {
    m.kind: m
    for m in (
        Mapping_(Region, schema.regions, "code", "geometry"),
        Mapping_(Territory, schema.territories, "code", "geometry"),
        Mapping_(LocalAuthority, schema.local_authorities, "code", "geometry"),
        Mapping_(SmallArea, schema.small_areas, "code", "geometry"),
        Mapping_(Provider, schema.providers, "id"),
        Mapping_(Activity, schema.activities, "id", "location"),
        Mapping_(Supplier, schema.suppliers, "id"),
        Mapping_(Buyer, schema.buyers, "id"),
        Mapping_(Tender, schema.tenders, "id", "delivery_area"),
        Mapping_(Contract, schema.contracts, "id"),
        Mapping_(Spo, schema.spos, "id"),
        Mapping_(ProgressReport, schema.progress_reports, "id"),
        Mapping_(Account, schema.accounts, "id"),
    )
}


def mapping_for(kind: type) -> Mapping_:
    """The storage mapping of an entity class (``TypeError`` for anything else)."""
    try:
        return MAPPINGS[kind]
    except KeyError:
        raise TypeError(f"{kind!r} is not a stored entity type") from None


def entity_key(entity: object) -> str:
    """The id (or ONS code) of an entity."""
    return str(getattr(entity, mapping_for(type(entity)).key))


def entity_to_row(entity: object, *, h3_resolution: int) -> dict[str, Any]:
    """The column values of ``entity`` (geometries stay shapely: the column type encodes)."""
    mapping = mapping_for(type(entity))
    columns = mapping.table.c
    row: dict[str, Any] = {}
    data: dict[str, Any] = {}
    for f in dataclasses.fields(entity):  # type: ignore[arg-type]
        value = getattr(entity, f.name)
        if f.name in columns:
            row[f.name] = _to_column(value)
        else:
            data[f.name] = to_json(value)
    if "data" in columns:
        row["data"] = data
    if mapping.bbox_of is not None:
        row.update(bbox_columns(getattr(entity, mapping.bbox_of)))
    if isinstance(entity, Activity):
        row["h3_cell"] = point_to_h3(entity.location.x, entity.location.y, h3_resolution)
    return row


def row_to_entity(kind: Any, row: Mapping[Any, Any], table: Table | None = None) -> Any:
    """Rebuild an entity from its row (``table`` defaults to the kind's mapped table)."""
    columns, in_data = row_plan(kind, table if table is not None else mapping_for(kind).table)
    data: Mapping[str, Any] = row.get("data") or {}
    kwargs: dict[str, Any] = {}
    for name, convert in columns:
        value = row[name]
        kwargs[name] = None if value is None else convert(value)
    kwargs.update(data_fields(data, in_data))
    return kind(**kwargs)


def data_fields(data: Mapping[str, Any], in_data: list[tuple[str, Convert]]) -> dict[str, Any]:
    """The fields kept in the JSON ``data`` column, converted; a field the row's ``data`` does
    not hold is left out (its default applies). Every decoder of a row shares it."""
    return {
        name: None if (value := data[name]) is None else convert(value)
        for name, convert in in_data
        if name in data
    }


@functools.cache
def row_plan(
    kind: Any, table: Table
) -> tuple[list[tuple[str, Convert]], list[tuple[str, Convert]]]:
    """Which fields come from columns and which from ``data``, with their converters."""
    hints = field_types(kind)
    columns: list[tuple[str, Convert]] = []
    in_data: list[tuple[str, Convert]] = []
    for f in dataclasses.fields(kind):
        target = columns if f.name in table.c else in_data
        target.append((f.name, converter(hints[f.name])))
    return columns, in_data


def _to_column(value: Any) -> Any:
    if isinstance(value, BaseGeometry) or value is None:
        return value
    if isinstance(value, tuple | list | dict):
        return to_json(value)
    return value.value if hasattr(value, "value") and not isinstance(value, str) else value


def bbox_columns(geom: BaseGeometry | None) -> dict[str, float | None]:
    """minx, miny, maxx, maxy of a geometry (all None without one)."""
    if geom is None:
        return {"minx": None, "miny": None, "maxx": None, "maxy": None}
    minx, miny, maxx, maxy = geom.bounds
    return {"minx": minx, "miny": miny, "maxx": maxx, "maxy": maxy}


def point_to_h3(lon: float, lat: float, resolution: int) -> int:
    """The H3 cell (int64) of a point (via :mod:`geo.cells`, the one place that says lat, lng)."""
    return lonlat_to_cell(lon, lat, resolution)


def plan_to_row(plan: PolicePlan) -> dict[str, Any]:
    return {
        "territory_code": plan.territory_code,
        "version": plan.version,
        "title": plan.title,
        "valid_from": plan.valid_from,
        "valid_until": plan.valid_until,
        "source": plan.source,
        "priorities": to_json(plan.priorities),
    }


def row_to_plan(row: Mapping[Any, Any]) -> PolicePlan:
    result: PolicePlan = row_to_entity(PolicePlan, row, schema.police_plans)
    return result


def audit_to_row(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at,
        "actor": entry.actor,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "reason": entry.reason,
        "detail": to_json(entry.detail),
    }


def row_to_audit(row: Mapping[Any, Any]) -> AuditEntry:
    result: AuditEntry = row_to_entity(AuditEntry, row, schema.audit_log)
    return result
