"""A second, read-only database for the read-heavy endpoints (``DICM_DATABASE_READ_URL``).

Two real PostGIS databases in the test cluster stand in for a primary and its streaming
replica, seeded alike and then given different content, so every answer shows which one it
came from: lists, OGC items, geometry and matches read the replica; a POST writes the primary
(and the replica never sees it: there is no replication here, which is the point); ``/readyz``
checks both. Real replication lag is not tested (no replica here).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from shapely.geometry import box

from api.app import create_app
from dicm.settings import Settings
from domain.model import Activity, Region
from store.errors import StorageError
from store.factory import open_read_store, open_store
from store.migrate import upgrade
from tests.api.seed import World, point, seed
from tests.builders import make_activity
from tests.pgcluster import PgCluster

pytestmark = pytest.mark.postgis

ON_REPLICA = make_activity(id="act-on-replica", name="Replica-only boxing club")
ON_PRIMARY = make_activity(id="act-on-primary", name="Primary-only boxing club")
REPLICA_REGION = Region("E12000009", "South West (replica only)", box(-6.0, 49.9, -2.0, 51.9))


@pytest.fixture(scope="module")
def databases(pg_cluster: PgCluster) -> tuple[str, str, World]:
    """(primary URL, replica URL, the primary's accounts): the same world in both, then one
    activity only in each and a region only in the replica."""
    primary_url = pg_cluster.create_database("dicm_primary")
    replica_url = pg_cluster.create_database("dicm_replica")
    primary, replica = (
        open_store(Settings(database_url=u).store) for u in (primary_url, replica_url)
    )
    try:
        world = seed(primary)
        seed(replica)
        primary.put(ON_PRIMARY)
        replica.put_many([ON_REPLICA, REPLICA_REGION])
    finally:
        primary.close()
        replica.close()
    return primary_url, replica_url, world


@pytest.fixture(scope="module")
def client(
    databases: tuple[str, str, World], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    primary_url, replica_url, _ = databases
    settings = Settings(
        database_url=primary_url,
        database_read_url=replica_url,
        data_dir=tmp_path_factory.mktemp("replica") / ".dicm",
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def _ids(features: list[dict[str, object]]) -> set[object]:
    return {f["id"] for f in features}


def test_lists_ogc_items_geometry_and_matches_read_the_replica(
    client: TestClient, databases: tuple[str, str, World]
) -> None:
    world = databases[2]
    listed = _ids(client.get("/activities").json()["features"])
    assert "act-on-replica" in listed and "act-on-primary" not in listed
    items = client.get("/ogc/collections/activities/items").json()["features"]
    assert "act-on-replica" in _ids(items) and "act-on-primary" not in _ids(items)
    regions = client.get("/regions", params={"geometry": "false"}).json()["features"]
    assert REPLICA_REGION.code in _ids(regions)
    assert client.get(f"/regions/{REPLICA_REGION.code}").status_code == 200
    found = client.get("/suppliers/sup-1/matches", headers=world.auth("supplier"))
    assert found.status_code == 200, found.text
    matched = {m["activity_id"] for m in found.json()["matches"]}
    assert "act-on-replica" in matched and "act-on-primary" not in matched


def test_a_post_writes_the_primary_and_its_own_page_reads_it_back(
    client: TestClient, databases: tuple[str, str, World]
) -> None:
    primary_url, replica_url, world = databases
    body = {
        "id": "act-posted",
        "provider_id": "prov-1",
        "name": "Posted through the API",
        "location": point(-0.97, 51.45),
    }
    posted = client.post("/activities", json=body, headers=world.auth("provider"))
    assert posted.status_code == 201, posted.text
    primary = open_store(Settings(database_url=primary_url).store, migrate=False)
    replica = open_store(Settings(database_url=replica_url).store, migrate=False)
    try:
        assert primary.get(Activity, "act-posted").name == "Posted through the API"
        assert replica.count(Activity, id="act-posted") == 0
    finally:
        primary.close()
        replica.close()
    # the activity's own page reads the primary (a writer sees its write at once)
    mine = client.get("/activities/act-posted", headers=world.auth("provider"))
    assert mine.status_code == 200 and mine.json()["id"] == "act-posted"


def test_readyz_checks_both_stores(client: TestClient) -> None:
    r = client.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json()["checks"] == {
        "store": True,
        "schema": True,
        "read_store": True,
        "read_schema": True,
        "assets": True,
    }


def test_not_ready_when_the_replica_is_behind_the_schema(
    pg_cluster: PgCluster, databases: tuple[str, str, World], tmp_path: Path
) -> None:
    stale_url = pg_cluster.create_database("dicm_stale_replica")
    stale = open_store(Settings(database_url=stale_url).store, migrate=False)
    upgrade(stale.engine, "0001")  # type: ignore[attr-defined]
    stale.close()
    settings = Settings(
        database_url=databases[0], database_read_url=stale_url, data_dir=tmp_path / ".dicm"
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        r = c.get("/readyz")
    assert r.status_code == 503, r.text
    body = r.json()
    assert body["checks"]["store"] and body["checks"]["schema"]
    assert body["checks"]["read_store"] and not body["checks"]["read_schema"]
    assert "the read store's schema is at revision 0001" in body["detail"]


def test_the_read_store_refuses_writes(databases: tuple[str, str, World]) -> None:
    settings = Settings(database_url=databases[0], database_read_url=databases[1])
    replica = open_read_store(settings.store)
    assert replica is not None
    try:
        with pytest.raises(StorageError):
            replica.put(make_activity(id="act-written-to-replica"))
        assert replica.count(Activity, id="act-written-to-replica") == 0
    finally:
        replica.close()
