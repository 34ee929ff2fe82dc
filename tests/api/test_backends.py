"""The API on every store backend (the root ``store`` fixture: SQLite file and PostGIS)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from dicm.settings import Settings
from store.port import Store
from tests.api.seed import READING, TV, seed


def test_same_answers_on_every_backend(store: Store) -> None:
    world = seed(store)
    with TestClient(create_app(Settings(), store=store)) as client:
        near = client.get("/activities", params={"near": "-0.97,51.45,200000"}).json()
        assert [f["id"] for f in near["features"]] == ["act-1", "act-oxford", "act-soton"]
        within = client.get("/activities", params={"within": TV}).json()
        assert [f["id"] for f in within["features"]] == ["act-1", "act-oxford"]
        assert within["features"][0]["properties"]["local_authority_code"] == READING
        spos = client.get("/spos", headers=world.auth("buyer")).json()
        assert [s["id"] for s in spos] == ["spo-live", "spo-sub"]
        items = client.get("/ogc/collections/activities/items").json()
        assert items["numberMatched"] == 3
