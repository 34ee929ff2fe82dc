"""A batch's bound columns -> the text of a ``COPY ... FROM STDIN`` (text format), a column at
a time.

psycopg's ``Copy.write_row`` formats row by row, ~6 us a row for an activity (issue 19: a
fifth of a 100k ``put_many`` on PostGIS, all of it holding the GIL). The values come bound
already (``store.bulk_rows``: EWKB hex, JSON text, numbers, dates), so each column's text is
one ``map`` over its values, escaped only when its text holds a character COPY escapes, and
the lines are one ``join`` per row. It stores what ``write_row`` stores
(``tests/store/test_copy_text.py``): its escapes, ``\\N`` for NULL, ``t``/``f``,
``Infinity``/``NaN``, ``repr`` of a float. A column of any other class of value gives None,
and the caller uses ``write_row``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from enum import Enum
from typing import Any

#: what COPY's text format escapes (as psycopg's own text dumper does)
_ESCAPES = str.maketrans(
    {"\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f", "\r": "\\r"}
)
_SPECIAL = "\\\b\t\n\v\f\r"
_NULL = "\\N"
_FLOATS = {"inf": "Infinity", "-inf": "-Infinity", "nan": "NaN"}


def copy_text(columns: Sequence[Sequence[Any]]) -> str | None:
    """The COPY text of the rows whose column values are ``columns`` (None if a column
    holds a class of value this module does not format)."""
    texts = []
    made: dict[int, list[str]] = {}  # one text per column object (a point's max is its min)
    for values in columns:
        text = made.get(id(values)) or _column_text(values)
        if text is None:
            return None
        made[id(values)] = text
        texts.append(text)
    if not texts or not texts[0]:
        return ""
    return "\n".join(map("\t".join, zip(*texts, strict=True))) + "\n"


def _column_text(values: Sequence[Any]) -> list[str] | None:
    classes = set(map(type, values))
    nulls = type(None) in classes
    classes.discard(type(None))
    if not classes:
        return [_NULL] * len(values)
    rules = {_rule(cls) for cls in classes}
    if len(rules) > 1 or None in rules:
        return None
    (to_text,) = rules
    assert to_text is not None
    present = [v for v in values if v is not None] if nulls else values
    texts = to_text(present)
    if not nulls:
        return texts
    it = iter(texts)
    return [_NULL if v is None else next(it) for v in values]


def _strings(values: Sequence[str]) -> list[str]:
    text = "".join(values)
    if not any(c in text for c in _SPECIAL):  # seven fast scans, no per-character loop
        return list(values)
    return [v.translate(_ESCAPES) for v in values]


def _ints(values: Sequence[int]) -> list[str]:
    return list(map(int.__repr__, values))


def _floats(values: Sequence[float]) -> list[str]:
    texts = list(map(float.__repr__, values))
    if "n" in "".join(texts):  # inf, nan: every finite float's repr is digits, ".", "e", "+-"
        return [_FLOATS.get(t, t) for t in texts]
    return texts


def _bools(values: Sequence[bool]) -> list[str]:
    return ["t" if v else "f" for v in values]


def _dates(values: Sequence[date]) -> list[str]:
    return list(map(date.isoformat, values))


def _rule(cls: type) -> Callable[[Any], list[str]] | None:
    """The text rule of a class of value: exact classes only (a datetime is a date, a bool
    an int, and each dumps otherwise), and ``str`` subclasses such as dicm's ``StrEnum``
    vocabularies, which psycopg dumps as the string they are (``str`` comes before ``Enum``
    in their MRO; the bulk encoder passes them through as they are)."""
    rule = _TO_TEXT.get(cls)
    if rule is not None:
        return rule
    mro = cls.__mro__
    if issubclass(cls, str) and (Enum not in mro or mro.index(str) < mro.index(Enum)):
        return _strings
    return None


#: exact classes
_TO_TEXT: dict[type, Callable[[Any], list[str]]] = {
    str: _strings,
    int: _ints,
    float: _floats,
    bool: _bools,
    date: _dates,
}
