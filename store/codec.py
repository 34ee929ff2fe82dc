"""Domain values <-> JSON-ready values, driven by the dataclasses' own type hints.

Used for the JSON ``data`` columns (needs, evidence, offers, sites, lines, score...) and to
coerce column values back into enums, dates and tuples. Geometries nested inside JSON are
hex WKB strings.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry


def to_json(value: Any) -> Any:
    """A JSON-ready copy of ``value`` (dataclasses become dicts, tuples lists)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, BaseGeometry):
        return shapely.to_wkb(value, hex=True)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    raise TypeError(f"cannot store a {type(value).__name__} as JSON")


@functools.cache
def field_types(cls: Any) -> dict[str, Any]:
    """Resolved type hints of a dataclass (its annotations are strings)."""
    return typing.get_type_hints(cls)


def from_json(tp: Any, value: Any) -> Any:
    """Rebuild a value of type ``tp`` from :func:`to_json` output (or an already-typed value)."""
    return None if value is None else converter(tp)(value)


Convert = Callable[[Any], Any]


@functools.cache
def converter(tp: Any) -> Convert:
    """A function rebuilding values of type ``tp`` (built once per type: decoding is hot)."""
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        options = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        if all(isinstance(arg, type) and issubclass(arg, BaseGeometry) for arg in options):
            return _optional(_to_shape)
        return _optional(converter(options[0]))
    if origin is tuple:
        item = converter(typing.get_args(tp)[0])
        return lambda value: tuple(map(item, value))
    if origin is dict:
        item = converter(typing.get_args(tp)[1])
        return lambda value: {key: item(v) for key, v in value.items()}
    if tp is Any or tp is object:
        return _same
    return _plain_converter(tp)


def _plain_converter(tp: Any) -> Convert:
    if isinstance(tp, type) and issubclass(tp, BaseGeometry):
        return _to_shape
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _dataclass_converter(tp)
    if tp is datetime:
        return lambda v: v if isinstance(v, datetime) else datetime.fromisoformat(v)
    if tp is date:
        return lambda v: v if isinstance(v, date) else date.fromisoformat(v)
    if tp in (float, int, bool, str):
        return typing.cast(Convert, tp)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _enum_converter(tp)
    return _same


def _enum_converter(tp: type[Enum]) -> Convert:
    """``tp(value)`` by a dict lookup first (``EnumMeta.__call__`` costs ~3 us a value)."""
    members = tp._value2member_map_

    def convert(value: Any) -> Any:
        try:
            return members[value]
        except (KeyError, TypeError):  # a member itself, or not a value: tp decides (or raises)
            return tp(value)

    return convert


def _dataclass_converter(cls: type) -> Convert:
    hints = field_types(cls)
    fields = [(f.name, converter(hints[f.name])) for f in dataclasses.fields(cls)]
    build = builder(cls)

    def convert(value: Any) -> Any:
        if isinstance(value, cls):
            return value
        return build(
            {k: None if (v := value[k]) is None else c(v) for k, c in fields if k in value}
        )

    return convert


Build = Callable[[dict[str, Any]], Any]


@functools.cache
def builder(cls: type) -> Build:
    """A function making ``cls(**values)`` from field values already of their types, without
    running the generated ``__init__`` (one ``object.__setattr__`` per field of a frozen
    dataclass: the largest part of decoding a stored row). The same value as the constructor:
    fields left out take their defaults, a required one missing raises the constructor's
    ``TypeError``; classes whose construction does more (``__post_init__``, ``init=False``
    fields, slots) keep the constructor. ``values`` holds field names only."""
    fields = dataclasses.fields(cls)
    if hasattr(cls, "__post_init__") or "__slots__" in vars(cls) or any(not f.init for f in fields):
        return lambda values: cls(**values)
    missing = dataclasses.MISSING
    defaults = {f.name: f.default for f in fields if f.default is not missing}
    factories = [(f.name, f.default_factory) for f in fields if f.default_factory is not missing]
    required = frozenset(f.name for f in fields if f.name not in defaults) - {
        name for name, _ in factories
    }
    count = len(fields)
    new = object.__new__

    def build(values: dict[str, Any]) -> Any:
        if len(values) < count:
            if not values.keys() >= required:
                return cls(**values)  # raises the constructor's TypeError
            values = defaults | {name: make() for name, make in factories} | values
        obj: Any = new(cls)
        obj.__dict__.update(values)
        return obj

    return build


def _optional(inner: Convert) -> Convert:
    return lambda value: None if value is None else inner(value)


def _same(value: Any) -> Any:
    return value


def _to_shape(value: Any) -> BaseGeometry:
    return value if isinstance(value, BaseGeometry) else shapely.from_wkb(value)
