"""OGC API – Features query parameters checked before anything reaches the store.

CQL2 (text or JSON) is parsed by ``pygeofilter``; this module only walks the parsed tree to
keep it inside what is declared (Basic CQL2 plus LIKE, BETWEEN and IN on queryables) and to
give every literal the type of the property it is compared with, so a wrong type is a clear
400 rather than a driver error. ``sortby``, ``properties``, simple property filters and
``datetime`` are parsed here too. FastAPI-free.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pygeofilter import ast
from pygeofilter.parsers.cql2_json import parse as parse_cql2_json
from pygeofilter.parsers.cql2_text import parse as parse_cql2_text

from domain.errors import InvalidQuery

FILTER_LANGS = ("cql2-text", "cql2-json")
#: the pre-standard name GDAL's OAPIF driver sends with the CQL text it writes (comparisons,
#: LIKE, IS NULL, AND/OR/NOT: all valid CQL2 text), accepted as cql2-text
GDAL_FILTER_LANG = "cql-text"
#: queryable type -> the Python types its literals may have
_LITERALS: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "date": (date,),
}


@dataclass(frozen=True)
class Queryable:
    """A property clients may filter and sort by: its column and its JSON Schema type."""

    column: str
    type: str = "string"
    title: str = ""


def parse_filter(text: str, lang: str | None, queryables: Mapping[str, Queryable]) -> ast.Node:
    """A checked pygeofilter AST from a CQL2 ``filter`` in ``lang`` (text by default)."""
    lang = "cql2-text" if lang in (None, GDAL_FILTER_LANG) else lang
    if lang not in FILTER_LANGS:
        raise InvalidQuery(f"filter-lang must be one of {', '.join(FILTER_LANGS)}")
    try:
        node = parse_cql2_json(json.loads(text)) if lang == "cql2-json" else parse_cql2_text(text)
    except Exception as exc:  # lark and json errors have no common base worth naming
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidQuery(f"filter is not valid {lang}: {first[:200]}") from None
    _check(node, queryables)
    return node


def _check(node: Any, queryables: Mapping[str, Queryable]) -> None:
    if isinstance(node, (ast.And, ast.Or)):
        _check(node.lhs, queryables)
        _check(node.rhs, queryables)
    elif isinstance(node, ast.Not):
        _check(node.sub_node, queryables)
    elif isinstance(node, ast.Comparison):
        kind = _attribute_type(node.lhs, queryables)
        node.rhs = _literal(node.rhs, kind, node.lhs.name)
    elif isinstance(node, ast.Between):
        kind = _attribute_type(node.lhs, queryables)
        node.low = _literal(node.low, kind, node.lhs.name)
        node.high = _literal(node.high, kind, node.lhs.name)
    elif isinstance(node, ast.Like):
        if _attribute_type(node.lhs, queryables) != "string" or not isinstance(node.pattern, str):
            raise InvalidQuery("LIKE compares a text property with a text pattern")
    elif isinstance(node, ast.In):
        kind = _attribute_type(node.lhs, queryables)
        node.sub_nodes = [_literal(v, kind, node.lhs.name) for v in node.sub_nodes]
    elif isinstance(node, ast.IsNull):
        _attribute_type(node.lhs, queryables)
    else:
        what = type(node).__name__
        raise InvalidQuery(
            f"{what} is not supported: use comparisons, LIKE, BETWEEN, IN and IS NULL on "
            f"queryables, combined with AND, OR and NOT"
        )


def _attribute_type(node: Any, queryables: Mapping[str, Queryable]) -> str:
    if not isinstance(node, ast.Attribute):
        raise InvalidQuery("the left side of a comparison must be a queryable property")
    if node.name not in queryables:
        raise InvalidQuery(
            f"{node.name!r} is not queryable; the queryables are {', '.join(queryables)}"
        )
    return queryables[node.name].type


def _literal(value: Any, kind: str, name: str) -> Any:
    """``value`` as the type of property ``name`` (an ISO date string becomes a date)."""
    if kind == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise InvalidQuery(f"{name} is a date: {value!r} is not YYYY-MM-DD") from None
    if kind == "date" and isinstance(value, datetime):
        return value.date()
    if isinstance(value, bool) and kind != "boolean":
        raise InvalidQuery(f"{name} is a {kind}, not a boolean")
    if not isinstance(value, _LITERALS[kind]):
        raise InvalidQuery(f"{name} is a {kind}: {value!r} does not compare with it")
    return value


def property_value(name: str, text: str, queryable: Queryable) -> object:
    """A simple property filter's query-string value as the property's type."""
    if queryable.type == "boolean":
        if text.lower() not in ("true", "false"):
            raise InvalidQuery(f"{name} is true or false, not {text!r}")
        return text.lower() == "true"
    if queryable.type in ("integer", "number"):
        try:
            number = int(text) if queryable.type == "integer" else float(text)
        except ValueError:
            raise InvalidQuery(f"{name} is a number, not {text!r}") from None
        return number
    return _literal(text, queryable.type, name)


def parse_sortby(text: str, queryables: Mapping[str, Queryable]) -> tuple[tuple[str, bool], ...]:
    """``sortby=name,-code`` -> ``(("name", False), ("code", True))`` over queryables."""
    order = []
    for part in (p.strip() for p in text.split(",")):
        descending = part.startswith("-")
        name = part.lstrip("+-").strip()
        if name not in queryables:
            raise InvalidQuery(f"cannot sort by {name!r}; sort by one of {', '.join(queryables)}")
        order.append((name, descending))
    return tuple(order)


def parse_properties(text: str, known: tuple[str, ...]) -> tuple[str, ...]:
    """``properties=name,code``: the properties to keep, each one the collection has."""
    names = tuple(p.strip() for p in text.split(",") if p.strip())
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InvalidQuery(f"unknown properties {', '.join(unknown)}; use {', '.join(known)}")
    return names


_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}([Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))?$")


def parse_datetime(text: str) -> tuple[datetime | None, datetime | None]:
    """An RFC 3339 instant or interval (``a/b``, ``../b``, ``a/..``) -> its bounds; 400 if bad."""
    parts = text.split("/")
    if len(parts) > 2 or not text:
        raise InvalidQuery(f"datetime {text!r} is not an RFC 3339 instant or interval")
    bounds = [_instant(p, text) for p in parts]
    if len(bounds) == 1:
        return bounds[0], bounds[0]
    start, end = bounds
    if start is None and end is None:
        raise InvalidQuery("datetime '../..' is not an interval")
    if start is not None and end is not None and start > end:
        raise InvalidQuery(f"datetime {text!r} ends before it starts")
    return start, end


def _instant(part: str, whole: str) -> datetime | None:
    if part in ("..", ""):
        return None
    if not _INSTANT.match(part):
        raise InvalidQuery(f"datetime {whole!r} is not an RFC 3339 instant or interval")
    try:
        value = datetime.fromisoformat(part.replace("z", "Z").replace("t", "T"))
    except ValueError:
        raise InvalidQuery(f"datetime {whole!r} is not a real date and time") from None
    return value.replace(tzinfo=None)
