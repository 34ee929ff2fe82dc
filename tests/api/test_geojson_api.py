"""GeoJSON listings: filters (bbox, near, within), paging links and ONS codes in features."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.schemas.activities import ActivityCollection, ActivityFeature
from api.schemas.geography import TerritoryCollection, TerritoryFeature
from tests.api.seed import OXFORD, READING, TV, World


def _ids(body: dict[str, Any]) -> list[str]:
    return [f["id"] for f in body["features"]]


def test_public_activity_listing_is_validated_geojson_with_ons_codes(client: TestClient) -> None:
    r = client.get("/activities")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/geo+json")
    body = ActivityCollection.model_validate(r.json())
    assert {f.id for f in body.features} == {"act-1", "act-oxford", "act-soton"}
    reading = next(f for f in body.features if f.id == "act-1")
    assert reading.geometry is not None and reading.geometry.coordinates == [-0.973, 51.4543]
    assert (reading.properties.local_authority_code, reading.properties.territory_code) == (
        READING,
        TV,
    )
    assert body.numberMatched == 3 and body.numberReturned == 3


def test_near_orders_by_distance_and_reports_it(client: TestClient) -> None:
    r = client.get("/activities", params={"near": "-0.97,51.45,200000"})
    body = r.json()
    assert _ids(body) == ["act-1", "act-oxford", "act-soton"]
    distances = [f["properties"]["distance_m"] for f in body["features"]]
    assert distances == sorted(distances) and distances[0] < 1000


def test_near_radius_excludes_far_activities(client: TestClient) -> None:
    r = client.get("/activities", params={"near": "-0.97,51.45,5000"})
    assert _ids(r.json()) == ["act-1"]


def test_bbox_and_within_filters(client: TestClient) -> None:
    r = client.get("/activities", params={"bbox": "-1.4,51.6,-1.1,51.9"})
    assert _ids(r.json()) == ["act-oxford"]
    r = client.get("/activities", params={"within": TV})
    assert _ids(r.json()) == ["act-1", "act-oxford"]
    r = client.get("/activities", params={"within": OXFORD})
    assert _ids(r.json()) == ["act-oxford"]


def test_post_search_within_polygon(client: TestClient) -> None:
    ring = [[-1.2, 51.3], [-0.8, 51.3], [-0.8, 51.6], [-1.2, 51.6], [-1.2, 51.3]]
    r = client.post(
        "/activities/search", json={"within": {"type": "Polygon", "coordinates": [ring]}}
    )
    assert r.status_code == 200, r.text
    assert _ids(r.json()) == ["act-1"]


def test_paging_links_walk_the_whole_collection(client: TestClient) -> None:
    seen: list[str] = []
    url: str | None = "/activities?limit=1"
    pages = 0
    while url:
        body = client.get(url).json()
        seen += _ids(body)
        assert body["numberMatched"] == 3  # of all that match, on every page
        links = {link["rel"]: link["href"] for link in body["links"]}
        url = links.get("next")
        if url is not None:  # keyset: the next page starts after this page's last id
            assert f"cursor={seen[-1]}" in url and "offset" not in url
        pages += 1
    assert seen == ["act-1", "act-oxford", "act-soton"] and pages == 3


def test_offset_paging_still_answers_with_a_prev_link(client: TestClient) -> None:
    body = client.get("/activities?limit=1&offset=1").json()
    links = {link["rel"]: link["href"] for link in body["links"]}
    assert _ids(body) == ["act-oxford"] and "offset=0" in links["prev"]
    assert _ids(client.get(links["next"]).json()) == ["act-soton"]


def test_a_cursor_with_near_is_refused(client: TestClient) -> None:
    r = client.get("/activities", params={"near": "-0.97,51.45,200000", "cursor": "act-1"})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"


def test_near_paging_is_consistent(client: TestClient) -> None:
    first = client.get("/activities", params={"near": "-0.97,51.45,200000", "limit": 2}).json()
    assert _ids(first) == ["act-1", "act-oxford"]
    nxt = next(link["href"] for link in first["links"] if link["rel"] == "next")
    assert _ids(client.get(nxt).json()) == ["act-soton"]


def test_territory_with_current_plan(client: TestClient) -> None:
    r = client.get(f"/territories/{TV}")
    feature = TerritoryFeature.model_validate(r.json())
    assert feature.properties.plan is not None
    assert feature.properties.plan.priorities[0].theme == "serious_violence"
    listing = TerritoryCollection.model_validate(client.get("/territories?geometry=false").json())
    assert all(f.geometry is None and f.properties.territory_code for f in listing.features)


def test_local_authorities_of_a_territory(client: TestClient) -> None:
    body = client.get("/local-authorities", params={"territory": TV}).json()
    assert _ids(body) == [READING, OXFORD] or _ids(body) == sorted([READING, OXFORD])
    for f in body["features"]:
        assert f["properties"]["territory_code"] == TV


def test_one_activity_feature(client: TestClient, world: World) -> None:
    r = client.get("/activities/act-1")
    ActivityFeature.model_validate(r.json())
    assert client.get("/activities/act-pending").status_code == 404
    r = client.get("/activities/act-pending", headers=world.auth("provider"))
    assert r.status_code == 200


def test_regions_answer_by_itl1_and_by_ons_code(client: TestClient) -> None:
    by_ons = client.get("/regions/E12000008")
    by_itl1 = client.get("/regions/TLJ")
    assert by_ons.status_code == by_itl1.status_code == 200
    assert by_ons.json()["id"] == by_itl1.json()["id"]
    assert client.get("/regions/E12000099").status_code == 404
