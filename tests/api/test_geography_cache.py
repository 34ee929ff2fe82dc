"""The public geography endpoints are bounded: lists come simplified by default, and every
answer carries an ETag (from the store's change counter) and ``Cache-Control``, so a client that
holds the answer gets a bodiless 304 until a boundary changes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from shapely.geometry import box, shape

from api.app import create_app
from dicm.settings import Settings
from domain.model import Territory
from services.geography import ensure_geography
from store.factory import open_store
from store.port import Store
from tests.api.seed import READING, SOUTH_EAST, TV
from tests.geo.fixtures import geo_data_dir

__all__ = ["geo_data_dir"]

PATHS = (
    "/regions",
    f"/regions/{SOUTH_EAST}",
    "/territories",
    f"/territories/{TV}",
    "/local-authorities",
    f"/local-authorities/{READING}",
)


@pytest.mark.parametrize("path", PATHS)
def test_second_request_with_the_etag_gets_304_without_a_body(
    client: TestClient, path: str
) -> None:
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert "max-age" in first.headers["cache-control"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    other_query = client.get(path, params={"simplify": "500"}, headers={"If-None-Match": etag})
    assert other_query.status_code == 200  # another query is another answer
    assert other_query.headers["etag"] != etag


def test_a_boundary_change_gives_a_new_etag(tmp_path: Path) -> None:
    from tests.api.seed import seed

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'e.sqlite'}", data_dir=tmp_path)
    store = open_store(settings.store)
    try:
        seed(store)
        with TestClient(create_app(settings, store=store)) as c:
            before = c.get("/territories").headers["etag"]
            tv = store.get(Territory, TV)
            store.update(replace(tv, geometry=box(-1.8, 51.3, -0.4, 52.2)))
            after = c.get("/territories", headers={"If-None-Match": before})
            assert after.status_code == 200
            assert after.headers["etag"] != before
    finally:
        store.close()


@pytest.fixture(scope="module")
def national(geo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app over the real bundled UK geography (45 territories, 350 local authorities)."""
    tmp = tmp_path_factory.mktemp("national")
    settings = Settings(database_url=f"sqlite:///{tmp / 'n.sqlite'}", data_dir=geo_data_dir)
    store: Store = open_store(settings.store)
    ensure_geography(store, settings.services)
    with TestClient(create_app(settings, store=store)) as c:
        yield c
    store.close()


def test_territory_list_is_simplified_by_default_and_full_on_request(
    national: TestClient,
) -> None:
    default = national.get("/territories")
    full = national.get("/territories", params={"simplify": "0"})
    assert default.status_code == full.status_code == 200
    assert len(default.json()["features"]) == len(full.json()["features"]) == 45
    assert len(default.content) * 4 < len(full.content)  # measured: 2.46 vs 22.03 MB, 8.9x
    assert all(shape(f["geometry"]).is_valid for f in default.json()["features"])
    one = national.get(f"/territories/{TV}").json()  # one feature: full geometry
    full_tv = next(f for f in full.json()["features"] if f["id"] == TV)
    assert one["geometry"] == full_tv["geometry"]
