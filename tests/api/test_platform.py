"""The landing page, liveness and readiness, and response compression.

Readiness failures are real: a database at an old Alembic revision, a database file that is no
longer a database, front-end files missing because the settings point at an empty folder.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.problems import PROBLEM_BASE
from api.routes.home import wants_html
from dicm.settings import ApiSettings, Settings
from services.events import buyer_topic
from store.factory import open_store
from store.migrate import head, upgrade
from store.port import Store
from tests.api.conftest import Seeded
from tests.api.live import serve
from tests.api.seed import World

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_a_browser_gets_the_landing_page(client: TestClient) -> None:
    r = client.get("/", headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "Accept" in r.headers["vary"]
    page = r.text
    assert '<html lang="en">' in page and "<title>dicm" in page
    assert all(f"<{tag}" in page for tag in ("header", "main", "nav", "footer"))
    for href in ("/docs", "/redoc", "/ogc", "/healthz", "/readyz", "/maps/coverage"):
        assert f'href="{href}' in page
    assert "http://" not in page and "https://" not in page  # nothing loads from elsewhere


@pytest.mark.parametrize("accept", ["application/json", "*/*", "", "application/*"])
def test_an_api_client_gets_links_as_json(client: TestClient, accept: str) -> None:
    r = client.get("/", headers={"Accept": accept} if accept else {})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    links = {(link["rel"], link["href"]) for link in r.json()["links"]}
    assert {("service-doc", "/docs"), ("service-desc", "/openapi.json"), ("data", "/ogc")} <= links
    for _, href in links:  # every link answers
        assert client.get(href).status_code == 200, href


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (BROWSER_ACCEPT, True),
        ("text/html", True),
        ("application/json, text/html;q=0.5", False),
        ("text/html;q=0.1, application/json", False),
        ("text/*", True),
        ("*/*", False),
        ("text/html;q=0", False),
    ],
)
def test_content_negotiation(accept: str, html: bool) -> None:
    assert wants_html(accept) is html


def test_healthz_answers_without_the_store(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_ready_on_each_backend(backend_settings: Settings, store: Store) -> None:
    with TestClient(create_app(backend_settings, store=store)) as c:
        r = c.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json()["checks"] == {"store": True, "schema": True, "assets": True}


def _not_ready(settings: Settings, store: Store) -> dict[str, object]:
    with TestClient(create_app(settings, store=store), raise_server_exceptions=False) as c:
        r = c.get("/readyz")
    assert r.status_code == 503, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = r.json()
    assert body["type"] == PROBLEM_BASE + "not-ready"
    return body


def test_not_ready_on_an_old_schema(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'old.sqlite'}", data_dir=tmp_path)
    store = open_store(settings.store, migrate=False)
    upgrade(store.engine, "0001")  # type: ignore[attr-defined]
    try:
        body = _not_ready(settings, store)
    finally:
        store.close()
    assert body["checks"] == {"store": True, "schema": False, "assets": True}
    assert f"revision 0001, this dicm needs {head()}" in str(body["detail"])


def test_not_ready_when_the_database_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "gone.sqlite"
    settings = Settings(database_url=f"sqlite:///{path}", data_dir=tmp_path)
    store = open_store(settings.store)
    store.close()
    for leftover in tmp_path.glob("gone.sqlite*"):
        leftover.unlink()
    path.write_bytes(b"this file was overwritten by something else " * 200)
    try:
        body = _not_ready(settings, store)
    finally:
        store.close()
    assert body["checks"] == {"store": False, "schema": False, "assets": True}
    assert body["detail"] == "the store does not answer"
    assert "sqlite" not in str(body).lower()


def test_not_ready_without_the_front_end_files(tmp_path: Path, seeded: Seeded) -> None:
    settings, store, _ = seeded
    elsewhere = settings.model_copy(update={"api": ApiSettings(static_dir=tmp_path / "empty")})
    body = _not_ready(elsewhere, store)
    assert body["checks"] == {"store": True, "schema": True, "assets": False}
    assert "run make assets" in str(body["detail"])


def test_large_responses_are_gzipped_small_ones_not(client: TestClient) -> None:
    big = client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert big.headers["content-encoding"] == "gzip"
    assert int(big.headers["content-length"]) < len(big.content) / 3  # decoded by the client
    small = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers
    plain = client.get("/openapi.json", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json() == big.json()


def test_a_page_compresses_to_a_fraction(seeded: Seeded) -> None:
    settings, store, _ = seeded
    with serve(create_app(settings, store=store)) as base:
        r = httpx.get(f"{base}/", headers={"Accept": "text/html", "Accept-Encoding": "gzip"})
        raw = httpx.get(f"{base}/", headers={"Accept": "text/html", "Accept-Encoding": "identity"})
    assert r.headers["content-encoding"] == "gzip"
    assert r.content == raw.content  # httpx decoded the gzip body to the same page
    assert int(r.headers["content-length"]) < len(raw.content) / 2


@pytest.fixture
def live(seeded: Seeded) -> Iterator[tuple[str, FastAPI, World]]:
    settings, store, world = seeded
    app = create_app(settings, store=store)
    with serve(app) as base:
        yield base, app, world


def test_the_event_stream_is_not_buffered_by_compression(
    live: tuple[str, FastAPI, World],
) -> None:
    """Each event reaches the client while the stream is still open, uncompressed."""
    base, app, world = live
    events: queue.Queue[str] = queue.Queue()
    headers = {**world.auth("buyer"), "Accept-Encoding": "gzip"}
    encoding: list[str | None] = []

    def listen() -> None:
        with httpx.stream(
            "GET", f"{base}/spos/events", params={"max_events": 2}, headers=headers, timeout=30
        ) as r:
            encoding.append(r.headers.get("content-encoding"))
            for line in r.iter_lines():
                if line.startswith("event:"):
                    events.put(line)

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    broadcaster = app.state.broadcaster
    topic = buyer_topic("buyer-1")
    for _ in range(200):
        if broadcaster.subscriber_count(topic):
            break
        threading.Event().wait(0.05)
    broadcaster.publish(topic, "spo.submitted", {"spo_id": "spo-sub", "state": "submitted"})
    first = events.get(timeout=10)  # arrives before the stream ends
    assert "spo.submitted" in first and listener.is_alive()
    broadcaster.publish(topic, "spo.scored", {"spo_id": "spo-sub", "state": "scored"})
    assert "spo.scored" in events.get(timeout=10)
    listener.join(timeout=10)
    assert encoding == [None]
