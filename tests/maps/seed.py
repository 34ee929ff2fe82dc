"""Thames Valley with its real (ONS BUC) boundaries, 40 validated activities, a supplier with two
sites, and one awarded SPO with delivery reported: enough to draw every map through the API."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from shapely.geometry import MultiPolygon, Polygon, shape

from domain.model import (
    LocalAuthority,
    PlanPriority,
    PolicePlan,
    Region,
    Site,
    Territory,
)
from domain.vocabulary import SupportType
from services.seal import sealed
from spo.model import ProgressReport, Spo, SpoLine, SpoState
from store.port import Store
from tests.builders import (
    MILTON_KEYNES,
    OXFORD,
    READING,
    SLOUGH,
    make_activity,
    make_buyer,
    make_provider,
    make_supplier,
    make_tender,
)

TV = "E23000029"
SOUTH_EAST = "E12000008"
THEMES = ("serious_violence", "domestic_abuse", "youth_diversion")
TOWNS = (READING, OXFORD, SLOUGH, MILTON_KEYNES)
N_ACTIVITIES = 40
HOSTILE_NAME = '<img src=x onerror="alert(1)"> Youth & Co'


@dataclass(frozen=True)
class MapWorld:
    supplier_id: str
    spo_id: str
    territory_code: str
    la_count: int
    activities_near_supplier: int


def _area(geometry: dict[str, object]) -> Polygon | MultiPolygon:
    area = shape(geometry)
    assert isinstance(area, Polygon | MultiPolygon)
    return area


def _tv_boundaries(shared: Path) -> tuple[Territory, list[LocalAuthority]]:
    lookup = shared / "lookups" / "lad24_pfa23_rgn_itl1_uk_lookup.csv"
    with lookup.open() as f:
        codes = {r["LAD24CD"] for r in csv.DictReader(f) if r["PFA23CD"] == TV}
    lads = json.loads((shared / "boundaries" / "lad_dec2024_uk_buc.geojson").read_text())
    las = [
        LocalAuthority(p["LAD24CD"], p["LAD24NM"], TV, SOUTH_EAST, _area(feat["geometry"]))
        for feat in lads["features"]
        for p in [feat["properties"]]
        if p["LAD24CD"] in codes
    ]
    pfas = json.loads((shared / "boundaries" / "pfa_dec2023_ew_buc.geojson").read_text())
    geom = next(_area(f["geometry"]) for f in pfas["features"] if f["properties"]["PFA23CD"] == TV)
    territory = Territory(
        TV, "Thames Valley", "Thames Valley Police", "Thames Valley PCC", SOUTH_EAST, geom
    )
    return territory, las


def seed_map_world(store: Store, shared: Path) -> MapWorld:
    territory, las = _tv_boundaries(shared)
    store.put_many([Region(SOUTH_EAST, "South East"), territory, *las])
    store.put_plan(
        PolicePlan(
            TV,
            1,
            "Police and Crime Plan",
            date(2021, 1, 1),
            tuple(PlanPriority(t, t.replace("_", " ").title()) for t in THEMES),
            "test",
        )
    )
    activities = []
    for i in range(N_ACTIVITIES):
        lon, lat = TOWNS[i % len(TOWNS)]
        activities.append(
            make_activity(
                id=f"act-{i:02d}",
                name=HOSTILE_NAME if i == 0 else f"Activity {i}",
                lon_lat=(lon + (i // 4) * 0.01, lat + (i % 3) * 0.01),
                themes=(THEMES[i % 3],),
            )
        )
    supplier = make_supplier(
        sites=(
            Site("site-1", "Reading depot", make_activity().location, "RG1 1AA"),
            Site("site-2", "Slough office", make_activity(lon_lat=SLOUGH).location),
        )
    )
    store.put_many(
        [make_provider(), *activities, supplier, make_buyer(), make_tender(territory_code=TV)]
    )
    spo = _awarded_spo(store)
    store.put(spo)
    store.put(replace(spo, id="spo-draft", state=SpoState.DRAFT, content_hash=None, locked_at=None))
    store.put(ProgressReport("rep-1", spo.id, "line-1", 2_000.0, date(2027, 3, 1), "sup-1"))
    near = sum(1 for i in range(N_ACTIVITIES) if TOWNS[i % len(TOWNS)] in (READING, SLOUGH))
    return MapWorld(supplier.id, spo.id, TV, len(las), near)


def _awarded_spo(store: Store) -> Spo:
    """Awarded and sealed under the store's own lock key, as the award service does (a made-up
    hash is a tampered SPO: every map and total would leave it out)."""
    lines = []
    for n, (act_id, support, amount, unit) in enumerate(
        [
            ("act-00", SupportType.CASH, 10_000.0, "GBP"),
            ("act-01", SupportType.CASH, 4_000.0, "GBP"),
            ("act-02", SupportType.VOLUNTEERING, 120.0, "hours"),
        ],
        start=1,
    ):
        act = store.get(type(make_activity()), act_id)
        chain = store.locate(act.location.x, act.location.y)
        lines.append(
            SpoLine(
                f"line-{n}",
                act_id,
                support,
                amount,
                unit,
                act.themes[0],
                lon=act.location.x,
                lat=act.location.y,
                local_authority_code=chain.local_authority_code,
                territory_code=chain.territory_code,
            )
        )
    at = datetime(2027, 2, 1, tzinfo=UTC)
    spo = Spo(
        "spo-1", "sup-1", "tender-1", tuple(lines), SpoState.AWARDED, "Fleet SPO", created_at=at
    )
    return sealed(store, spo, at=at)
