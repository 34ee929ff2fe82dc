"""Tenders export -> re-import on both store backends: every lot is written with its own area
(one row per lot beside the delivery area's), so an unchanged file changes nothing (no version
bump, no audit record) and a changed lot is one audited update of its tender."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box

from datasets.mapping import ColumnMapping
from domain.model import Buyer, Lot, Tender
from domain.vocabulary import BuyerKind
from services.exports import export_layer
from services.imports import import_entities
from store.port import Store
from tests.builders import THAMES_VALLEY, make_local_authority, make_region, make_territory

#: off the export's 1e-6 grid on purpose: the file holds a snapped copy of every shape
READING_EAST = Polygon(
    [(-0.98123456, 51.42345678), (-0.94111111, 51.42222222), (-0.95555555, 51.4677777)]
)
READING_WEST = box(-1.0412345, 51.4212345, -0.9887654, 51.4787654)
FLEET_AREA = box(-1.1, 51.4, -0.9, 51.5)


def _seed(store: Store) -> None:
    store.put_many([make_region(), make_territory(), make_local_authority()])
    store.put_many([Buyer("tvp", "Thames Valley Police", BuyerKind.POLICE, THAMES_VALLEY)])
    store.put_many(
        [
            Tender(
                "t-lots",
                "tvp",
                "Youth diversion, two lots",
                THAMES_VALLEY,
                delivery_area=FLEET_AREA,
                lots=(
                    Lot("east", "Reading east", READING_EAST),
                    Lot("west", "Reading west", READING_WEST),
                ),
                priorities=("serious_violence", "youth_diversion"),
                contract_value_gbp=1_200_000.5,
                description="Mentoring; in schools",
                opens=date(2027, 4, 1),
                closes=date(2028, 3, 31),
                version=3,
            ),
            Tender(
                "t-only-lots",
                "tvp",
                "Lots, no delivery area",
                THAMES_VALLEY,
                lots=(Lot("one", "One", READING_WEST),),
            ),
            Tender("t-bare", "tvp", "No area at all", THAMES_VALLEY, status="closed"),
        ]
    )


def _reimport(store: Store, path: Path) -> dict[str, int]:
    report = import_entities(store, "tenders", path, mapping=ColumnMapping({}))
    assert report.committed, report.rejected
    return report.extra


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "csv"])
def test_an_exported_tender_file_imports_back_with_zero_changes(
    store: Store, tmp_path: Path, fmt: str
) -> None:
    _seed(store)
    before = {t.id: t for t in store.iter_all(Tender)}
    path = tmp_path / f"tenders.{fmt}"
    rows = export_layer(store, "tenders", fmt=fmt, out=path)
    assert rows == 5  # t-lots: delivery area + 2 lots; t-only-lots: 1 lot; t-bare: 1
    extra = _reimport(store, path)
    assert (extra["new"], extra["updated"], extra["unchanged"]) == (0, 0, 3)
    assert extra["lots"] == 3
    after = {t.id: t for t in store.iter_all(Tender)}
    assert after == before
    assert after["t-lots"].version == 3 and after["t-bare"].delivery_area is None
    assert list(store.audit_log(entity_type="Tender")) == []


def test_every_lot_is_a_feature_with_its_area(store: Store, tmp_path: Path) -> None:
    _seed(store)
    path = tmp_path / "tenders.gpkg"
    export_layer(store, "tenders", fmt="gpkg", out=path)
    frame = gpd.read_file(path, layer="tenders")
    lots = frame[frame["area_source"] == "lot"]
    assert sorted(lots["lot_id"]) == ["east", "one", "west"]
    east = lots[lots["lot_id"] == "east"].geometry.iloc[0]
    assert east.hausdorff_distance(READING_EAST) < 1e-6  # on the export's 1e-6 grid
    bare = frame[frame["id"] == "t-bare"].iloc[0]
    assert bare["area_source"] == "territory"  # drawn as its territory, not read back as one


def test_a_changed_lot_is_one_audited_update(store: Store, tmp_path: Path) -> None:
    _seed(store)
    path = tmp_path / "tenders.geojson"
    export_layer(store, "tenders", fmt="geojson", out=path)
    data = json.loads(path.read_text())
    moved = box(-1.02, 51.43, -0.99, 51.47)
    for feature in data["features"]:
        if feature["properties"]["lot_id"] == "west":
            feature["geometry"] = json.loads(gpd.GeoSeries([moved]).to_json())["features"][0][
                "geometry"
            ]
    path.write_text(json.dumps(data))
    extra = _reimport(store, path)
    assert (extra["updated"], extra["unchanged"]) == (1, 2)
    changed = store.get(Tender, "t-lots")
    assert changed.version == 4 and changed.lots[1].area.equals(moved)
    assert changed.lots[0].area == READING_EAST  # the unchanged lot keeps its stored shape
    [entry] = store.audit_log(entity_type="Tender")
    assert entry.entity_id == "t-lots" and entry.detail["fields"] == ["lots"]


def test_a_csv_lot_row_carries_the_tender_fields(store: Store, tmp_path: Path) -> None:
    _seed(store)
    path = tmp_path / "tenders.csv"
    export_layer(store, "tenders", fmt="csv", out=path)
    csv.field_size_limit(sys.maxsize)
    rows = [r for r in csv.DictReader(path.open(encoding="utf-8")) if r["id"] == "t-lots"]
    assert [r["lot_id"] for r in rows] == ["", "east", "west"]
    assert {r["description"] for r in rows} == {"Mentoring; in schools"}
    assert all(r["wkt"].startswith("POLYGON") for r in rows)
