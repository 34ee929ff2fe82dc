"""OGC API – Features: the documents, and a real GIS client (GDAL's OAPIF driver) reading the
collections from a live server on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.schemas.ogc import CONFORMANCE
from tests.api.conftest import Seeded
from tests.api.gis_client import read_layer
from tests.api.live import serve
from tests.api.seed import OXFORD, READING, TV

pytestmark = pytest.mark.timeout(120)


def test_landing_page_links(client: TestClient) -> None:
    body = client.get("/ogc").json()
    rels = {link["rel"] for link in body["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= rels


def test_conformance_declares_only_core_and_geojson(client: TestClient) -> None:
    assert client.get("/ogc/conformance").json()["conformsTo"] == list(CONFORMANCE)


def test_items_paging_and_counts(client: TestClient) -> None:
    r = client.get("/ogc/collections/activities/items", params={"limit": 2})
    body = r.json()
    assert r.headers["content-type"].startswith("application/geo+json")
    assert body["numberMatched"] == 3 and body["numberReturned"] == 2
    nxt = next(link["href"] for link in body["links"] if link["rel"] == "next")
    last = body["features"][-1]["id"]
    assert f"cursor={last}" in nxt and "offset" not in nxt  # keyset by default
    rest = client.get(nxt).json()
    assert rest["numberReturned"] == 1 and rest["numberMatched"] == 3
    assert not any(link["rel"] == "next" for link in rest["links"])
    assert rest["features"][0]["id"] > last


def test_items_sorted_page_by_offset_and_a_cursor_with_sortby_is_refused(
    client: TestClient,
) -> None:
    url = "/ogc/collections/activities/items"
    body = client.get(url, params={"limit": 2, "sortby": "-name"}).json()
    nxt = next(link["href"] for link in body["links"] if link["rel"] == "next")
    assert "offset=2" in nxt and "cursor" not in nxt
    assert client.get(nxt).json()["numberReturned"] == 1
    assert client.get(url, params={"cursor": "act-1", "sortby": "name"}).status_code == 400


def test_items_filtered_in_memory_page_by_cursor(client: TestClient) -> None:
    url: str | None = "/ogc/collections/local-authorities/items?limit=1&bbox=-2,51,0,52"
    seen: list[str] = []
    while url:
        body = client.get(url).json()
        seen += [f["id"] for f in body["features"]]
        url = next((x["href"] for x in body["links"] if x["rel"] == "next"), None)
        assert url is None or f"cursor={seen[-1]}" in url
    assert len(seen) == body["numberMatched"] >= 2 and len(set(seen)) == len(seen)


def test_items_bbox_and_unknown_parameters(client: TestClient) -> None:
    body = client.get(
        "/ogc/collections/local-authorities/items", params={"bbox": "-1.4,51.6,-1.1,51.9"}
    ).json()
    assert [f["id"] for f in body["features"]] == [OXFORD]
    assert client.get("/ogc/collections/activities/items?colour=red").status_code == 400
    assert client.get("/ogc/collections/activities/items?bbox=1,2").status_code == 400
    assert client.get("/ogc/collections/nothing/items").status_code == 404


@pytest.fixture(scope="module")
def ogc_url(seeded: Seeded) -> Iterator[str]:
    settings, store, _ = seeded
    with serve(create_app(settings, store=store)) as base:
        yield f"OAPIF:{base}/ogc"


def test_gdal_reads_activities(ogc_url: str) -> None:
    read = read_layer(ogc_url, "activities")
    rows = {row["id"]: row for row in read["rows"]}
    assert sorted(rows) == ["act-1", "act-oxford", "act-soton"]
    assert rows["act-1"]["local_authority_code"] == READING
    assert rows["act-1"]["territory_code"] == TV
    assert [-0.973, 51.4543] in read["xy"]
    assert read["crs"] == "OGC:CRS84"


def test_gdal_lists_and_reads_geography(ogc_url: str) -> None:
    assert set(read_layer(ogc_url)["layers"]) == {
        "regions",
        "territories",
        "local-authorities",
        "small-areas",
        "activities",
        "tenders",
        "spo-lines",
    }
    read = read_layer(ogc_url, "local-authorities")
    assert {r["local_authority_code"] for r in read["rows"]} == {READING, OXFORD, "E06000045"}
    assert read["valid"]


def test_gdal_pages_through_a_collection(seeded: Seeded) -> None:
    settings, store, _ = seeded
    api = settings.api.model_copy(update={"page_size_max": 1})
    with serve(create_app(settings.model_copy(update={"api": api}), store=store)) as base:
        read = read_layer(f"OAPIF:{base}/ogc", "activities")
    assert len(read["rows"]) == 3
