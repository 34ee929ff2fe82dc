"""The geography use cases and the CLI: load into the store, locate postcodes and points."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from boundaries.bundled import BundledGeography
from boundaries.importer import read_boundary_file
from dicm.cli import app
from dicm.settings import Settings
from domain.model import LocalAuthority, Region, Territory
from geo.errors import InvalidCoordinates, SwappedCoordinates, UnknownPostcode
from geo.placement import Placement
from services import directory
from services.geography import ensure_geography, import_boundaries, locate, parse_lat_lon
from store.port import Store


def test_ensure_geography_loads_once(
    store: Store, geo_data_dir: Path, bundled: BundledGeography
) -> None:
    settings = Settings(data_dir=geo_data_dir)
    assert ensure_geography(store, settings.services) == 45 + 12 + 350
    assert (store.count(Territory), store.count(Region), store.count(LocalAuthority)) == (
        45,
        12,
        350,
    )
    assert ensure_geography(store, settings.services) == 0
    answer = locate(store, "51.454,-0.973")
    assert (
        answer.chain.local_authority_code == "E06000038"
        and answer.force_name == "Thames Valley Police"
    )
    assert answer.region_name == "South East (England)"
    # docks and rivers the generalised districts leave out: the coast rule, on both backends
    for postcode, council in HOLES.items():
        found = locate(store, postcode)
        assert found.chain.local_authority_code == council, (postcode, found)
        assert found.placement in (Placement.INSIDE, Placement.NEAR_COAST)
        assert found.chain.territory_code is not None
    # an abolished district is answered by today's council
    assert locate(store, "HP20 1UA").local_authority_name == "Buckinghamshire"
    assert directory.get_local_authority(store, "E07000004").code == "E06000060"
    assert directory.get_region(store, "E12000008").code == "TLJ"
    assert directory.get_region(store, "W92000004").code == "TLL"


#: postcodes that once answered "outside-uk" (estuaries, docks): their ONS LAD December 2024
HOLES = {"SW1V 3LD": "E09000033", "E1W 2PH": "E09000030", "CH41 1EL": "E08000015"}


def test_former_holes_land_in_their_council_in_the_bundled_geography(
    bundled: BundledGeography,
) -> None:
    for postcode, council in HOLES.items():
        assert locate(bundled, postcode).chain.local_authority_code == council, postcode
    assert locate(bundled, "55.0,-3.0").placement is not Placement.OUTSIDE_UK  # Solway shore
    assert locate(bundled, "54.0,-5.5").placement is Placement.OUTSIDE_UK  # Irish Sea


def test_locate_a_postcode_in_the_bundled_geography(bundled: BundledGeography) -> None:
    answer = locate(bundled, "rg1 1af")
    assert answer.postcode == "RG1 1AF" and answer.placement is Placement.INSIDE
    assert answer.local_authority_name == "Reading" and answer.territory_name == "Thames Valley"
    assert answer.pcc_name == "Thames Valley Police and Crime Commissioner"
    assert answer.to_dict()["h3_cell"] == answer.h3_cell and len(answer.h3_cell) == 15


def test_locate_a_scottish_postcode_names_its_council_area(bundled: BundledGeography) -> None:
    answer = locate(bundled, "EH1 1YZ")
    assert answer.chain.local_authority_code == "S12000036"
    assert answer.local_authority_name == "City of Edinburgh"
    assert answer.force_name == "Police Scotland" and answer.region_name == "Scotland"


def test_locate_explains_unusual_answers(bundled: BundledGeography) -> None:
    assert locate(bundled, "RG1 1AA").notes[0].startswith("RG1 1AA is not in Code-Point Open")
    assert locate(bundled, "48.8566,2.3522").placement is Placement.OUTSIDE_UK
    with pytest.raises(UnknownPostcode, match="Northern Ireland"):
        locate(bundled, "BT1 5GS")


def test_typed_coordinates_are_lat_then_lon() -> None:
    assert parse_lat_lon("51.454,-0.973") == (-0.973, 51.454)
    assert parse_lat_lon(" 51.454 -0.973 ") == (-0.973, 51.454)
    with pytest.raises(SwappedCoordinates, match=re.escape("type latitude first: '51.454,-0.973'")):
        parse_lat_lon("-0.973,51.454")
    with pytest.raises(InvalidCoordinates):
        parse_lat_lon("95,200")


def test_cli_locate(geo_data_dir: Path, tmp_path: Path, bundled: BundledGeography) -> None:
    env = {
        "DICM_DATA_DIR": str(geo_data_dir),
        "DICM_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}",
    }
    runner = CliRunner()
    result = runner.invoke(
        app, ["locate", "51.454,-0.973", "--source", "bundled", "--json"], env=env
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["territory"]["code"] == "E23000029" and body["region"]["code"] == "TLJ"
    result = runner.invoke(app, ["locate", "RG1 1AF"], env=env)
    assert result.exit_code == 0 and "Thames Valley Police and Crime Commissioner" in result.output
    assert not (tmp_path / "x.sqlite").exists()  # locating a point creates no database
    swapped = runner.invoke(app, ["locate", "--", "-0.973,51.454"], env=env)
    assert swapped.exit_code == 2 and "latitude first" in swapped.output


def test_official_countries_replace_the_derived_scotland_and_ni_outlines(
    store: Store, geo_data_dir: Path, shared_data: Path
) -> None:
    ensure_geography(store, Settings(data_dir=geo_data_dir).services)
    countries = shared_data / "boundaries" / "ctry_dec2024_uk_buc.geojson"
    outcome = import_boundaries(store, countries, "country")
    assert outcome.report.kept == 4 and outcome.stored == 5  # 2 territories + 3 ITL1 regions
    assert (store.count(Territory), store.count(Region)) == (45, 12)
    official = {f.code: f.geometry for f in read_boundary_file(countries, "country").features}
    scotland = store.get(Territory, "S92000003")
    assert scotland.geometry is not None and scotland.geometry.equals(official["S92000003"])
    assert store.get(Region, "TLL").geometry.equals(official["W92000004"])  # type: ignore[union-attr]
    outcome = import_boundaries(
        store, shared_data / "boundaries" / "rgn_dec2023_en_buc.geojson", "region"
    )
    assert outcome.stored == 9 and store.count(Region) == 12


def test_cli_boundaries_import_and_geography_build(
    geo_data_dir: Path, tmp_path: Path, shared_data: Path, bundled: BundledGeography
) -> None:
    env = {
        "DICM_DATA_DIR": str(geo_data_dir),
        "DICM_DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite'}",
    }
    runner = CliRunner()
    path = shared_data / "boundaries" / "itl1_jan2025_uk_buc.geojson"
    result = runner.invoke(
        app, ["boundaries", "import", str(path), "--level", "region", "--json"], env=env
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["features_read"], summary["stored"], summary["code_field"]) == (
        12,
        12,
        "ITL125CD",
    )
    bad = runner.invoke(app, ["boundaries", "import", str(path), "--level", "pfa"], env=env)
    assert bad.exit_code == 2 and "unknown-code-field" in bad.output
    built = runner.invoke(app, ["geography", "build"], env=env)
    assert (
        built.exit_code == 0 and "45 territories, 12 regions, 350 local authorities" in built.output
    )
