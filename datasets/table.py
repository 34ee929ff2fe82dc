"""Read a CSV, GeoJSON or GeoPackage file into plain rows: string fields plus an optional geometry.

Every reader of dicm entities starts here, so the file format is decided in one place. Values are
kept as stripped strings (empty string = missing); geometries are shapely objects in EPSG:4326.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import geopandas as gpd
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
    #: how the file's text was decoded (CSV only): "UTF-8", "UTF-8 with BOM" or "cp1252"
    encoding: str | None = None

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


def read_table(
    path: Path, *, layer: str | None = None, assume_crs: int | str | None = None
) -> Table:
    """Read ``path`` (CSV, GeoJSON or GeoPackage; ``layer`` picks a GeoPackage layer).

    ``assume_crs`` is the CRS of a vector file that declares none, or whose declared degrees
    cannot be degrees (a GeoJSON without a ``crs`` member is read as WGS 84 by GDAL)."""
    if not path.exists():
        raise InvalidInput(f"{path}: no such file")
    if format_of(path) == "csv":
        return _read_csv(path)
    return _read_vector(path, layer, assume_crs)


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read as.

    UTF-8 (with or without the BOM Excel's "CSV UTF-8" writes) first; anything that is not valid
    UTF-8 is Windows-1252, what Excel's plain "CSV" writes on a UK machine (``£`` is byte 0xA3).
    cp1252 leaves five bytes undefined; latin-1 (which defines every byte) takes those files."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _read_csv(path: Path) -> Table:
    text, encoding = decode(path.read_bytes())
    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InvalidInput(f"{path.name}: cannot read as CSV ({exc})") from None
    columns = tuple(str(c).strip() for c in frame.columns)
    rows = tuple(
        Row(i + 1, {c: str(v).strip() for c, v in zip(columns, record, strict=True)})
        for i, record in enumerate(frame.itertuples(index=False, name=None))
    )
    return Table(columns, rows, encoding)


def _read_vector(path: Path, layer: str | None, assume_crs: int | str | None) -> Table:
    try:
        frame = pyogrio.read_dataframe(path, layer=layer)
    except Exception as exc:  # pyogrio raises several driver errors; all mean "cannot read"
        raise InvalidInput(f"{path.name}: cannot read as a vector file ({exc})") from exc
    frame = _with_crs(frame, path, assume_crs)
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


def looks_like_bng(x_min: float, y_min: float, x_max: float, y_max: float) -> bool:
    """Coordinates in British National Grid metres' range and not possibly degrees."""
    in_grid = 0 <= x_min <= x_max <= 700_000 and 0 <= y_min <= y_max <= 1_300_000
    return in_grid and (x_max > 180 or y_max > 90)


def _with_crs(
    frame: gpd.GeoDataFrame, path: Path, assume_crs: int | str | None
) -> gpd.GeoDataFrame:
    """Give ``frame`` its real CRS: a missing CRS, or degrees that are really metres (GeoJSON
    without a ``crs`` member), is ``assume_crs`` or refused with a hint, never read as WGS 84."""
    if frame.empty or frame.geometry.isna().all():
        return frame
    x_min, y_min, x_max, y_max = (float(v) for v in frame.total_bounds)
    degrees = -180 <= x_min <= x_max <= 180 and -90 <= y_min <= y_max <= 90
    claims_degrees = frame.crs is not None and frame.crs.is_geographic
    if frame.crs is not None and not (claims_degrees and not degrees):
        return frame
    if assume_crs is not None:
        return frame.set_crs(assume_crs, allow_override=True)
    if frame.crs is None and degrees:
        return frame.set_crs(4326)
    if looks_like_bng(x_min, y_min, x_max, y_max):
        raise InvalidInput(
            f"{path.name}: the file declares no CRS (or WGS 84) but its coordinates are "
            "British National Grid metres (EPSG:27700): pass --assume-crs 27700"
        )
    raise InvalidInput(
        f"{path.name}: the file declares no CRS and its coordinates are not longitude/latitude: "
        "pass --assume-crs EPSG_CODE"
    )


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
