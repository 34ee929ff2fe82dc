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
    rest = client.get(nxt).json()
    assert rest["numberReturned"] == 1
    assert not any(link["rel"] == "next" for link in rest["links"])


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
