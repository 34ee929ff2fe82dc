"""API test fixtures: one seeded SQLite store per module, an app and a client around it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from dicm.settings import Settings
from store.factory import open_store
from store.port import Store
from tests.api.seed import World, seed


def open_sqlite(path: Path) -> tuple[Settings, Store]:
    settings = Settings(database_url=f"sqlite:///{path}", data_dir=path.parent / ".dicm")
    store = open_store(settings.store)
    return settings, store


#: the ``seeded`` fixture: settings, store and accounts of the seeded API world
Seeded = tuple[Settings, Store, World]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    settings, store = open_sqlite(tmp_path_factory.mktemp("api") / "api.sqlite")
    world = seed(store)
    yield settings, store, world
    store.close()


@pytest.fixture(scope="module")
def client(seeded: tuple[Settings, Store, World]) -> Iterator[TestClient]:
    settings, store, _ = seeded
    with TestClient(create_app(settings, store=store), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def world(seeded: tuple[Settings, Store, World]) -> World:
    return seeded[2]
