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
def field_types(cls: type) -> dict[str, Any]:
    """Resolved type hints of a dataclass (its annotations are strings)."""
    return typing.get_type_hints(cls)


def from_json(tp: Any, value: Any) -> Any:
    """Rebuild a value of type ``tp`` from :func:`to_json` output (or an already-typed value)."""
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return _from_union(typing.get_args(tp), value)
    if origin is tuple:
        item_type = typing.get_args(tp)[0]
        return tuple(from_json(item_type, item) for item in value)
    if origin is dict:
        value_type = typing.get_args(tp)[1]
        return {key: from_json(value_type, item) for key, item in value.items()}
    if tp is Any or tp is object:
        return value
    return _from_plain(tp, value)


def _from_union(args: tuple[Any, ...], value: Any) -> Any:
    options = [arg for arg in args if arg is not type(None)]
    if all(isinstance(arg, type) and issubclass(arg, BaseGeometry) for arg in options):
        return _to_shape(value)
    return from_json(options[0], value)


def _from_plain(tp: Any, value: Any) -> Any:
    if isinstance(tp, type) and issubclass(tp, BaseGeometry):
        return _to_shape(value)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if isinstance(value, tp):
            return value
        hints = field_types(tp)
        return tp(**{name: from_json(hints[name], item) for name, item in value.items()})
    if tp is datetime:
        return value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if tp is date:
        return value if isinstance(value, date) else date.fromisoformat(value)
    if tp is float:
        return float(value)
    if tp is int:
        return int(value)
    if tp is bool:
        return bool(value)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(value)
    return value


def _to_shape(value: Any) -> BaseGeometry:
    return value if isinstance(value, BaseGeometry) else shapely.from_wkb(value)
