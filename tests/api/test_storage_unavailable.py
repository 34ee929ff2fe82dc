"""A real ``database is locked`` answers ``503 storage-unavailable`` with ``Retry-After``.

Another connection holds SQLite's write lock (``BEGIN IMMEDIATE``, as a second dicm process
writing would) while a provider creates an activity; the store waits out its busy timeout (30 s)
and the driver says ``database is locked``. That text belongs in the log, not in the answer (it
once came back as ``400 Request not acceptable`` with the driver's words).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.problems import PROBLEM_BASE
from tests.api.conftest import open_sqlite
from tests.api.seed import World, point, seed


@pytest.fixture
def locked_world(tmp_path: Path) -> Iterator[tuple[TestClient, World, sqlite3.Connection]]:
    settings, store = open_sqlite(tmp_path / "locked.sqlite")
    world = seed(store)
    with TestClient(create_app(settings, store=store), raise_server_exceptions=False) as client:
        other = sqlite3.connect(tmp_path / "locked.sqlite", isolation_level=None)
        yield client, world, other
        other.close()
    store.close()


@pytest.mark.slow
def test_a_locked_database_is_a_503_with_retry_after(
    locked_world: tuple[TestClient, World, sqlite3.Connection], caplog: pytest.LogCaptureFixture
) -> None:
    client, world, other = locked_world
    body: dict[str, object] = {"id": "act-locked", "provider_id": "prov-1", "name": "Locked out"}
    body["location"] = point(-0.97, 51.45)
    other.execute("BEGIN IMMEDIATE")
    try:
        with caplog.at_level(logging.WARNING, logger="dicm.api"):
            r = client.post("/activities", json=body, headers=world.auth("provider"))
    finally:
        other.execute("ROLLBACK")
    assert r.status_code == 503, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"] == PROBLEM_BASE + "storage-unavailable"
    assert int(r.headers["Retry-After"]) > 0
    assert "locked" not in r.text.lower() and "sqlite" not in r.text.lower()
    assert "database is locked" in caplog.text
    # the lock released, the same request succeeds: nothing was half-written
    again = client.post("/activities", json=body, headers=world.auth("provider"))
    assert again.status_code == 201, again.text
