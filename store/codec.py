"""Domain values <-> JSON-ready values, driven by the dataclasses' own type hints.

Used for the JSON ``data`` columns (needs, evidence, offers, sites, lines, score...) and to
coerce column values back into enums, dates and tuples. Geometries nested inside JSON are
hex WKB strings.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import operator
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry


def to_json(value: Any) -> Any:
    """A JSON-ready copy of ``value`` (dataclasses become dicts, tuples lists).

    What a value becomes depends only on its class, so the rule for each class is worked out
    once (``_encoder``) and looked up by ``type(value)`` after that: the generic isinstance
    walk cost ~1 us a value on every write (issue 19)."""
    encode = _ENCODERS.get(type(value))
    if encode is None:
        encode = _encoder(type(value))
    return value if encode is _same else encode(value)


#: class -> how ``to_json`` encodes its instances (filled on first sight of each class)
_ENCODERS: dict[type, Callable[[Any], Any]] = {}


def _encoder(cls: type) -> Callable[[Any], Any]:
    """The rule for instances of ``cls``, in the order the rules are tried (a ``bool`` or an
    ``IntEnum`` is a number, a ``StrEnum`` an enum); ``TypeError`` for what JSON cannot hold."""
    encode: Callable[[Any], Any]
    if cls is type(None) or issubclass(cls, bool | int | float):
        encode = _same
    elif issubclass(cls, Enum):
        encode = _enum_value
    elif issubclass(cls, str):
        encode = _same
    elif issubclass(cls, datetime | date):
        encode = _isoformat
    elif issubclass(cls, BaseGeometry):
        encode = _hex_wkb
    elif dataclasses.is_dataclass(cls):
        encode = _dataclass_encoder(tuple(f.name for f in dataclasses.fields(cls)))
    elif issubclass(cls, tuple | list):
        encode = _list_encoder
    elif issubclass(cls, dict):
        encode = _dict_encoder
    else:
        raise TypeError(f"cannot store a {cls.__name__} as JSON")
    _ENCODERS[cls] = encode
    return encode


def _enum_value(value: Enum) -> Any:
    return value.value


def _isoformat(value: date) -> str:
    return value.isoformat()


def _hex_wkb(value: BaseGeometry) -> str:
    return str(shapely.to_wkb(value, hex=True))


def _list_encoder(value: tuple[Any, ...] | list[Any]) -> list[Any]:
    return [to_json(item) for item in value]


def _dict_encoder(value: dict[Any, Any]) -> dict[str, Any]:
    return {str(key): to_json(item) for key, item in value.items()}


def _dataclass_encoder(names: tuple[str, ...]) -> Callable[[Any], Any]:
    def encode(value: Any) -> dict[str, Any]:
        return {name: to_json(getattr(value, name)) for name in names}

    return encode


def json_text(value: Any) -> str:
    """``json.dumps(to_json(value))``, the same text, without building the JSON-ready copy
    first where the value's declared type allows (``raw_safe``): stdlib's C encoder walks the
    value itself and asks ``_raw_default`` only for dataclasses, enums, dates and geometries
    (a batch write's ``data`` columns: ~2x faster than the copy and ``json.dumps``).

    ``value``: an entity, a ``raw_safe`` value, or a dict or list of them under string keys;
    the encoder writes a dict it meets as it is, so a dict with other keys (``to_json`` says
    ``str(key)``) must come as ``to_json`` output, as a dataclass field that is not
    ``raw_safe`` does."""
    if _C_ENCODE is None:
        return json.dumps(to_json(value))
    return "".join(_C_ENCODE(value, 0))


@functools.cache
def raw_safe(tp: Any) -> bool:
    """Whether values of the declared type ``tp`` reach ``json_text`` as they are: its C encoder
    writes them as ``to_json`` would. Not dicts (``to_json`` writes ``str(key)``), nor ``Any``;
    scalars, enums (dicm's are ``StrEnum``: the text is the value), dates and geometries (through
    ``_raw_default``), tuples of them and dataclasses made of them are."""
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return all(raw_safe(arg) for arg in typing.get_args(tp))
    if origin in (tuple, list):
        args = [arg for arg in typing.get_args(tp) if arg is not Ellipsis]
        return bool(args) and all(raw_safe(arg) for arg in args)
    if origin is not None or not isinstance(tp, type):
        return False
    if tp in (str, int, float, bool, type(None), date, datetime) or issubclass(tp, BaseGeometry):
        return True
    if issubclass(tp, Enum):
        return issubclass(tp, str) or not issubclass(tp, int | float)
    if dataclasses.is_dataclass(tp):
        hints = field_types(tp)
        return all(raw_safe(hints[f.name]) for f in dataclasses.fields(tp))
    return False


#: class -> the dict ``_raw_default`` gives the C encoder for one of its instances
_RAW_FIELDS: dict[type, Callable[[Any], Any]] = {}


def _raw_default(value: Any) -> Any:
    """What the C encoder cannot write itself: a ``raw_safe`` dataclass as a dict of its own
    field values (walked on by the encoder), anything else as ``to_json`` has it."""
    fields = _RAW_FIELDS.get(type(value))
    if fields is None:
        fields = _raw_fields(type(value))
    return fields(value)


def _raw_fields(cls: type) -> Callable[[Any], Any]:
    fields: Callable[[Any], Any] = to_json
    if dataclasses.is_dataclass(cls) and raw_safe(cls):
        names = tuple(f.name for f in dataclasses.fields(cls))
        if len(names) > 1:
            fields = _fields_dict(cls, names)
    _RAW_FIELDS[cls] = fields
    return fields


def _fields_dict(cls: type, names: tuple[str, ...]) -> Callable[[Any], dict[str, Any]]:
    """The dict of an instance's field values, in field order (what the C encoder writes).

    A dataclass whose generated ``__init__`` sets every field, in order, and nothing else
    (no ``__post_init__``, no ``init=False`` field, no slots) holds exactly that dict as its
    ``__dict__``: given as it is, ~30x cheaper than a new one (a batch's needs and evidence,
    two per activity). An instance with more attributes (set later) gets a new dict."""
    get = operator.attrgetter(*names)  # a tuple of len(names) values: zip needs no check

    def fresh(value: Any) -> dict[str, Any]:
        return dict(zip(names, get(value)))  # noqa: B905

    plain = (
        all(f.init for f in dataclasses.fields(cls))
        and not hasattr(cls, "__post_init__")
        and not hasattr(cls, "__slots__")
    )
    if not plain:
        return fresh
    count = len(names)

    def own(value: Any) -> dict[str, Any]:
        held: dict[str, Any] = value.__dict__
        return held if len(held) == count else fresh(value)

    return own


#: ``json.dumps``'s own C encoder with its default settings (None without the C extension)
_C_ENCODE: Callable[[Any, int], Any] | None = (
    None
    if c_make_encoder is None
    else c_make_encoder(
        None, _raw_default, encode_basestring_ascii, None, ": ", ", ", False, False, True
    )
)


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
