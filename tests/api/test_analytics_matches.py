"""Coverage gaps, heatmaps and recommendations over HTTP."""

from __future__ import annotations

import h3
from fastapi.testclient import TestClient

from api.schemas.analytics import AggregateCollection
from api.schemas.matches import RecommendationOut
from tests.api.seed import OXFORD, READING, SOUTH_EAST, TV, World


def test_coverage_by_local_authority(client: TestClient, world: World) -> None:
    r = client.get(f"/territories/{TV}/coverage", headers=world.auth("pcc"))
    body = AggregateCollection.model_validate(r.json())
    rows = {f.id: f.properties for f in body.features}
    assert set(rows) == {READING, OXFORD}
    # spo-live commits GBP 5,000 to act-1 in Reading, GBP 1,000 of it delivered
    assert rows[READING].committed_gbp == 5000 and rows[READING].delivered_gbp == 1000
    assert rows[READING].activities == 1 and not rows[READING].is_gap
    assert rows[OXFORD].is_gap and rows[OXFORD].committed_gbp == 0
    assert body.features[0].id == OXFORD  # gaps first


def test_heatmap_by_h3_cell(client: TestClient, world: World) -> None:
    r = client.get(
        f"/territories/{TV}/heatmap",
        params={"level": "h3", "resolution": 6},
        headers=world.auth("admin"),
    )
    body = AggregateCollection.model_validate(r.json())
    reading_cell = h3.latlng_to_cell(51.4543, -0.9730, 6)
    cells = {f.properties.h3_cell: f.properties for f in body.features}
    assert cells[reading_cell].committed_gbp == 5000
    assert sum(p.activities for p in cells.values()) == 2
    assert all(p.territory_code == TV for p in cells.values())


def test_uk_and_region_heatmaps_for_national_buyers(client: TestClient, world: World) -> None:
    auth = world.auth("admin")
    uk = AggregateCollection.model_validate(
        client.get("/heatmap", params={"level": "uk"}, headers=auth).json()
    )
    (row,) = uk.features
    assert row.id == "K02000001" and row.properties.committed_gbp == 5000
    regions = client.get("/coverage", params={"level": "region", "geometry": "false"}, headers=auth)
    body = AggregateCollection.model_validate(regions.json())
    assert [f.id for f in body.features] == [SOUTH_EAST]
    assert body.committed_gbp_total == sum(f.properties.committed_gbp for f in body.features)
    assert client.get("/heatmap", headers=world.auth("pcc")).status_code == 403
    assert client.get("/heatmap", params={"level": "nation"}, headers=auth).status_code == 422


def test_pcc_of_another_territory_is_refused(client: TestClient, world: World) -> None:
    r = client.get(f"/territories/{TV}/heatmap", headers=world.auth("pcc2"))
    assert r.status_code == 403


def test_matches_for_a_supplier(client: TestClient, world: World) -> None:
    r = client.get(
        "/suppliers/sup-1/matches",
        params={"radius_m": 30000, "k": 5},
        headers=world.auth("supplier"),
    )
    body = RecommendationOut.model_validate(r.json())
    assert body.matches and body.matches[0].activity_id == "act-1"
    top = body.matches[0]
    assert top.local_authority_code == READING and top.explanation
    assert abs(sum(c.contribution for c in top.contributions) - top.score) < 1e-6


def test_matches_bad_input(client: TestClient, world: World) -> None:
    auth = world.auth("supplier")
    for params in (
        {"radius_m": 0},
        {"radius_m": 300000},
        {"weights": "proximity:-1"},
        {"weights": "nonsense"},
    ):
        r = client.get("/suppliers/sup-1/matches", params=params, headers=auth)
        assert r.status_code == 422, (params, r.text)
    r = client.get("/suppliers/sup-2/matches", headers=world.auth("supplier2"))
    assert r.status_code == 422  # a supplier with no site
    assert "site" in r.json()["detail"]


def test_no_candidates_is_an_answer_with_a_reason(client: TestClient, world: World) -> None:
    site = {
        "id": "mk",
        "name": "Milton Keynes depot",
        "location": {"type": "Point", "coordinates": [-0.7594, 52.0406]},
    }
    r = client.post(
        "/suppliers",
        json={"id": "sup-mk", "name": "MK Ltd", "sites": [site]},
        headers=world.auth("admin"),
    )
    assert r.status_code == 201, r.text
    r = client.get(
        "/suppliers/sup-mk/matches", params={"radius_m": 1000}, headers=world.auth("admin")
    )
    body = r.json()
    assert r.status_code == 200 and body["matches"] == [] and body["reason"]
