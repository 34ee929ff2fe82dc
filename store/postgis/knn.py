"""The PostGIS nearest-activities statement and the decoding of its rows.

One statement per query: ``ORDER BY location <-> p LIMIT n`` with the radius applied OUTSIDE
it, so PostgreSQL always walks the GiST index (a radius inside tempts it into a bitmap scan and
a sort, ~50x slower; see PERF-NOTES.md). Each row carries its cache tag, ``(version, xmin)``:
``xmin`` is the id of the transaction that wrote that state of the row, so it changes with
every committed write, including ``put_many`` replacing a row with an unchanged ``version`` and
writes from outside dicm. Rows whose tag is cached are not decoded at all (JSON arrives as text
and is parsed only for the rows that are decoded).

Why one statement with whole rows and not ids first, then the missing rows: transferring a
whole row costs little next to decoding it, and a second round trip on every cache miss made
cold queries slower than no cache at all (measured: p50 3.1x the bare KNN query against 2.4x
without a cache; warm, both came to ~1.4x). One statement also never mixes two states of the
table.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import numpy as np
import shapely

from domain.model import Activity
from store import schema
from store.codec import Convert, builder
from store.codec_rows import data_fields, row_plan

#: activity columns a domain object is built from (bbox and H3 are derived, not needed)
FIELDS = [
    c.name for c in schema.activities.c if c.name not in ("minx", "miny", "maxx", "maxy", "h3_cell")
]
_AS_TEXT = ("data", "themes")  # JSON parsed only when the row is decoded
_REST = [name for name in FIELDS if name not in ("id", "version")]

#: id first, then the tag (version, xmin), then the rest of the row; the KNN adds the distance
HOT_COLUMNS = ", ".join(
    [
        "a.id",
        "a.version",
        "CAST(a.xmin AS text) AS xmin",
        *(f"CAST(a.{n} AS text) AS {n}" if n in _AS_TEXT else f"a.{n}" for n in _REST),
    ]
)
_NAMES = ["id", "version", "xmin", *_REST]
_LOCATION, _THEMES, _DATA = (_NAMES.index(n) for n in ("location", "themes", "data"))

# The radius is NOT in this statement: it is applied to the rows it returns (see above).
KNN = """
SELECT {columns}, ST_Distance(a.location, CAST(:p AS geography), false) AS distance_m
FROM activities AS a
WHERE {filters}
ORDER BY a.location <-> CAST(:p AS geography)
LIMIT :n
"""

Row = tuple[Any, ...]


@functools.cache
def knn_sql(filters: str) -> str:
    """The hot KNN statement for one filter shape, in psycopg's placeholder style."""
    return to_pyformat(KNN.format(columns=HOT_COLUMNS, filters=filters))


def to_pyformat(sql: str) -> str:
    """``:name`` placeholders (SQLAlchemy text) -> ``%(name)s`` (psycopg)."""
    return re.sub(r"(?<!:):([a-z_]+)", r"%(\1)s", sql)


def nearest_rows(
    fetch: Callable[[str, dict[str, Any]], list[Row]],
    sql: str,
    params: dict[str, Any],
    *,
    radius_m: float,
    k: int,
) -> list[Row]:
    """The k nearest rows within ``radius_m``, nearest first, ties by id (distance last)."""
    n = k + 1  # one more than k: it proves the k-th is not tied with what lies beyond
    while True:
        rows = fetch(sql, {**params, "n": n})
        rows.sort(key=lambda r: (r[-1], r[0]))  # exact sphere, ties by id
        inside = [r for r in rows if r[-1] <= radius_m]
        exhausted = len(rows) < n or len(inside) < len(rows)
        last = rows[-1][-1] if rows else 0.0
        if exhausted or (len(inside) >= k and inside[k - 1][-1] < last):
            return inside[:k]
        n *= 4


def tag(row: Row) -> Hashable:
    """The cache tag of a hot row: (version, xmin)."""
    return (row[1], row[2])


def decode(rows: Sequence[Row]) -> list[Activity]:
    """Hot rows -> Activities, straight from the tuples (locations parsed in one vectorised
    shapely call; JSON parsed here). Same values as ``row_to_entity`` on a whole row."""
    if not rows:
        return []
    columns, in_data = _plan()
    build = builder(Activity)
    points = shapely.from_wkb(np.array([r[_LOCATION] for r in rows], dtype=object)).tolist()
    found = []
    for row, point in zip(rows, points, strict=True):
        kwargs: dict[str, Any] = {
            name: None if (v := row[i]) is None else convert(v) for name, i, convert in columns
        }
        kwargs["location"] = point
        kwargs["themes"] = tuple(json.loads(row[_THEMES]))
        kwargs.update(data_fields(json.loads(row[_DATA]), in_data))
        found.append(build(kwargs))
    return found


@functools.cache
def _plan() -> tuple[list[tuple[str, int, Convert]], list[tuple[str, Convert]]]:
    """(field, position in a hot row, converter) of the plain columns; the ``data`` fields."""
    columns, in_data = row_plan(Activity, schema.activities)
    plain = [
        (name, _NAMES.index(name), convert)
        for name, convert in columns
        if name not in ("location", "themes")
    ]
    return plain, in_data
