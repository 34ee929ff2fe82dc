"""One test per messy file a DICM team really sends, each with the outcome a user sees.

Every file is written byte for byte to ``tmp_path`` (Excel's cp1252 ``£``, a BOM, eastings in the
lon column, a GeoJSON without ``crs``) and read by the real readers and the real CLI.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datasets.fields import RowError, parse_date, parse_number
from datasets.mapping import ColumnMapping, parse_map_options
from datasets.readers import ReadResult, read_activities
from datasets.table import read_table
from dicm.cli import app
from dicm.settings import Settings
from domain.errors import InvalidInput
from domain.model import Activity
from store.factory import open_store
from tests.builders import make_provider
from tests.datasets.conftest import dict_geocoder

TODAY = date(2026, 11, 24)
PROVIDERS = {"prov-1": "Reading Youth Trust"}
NO_MAP = ColumnMapping({})
HEADER = "name,provider_id,lon,lat,funding_gap_gbp,validation_status,validated_until\n"
#: Reading town centre in British National Grid metres and in degrees
READING_EN = (471_500.0, 173_400.0)
READING_LONLAT = (-0.973, 51.454)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _activities(
    path: Path, mapping: ColumnMapping = NO_MAP, assume_crs: int | None = None
) -> ReadResult[Activity]:
    return read_activities(
        read_table(path, assume_crs=assume_crs),
        mapping,
        providers=PROVIDERS,
        geocoder=dict_geocoder,
        today=TODAY,
        assume_crs=assume_crs,
    )


# --- encodings ---------------------------------------------------------------------------------


TEXT = 'name,provider_id,lon,lat,funding_gap_gbp\nCaf\u00e9 club,prov-1,-0.97,51.45,"\u00a31,200"\n'


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "UTF-8 with BOM"),  # Excel's "CSV UTF-8"
        (TEXT.encode("cp1252"), "cp1252"),  # Excel's plain "CSV": the pound sign is byte 0xA3
    ],
)
def test_encoding_is_detected_and_reported(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = _write(tmp_path, "a.csv", data)
    table = read_table(path)
    assert table.encoding == encoding
    assert table.columns[0] == "name"  # no BOM glued to the first column name
    result = _activities(path)
    assert not result.rejected
    assert result.accepted[0].name == "Caf\u00e9 club"
    assert result.accepted[0].funding_gap_gbp == 1200.0


def test_cli_reports_the_encoding_of_a_latin1_file_without_a_traceback(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    data = b'name,provider_id,postcode,funding_gap_gbp\nCaf\xe9,prov-1,RG1 1AF,"\xa35,000"\n'
    result = CliRunner().invoke(
        app, ["import", "activities", str(_write(tmp_path, "x.csv", data))], env=cli_env
    )
    assert isinstance(result.exception, SystemExit | None), result.exception
    assert "read as cp1252" in result.output, result.output
    assert result.exit_code == 0


# --- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("£1,200", 1200.0), ("1 200", 1200.0), ("1,200.50", 1200.5), ("12,345,678", 12345678.0)],
)
def test_uk_numbers_are_read(text: str, value: float) -> None:
    assert parse_number(text, "funding_gap_gbp") == value


@pytest.mark.parametrize("text", ["1.200,00", "1.200.000", "3,5"])
def test_ambiguous_numbers_are_refused_with_a_reason(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path, "a.csv", (HEADER + f'Club,prov-1,-0.97,51.45,"{text}",,\n').encode())
    result = _activities(path)
    assert not result.accepted
    [rejection] = result.rejected
    assert rejection.code == "ambiguous-number" and text in rejection.message


def test_an_empty_number_is_missing_not_zero() -> None:
    with pytest.raises(RowError) as caught:
        parse_number("", "score")
    assert caught.value.code == "missing-number"  # an indicator value cannot be blank


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2027-03-31", "31/03/2027", "31-Mar-2027", "31 March 2027"])
def test_iso_and_uk_day_first_dates(tmp_path: Path, text: str) -> None:
    path = _write(
        tmp_path, "a.csv", (HEADER + f"Club,prov-1,-0.97,51.45,,validated,{text}\n").encode()
    )
    result = _activities(path)
    assert not result.rejected
    assert result.accepted[0].validated_until == date(2027, 3, 31)


@pytest.mark.parametrize("text", ["03/31/2027", "30/02/2027", "31-Foo-2027"])
def test_month_first_and_impossible_dates_are_refused(text: str) -> None:
    with pytest.raises(RowError) as caught:
        parse_date(text, "validated_until")
    assert caught.value.code in {"impossible-date", "bad-date"} and text in str(caught.value)


def test_day_first_never_month_first() -> None:
    assert parse_date("04/05/2027", "d") == date(2027, 5, 4)


# --- every reason of a row ---------------------------------------------------------------------


def test_every_reason_of_a_row_is_reported(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "a.csv",
        (HEADER + ',nobody,-0.97,51.45,"1.200,00",validated,31/02/2027\n').encode(),
    )
    result = _activities(path)
    assert {r.row for r in result.rejected} == {1}
    assert {r.code for r in result.rejected} == {
        "missing-name",
        "unknown-provider",
        "ambiguous-number",
        "impossible-date",
    }


# --- British National Grid ---------------------------------------------------------------------


def test_eastings_in_lon_lat_columns_are_refused_with_a_hint(tmp_path: Path) -> None:
    x, y = READING_EN
    path = _write(tmp_path, "a.csv", f"name,provider_id,x,y\nClub,prov-1,{x},{y}\n".encode())
    result = _activities(path, parse_map_options(["lon=x", "lat=y"]))
    [rejection] = result.rejected
    assert rejection.code == "bng-coordinates" and "--assume-crs 27700" in rejection.message


def test_eastings_read_with_assume_crs(tmp_path: Path) -> None:
    x, y = READING_EN
    path = _write(tmp_path, "a.csv", f"name,provider_id,x,y\nClub,prov-1,{x},{y}\n".encode())
    result = _activities(path, parse_map_options(["lon=x", "lat=y"]), assume_crs=27700)
    assert not result.rejected
    point = result.accepted[0].location
    assert point.x == pytest.approx(READING_LONLAT[0], abs=0.01)
    assert point.y == pytest.approx(READING_LONLAT[1], abs=0.01)


def test_easting_northing_columns_are_read_as_british_national_grid(tmp_path: Path) -> None:
    x, y = READING_EN
    data = f'name,provider_id,Easting,Northing\nClub,prov-1,"471,500",{y}\n'.encode()
    result = _activities(_write(tmp_path, "a.csv", data))
    assert not result.rejected
    assert result.accepted[0].location.x == pytest.approx(READING_LONLAT[0], abs=0.01)
    assert x == 471_500.0


def _bng_geojson(tmp_path: Path) -> Path:
    x, y = READING_EN
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Club", "provider_id": "prov-1"},
                "geometry": {"type": "Point", "coordinates": [x, y]},
            }
        ],
    }
    return _write(tmp_path, "bng.geojson", json.dumps(collection).encode())


def test_a_geojson_in_metres_without_crs_is_refused_with_a_hint(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="--assume-crs 27700"):
        read_table(_bng_geojson(tmp_path))


def test_a_geojson_in_metres_is_read_with_assume_crs(tmp_path: Path) -> None:
    result = _activities(_bng_geojson(tmp_path), assume_crs=27700)
    assert not result.rejected
    assert result.accepted[0].location.y == pytest.approx(READING_LONLAT[1], abs=0.01)


# --- exit codes --------------------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'd.sqlite'}", data_dir=tmp_path)
    store = open_store(settings.store)
    store.put_many([make_provider()])
    store.close()
    yield {"DICM_DATABASE_URL": settings.database_url, "DICM_DATA_DIR": str(tmp_path)}


def test_skip_invalid_with_rejections_still_exits_non_zero(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    data = b"name,provider_id,postcode\nGood,prov-1,RG1 1AF\n,prov-1,RG1 1AF\n"
    path = _write(tmp_path, "a.csv", data)
    result = CliRunner().invoke(
        app, ["import", "activities", str(path), "--skip-invalid"], env=cli_env
    )
    assert result.exit_code == 1, result.output
    assert "imported 1 activities" in result.output and "1 rejected" in result.output


def test_cli_geojson_in_metres_is_a_clear_error_then_imports_with_assume_crs(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = _bng_geojson(tmp_path)
    result = CliRunner().invoke(app, ["import", "activities", str(path)], env=cli_env)
    assert result.exit_code == 2 and "--assume-crs 27700" in result.output
    result = CliRunner().invoke(
        app, ["import", "activities", str(path), "--assume-crs", "27700"], env=cli_env
    )
    assert result.exit_code == 0, result.output
