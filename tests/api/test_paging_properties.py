"""Invariants of paging and distance search, for any page size and any UK point."""

from __future__ import annotations

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.seed import World

EVERY = ["act-1", "act-oxford", "act-soton"]
CHECKED = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _walk(client: TestClient, url: str) -> list[str]:
    seen: list[str] = []
    next_url: str | None = url
    while next_url:
        body = client.get(next_url).json()
        assert body["numberReturned"] == len(body["features"])
        seen += [f["id"] for f in body["features"]]
        next_url = next((x["href"] for x in body["links"] if x["rel"] == "next"), None)
    return seen


@CHECKED
@given(limit=st.integers(1, 4))
def test_next_links_visit_every_feature_once(client: TestClient, limit: int) -> None:
    assert _walk(client, f"/activities?limit={limit}") == EVERY
    assert _walk(client, f"/ogc/collections/activities/items?limit={limit}") == EVERY


@CHECKED
@given(
    lon=st.floats(-2.0, 0.0),
    lat=st.floats(50.5, 52.5),
    radius_m=st.floats(1.0, 200_000.0),
    limit=st.integers(1, 3),
)
def test_near_pages_are_sorted_and_inside_the_radius(
    client: TestClient, world: World, lon: float, lat: float, radius_m: float, limit: int
) -> None:
    ids = _walk(client, f"/activities?near={lon},{lat},{radius_m}&limit={limit}")
    body = client.get(f"/activities?near={lon},{lat},{radius_m}&limit=10").json()
    distances = [f["properties"]["distance_m"] for f in body["features"]]
    assert distances == sorted(distances) and all(d <= radius_m for d in distances)
    assert ids == [f["id"] for f in body["features"]]
