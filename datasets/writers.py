"""Write features to GeoJSON, GeoPackage or CSV.

GeoJSON and GeoPackage keep geometries as they are (EPSG:4326). CSV is for spreadsheets: points
become ``lon``/``lat`` columns, any other geometry a ``wkt`` column (coordinates to 7 decimals,
about 1 cm). A spreadsheet cell holds at most 32,767 characters, so a longer polygon is
simplified (valid, by ``geo.simplify``) at the smallest tolerance that fits, and the
``wkt_simplified_m`` column says by how many metres; export GeoJSON or GeoPackage for the
exact shape.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import Point

from datasets.features import Feature
from domain.errors import InvalidInput
from geo.simplify import generalise_m
from geo.validity import snap_to_grid

EXPORT_FORMATS: tuple[str, ...] = ("geojson", "gpkg", "csv")
#: a spreadsheet cell's limit (Excel, LibreOffice): 32,767 characters
MAX_CELL_CHARS = 32_767
SIMPLIFY_STEPS_M: tuple[float, ...] = (5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000)


def write_features(features: Sequence[Feature], path: Path, *, fmt: str, layer: str) -> int:
    """Write ``features`` to ``path`` in ``fmt``; returns the number of rows written."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(f"format {fmt!r} is not one of {', '.join(EXPORT_FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        _write_csv(features, path)
    else:
        _write_vector(features, path, fmt, layer)
    return len(features)


def _columns(features: Sequence[Feature]) -> list[str]:
    columns: list[str] = []
    for feature in features:
        columns.extend(k for k in feature.properties if k not in columns)
    return columns


def _write_vector(features: Sequence[Feature], path: Path, fmt: str, layer: str) -> None:
    columns = _columns(features)
    frame = gpd.GeoDataFrame(
        {c: [f.properties.get(c) for f in features] for c in columns},
        geometry=[None if f.geometry is None else snap_to_grid(f.geometry) for f in features],
        crs="EPSG:4326",
    )
    if path.exists():
        path.unlink()  # GeoPackage would otherwise append a layer to the old file
    driver = "GeoJSON" if fmt == "geojson" else "GPKG"
    frame.to_file(path, driver=driver, layer=layer if fmt == "gpkg" else None, engine="pyogrio")


def _write_csv(features: Sequence[Feature], path: Path) -> None:
    columns = _columns(features)
    geometry_columns = ["lon", "lat", "wkt", "wkt_simplified_m"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns + geometry_columns)
        for feature in features:
            writer.writerow(
                [_text(feature.properties.get(c)) for c in columns] + _geometry_cells(feature)
            )


def _geometry_cells(feature: Feature) -> list[str]:
    geom = feature.geometry
    if geom is None:
        return ["", "", "", ""]
    if isinstance(geom, Point):
        return [repr(geom.x), repr(geom.y), "", ""]
    text = shapely.to_wkt(snap_to_grid(geom), rounding_precision=7)
    if len(text) <= MAX_CELL_CHARS:
        return ["", "", text, ""]
    # bisection over the steps: a step that fits whose next smaller step does not (the smallest
    # that fits, as the text shrinks as the tolerance grows), in about four generalisations of
    # a territory instead of up to eleven
    fitting: tuple[float, str] | None = None
    low, high = 0, len(SIMPLIFY_STEPS_M) - 1
    while low <= high:
        middle = (low + high) // 2
        tolerance_m = SIMPLIFY_STEPS_M[middle]
        text = shapely.to_wkt(snap_to_grid(generalise_m(geom, tolerance_m)), rounding_precision=7)
        if len(text) <= MAX_CELL_CHARS:
            fitting, high = (tolerance_m, text), middle - 1
        else:
            low = middle + 1
    if fitting is None:
        raise InvalidInput("a geometry is too detailed for a CSV cell even at 10 km: export gpkg")
    return ["", "", fitting[1], f"{fitting[0]:g}"]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
