"""Strict GeoJSON and the UK land test on every write that takes a location or an area."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from shapely.geometry import Point, box

from boundaries.bundled import BundledGeography
from dicm.settings import Settings
from geo.errors import OutsideUK
from services.geography import ensure_geography
from services.land import check_on_land
from store.factory import open_store
from store.port import Store
from tests.api.seed import World, point

PROBLEM = "https://dicm.example/problems/"
#: (lon, lat) inside the UK bounding box but on no UK land
AT_SEA_OR_ABROAD = {
    "north-sea": (1.9, 54.5),
    "irish-sea": (-5.3, 53.5),
    "channel": (-2.0, 50.2),
    "dublin": (-6.26, 53.35),
    "calais": (1.86, 50.95),
    "isle-of-man": (-4.48, 54.15),
}
#: the seed world's territories are boxes; this Channel point is ~40 km from the nearest
SEED_CHANNEL = (-1.0, 50.3)


def _square(lon: float, lat: float, d: float = 0.02) -> dict[str, Any]:
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def _activity(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "act-geo",
        "provider_id": "prov-1",
        "name": "Geometry club",
        "location": point(-0.97, 51.45),
    }
    return body | overrides


def _problem(answer: Any, code: str) -> None:
    assert answer.status_code == 422, answer.text
    assert answer.json()["type"] == PROBLEM + code, answer.text


UNCLOSED = {
    "type": "Polygon",
    "coordinates": [[[-1.0, 51.4], [-0.9, 51.4], [-0.9, 51.5], [-1.0, 51.5]]],
}
NESTED_POINT = {"type": "Point", "coordinates": [[-0.97, 51.45]]}
FLAT_POLYGON = {"type": "Polygon", "coordinates": [[-1.0, 51.4], [-0.9, 51.4], [-0.9, 51.5]]}


@pytest.mark.parametrize(
    "body",
    [
        _activity(location=NESTED_POINT),
        _activity(location={"type": "Point", "coordinates": [-0.97, 51.45, 1.0, 2.0]}),
        _activity(location={"type": "Point", "coordinates": [True, 51.45]}),
        _activity(service_area=UNCLOSED),
        _activity(service_area=FLAT_POLYGON),
        _activity(service_area={"type": "MultiPolygon", "coordinates": UNCLOSED["coordinates"]}),
    ],
    ids=["nested-point", "4d-point", "bool", "unclosed-ring", "flat-polygon", "shallow-multi"],
)
def test_malformed_geojson_is_refused_not_repaired(
    client: TestClient, world: World, body: dict[str, Any]
) -> None:
    answer = client.post("/activities", json=body, headers=world.auth("provider"))
    assert answer.status_code == 422, answer.text
    assert client.get("/activities/act-geo", headers=world.auth("admin")).status_code == 404


def test_unclosed_search_polygon_is_refused(client: TestClient) -> None:
    _problem(client.post("/activities/search", json={"within": UNCLOSED}), "invalid-geometry")


def test_every_located_write_refuses_the_sea(client: TestClient, world: World) -> None:
    lon, lat = SEED_CHANNEL
    at_sea = point(lon, lat)
    sea_area = _square(lon, lat)
    admin, provider, buyer = world.auth("admin"), world.auth("provider"), world.auth("buyer")
    _problem(
        client.post("/activities", json=_activity(location=at_sea), headers=provider), "outside-uk"
    )
    _problem(
        client.post("/activities", json=_activity(service_area=sea_area), headers=provider),
        "outside-uk",
    )
    site = {"id": "s1", "name": "Rig", "location": at_sea}
    supplier = {"id": "sup-sea", "name": "Sea Ltd", "sites": [site]}
    _problem(client.post("/suppliers", json=supplier, headers=admin), "outside-uk")
    tender = {"id": "tender-sea", "buyer_id": "buyer-1", "title": "Sea tender"}
    _problem(
        client.post("/tenders", json=tender | {"delivery_area": sea_area}, headers=buyer),
        "outside-uk",
    )
    lots = [{"id": "lot-1", "name": "Sea lot", "area": sea_area}]
    _problem(client.post("/tenders", json=tender | {"lots": lots}, headers=buyer), "outside-uk")
    assert client.get("/tenders/tender-sea").status_code == 404
    assert client.get("/suppliers/sup-sea", headers=admin).status_code == 404


def test_moving_an_activity_out_to_sea_is_refused(client: TestClient, world: World) -> None:
    provider = world.auth("provider")
    created = client.post("/activities", json=_activity(id="act-mover"), headers=provider)
    assert created.status_code == 201, created.text
    version = created.json()["properties"]["version"]
    moved = _activity(id="act-mover", location=point(*SEED_CHANNEL), expected_version=version)
    _problem(client.put("/activities/act-mover", json=moved, headers=provider), "outside-uk")
    kept = client.get("/activities/act-mover", headers=provider).json()
    assert kept["geometry"]["coordinates"] == [-0.97, 51.45]


def test_a_tender_area_on_land_is_accepted(client: TestClient, world: World) -> None:
    tender = {"id": "tender-land", "buyer_id": "buyer-1", "title": "Reading"}
    body = tender | {"delivery_area": _square(-1.0, 51.42)}
    answer = client.post("/tenders", json=body, headers=world.auth("buyer"))
    assert answer.status_code == 201, answer.text


@pytest.fixture(scope="module")
def uk_store(
    tmp_path_factory: pytest.TempPathFactory, geo_data_dir: Path, bundled: BundledGeography
) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("land") / "land.sqlite"
    store = open_store(Settings(database_url=f"sqlite:///{path}").store)
    ensure_geography(store, Settings(data_dir=geo_data_dir).services)
    yield store
    store.close()


@pytest.mark.parametrize("place", AT_SEA_OR_ABROAD)
def test_the_land_test_on_the_real_geography(uk_store: Store, place: str) -> None:
    lon, lat = AT_SEA_OR_ABROAD[place]
    with pytest.raises(OutsideUK):
        check_on_land(uk_store, Point(lon, lat), place)
    with pytest.raises(OutsideUK):
        check_on_land(uk_store, box(lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01), place)


@pytest.mark.parametrize(
    "lon_lat",
    [(-0.973, 51.454), (-3.19, 55.95), (-5.93, 54.6), (-1.404, 50.896)],
    ids=["reading", "edinburgh", "belfast", "southampton"],
)
def test_land_passes_the_land_test(uk_store: Store, lon_lat: tuple[float, float]) -> None:
    check_on_land(uk_store, Point(*lon_lat), "place")
