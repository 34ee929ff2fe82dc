"""Writers: every format reads back with the same rows, geometries and ONS codes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyogrio
import pytest
from shapely.geometry import Point, box

from datasets.features import (
    Feature,
    activity_feature,
    provider_feature,
    supplier_site_features,
    territory_feature,
)
from datasets.mapping import ColumnMapping
from datasets.readers import read_activities
from datasets.table import read_table
from datasets.writers import write_features
from domain.errors import InvalidInput
from domain.model import AreaChain, Territory
from tests.builders import make_activity, make_provider, make_supplier
from tests.datasets.conftest import dict_geocoder

ACTIVITY = make_activity(
    local_authority_code="E06000038",
    territory_code="E23000029",
    region_code="E12000008",
    postcode="RG1 1AF",
)


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_activities_round_trip_through_every_format(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"activities.{fmt}"
    assert write_features([activity_feature(ACTIVITY)], path, fmt=fmt, layer="activities") == 1
    table = read_table(path)
    (row,) = table.rows
    assert row.values["territory_code"] == "E23000029"
    assert row.values["local_authority_code"] == "E06000038"
    assert row.values["region_code"] == "E12000008"
    result = read_activities(
        table,
        ColumnMapping({}),
        providers={"prov-1": "x"},
        geocoder=dict_geocoder,
        today=date(2026, 1, 1),
    )
    assert result.rejected == ()
    (back,) = result.accepted
    assert back.id == ACTIVITY.id
    assert back.location.equals_exact(ACTIVITY.location, 1e-9)
    assert (back.themes, back.needs) == (ACTIVITY.themes, ACTIVITY.needs)
    assert back.validation_status is ACTIVITY.validation_status
    assert back.validated_until == ACTIVITY.validated_until


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_polygons_keep_their_shape(tmp_path: Path, fmt: str) -> None:
    territory = Territory(
        "E23000029",
        "Thames Valley",
        "Thames Valley Police",
        "Thames Valley PCC",
        "E12000008",
        box(-1.6, 51.3, -0.5, 52.1),
    )
    path = tmp_path / f"t.{fmt}"
    write_features([territory_feature(territory)], path, fmt=fmt, layer="territories")
    if fmt == "csv":
        from shapely import wkt

        (row,) = read_table(path).rows
        assert wkt.loads(row.values["wkt"]).equals(territory.geometry)
    else:
        frame = pyogrio.read_dataframe(path)
        assert frame.geometry.iloc[0].equals(territory.geometry)
        assert frame["code"].iloc[0] == "E23000029"


def test_sites_are_points_with_their_area_codes(tmp_path: Path) -> None:
    def locate(lon: float, lat: float) -> AreaChain:
        return AreaChain(lon, lat, "E06000038", "E23000029", "E12000008")

    features = supplier_site_features(make_supplier(), locate)
    path = tmp_path / "s.csv"
    write_features(features, path, fmt="csv", layer="suppliers")
    (row,) = read_table(path).rows
    assert row.values["site_name"] == "Reading depot"
    assert row.values["territory_code"] == "E23000029"
    assert float(row.values["lon"]) == pytest.approx(-0.9730)


def test_provider_carries_the_codes_of_its_activities(tmp_path: Path) -> None:
    feature = provider_feature(make_provider(), [ACTIVITY, make_activity(id="b")])
    assert feature.properties["territory_codes"] == "E23000029"
    assert feature.properties["activity_count"] == 2


def test_empty_layers_and_null_geometries_write(tmp_path: Path) -> None:
    rows = [Feature({"id": "a", "n": 1}, None), Feature({"id": "b", "n": 2}, Point(0, 51))]
    for fmt in ("geojson", "gpkg", "csv"):
        assert write_features(rows, tmp_path / f"x.{fmt}", fmt=fmt, layer="x") == 2
        assert len(read_table(tmp_path / f"x.{fmt}")) == 2
        assert write_features([], tmp_path / f"e.{fmt}", fmt=fmt, layer="e") == 0


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        write_features([], tmp_path / "x.shp", fmt="shp", layer="x")
