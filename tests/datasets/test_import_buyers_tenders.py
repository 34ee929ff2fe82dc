"""Buyers and tenders import like the other kinds: one transaction per file, every reason of
every rejected row, lots by council code, GeoJSON delivery areas, re-imports that change
nothing, on both store backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import box, mapping
from typer.testing import CliRunner

from datasets.mapping import ColumnMapping
from dicm.cli import app
from dicm.settings import Settings
from domain.model import Buyer, Tender
from domain.vocabulary import BuyerKind
from services.imports import import_entities
from store.factory import open_store
from store.port import Store
from tests.builders import THAMES_VALLEY, make_local_authority, make_region, make_territory
from tests.datasets.conftest import WriteCsv

NO_MAP = ColumnMapping({})
READING, OXFORD = "E06000038", "E07000178"
OXFORD_BOX = box(-1.30, 51.70, -1.20, 51.80)


def _geography(store: Store) -> None:
    store.put_many(
        [
            make_region(),
            make_territory(),
            make_local_authority(),
            make_local_authority(code=OXFORD, name="Oxford", geometry=OXFORD_BOX),
        ]
    )


def _buyers(write_csv: WriteCsv) -> Path:
    return write_csv(
        "buyers.csv",
        [
            {"id": "tvp", "name": "Thames Valley Police", "kind": "Police"},
            {"id": "rbc", "name": "Reading Borough Council", "kind": "council"},
            {"name": "Royal Berkshire Fire", "kind": "Fire & Rescue", "territory_code": ""},
        ],
    )


def test_buyers_import_in_one_transaction_with_every_reason(
    store: Store, write_csv: WriteCsv
) -> None:
    _geography(store)
    bad = write_csv(
        "bad-buyers.csv",
        [
            {"id": "tvp", "name": "Thames Valley Police", "kind": "police"},
            {"id": "x", "name": "", "kind": "bank", "territory_code": "E23999999"},
        ],
    )
    report = import_entities(store, "buyers", bad, mapping=NO_MAP)
    assert not report.committed and store.count(Buyer) == 0
    assert [(r.row, r.code) for r in report.rejected] == [
        (2, "missing-name"),
        (2, "bad-value"),
        (2, "unknown-territory"),
    ]
    path = _buyers(write_csv)
    report = import_entities(store, "buyers", path, mapping=NO_MAP)
    assert report.committed and report.imported == 3
    fire = next(b for b in store.iter_all(Buyer) if b.name == "Royal Berkshire Fire")
    assert fire.kind is BuyerKind.FIRE_RESCUE
    again = import_entities(store, "buyers", path, mapping=NO_MAP)
    assert again.extra["unchanged"] == 3 and again.imported == 0


def test_tenders_with_lots_by_council_code_and_reasons_per_row(
    store: Store, write_csv: WriteCsv
) -> None:
    _geography(store)
    store.put_many([Buyer("tvp", "Thames Valley Police", BuyerKind.POLICE, THAMES_VALLEY)])
    lots = [
        {
            "id": "t-1",
            "buyer_id": "Thames Valley Police",  # a buyer's name works as well as its id
            "title": "Youth diversion 2027",
            "priorities": "serious_violence, youth_diversion",
            "contract_value_gbp": "£1,200,000",
            "opens": "01/04/2027",
            "closes": "31-Mar-2028",
            "lot_id": "reading",
            "lot_name": "Reading",
            "area_code": READING,
        },
        {"id": "t-1", "buyer_id": "tvp", "title": "Youth diversion 2027", "lot_id": "oxford"}
        | {"lot_name": "Oxford", "area_code": OXFORD},
        {
            "id": "t-2",
            "buyer_id": "tvp",
            "title": "Fleet",
            "wkt": "POLYGON ((-1.1 51.4, -0.9 51.4, -0.9 51.5, -1.1 51.5, -1.1 51.4))",
            "contract_value_gbp": "",
        },
    ]
    bad = [
        {"id": "t-3", "buyer_id": "nobody", "title": "", "opens": "2027-02-30"},
        {"id": "t-4", "buyer_id": "tvp", "title": "Lots", "lot_id": "x", "area_code": "E06999999"},
        {"id": "t-5", "buyer_id": "tvp", "title": "Backwards"}
        | {"opens": "2027-05-01", "closes": "2027-04-01"},
    ]
    path = write_csv("tenders.csv", [*lots, *bad])
    report = import_entities(store, "tenders", path, mapping=NO_MAP)
    assert not report.committed and store.count(Tender) == 0
    assert [(r.row, r.code) for r in report.rejected] == [
        (4, "missing-title"),
        (4, "unknown-buyer"),
        (4, "impossible-date"),
        (5, "unknown-area"),
        (6, "invalid-dates"),  # the rule's own problem type
    ]
    path = write_csv("good.csv", lots)
    report = import_entities(store, "tenders", path, mapping=NO_MAP)
    assert report.committed and report.imported == 2 and report.extra["lots"] == 2
    youth = store.get(Tender, "t-1")
    assert [lot.id for lot in youth.lots] == ["reading", "oxford"]
    assert youth.lots[1].area.equals(OXFORD_BOX)
    assert youth.territory_code == THAMES_VALLEY  # the buyer's
    assert youth.contract_value_gbp == 1_200_000 and youth.closes is not None
    assert youth.priorities == ("serious_violence", "youth_diversion")
    fleet = store.get(Tender, "t-2")
    assert fleet.delivery_area is not None and fleet.lots == ()
    assert fleet.contract_value_gbp is None  # an empty cell: not stated, not £0
    again = import_entities(store, "tenders", path, mapping=NO_MAP)
    assert again.extra["unchanged"] == 2


def test_tender_delivery_areas_from_geojson(
    store: Store, tmp_path: Path, write_csv: WriteCsv
) -> None:
    _geography(store)
    store.put_many([Buyer("tvp", "Thames Valley Police", BuyerKind.POLICE, THAMES_VALLEY)])
    features = [
        {
            "type": "Feature",
            "properties": {"id": "g-1", "buyer_id": "tvp", "title": "Reading hubs"},
            "geometry": mapping(box(-1.0, 51.42, -0.95, 51.47)),
        },
        {
            "type": "Feature",
            "properties": {"id": "g-2", "buyer_id": "tvp", "title": "A point"},
            "geometry": {"type": "Point", "coordinates": [-0.97, 51.45]},
        },
        {
            "type": "Feature",
            "properties": {"id": "g-3", "buyer_id": "tvp", "title": "Calais"},
            "geometry": mapping(box(1.80, 50.90, 1.90, 50.97)),
        },
    ]
    path = tmp_path / "tenders.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    report = import_entities(store, "tenders", path, mapping=NO_MAP)
    assert [(r.row, r.code) for r in report.rejected] == [
        (2, "bad-geometry"),
        (3, "outside-uk"),
    ]
    assert "no UK police territory" in report.rejected[1].message
    report = import_entities(store, "tenders", path, mapping=NO_MAP, skip_invalid=True)
    assert report.committed and [t.id for t in store.iter_all(Tender)] == ["g-1"]


@pytest.mark.parametrize("kind", ["buyers", "tenders"])
def test_the_cli_imports_buyers_and_tenders(
    kind: str, tmp_path: Path, write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("DICM_DATABASE_URL", url)
    monkeypatch.setenv("DICM_DATA_DIR", str(tmp_path / "data"))
    store = open_store(Settings(database_url=url).store)
    try:
        _geography(store)
    finally:
        store.close()
    buyers = CliRunner().invoke(app, ["import", "buyers", str(_buyers(write_csv))])
    assert buyers.exit_code == 0, buyers.output
    assert "imported 3 buyers" in buyers.output
    if kind == "tenders":
        rows = [
            {"id": "c-1", "buyer_id": "tvp", "title": "Lots", "lot_name": "Reading"}
            | {"area_code": READING},
            {"id": "c-2", "buyer_id": "nobody", "title": "Who"},
        ]
        result = CliRunner().invoke(app, ["import", "tenders", str(write_csv("t.csv", rows))])
        assert result.exit_code == 1 and "unknown-buyer" in result.output
        assert "nothing imported" in result.output


def test_dicm_import_plans_publishes_a_plan_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'plans.sqlite'}"
    monkeypatch.setenv("DICM_DATABASE_URL", url)
    monkeypatch.setenv("DICM_DATA_DIR", str(tmp_path / "data"))
    store = open_store(Settings(database_url=url).store)
    try:
        _geography(store)
    finally:
        store.close()
    plan = {
        "title": "Police and Crime Plan 2025-2029",
        "valid_from": "2025-04-01",
        "source": "https://www.thamesvalley-pcc.gov.uk/",
        "priorities": [{"id": "serious_violence", "name": "Serious violence", "weight": 1.0}],
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    args = ["import", "plans", str(path), "--territory", THAMES_VALLEY]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "published version 1" in result.output
    path.write_text(json.dumps(plan | {"priorities": []}), encoding="utf-8")
    assert CliRunner().invoke(app, args).exit_code == 2
