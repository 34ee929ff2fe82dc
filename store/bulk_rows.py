"""A batch of entities -> driver-ready rows, column by column (the write half of ``put_many``).

``entity_to_row`` encodes one entity at a time and leaves the values to each column's
SQLAlchemy bind processing, ~25 us an activity in Python (issue 19: put_many 11x a raw
executemany). Here a whole batch of one kind is encoded a column at a time: the fields read
with one ``attrgetter`` per entity, geometries through one vectorised shapely call
(:meth:`GeoColumn.bind_many`), bbox columns from one ``shapely.bounds``, H3 cells from the
coordinate arrays, and every other column through its own bind processor (so a value written
here is the value ``put`` binds: ``tests/store/test_bulk_rows.py`` compares the rows).
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from operator import attrgetter
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import JSON, String
from sqlalchemy.engine import Dialect

from domain.model import Activity
from geo.cells import cells_for_points
from store.codec import field_types, json_text, raw_safe, to_json
from store.codec_rows import Mapping_, mapping_for
from store.types import GeoColumn

_BBOX = ("minx", "miny", "maxx", "maxy")
#: classes ``_to_column`` passes through unchanged (no ``value`` attribute, not containers)
_KEPT: frozenset[type] = frozenset({type(None), str, bool, int, float, date, datetime})


@dataclass(frozen=True)
class Rows:
    """One kind's batch as the driver takes it: column names and a list of values each;
    ``wire``, when the adapter makes one, the same rows in its bulk format (PostGIS: the
    text of a COPY, made in the encoding thread, ``store.bulk_ahead``)."""

    names: list[str]
    columns: list[list[Any]]
    wire: str | None = None

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """A tuple per entity, made as the driver asks for it (``zip`` reuses one tuple
        when the driver lets go of it: no list of 100k tuples for the collector to walk)."""
        return zip(*self.columns, strict=True)


@dataclass(frozen=True)
class _Plan:
    """Which fields of a kind are columns, which go into ``data`` (built once per kind)."""

    columns: tuple[str, ...]
    in_data: tuple[str, ...]


@functools.cache
def _plan(kind: type) -> _Plan:
    table = mapping_for(kind).table
    names = [f.name for f in dataclasses.fields(kind)]
    return _Plan(
        tuple(n for n in names if n in table.c), tuple(n for n in names if n not in table.c)
    )


def encode_rows(
    kind: type,
    entities: Sequence[Any],
    *,
    h3_resolution: int,
    dialect: Dialect,
    codes: dict[str, list[str | None]] | None = None,
) -> Rows:
    """The rows of ``entities`` (all of ``kind``), in ``entity_to_row``'s column order.

    ``codes`` replaces whole columns (the area codes ``put_many`` filled in from ``locate``),
    so the entities themselves need not be copied to carry them.
    """
    mapping = mapping_for(kind)
    plan = _plan(kind)
    values = _field_values(plan.columns, entities)
    as_text = binds_json_text(dialect)
    hints = field_types(kind)
    columns: dict[str, list[Any]] = {}
    final: set[str] = set()  # columns whose values are bound already
    for name, column_values in zip(plan.columns, values, strict=True):
        if codes is not None and name in codes:
            column_values = codes[name]
        if as_text and isinstance(mapping.table.c[name].type, JSON) and raw_safe(hints[name]):
            columns[name] = _json_texts(column_values)  # themes: no list copy first
            final.add(name)
        else:
            columns[name] = _column_values(column_values)
    if "data" in mapping.table.c:
        columns["data"] = _data_values(kind, plan.in_data, entities, as_text=as_text)
        if as_text:
            final.add("data")
    if mapping.bbox_of is not None:
        bounds = _bounds(columns[mapping.bbox_of])
        columns.update(zip(_BBOX, bounds, strict=True))
    if kind is Activity:
        columns["h3_cell"] = _h3_cells(columns["minx"], columns["miny"], h3_resolution)
    for name, column_values in columns.items():
        if name not in final:
            columns[name] = _bind(mapping, name, column_values, dialect, as_text=as_text)
    return Rows(list(columns), list(columns.values()))


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a batch is encoded: the encoding makes a few
    containers per value, all alive until the write and none in a cycle, and each collection
    they trigger walks the whole heap, the batch's entities included (~10% of a 100k
    ``put_many``). Reference counting still frees everything; the collector runs again after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _field_values(names: tuple[str, ...], entities: Sequence[Any]) -> list[list[Any]]:
    """One list per field, each read by a C-level ``map`` (no tuple per entity)."""
    return [list(map(attrgetter(name), entities)) for name in names]


def _data_values(
    kind: type, names: tuple[str, ...], entities: Sequence[Any], *, as_text: bool
) -> list[Any]:
    """The ``data`` column of each entity: the dict of its non-column fields as ``to_json``
    has them, or (``as_text``) that dict's ``json.dumps`` text, written by ``json_text``
    straight from the field values whose declared type allows (``raw_safe``)."""
    if not names:
        return [json_text({}) if as_text else {} for _ in entities]
    hints = field_types(kind)
    raw = [as_text and raw_safe(hints[name]) for name in names]
    get = attrgetter(*names) if len(names) > 1 else _one(names[0])
    if all(raw):
        # ``get`` gives one value per name: zip needs no length check (~1 us a row)
        return [json_text(dict(zip(names, get(e)))) for e in entities]  # noqa: B905
    prepare = [_same if ok else to_json for ok in raw]
    dicts = [
        dict(zip(names, [p(v) for p, v in zip(prepare, get(e))]))  # noqa: B905
        for e in entities
    ]
    return [json_text(d) for d in dicts] if as_text else dicts


def _json_texts(values: list[Any]) -> list[str]:
    """``json_text`` of each value, once per distinct tuple of strings (a JSON column such
    as ``themes`` holds a few combinations of a small vocabulary; equal tuples of strings,
    ``StrEnum`` members included, have equal text, which equal numbers need not: 1 == 1.0)."""
    memo: dict[tuple[str, ...], str] = {}
    out = []
    for value in values:
        try:
            text = memo.get(value) if type(value) is tuple else None
        except TypeError:  # a tuple of something unhashable: never in the memo
            text = None
        if text is None:
            text = json_text(value)
            if type(value) is tuple and all(isinstance(item, str) for item in value):
                memo[value] = text
        out.append(text)
    return out


def _one(name: str) -> Callable[[Any], tuple[Any]]:
    """An ``attrgetter`` of one field that still gives a tuple."""
    get = attrgetter(name)
    return lambda entity: (get(entity),)


def _same(value: Any) -> Any:
    return value


def binds_json_text(dialect: Dialect) -> bool:
    """Whether a JSON column of ``dialect`` binds ``json.dumps(value)`` (SQLAlchemy's default
    serializer, no string processing): then ``json_text`` writes the same text itself."""
    serializer = getattr(dialect, "_json_serializer", None)
    return serializer in (None, json.dumps) and String().bind_processor(dialect) is None


def _column_values(values: list[Any]) -> list[Any]:
    """``entity_to_row``'s ``_to_column`` over one column, one rule per value class (a
    column's values are mostly of one class, often one kept as it is)."""
    rules = {cls: _column_rule(cls) for cls in set(map(type, values))}
    if all(rule is None for rule in rules.values()):
        return values
    if len(rules) == 1:
        (rule,) = rules.values()
        return list(map(rule, values))  # type: ignore[arg-type]
    out = []
    for value in values:
        rule = rules[type(value)]
        out.append(value if rule is None else rule(value))
    return out


def _column_rule(cls: type) -> Callable[[Any], Any] | None:
    """None to keep the value; the same order of tests as ``codec_rows._to_column``."""
    if cls in _KEPT or issubclass(cls, BaseGeometry):
        return None
    if issubclass(cls, tuple | list | dict):
        return to_json
    if issubclass(cls, str):
        return None
    if issubclass(cls, Enum):
        return _enum_value
    return _to_column_one  # anything else: the per-value rule itself


def _enum_value(value: Enum) -> Any:
    return value.value


def _to_column_one(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def _bounds(geoms: list[Any]) -> list[list[float | None]]:
    """minx, miny, maxx, maxy columns of a geometry column (None where there is none); a
    column of points gives its min columns as its max ones, the same list objects (a COPY
    writes each list's text once, ``store.postgis.copy_text``)."""
    shapes = np.empty(len(geoms), dtype=object)
    shapes[:] = geoms
    box = shapely.bounds(shapes)
    columns: list[list[float | None]] = [box[:, i].tolist() for i in range(2)]
    for low, high in ((0, 2), (1, 3)):
        bits = box[:, [low, high]].view(np.int64)  # bit for bit: -0.0 is not 0.0 here
        same = bool((bits[:, 0] == bits[:, 1]).all())
        columns.append(columns[low] if same else box[:, high].tolist())
    missing = [i for i, g in enumerate(geoms) if g is None]
    for column in columns:  # a shared list twice: the same None twice
        for i in missing:
            column[i] = None
    return columns


def _h3_cells(lon: list[Any], lat: list[Any], resolution: int) -> list[int]:
    """H3 cell of each point (``point_to_h3``'s value, from the coordinate arrays)."""
    cells: list[int] = cells_for_points(lon, lat, resolution).tolist()
    return cells


def _bind(
    mapping: Mapping_, name: str, values: list[Any], dialect: Dialect, *, as_text: bool
) -> list[Any]:
    """Each value as the column's SQLAlchemy bind processing would send it to the driver
    (a JSON column as its text when ``as_text``)."""
    column_type = mapping.table.c[name].type
    if isinstance(column_type, GeoColumn):
        return column_type.bind_many(values, dialect)
    if as_text and isinstance(column_type, JSON):
        return list(map(json_text, values))
    process = column_type._cached_bind_processor(dialect)
    if process is None:
        return values
    if set(map(type, values)) <= _FEW_DISTINCT:
        return _processed_once_each(process, values)
    return list(map(process, values))


#: classes whose equal values bind alike (``==`` implies the same class here: no 1 == 1.0)
_FEW_DISTINCT: frozenset[type] = frozenset({type(None), date, bool})


def _processed_once_each(process: Callable[[Any], Any], values: list[Any]) -> list[Any]:
    """``process`` of each value, called once per distinct value (a date or flag column of a
    batch holds a few: SQLite's date processor formats each, ~1 us a call)."""
    done = {value: process(value) for value in set(values)}
    return list(map(done.__getitem__, values))
