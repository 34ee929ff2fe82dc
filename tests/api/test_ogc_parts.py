"""OGC API – Features Parts 2 and 3 and the rest of what GIS clients rely on: CRS, queryables,
CQL2 filters, property filters, sortby, properties, skipGeometry, simplify, HTML, HEAD, CORS,
limits and datetime. Filters run on both store backends (``test_filters_on_every_backend``)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pyproj import Transformer
from shapely.geometry import shape

from api.app import create_app
from dicm.settings import ApiSettings, Settings
from geo.crs_uris import EPSG_2157, EPSG_4326, EPSG_27700
from store.port import Store
from tests.api.conftest import Seeded
from tests.api.seed import HANTS, OXFORD, READING, SOUTH_EAST, SOUTHAMPTON, TV, seed

ITEMS = "/ogc/collections/{}/items"
LAS = ITEMS.format("local-authorities")
ACTS = ITEMS.format("activities")


def _ids(client: TestClient, url: str, **params: str) -> list[str]:
    r = client.get(url, params=params)
    assert r.status_code == 200, r.text
    return [f["id"] for f in r.json()["features"]]


def test_bng_output_equals_pyproj_to_the_millimetre(client: TestClient) -> None:
    r = client.get(ACTS, params={"crs": EPSG_27700, "id": "act-1"})
    assert r.headers["content-crs"] == f"<{EPSG_27700}>"
    x, y = r.json()["features"][0]["geometry"]["coordinates"]
    expected = Transformer.from_crs(4326, 27700, always_xy=True).transform(-0.973, 51.4543)
    assert abs(x - expected[0]) < 0.001 and abs(y - expected[1]) < 0.001


def test_epsg_4326_is_latitude_first_and_itm_is_served(client: TestClient) -> None:
    body = client.get(ACTS, params={"crs": EPSG_4326, "id": "act-1"}).json()
    assert body["features"][0]["geometry"]["coordinates"] == [51.4543, -0.973]
    itm = client.get(ACTS, params={"crs": EPSG_2157, "id": "act-1"})
    assert itm.status_code == 200 and itm.headers["content-crs"] == f"<{EPSG_2157}>"
    assert client.get(ACTS, params={"crs": "EPSG:3857"}).status_code == 400


def test_bbox_crs_in_british_national_grid(client: TestClient) -> None:
    # Reading's box around act-1 in BNG metres
    assert _ids(client, ACTS, bbox="460000,160000,485000,180000", **{"bbox-crs": EPSG_27700}) == [
        "act-1"
    ]
    assert _ids(client, ACTS, bbox="51.3,-1.1,51.6,-0.8", **{"bbox-crs": EPSG_4326}) == ["act-1"]


def test_collection_lists_crs_and_storage_crs(client: TestClient) -> None:
    body = client.get("/ogc/collections/activities").json()
    assert {EPSG_27700, EPSG_2157, EPSG_4326} < set(body["crs"])
    assert body["storageCrs"].endswith("CRS84")


def test_queryables_are_a_json_schema(client: TestClient) -> None:
    r = client.get("/ogc/collections/local-authorities/queryables")
    assert r.headers["content-type"].startswith("application/schema+json")
    body = r.json()
    assert body["$schema"].startswith("https://json-schema.org/")
    assert {"local_authority_code", "territory_code", "name"} <= set(body["properties"])


def test_cql2_text_and_json_filters(client: TestClient) -> None:
    assert _ids(client, LAS, filter=f"territory_code = '{TV}' AND name LIKE 'O%'") == [OXFORD]
    json_filter = '{"op": "=", "args": [{"property": "territory_code"}, "' + HANTS + '"]}'
    assert _ids(client, LAS, filter=json_filter, **{"filter-lang": "cql2-json"}) == [SOUTHAMPTON]
    assert _ids(client, LAS, filter=f"code IN ('{READING}', '{OXFORD}')") == [READING, OXFORD]
    assert _ids(client, ACTS, filter="validated_until > DATE('2000-01-01') AND active = true")


@pytest.mark.parametrize(
    "bad",
    [
        "territory_code = ",  # not CQL2
        "colour = 'red'",  # not a queryable
        "territory_code = 5",  # wrong type
        "S_INTERSECTS(geometry, POINT(0 0))",  # not declared
    ],
)
def test_bad_filters_are_400(client: TestClient, bad: str) -> None:
    r = client.get(LAS, params={"filter": bad})
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")


def test_property_filters_sortby_properties_skip_geometry(client: TestClient) -> None:
    assert _ids(client, LAS, territory_code=TV) == [READING, OXFORD]
    assert _ids(client, LAS, sortby="-name") == [SOUTHAMPTON, READING, OXFORD]
    body = client.get(LAS, params={"properties": "name", "skipGeometry": "true"}).json()
    assert all(
        f["geometry"] is None and list(f["properties"]) == ["name"] for f in body["features"]
    )
    assert client.get(LAS, params={"sortby": "colour"}).status_code == 400
    assert client.get(LAS, params={"properties": "colour"}).status_code == 400


def test_simplify_keeps_geometry_valid(client: TestClient) -> None:
    body = client.get(ITEMS.format("territories"), params={"simplify": "1000"}).json()
    assert body["features"] and all(shape(f["geometry"]).is_valid for f in body["features"])
    assert client.get(LAS, params={"simplify": "-1"}).status_code == 400


def test_limits_datetime_and_timestamp(client: TestClient) -> None:
    capped = client.get(ACTS, params={"limit": "10001"})
    assert capped.status_code == 200 and capped.json()["numberReturned"] == 3
    assert "timeStamp" in capped.json()
    assert client.get(ACTS, params={"limit": "0"}).status_code == 400
    assert client.get(ACTS, params={"datetime": "2024-13-45"}).status_code == 400
    assert client.get(ACTS, params={"datetime": "2024-01-01T00:00:00Z/.."}).status_code == 200


def test_every_resource_has_html(client: TestClient) -> None:
    for path in (
        "/ogc",
        "/ogc/conformance",
        "/ogc/collections",
        "/ogc/collections/activities",
        "/ogc/collections/activities/queryables",
        ACTS,
        ACTS + "/act-1",
    ):
        r = client.get(path, params={"f": "html"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), path
        assert (
            '<html lang="en">' in r.text
            and "<script" not in r.text
            and "http" not in r.text.split("<body>")[0]
        )
    browser = client.get(ACTS, headers={"Accept": "text/html,*/*;q=0.8"})
    assert browser.headers["content-type"].startswith("text/html") and "act-1" in browser.text


def test_head_answers_like_get(client: TestClient) -> None:
    r = client.head(ACTS)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    assert client.head("/ogc/collections").status_code == 200


def test_cors_for_configured_origins(seeded: Seeded) -> None:
    settings, store, _ = seeded
    api = ApiSettings(cors_origins=["https://gis.example"])
    with TestClient(create_app(settings.model_copy(update={"api": api}), store=store)) as c:
        r = c.get(ACTS, headers={"Origin": "https://gis.example"})
        assert r.headers["access-control-allow-origin"] == "https://gis.example"
        other = c.get(ACTS, headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers


def test_new_collections(client: TestClient) -> None:
    assert _ids(client, ITEMS.format("regions")) == [SOUTH_EAST]
    tenders = client.get(ITEMS.format("tenders")).json()["features"]
    assert {f["id"] for f in tenders} == {"tender-1", "tender-2"}
    assert all(f["geometry"] is not None for f in tenders)
    lines = client.get(ITEMS.format("spo-lines")).json()["features"]
    assert [f["properties"]["spo_id"] for f in lines] == ["spo-live"]
    assert lines[0]["properties"]["delivered"] == 1000.0
    assert _ids(client, ITEMS.format("spo-lines"), filter="committed > 10000") == []
    one = client.get(ITEMS.format("spo-lines") + "/" + lines[0]["id"])
    assert one.status_code == 200


def test_filters_on_every_backend(store: Store) -> None:
    seed(store)
    with TestClient(create_app(Settings(), store=store)) as c:
        assert _ids(c, LAS, filter=f"territory_code = '{TV}' AND NOT name = 'Oxford'") == [READING]
        assert _ids(c, LAS, territory_code=TV, sortby="-code") == [OXFORD, READING]
        assert _ids(c, ACTS, filter="name LIKE '%'", bbox="-1.5,50.8,-1.2,51.0") == ["act-soton"]
        assert _ids(c, LAS, filter="region_code IS NULL") == []


def test_rest_geometry_endpoints_simplify(client: TestClient) -> None:
    for path in ("/territories", "/local-authorities", "/regions", f"/territories/{TV}"):
        r = client.get(path, params={"simplify": "500"})
        assert r.status_code == 200, path
        body = r.json()
        for f in body.get("features", [body]):
            assert shape(f["geometry"]).is_valid
    assert client.get("/regions", params={"simplify": "-5"}).status_code == 422
