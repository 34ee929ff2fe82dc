"""Read an official ONS boundary file (GeoJSON, Shapefile, GeoPackage, or any of them zipped)
into validated, repaired, WGS 84 boundary features plus a report. Pure: no store, no printing.

Per feature: the code must match the level's GSS pattern, the geometry must have a polygonal
part (invalid rings are repaired with ``make_valid`` and counted), and the feature must lie in
the UK envelope; anything else is rejected with its reason and the rest is kept. A display copy
simplified at ``DISPLAY_TOLERANCE_M`` (100 m in British National Grid, topology preserved) is
kept beside each full geometry for small-scale maps.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely
from shapely.geometry.base import BaseGeometry

from boundaries.errors import BoundaryFileError, MissingCRS, UnknownCodeField
from boundaries.levels import (
    CODE_PATTERNS,
    FIELD_PREFIXES,
    SMALL_AREA_LEVELS,
    Level,
    find_code_field,
)
from boundaries.repair import polygonal
from boundaries.tables import RegionFact, region_facts, territory_fact
from domain.model import Area, LocalAuthority, Region, SmallArea, Territory
from geo.coords import UK_BBOX
from geo.crs import BNG, WGS84, project_geometry
from geo.errors import GeoError

DISPLAY_TOLERANCE_M = 100.0

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BoundaryFeature:
    """One accepted area: ONS code and name, full and display geometries (WGS 84)."""

    code: str
    name: str
    geometry: Area
    display_geometry: BaseGeometry


@dataclass(frozen=True)
class Rejection:
    """A feature left out, and why."""

    index: int
    code: str | None
    reason: str


@dataclass(frozen=True)
class ImportReport:
    """What the importer read, repaired and rejected."""

    source: str
    level: Level
    code_field: str
    name_field: str | None
    source_crs: str
    features_read: int
    repaired: int
    rejected: tuple[Rejection, ...]
    notes: tuple[str, ...] = ()

    @property
    def kept(self) -> int:
        """Features accepted."""
        return self.features_read - len(self.rejected)


@dataclass(frozen=True)
class ImportResult:
    """The accepted features and the report."""

    features: tuple[BoundaryFeature, ...]
    report: ImportReport


def _open(path: Path) -> gpd.GeoDataFrame:
    if not path.exists():
        raise BoundaryFileError(f"{path}: no such file")
    try:
        return pyogrio.read_dataframe(path)
    except Exception as exc:  # pyogrio raises several driver-specific types
        raise BoundaryFileError(f"{path}: not a readable boundary file ({exc})") from exc


def _to_wgs84(
    frame: gpd.GeoDataFrame, assume_crs: int | str | None
) -> tuple[gpd.GeoDataFrame, str, list[str]]:
    notes: list[str] = []
    minx, miny, maxx, maxy = frame.total_bounds
    if (
        frame.crs is not None
        and frame.crs.is_geographic
        and not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90)
    ):
        # GDAL reads a GeoJSON without a ``crs`` member as WGS 84 whatever its numbers are:
        # degrees outside -180..180 / -90..90 are no declared CRS at all
        frame = frame.set_crs(None, allow_override=True)
    if frame.crs is None:
        if assume_crs is not None:
            frame = frame.set_crs(assume_crs)
            notes.append(f"no CRS declared; assumed {assume_crs} as asked")
        else:
            minx, miny, maxx, maxy = frame.total_bounds
            if -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
                frame = frame.set_crs(4326)
                notes.append(
                    "no CRS declared; coordinates are longitude/latitude: read as EPSG:4326"
                )
            elif 0 <= minx <= maxx <= 700_000 and 0 <= miny <= maxy <= 1_300_000:
                raise MissingCRS(
                    "the file declares no CRS and its coordinates look like British National Grid "
                    "metres (EPSG:27700): add the .prj file or pass --assume-crs 27700"
                )
            else:
                raise MissingCRS(
                    "the file declares no CRS and its coordinates are not longitude/latitude"
                )
    source_crs = frame.crs.to_string()
    if not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs(4326)
    return frame, source_crs, notes


def _in_uk(geometry: BaseGeometry) -> bool:
    """The feature's bounding box meets the UK envelope (the store re-checks every geometry)."""
    minx, miny, maxx, maxy = geometry.bounds
    lon_min, lat_min, lon_max, lat_max = UK_BBOX
    return bool(minx <= lon_max and maxx >= lon_min and miny <= lat_max and maxy >= lat_min)


def read_boundary_file(
    path: str | Path,
    level: Level | str,
    *,
    assume_crs: int | str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Read, validate, repair and reproject every feature of ``path`` for ``level``."""
    level = Level(level)
    frame = _open(Path(path))
    columns = [str(c) for c in frame.columns if c != "geometry"]
    code_field, name_field = find_code_field(columns, level)
    export_notes: list[str] = []
    if not code_field and level in SMALL_AREA_LEVELS and {"code", "level"} <= set(columns):
        frame, export_notes = _rows_of_export(frame, level)
        code_field, name_field = "code", "name" if "name" in columns else None
    if not code_field:
        expected = " or ".join(f"{p}<YY>CD" for p in FIELD_PREFIXES[level])
        seen_fields = ", ".join(columns) or "no fields"
        raise UnknownCodeField(
            f"{path}: no {level.value} code field ({expected}) among {seen_fields}"
        )
    frame, source_crs, notes = _to_wgs84(frame, assume_crs)
    notes += export_notes
    accepted: list[tuple[str, str, Area]] = []
    rejected: list[Rejection] = []
    repaired = 0
    seen: set[str] = set()
    total = len(frame)
    codes = frame[code_field].to_numpy()
    names = frame[name_field].to_numpy() if name_field else codes
    for i, geometry in enumerate(frame.geometry.to_numpy()):
        code = None if codes[i] is None else str(codes[i]).strip()
        reason = _check_code(code, level, seen)
        if reason is None:
            try:
                if (
                    geometry is not None
                    and not geometry.is_empty
                    and not shapely.is_valid(geometry)
                ):
                    repaired += 1
                area = polygonal(geometry)
                if not _in_uk(area):
                    reason = "outside the UK"
            except GeoError as exc:
                reason = f"unusable geometry: {exc}"
        if reason is not None or code is None:
            rejected.append(Rejection(i, code, reason or "no code"))
        else:
            seen.add(code)
            name = str(names[i]).strip() if names[i] is not None else code
            accepted.append((code, name, area))
        if progress is not None:
            progress(i + 1, total)
    display = _display([a for _c, _n, a in accepted])
    features = [BoundaryFeature(c, n, a, d) for (c, n, a), d in zip(accepted, display, strict=True)]
    report = ImportReport(
        str(path),
        level,
        code_field,
        name_field,
        source_crs,
        total,
        repaired,
        tuple(rejected),
        tuple(notes),
    )
    return ImportResult(tuple(features), report)


def _rows_of_export(frame: gpd.GeoDataFrame, level: Level) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The rows of ``level`` of a ``dicm export small-areas`` file (``code``, ``name`` and
    ``level`` columns; both levels in one file), with notes on what else the file held."""
    levels = frame["level"].astype("string").str.strip()
    mine = frame[(levels == level.value).to_numpy()]
    if mine.empty:
        raise BoundaryFileError(f"a dicm small-areas export with no {level.value} rows")
    notes: list[str] = []
    others = len(frame) - len(mine)
    if others:
        notes.append(
            f"a dicm small-areas export: its {others} rows of another level are left for "
            f"their own --level"
        )
    if "wkt_simplified_m" in mine.columns:
        cells = mine["wkt_simplified_m"].astype("string").str.strip().fillna("")
        simplified = int(cells.ne("").sum())
        if simplified:
            notes.append(
                f"{simplified} shapes were simplified to fit a CSV cell (wkt_simplified_m): "
                "import the GeoJSON or GeoPackage export for the exact shapes"
            )
    return mine, notes


def _check_code(code: str | None, level: Level, seen: set[str]) -> str | None:
    if not code:
        return "no code"
    if not CODE_PATTERNS[level].match(code):
        return f"code {code!r} is not a {level.value} code"
    if code in seen:
        return f"duplicate code {code}"
    return None


def _display(areas: list[Area]) -> list[BaseGeometry]:
    """Display copies, all areas reprojected in one call each way."""
    if not areas:
        return []
    bng = project_geometry(shapely.GeometryCollection(areas), WGS84, BNG)
    simplified = shapely.simplify(
        shapely.get_parts(bng), DISPLAY_TOLERANCE_M, preserve_topology=True
    )
    back = project_geometry(shapely.GeometryCollection(list(simplified)), BNG, WGS84)
    return list(shapely.get_parts(back))


def to_domain(
    result: ImportResult,
    parents: Mapping[str, tuple[str | None, str | None]] | None = None,
    within: Mapping[str, tuple[str | None, str | None]] | None = None,
) -> list[Territory | LocalAuthority | Region | SmallArea]:
    """Domain objects for every level (pfa, lad, region, country, csp, lsoa).

    ``parents`` maps a local authority code to its (territory, region) codes; for a police
    force area the territory table in ``boundaries/data`` supplies force, PCC office and region.
    Regions are stored under their ITL1 code (an ``E12`` region becomes its ITL1 twin), so the
    12 regions stay 12. A country outline replaces the ITL1 region it equals (Wales, Scotland,
    Northern Ireland) and, for Scotland and Northern Ireland, the territory of their single
    force; England's outline has no such twin and gives nothing. CSPs and LSOAs are
    :class:`SmallArea` of their level; ``within`` maps their code to the (local authority,
    territory) codes they fall in.
    """
    parents = parents or {}
    within = within or {}
    level = result.report.level
    out: list[Territory | LocalAuthority | Region | SmallArea] = []
    for f in result.features:
        if level is Level.PFA:
            fact = territory_fact(f.code)
            out.append(
                Territory(
                    f.code, f.name,
                    fact.force_name if fact else f.name,
                    fact.pcc_name if fact else f"{f.name} Police and Crime Commissioner",
                    fact.region_code if fact else None,
                    f.geometry,
                )
            )  # fmt: skip
        elif level is Level.LAD:
            territory, region = parents.get(f.code, (None, None))
            out.append(LocalAuthority(f.code, f.name, territory, region, f.geometry))
        elif level is Level.REGION:
            itl1 = _itl1_for(f.code)
            out.append(
                Region(itl1.code, itl1.name, f.geometry)
                if itl1
                else Region(f.code, f.name, f.geometry)
            )
        elif level is Level.COUNTRY:
            out.extend(_country_areas(f))
        else:  # csp, lsoa
            la, territory = within.get(f.code, (None, None))
            out.append(SmallArea(f.code, f.name, level.value, la, territory, f.geometry))
    return out


def _itl1_for(code: str) -> RegionFact | None:
    return next((r for r in region_facts() if code in (r.code, r.ons_code)), None)


def _country_areas(f: BoundaryFeature) -> list[Territory | LocalAuthority | Region]:
    out: list[Territory | LocalAuthority | Region] = []
    fact = territory_fact(f.code)
    if fact is not None:
        out.append(Territory(fact.code, fact.name, fact.force_name, fact.pcc_name,
                             fact.region_code, f.geometry))  # fmt: skip
    itl1 = _itl1_for(f.code)
    if itl1 is not None:
        out.append(Region(itl1.code, itl1.name, f.geometry))
    return out


__all__ = [
    "DISPLAY_TOLERANCE_M",
    "ImportReport",
    "ImportResult",
    "Rejection",
    "read_boundary_file",
    "to_domain",
]
