"""Entities <-> table rows. No ORM row or WKB value leaves ``store``: adapters call these.

A field with a column of the same name is stored there; every other field goes into the JSON
``data`` column. Derived columns (bbox, H3 cell) are computed here from the geometry.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import JSON, Integer, Select, String, Table, Text, cast, select, type_coerce
from sqlalchemy.types import NullType

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
from store.codec import Build, Convert, builder, converter, field_types, to_json
from store.types import GeoColumn, UtcDateTime, as_wkb


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
    return builder(kind)(kwargs)


def select_rows(kind: Any, table: Table | None = None) -> Select[Any]:
    """``SELECT`` of the columns an entity is decoded from, as the driver returns them (no
    per-value SQLAlchemy processing): the rows are for :func:`decode_rows`. Add the WHERE,
    ORDER BY and LIMIT of the read; its columns come first in ``table.c`` order."""
    return select(*_raw_columns(kind, table if table is not None else mapping_for(kind).table))


def decode_rows(kind: Any, rows: Sequence[Sequence[Any]], table: Table | None = None) -> list[Any]:
    """Entities from rows of :func:`select_rows` (columns after those are ignored), a page at
    a time: each column decoded in one
    pass (geometries in one vectorised ``shapely.from_wkb``), each entity built without its
    ``__init__`` (see ``store.codec.builder``). The same values as :func:`row_to_entity`."""
    if not rows:
        return []
    plan = _page_plan(kind, table if table is not None else mapping_for(kind).table)
    # a row may carry more columns than are decoded (the caller's own): zip stops at ours
    by_column = zip(plan.decoders, zip(*rows, strict=True), strict=False)
    columns = [decode(list(values)) for decode, values in by_column]
    build, names, in_data = plan.build, plan.names, plan.in_data
    if plan.data is None:
        return [
            build(dict(zip(names, values, strict=True))) for values in zip(*columns, strict=True)
        ]
    out = []
    for values, data in zip(zip(*columns, strict=True), columns[plan.data], strict=True):
        fields = dict(zip(names, values, strict=False))  # all but the last: ``data``
        if data:
            fields.update(data_fields(data, in_data))
        out.append(build(fields))
    return out


@dataclass(frozen=True)
class _PagePlan:
    decoders: list[Callable[[list[Any]], list[Any]]]  # one per selected column
    names: list[str]  # the fields of the first len(names) columns
    data: int | None  # the position of the JSON ``data`` column
    in_data: list[tuple[str, Convert]]
    build: Build


def decoded_columns(kind: Any, table: Table | None = None) -> list[str]:
    """The names of the columns of :func:`select_rows`, in order (for hand-written SQL)."""
    columns, _ = row_plan(kind, table if table is not None else mapping_for(kind).table)
    names = [name for name, _ in columns]
    return names + (
        ["data"] if "data" in (table if table is not None else mapping_for(kind).table).c else []
    )


@functools.cache
def _raw_columns(kind: Any, table: Table) -> tuple[Any, ...]:
    """Geometries as plain WKB (see ``as_wkb``), JSON as its text (parsed a page at a time,
    not value by value in the driver), every other column as the driver reads it."""
    return tuple(_raw_column(table.c[n]).label(n) for n in decoded_columns(kind, table))


def _raw_column(column: Any) -> Any:
    if isinstance(column.type, GeoColumn):
        return as_wkb(column)
    if isinstance(column.type, JSON):
        return type_coerce(cast(column, Text), NullType())
    return type_coerce(column, NullType())


@functools.cache
def _page_plan(kind: Any, table: Table) -> _PagePlan:
    columns, in_data = row_plan(kind, table)
    hints = field_types(kind)
    decoders = [
        _same_values
        if _as_read(table.c[name].type, hints[name])
        else _column_decoder(table.c[name].type, convert)
        for name, convert in columns
    ]
    data = None
    if "data" in table.c:
        data = len(decoders)
        decoders.append(_column_decoder(table.c.data.type, _same))
    return _PagePlan(decoders, [name for name, _ in columns], data, in_data, builder(kind))


def _column_decoder(column_type: Any, convert: Convert) -> Callable[[list[Any]], list[Any]]:
    """Driver values of one column (both backends' forms) -> field values (the field's
    converter already reads SQLite's forms of dates, booleans and enums)."""
    if isinstance(column_type, GeoColumn):
        return _geometries
    if isinstance(column_type, UtcDateTime):
        return _each(lambda v: column_type.process_result_value(v, _ANY_DIALECT), convert)
    if isinstance(column_type, JSON):
        each = _each(_same, convert)
        return lambda values: each(_json_values(values))
    return _each(_same, convert)


#: (column type, field types) whose driver values need no conversion on either backend
_AS_READ = ((String, (str, str | None)), (Integer, (int, int | None)))


def _as_read(column_type: Any, hint: Any) -> bool:
    """True when every driver returns the field's own value for this column (a text column
    of a ``str`` field, an integer column of an ``int`` field): not one call per value."""
    return any(
        isinstance(column_type, kind) and hint in hints for kind, hints in _AS_READ
    ) and not isinstance(column_type, GeoColumn | JSON)


def _same_values(values: list[Any]) -> list[Any]:
    return values


def _each(parse: Callable[[Any], Any], convert: Convert) -> Callable[[list[Any]], list[Any]]:
    if parse is _same:
        return lambda values: [None if v is None else convert(v) for v in values]
    return lambda values: [None if v is None else convert(parse(v)) for v in values]


def _geometries(values: list[Any]) -> list[Any]:
    """WKB (bytes or hex text, EWKB from PostGIS) -> shapely, one vectorised call; SRIDs
    cleared as ``store.types.wkb_to_shape`` does."""
    raw = [bytes(v) if isinstance(v, memoryview) else v for v in values]
    shapes = shapely.from_wkb(np.array(raw, dtype=object))
    if shapely.get_srid(shapes).any():
        shapes = shapely.set_srid(shapes, 0)
    result: list[Any] = shapes.tolist()
    return result


def _json_values(values: list[Any]) -> list[Any]:
    """JSON text parsed as ONE array per page: a ``json.loads`` call costs more than parsing
    a small document (values already parsed, as a driver's JSONB, are kept)."""
    if not any(isinstance(v, str) for v in values):
        return values
    if all(isinstance(v, str) for v in values):
        parsed: list[Any] = json.loads(f"[{','.join(values)}]")
        return parsed
    return [json.loads(v) if isinstance(v, str | bytes) else v for v in values]


#: ``UtcDateTime`` reads either backend's form whatever the dialect it is told
_ANY_DIALECT: Any = None


def _same(value: Any) -> Any:
    return value


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
