"""``FeatureQuery`` -> SQLAlchemy clauses, the same on SQLite and PostGIS.

The CQL2 filter is translated by ``pygeofilter``'s SQLAlchemy backend over the table's plain
columns (comparison, LIKE, IN, BETWEEN, IS NULL, AND/OR/NOT); the bbox uses the bbox columns
every geometry row carries, so no spatial SQL function is needed and both dialects agree.
"""

from __future__ import annotations

from typing import Any

from pygeofilter.backends.sqlalchemy import to_filter
from sqlalchemy import Select, Table, func, select

from domain.errors import InvalidInput
from store.port import FeatureQuery


def _columns(table: Table, query: FeatureQuery) -> dict[str, Any]:
    columns = {}
    for name, column in query.fields.items():
        if column not in table.c:
            raise InvalidInput(f"{name!r} is not a column of {table.name}")
        columns[name] = table.c[column]
    return columns


def where_clauses(table: Table, query: FeatureQuery) -> list[Any]:
    """Every WHERE clause of ``query`` on ``table``."""
    columns = _columns(table, query)
    clauses: list[Any] = []
    for name, value in query.equal.items():
        if name not in columns:
            raise InvalidInput(f"cannot filter by {name!r}")
        clauses.append(columns[name] == value)
    if query.where is not None:
        try:
            clauses.append(to_filter(query.where, columns, undefined_as_null=False))
        except KeyError as exc:
            raise InvalidInput(f"cannot filter by {exc.args[0]!r}") from None
    if query.bbox is not None:
        lon_min, lat_min, lon_max, lat_max = query.bbox
        c = table.c
        clauses += [c.maxx >= lon_min, c.minx <= lon_max, c.maxy >= lat_min, c.miny <= lat_max]
    return clauses


def select_window(
    table: Table, key: str, query: FeatureQuery, base: Select[Any] | None = None
) -> tuple[Select[Any], Select[Any]]:
    """The statements for the rows of ``query`` (ordered, windowed; ``base`` is the SELECT
    to add them to, every column of ``table`` by default) and for their count (no ORDER BY:
    a count needs no sort)."""
    columns = _columns(table, query)
    clauses = where_clauses(table, query)
    order = []
    for name, descending in query.order:
        if name not in columns:
            raise InvalidInput(f"cannot sort by {name!r}")
        order.append(columns[name].desc() if descending else columns[name].asc())
    rows = (base if base is not None else select(table)).where(*clauses)
    rows = rows.order_by(*order, table.c[key])
    if query.after is not None:
        if order:
            raise InvalidInput("a keyset cursor pages by id only: drop sortby or use offset")
        rows = rows.where(table.c[key] > query.after)
    if query.limit is not None:
        rows = rows.limit(query.limit)
    if query.offset:
        rows = rows.offset(query.offset)
    count = select(func.count()).select_from(table).where(*clauses)
    return rows, count
