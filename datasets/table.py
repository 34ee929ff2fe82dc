"""Read a CSV, GeoJSON or GeoPackage file into plain rows: string fields plus an optional geometry.

Every reader of dicm entities starts here, so the file format is decided in one place. Values are
kept as stripped strings (empty string = missing); geometries are shapely objects in EPSG:4326.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyogrio
from shapely.geometry.base import BaseGeometry

from domain.errors import InvalidInput

#: file suffix -> format name
FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".txt": "csv",
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
}


@dataclass(frozen=True)
class Row:
    """One data row. ``number`` is 1-based and counts data rows only (the header is not a row)."""

    number: int
    values: dict[str, str]
    geometry: BaseGeometry | None = None


@dataclass(frozen=True)
class Table:
    """The rows of one file and the column names it has, in file order."""

    columns: tuple[str, ...]
    rows: tuple[Row, ...] = field(default_factory=tuple)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def format_of(path: Path) -> str:
    """The format name of ``path`` from its suffix (``InvalidInput`` when not supported)."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        allowed = ", ".join(sorted(FORMATS))
        raise InvalidInput(f"{path.name}: unsupported file type (use one of {allowed})") from None


def read_table(path: Path, *, layer: str | None = None) -> Table:
    """Read ``path`` (CSV, GeoJSON or GeoPackage; ``layer`` picks a GeoPackage layer)."""
    if not path.exists():
        raise InvalidInput(f"{path}: no such file")
    if format_of(path) == "csv":
        return _read_csv(path)
    return _read_vector(path, layer)


def _read_csv(path: Path) -> Table:
    frame = pd.read_csv(
        path, dtype=str, keep_default_na=False, skipinitialspace=True, encoding="utf-8-sig"
    )
    columns = tuple(str(c).strip() for c in frame.columns)
    rows = tuple(
        Row(i + 1, {c: str(v).strip() for c, v in zip(columns, record, strict=True)})
        for i, record in enumerate(frame.itertuples(index=False, name=None))
    )
    return Table(columns, rows)


def _read_vector(path: Path, layer: str | None) -> Table:
    try:
        frame = pyogrio.read_dataframe(path, layer=layer)
    except Exception as exc:  # pyogrio raises several driver errors; all mean "cannot read"
        raise InvalidInput(f"{path.name}: cannot read as a vector file ({exc})") from exc
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    columns = tuple(str(c) for c in frame.columns if c != frame.geometry.name)
    rows = []
    for i, (geom, record) in enumerate(
        zip(frame.geometry, frame[list(columns)].itertuples(index=False, name=None), strict=True)
    ):
        values = {c: _cell(v) for c, v in zip(columns, record, strict=True)}
        rows.append(Row(i + 1, values, geom if geom is not None and not geom.is_empty else None))
    return Table(columns, tuple(rows))


def _cell(value: object) -> str:
    """A vector-file cell as a string: missing values become empty strings."""
    if value is None:
        return ""
    if value is pd.NaT or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, datetime | pd.Timestamp) and value == value.replace(
        hour=0, minute=0, second=0, microsecond=0
    ):
        return value.date().isoformat()  # a date field read back as midnight
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
