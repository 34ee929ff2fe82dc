"""Importing official ONS boundary files: formats, CRSs, repairs, rejections, transactions."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
from shapely.geometry import box
from typer.testing import CliRunner

from boundaries.errors import MissingCRS, UnknownCodeField
from boundaries.importer import DISPLAY_TOLERANCE_M, read_boundary_file, to_domain
from boundaries.levels import Level
from dicm.cli import app
from domain.model import LocalAuthority, Region, Territory
from geo.crs import to_bng
from geo.errors import GeoError
from services.geography import import_boundaries
from store.port import Store

OFFICIAL = [
    ("pfa_dec2023_ew_buc.geojson", Level.PFA, 43, "PFA23CD"),
    ("lad_dec2024_uk_buc.geojson", Level.LAD, 361, "LAD24CD"),
    ("itl1_jan2025_uk_buc.geojson", Level.REGION, 12, "ITL125CD"),
    ("rgn_dec2023_en_buc.geojson", Level.REGION, 9, "RGN23CD"),
    ("ctry_dec2024_uk_buc.geojson", Level.COUNTRY, 4, "CTRY24CD"),
    ("csp_dec2023_ew_buc.geojson", Level.CSP, 314, "CSP23CD"),
    ("lsoa21_thames_valley_bgc.geojson", Level.LSOA, 1485, "LSOA21CD"),
]


@pytest.mark.parametrize(("name", "level", "count", "field"), OFFICIAL)
def test_reads_the_official_geojson_files(shared_data: Path, name: str, level: Level, count: int,
                                          field: str) -> None:  # fmt: skip
    result = read_boundary_file(shared_data / "boundaries" / name, level)
    assert result.report.code_field == field
    assert result.report.features_read == result.report.kept == len(result.features) == count
    assert not result.report.rejected
    assert all(f.geometry.is_valid and f.name for f in result.features)


def test_display_copies_are_simplified_within_the_stated_tolerance(shared_data: Path) -> None:
    result = read_boundary_file(shared_data / "boundaries" / "pfa_dec2023_ew_bgc.geojson", "pfa")
    full = sum(shapely.get_num_coordinates(f.geometry) for f in result.features)
    display = sum(shapely.get_num_coordinates(f.display_geometry) for f in result.features)
    assert display < full / 2
    tv = next(f for f in result.features if f.code == "E23000029")
    assert (
        to_bng(tv.geometry).hausdorff_distance(to_bng(tv.display_geometry))
        <= DISPLAY_TOLERANCE_M * 1.5
    )


def test_pfa_features_become_territories_with_metadata(shared_data: Path) -> None:
    result = read_boundary_file(shared_data / "boundaries" / "pfa_dec2023_ew_buc.geojson", "pfa")
    tv = next(t for t in to_domain(result) if t.code == "E23000029")
    assert isinstance(tv, Territory)
    assert tv.pcc_name == "Thames Valley Police and Crime Commissioner" and tv.region_code == "TLJ"


@pytest.fixture(scope="module")
def regions(shared_data: Path) -> gpd.GeoDataFrame:
    return gpd.read_file(shared_data / "boundaries" / "rgn_dec2023_en_buc.geojson")


@pytest.mark.parametrize("suffix", [".shp", ".gpkg"])
def test_reads_shapefile_and_geopackage(
    regions: gpd.GeoDataFrame, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"regions{suffix}"
    pyogrio.write_dataframe(regions, path)
    result = read_boundary_file(path, "region")
    assert [f.code for f in result.features] == sorted(regions["RGN23CD"])
    assert result.report.kept == 9


def test_reads_a_zipped_shapefile(regions: gpd.GeoDataFrame, tmp_path: Path) -> None:
    pyogrio.write_dataframe(regions, tmp_path / "rgn.shp")
    archive = tmp_path / "rgn.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in tmp_path.glob("rgn.*"):
            if part.suffix != ".zip":
                z.write(part, part.name)
    assert read_boundary_file(archive, "region").report.kept == 9


def test_reprojects_british_national_grid(regions: gpd.GeoDataFrame, tmp_path: Path) -> None:
    path = tmp_path / "regions_bng.gpkg"
    pyogrio.write_dataframe(regions.to_crs(27700), path)
    result = read_boundary_file(path, "region")
    assert "27700" in result.report.source_crs
    for feature, original in zip(
        result.features, regions.sort_values("RGN23CD").geometry, strict=True
    ):
        assert feature.geometry.bounds[0] < 2.0  # degrees, not metres
        assert abs(to_bng(feature.geometry).area / to_bng(original).area - 1) < 1e-6


@pytest.mark.filterwarnings("ignore:'crs' was not provided:UserWarning")  # we want no .prj
def test_no_crs_and_grid_metres_is_a_clear_error(regions: gpd.GeoDataFrame, tmp_path: Path) -> None:
    path = tmp_path / "no_crs.shp"
    pyogrio.write_dataframe(regions.to_crs(27700).set_crs(None, allow_override=True), path)
    with pytest.raises(MissingCRS, match="British National Grid"):
        read_boundary_file(path, "region")
    assert read_boundary_file(path, "region", assume_crs=27700).report.kept == 9


def feature(code: str, geometry: Mapping[str, object], field: str = "LAD24CD") -> dict[str, object]:
    return {
        "type": "Feature",
        "properties": {field: code, field[:-2] + "NM": code},
        "geometry": geometry,
    }


def write_geojson(path: Path, features: list[dict[str, object]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[-1.0, 52.0], [-0.9, 52.1], [-0.9, 52.0], [-1.0, 52.1], [-1.0, 52.0]]],
}
SQUARE = shapely.geometry.mapping(box(-1.2, 52.0, -1.1, 52.1))


def test_self_crossing_polygons_are_repaired_and_counted(tmp_path: Path) -> None:
    path = write_geojson(
        tmp_path / "lads.geojson", [feature("E06000001", BOWTIE), feature("E06000002", SQUARE)]
    )
    result = read_boundary_file(path, "lad")
    assert result.report.repaired == 1 and result.report.kept == 2
    repaired = result.features[0].geometry
    assert repaired.is_valid and repaired.geom_type == "MultiPolygon" and repaired.area > 0


def test_bad_codes_and_unusable_geometries_are_rejected_with_reasons(tmp_path: Path) -> None:
    line = {"type": "LineString", "coordinates": [[-1.0, 52.0], [-0.9, 52.1]]}
    paris = shapely.geometry.mapping(box(2.3, 48.8, 2.4, 48.9))
    path = write_geojson(tmp_path / "lads.geojson", [
        feature("E06000001", SQUARE), feature("X99", SQUARE), feature("E06000001", SQUARE),
        feature("E06000003", line), feature("E06000004", paris),
    ])  # fmt: skip
    report = read_boundary_file(path, "lad").report
    assert report.kept == 1
    reasons = {r.index: r.reason for r in report.rejected}
    assert "not a lad code" in reasons[1] and "duplicate" in reasons[2]
    assert "no polygonal part" in reasons[3] and "outside the UK" in reasons[4]


def test_unknown_code_field_is_a_clear_error(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "x.geojson", [feature("E06000001", SQUARE, field="AREACD")])
    with pytest.raises(
        UnknownCodeField, match=r"no lad code field \(LAD<YY>CD or LTLA<YY>CD\) among AREACD"
    ):
        read_boundary_file(path, "lad")


def test_import_is_one_transaction(store: Store, tmp_path: Path) -> None:
    store.put(Region("TLF", "East Midlands (England)", box(-2.0, 52.0, 0.0, 53.0)))
    before = store.count(LocalAuthority)
    # a sliver whose box meets the UK envelope (the importer keeps it) with no corner in it (the
    # store refuses it): the first, good feature must not be written either
    west_of_ireland = shapely.geometry.mapping(box(-9.0, 49.0, -8.5, 62.0))
    path = write_geojson(
        tmp_path / "lads.geojson",
        [feature("E06000001", SQUARE), feature("E06000002", west_of_ireland)],
    )
    with pytest.raises(GeoError):
        import_boundaries(store, path, "lad")
    assert store.count(LocalAuthority) == before
    with pytest.raises(UnknownCodeField):
        import_boundaries(
            store,
            write_geojson(tmp_path / "bad.geojson", [feature("E06000001", SQUARE, "AREACD")]),
            "lad",
        )
    assert store.count(LocalAuthority) == before


def test_import_stores_local_authorities_with_their_parents(store: Store, tmp_path: Path) -> None:
    store.put(Region("TLF", "East Midlands (England)", box(-2.0, 51.0, 0.0, 53.0)))
    store.put(Territory("E23000022", "Northamptonshire", "Northamptonshire Police", "PFCC", "TLF",
                        box(-2.0, 51.0, 0.0, 53.0)))  # fmt: skip
    path = write_geojson(
        tmp_path / "lads.geojson", [feature("E06000001", SQUARE), feature("E06000002", BOWTIE)]
    )
    outcome = import_boundaries(store, path, "lad")
    assert outcome.stored == 2 and outcome.report.repaired == 1
    la = store.get(LocalAuthority, "E06000001")
    assert (la.territory_code, la.region_code) == ("E23000022", "TLF")


def test_a_geojson_in_grid_metres_without_crs_is_refused_then_read_with_assume_crs(
    tmp_path: Path,
) -> None:
    """GDAL reads a GeoJSON without ``crs`` as WGS 84: metres must not become 'outside the UK'."""
    metres = shapely.geometry.mapping(to_bng(box(-1.2, 52.0, -1.1, 52.1)))
    path = write_geojson(tmp_path / "lads.geojson", [feature("E06000001", metres)])
    with pytest.raises(MissingCRS, match="--assume-crs 27700"):
        read_boundary_file(path, "lad")
    result = read_boundary_file(path, "lad", assume_crs=27700)
    assert result.report.kept == 1 and not result.report.rejected
    assert result.features[0].geometry.bounds[0] == pytest.approx(-1.2, abs=1e-6)


def test_cli_boundary_import_with_rejections_exits_non_zero(tmp_path: Path) -> None:
    paris = shapely.geometry.mapping(box(2.3, 48.8, 2.4, 48.9))
    path = write_geojson(
        tmp_path / "lads.geojson", [feature("E06000001", SQUARE), feature("E06000004", paris)]
    )
    env = {"DICM_DATA_DIR": str(tmp_path), "DICM_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}
    result = CliRunner().invoke(app, ["boundaries", "import", str(path), "--level", "lad"], env=env)
    assert result.exit_code == 1, result.output
    assert "outside the UK" in result.output and "1 stored" in result.output
