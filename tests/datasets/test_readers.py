"""Readers: CSV, GeoJSON and GeoPackage rows become entities; bad rows are reported, never lost."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point, box

from datasets.fields import format_support, parse_needs, parse_offers, parse_themes
from datasets.mapping import ColumnMapping, load_mapping_file, parse_map_options
from datasets.readers import ReadResult, read_activities, read_providers, read_suppliers
from datasets.table import read_table
from domain.errors import InvalidInput
from domain.model import Activity, Need
from domain.vocabulary import THEMES, SupportType, ValidationStatus
from tests.datasets.conftest import WriteCsv, dict_geocoder

TODAY = date(2026, 11, 24)
PROVIDERS = {"prov-1": "Reading Youth Trust"}
NO_MAP = ColumnMapping({})


def _activities(path: Path, mapping: ColumnMapping = NO_MAP) -> ReadResult[Activity]:
    return read_activities(
        read_table(path), mapping, providers=PROVIDERS, geocoder=dict_geocoder, today=TODAY
    )


def good_row(**overrides: str) -> dict[str, str]:
    row = {
        "name": "Boxing club",
        "provider_id": "prov-1",
        "lon": "-0.9730",
        "lat": "51.4543",
        "themes": "serious_violence, youth_diversion",
        "needs": "volunteering:200 hours (coaches); cash:5,000 GBP",
    }
    row.update(overrides)
    return row


def test_csv_with_a_column_mapping(write_csv: WriteCsv) -> None:
    path = write_csv(
        "a.csv",
        [
            {
                "Activity Name": "Boxing club",
                "Org": "Reading Youth Trust",
                "PC": "RG1 1AF",
                "Tags": "youth_diversion",
            }
        ],
    )
    mapping = parse_map_options(
        ["name=Activity Name", "provider_id=Org", "postcode=PC", "themes=Tags"]
    )
    result = _activities(path, mapping)
    assert result.rejected == ()
    (activity,) = result.accepted
    assert activity.name == "Boxing club"
    assert activity.provider_id == "prov-1"  # matched by provider name
    assert (activity.location.x, activity.location.y) == (-0.9693, 51.4575)
    assert activity.postcode == "RG1 1AF"
    assert activity.validation_status is ValidationStatus.PENDING


def test_needs_and_themes_are_parsed(write_csv: WriteCsv) -> None:
    (activity,) = _activities(write_csv("a.csv", [good_row()])).accepted
    assert activity.themes == ("serious_violence", "youth_diversion")
    assert activity.needs == (
        Need(SupportType.VOLUNTEERING, "coaches", 200.0, "hours"),
        Need(SupportType.CASH, "", 5000.0, "GBP"),
    )


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"name": ""}, "missing-name"),
        ({"provider_id": "nobody"}, "unknown-provider"),
        ({"lon": "", "lat": "", "postcode": "ZZ9 9ZZ"}, "unknown-postcode"),
        ({"lon": "", "lat": "", "postcode": "12345"}, "invalid-postcode"),
        ({"lon": "2.35", "lat": "48.85"}, "outside-uk"),  # Paris
        ({"lon": "-74.0", "lat": "40.7"}, "outside-uk"),  # New York
        ({"lon": "51.4543", "lat": "-0.9730"}, "swapped-coordinates"),
        ({"lon": "abc", "lat": "51"}, "invalid-coordinates"),
        ({"lon": "", "lat": ""}, "missing-location"),
        ({"lon": "-0.97", "lat": ""}, "missing-location"),
        ({"themes": "knife_crime"}, "bad-theme"),
        ({"needs": "money:5"}, "bad-support"),
        ({"needs": "volunteering 200"}, "bad-support"),
        ({"validation_status": "approved"}, "bad-value"),
        ({"validation_status": "validated"}, "bad-value"),  # validated needs a date
        ({"funding_gap_gbp": "lots"}, "bad-number"),
        ({"at_risk": "maybe"}, "bad-value"),
        ({"evidence_title": "Report", "evidence_strength": "9"}, "bad-value"),
    ],
)
def test_every_rejection_names_its_row_and_reason(
    write_csv: WriteCsv, overrides: dict[str, str], code: str
) -> None:
    path = write_csv(
        "a.csv", [good_row(name="first"), good_row(**overrides), good_row(name="third")]
    )
    result = _activities(path)
    assert [a.name for a in result.accepted] == ["first", "third"]
    (rejection,) = result.rejected
    assert (rejection.row, rejection.code) == (2, code)
    assert rejection.message


def test_duplicate_ids_are_rejected(write_csv: WriteCsv) -> None:
    path = write_csv("a.csv", [good_row(id="a1"), good_row(id="a1", name="other")])
    result = _activities(path)
    assert [(r.row, r.code) for r in result.rejected] == [(2, "duplicate-id")]


def test_past_validation_date_reads_as_lapsed(write_csv: WriteCsv) -> None:
    path = write_csv(
        "a.csv", [good_row(validation_status="validated", validated_until="2020-01-01")]
    )
    (activity,) = _activities(path).accepted
    assert activity.validation_status is ValidationStatus.LAPSED


def test_ids_are_stable_across_reads(write_csv: WriteCsv) -> None:
    path = write_csv("a.csv", [good_row()])
    assert _activities(path).accepted[0].id == _activities(path).accepted[0].id


def test_geojson_points_and_polygons(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {
            "name": ["At a point", "Over an area"],
            "provider_id": ["prov-1", "prov-1"],
            "themes": ["victims", "mental_health"],
        },
        geometry=[Point(-0.9730, 51.4543), box(-1.30, 51.70, -1.20, 51.80)],
        crs="EPSG:4326",
    )
    path = tmp_path / "a.geojson"
    frame.to_file(path, driver="GeoJSON", engine="pyogrio")
    result = _activities(path)
    assert result.rejected == ()
    point, area = result.accepted
    assert point.location.equals_exact(Point(-0.9730, 51.4543), 1e-9)
    assert point.service_area is None
    assert area.service_area is not None and area.service_area.contains(area.location)


def test_gpkg_in_british_national_grid_is_reprojected(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"name": ["Reading"], "provider_id": ["prov-1"]},
        geometry=[Point(-0.9730, 51.4543)],
        crs="EPSG:4326",
    ).to_crs(27700)
    path = tmp_path / "a.gpkg"
    frame.to_file(path, driver="GPKG", layer="acts", engine="pyogrio")
    (activity,) = _activities(path).accepted
    assert activity.location.x == pytest.approx(-0.9730, abs=1e-6)
    assert activity.location.y == pytest.approx(51.4543, abs=1e-6)


def test_providers(write_csv: WriteCsv) -> None:
    path = write_csv(
        "p.csv",
        [
            {"name": "Reading Youth Trust", "kind": "charity", "charity_number": "1234567"},
            {"name": "Build Futures CIC", "kind": "social enterprise"},
            {"name": "", "kind": "charity"},
            {"name": "Odd", "kind": "company"},
        ],
    )
    result = read_providers(read_table(path), NO_MAP)
    assert [p.name for p in result.accepted] == ["Reading Youth Trust", "Build Futures CIC"]
    assert [(r.row, r.code) for r in result.rejected] == [(3, "missing-name"), (4, "bad-value")]


def test_suppliers_group_sites_by_id(write_csv: WriteCsv) -> None:
    path = write_csv(
        "s.csv",
        [
            {
                "id": "sup-1",
                "name": "Thames Build",
                "site_name": "Reading depot",
                "postcode": "RG1 1AF",
                "offers": "volunteering:500 hours; skills:40 hours @construction",
                "sectors": "construction",
            },
            {
                "id": "sup-1",
                "name": "Thames Build",
                "site_name": "Oxford yard",
                "postcode": "OX1 1AA",
            },
            {"id": "sup-2", "name": "Lost Ltd", "postcode": "ZZ9 9ZZ"},
        ],
    )
    result = read_suppliers(read_table(path), NO_MAP, geocoder=dict_geocoder)
    (supplier,) = result.accepted
    assert [s.name for s in supplier.sites] == ["Reading depot", "Oxford yard"]
    assert supplier.sectors == ("construction",)
    assert supplier.offers[1].sector == "construction"
    assert [(r.row, r.code) for r in result.rejected] == [(3, "unknown-postcode")]


def test_mapping_naming_a_missing_column_fails_early(write_csv: WriteCsv) -> None:
    path = write_csv("a.csv", [good_row()])
    with pytest.raises(InvalidInput, match="no column 'Nom'"):
        _activities(path, parse_map_options(["name=Nom"]))
    with pytest.raises(InvalidInput, match="no field 'colour'"):
        _activities(path, parse_map_options(["colour=name"]))
    with pytest.raises(InvalidInput, match="FIELD=COLUMN"):
        parse_map_options(["name"])


def test_mapping_files(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text("name: Activity Name\npostcode: PC\n")
    (tmp_path / "m.json").write_text('{"name": "Activity Name"}')
    assert load_mapping_file(tmp_path / "m.yaml").columns == {
        "name": "Activity Name",
        "postcode": "PC",
    }
    assert load_mapping_file(tmp_path / "m.json").columns == {"name": "Activity Name"}
    (tmp_path / "bad.yaml").write_text("- a\n- b\n")
    with pytest.raises(InvalidInput):
        load_mapping_file(tmp_path / "bad.yaml")


def test_unsupported_file_type(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_text("x")
    with pytest.raises(InvalidInput, match="unsupported file type"):
        read_table(tmp_path / "a.xlsx")


def test_themes_accept_labels_spacing_and_case() -> None:
    assert parse_themes("Serious Violence; youth-diversion, ,victims") == (
        "serious_violence",
        "youth_diversion",
        "victims",
    )


_support = st.builds(
    Need,
    support_type=st.sampled_from(list(SupportType)),
    description=st.text(
        st.characters(categories=["L", "N"], include_characters=" "), max_size=20
    ).map(str.strip),
    amount=st.one_of(st.none(), st.integers(1, 10**6).map(float)),
    unit=st.none(),
    sector=st.one_of(st.none(), st.sampled_from(["construction", "digital", "legal"])),
)


@given(st.lists(_support, max_size=4))
def test_needs_syntax_round_trips(needs: list[Need]) -> None:
    parsed = parse_needs(format_support(tuple(needs)))
    assert [(n.support_type, n.amount, n.sector, n.description) for n in parsed] == [
        (n.support_type, n.amount, n.sector, n.description) for n in needs
    ]
    assert parse_offers(format_support(tuple(needs)))[0:0] == ()


def test_theme_vocabulary_is_what_is_validated() -> None:
    assert parse_themes(",".join(THEMES)) == tuple(THEMES)
