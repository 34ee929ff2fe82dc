"""Two ``dicm serve`` processes on one database (PostGIS; SQLite on one host): an SSE client
on one sees a change made through the other, a reconnecting client is replayed what it
missed, and a match on one reflects an activity validated through the other."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from dicm.settings import Settings
from store.factory import open_store
from tests.api.seed import World, seed
from tests.deploy.servers import EventStream, dicm_servers

pytestmark = pytest.mark.timeout(600)


@pytest.fixture
def two_servers(backend_settings: Settings, tmp_path: Path) -> Iterator[tuple[str, str, World]]:
    """The API test world in a fresh database, served by two separate processes."""
    store = open_store(backend_settings.store, migrate=False)
    try:
        world = seed(store)
    finally:
        store.close()
    env = {
        "DICM_DATABASE_URL": backend_settings.database_url,
        "DICM_DATA_DIR": str(backend_settings.data_dir),  # the same sealing key file
    }
    with dicm_servers(env, tmp_path) as (first, second):
        yield first, second, world


def _matched(base: str, world: World) -> list[str]:
    r = httpx.get(
        f"{base}/suppliers/sup-1/matches", params={"k": 50}, headers=world.auth("supplier")
    )
    assert r.status_code == 200, r.text
    return [m["activity_id"] for m in r.json()["matches"]]


def _post(base: str, path: str, world: World, who: str, version: int) -> httpx.Response:
    r = httpx.post(f"{base}{path}", json={"expected_version": version}, headers=world.auth(who))
    assert r.status_code == 200, r.text
    return r


def test_two_servers_on_one_database_share_events_replays_and_matches(
    two_servers: tuple[str, str, World],
) -> None:
    """(Each check needs two fresh processes, so the three share one pair.)"""
    first, second, world = two_servers
    _a_change_through_one_reaches_the_others_listeners_and_is_replayed(first, second, world)
    _a_match_on_one_reflects_a_validation_through_the_other(first, second, world)


def _a_change_through_one_reaches_the_others_listeners_and_is_replayed(
    first: str, second: str, world: World
) -> None:
    buyer = world.auth("buyer")
    stream = EventStream(f"{first}/spos/events", buyer, {"max_events": "1"})
    assert stream.subscribed.wait(30) and stream.error is None
    draft = httpx.get(f"{second}/spos/spo-draft", headers=world.auth("supplier")).json()
    _post(second, "/spos/spo-draft/submit", world, "supplier", draft["version"])
    seen_id, kind, data = stream.next()
    assert (kind, data["spo_id"], data["state"]) == ("spo.submit", "spo-draft", "submitted")
    stream.join()

    # while nobody listens, two more changes through the second server
    live = httpx.get(f"{second}/spos/spo-live/progress", headers=buyer).json()
    for report_id in ("rep-2", "rep-3"):
        report = {"report_id": report_id, "line_id": "l1", "amount": 100.0}
        r = httpx.post(
            f"{second}/spos/spo-live/progress",
            json={**report, "delivered_on": live["as_of"]},
            headers=world.auth("provider"),
        )
        assert r.status_code == 201, r.text

    # the client reconnects to the FIRST server with the last id it saw: replayed, in order
    again = EventStream(
        f"{first}/spos/events", {**buyer, "Last-Event-ID": str(seen_id)}, {"max_events": "2"}
    )
    missed = [again.next(), again.next()]
    again.join()
    assert [(kind, data["spo_id"]) for _, kind, data in missed] == [
        ("spo.progress", "spo-live"),
        ("spo.progress", "spo-live"),
    ]
    assert seen_id < missed[0][0] < missed[1][0]
    assert missed[1][2]["rag"] in ("green", "amber", "red")


def _a_match_on_one_reflects_a_validation_through_the_other(
    first: str, second: str, world: World
) -> None:
    assert "act-pending" not in _matched(first, world)  # fitted now, on the first server
    pending = httpx.get(f"{second}/activities/act-pending", headers=world.auth("validator")).json()
    version = pending["properties"]["version"]
    _post(second, "/activities/act-pending/validate", world, "validator", version)
    assert "act-pending" in _matched(first, world)
