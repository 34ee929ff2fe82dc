"""Admission control: a heavy burst from one client is capped with 429 + Retry-After, and an
unrelated small request is admitted at once while the burst holds every heavy slot."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send

from api.admission import Admission, AdmissionControl, request_cost
from api.app import create_app
from api.settings import AdmissionSettings, ApiSettings
from dicm.settings import Settings
from store.port import Store
from tests.aio import run_fresh
from tests.api.seed import World

SETTINGS = AdmissionSettings(heavy_per_client=2, heavy_total=3, burst=100, rate_per_second=10)


class GatedApp:
    """An ASGI app whose heavy requests wait until the gate opens (a slow page, held open)."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.inside = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if "limit" in scope.get("query_string", b"").decode():
            self.inside += 1
            await self.gate.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def _client(app: Any, token: str | None = None) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers)


def test_a_small_request_is_not_queued_behind_a_heavy_burst() -> None:
    async def run() -> None:
        inner = GatedApp()
        app = AdmissionControl(inner, settings=SETTINGS)
        async with _client(app, "burst") as burst, _client(app, "other") as other:
            heavy = [asyncio.create_task(burst.get("/activities?limit=1000")) for _ in range(16)]
            await asyncio.sleep(0.2)
            # the cap holds: 2 of the burst run, the other 14 were refused, not queued
            assert inner.inside == 2
            refused = [t.result() for t in heavy if t.done()]
            assert len(refused) == 14
            assert all(r.status_code == 429 for r in refused)
            assert all(int(r.headers["Retry-After"]) >= 1 for r in refused)
            assert refused[0].headers["content-type"] == "application/problem+json"
            assert refused[0].json()["type"].endswith("/too-many-requests")
            # an unrelated small request is answered while the burst holds its slots
            small = await asyncio.wait_for(other.get("/activities/act-1"), timeout=5)
            assert small.status_code == 200
            # another client's heavy request takes the last global slot, then the cap is full
            assert inner.inside == 2
            third = asyncio.create_task(other.get("/activities?limit=1000"))
            await asyncio.sleep(0.1)
            assert inner.inside == 3
            assert (await burst.get("/maps/coverage")).status_code == 429
            inner.gate.set()
            done = await asyncio.gather(*[t for t in heavy if not t.done()], third)
            assert [r.status_code for r in done] == [200, 200, 200]
            # slots are released: the burst client is admitted again
            assert (await burst.get("/activities?limit=1000")).status_code == 200

    run_fresh(run())


def test_rate_limit_refuses_beyond_the_bucket_and_refills() -> None:
    now = [0.0]
    admission = Admission(AdmissionSettings(burst=10, rate_per_second=5), clock=lambda: now[0])
    assert all(admission.admit("c", 1, heavy=False) is None for _ in range(10))
    wait = admission.admit("c", 1, heavy=False)
    assert wait is not None and wait == pytest.approx(0.2)
    assert admission.admit("someone-else", 1, heavy=False) is None
    now[0] += 1.0
    assert admission.admit("c", 5, heavy=False) is None


def test_cost_model_follows_page_size() -> None:
    s = AdmissionSettings()
    assert request_cost("/activities", b"", s) == 1
    assert request_cost("/activities", b"limit=100", s) == 1
    assert request_cost("/activities", b"limit=1000", s) >= s.heavy_cost
    assert request_cost("/activities", b"limit=99999999999999999999", s) >= s.heavy_cost
    assert request_cost("/activities", b"limit=abc", s) == 1
    assert request_cost("/maps/coverage", b"", s) == s.heavy_cost
    assert request_cost("/territories/E23000029", b"", s) == 1
    assert request_cost("/spos/events", b"", s) == 1


def test_the_app_answers_429_with_retry_after(seeded: tuple[Settings, Store, World]) -> None:
    """The real app with tight limits: a client that empties its bucket is told when to come
    back; another client is still served."""
    settings, store, world = seeded
    tight = AdmissionSettings(burst=3, rate_per_second=0.01)
    app = create_app(settings.model_copy(update={"api": ApiSettings(admission=tight)}), store=store)
    with TestClient(app) as client:
        answers = [client.get("/activities", headers=world.auth("buyer")) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert int(answers[-1].headers["Retry-After"]) >= 1
        assert client.get("/activities", headers=world.auth("supplier")).status_code == 200


def test_small_requests_stay_fast_relative_to_baseline() -> None:
    """Relative, not wall-clock: the small request's time during a held burst is within a few
    times its time on an idle server (it is never queued behind the burst)."""

    async def run() -> tuple[float, float]:
        inner = GatedApp()
        app = AdmissionControl(inner, settings=SETTINGS)
        async with _client(app, "burst") as burst, _client(app, "other") as other:
            start = time.perf_counter()
            for _ in range(20):
                await other.get("/small")
            idle = time.perf_counter() - start
            heavy = [asyncio.create_task(burst.get("/x?limit=1000")) for _ in range(64)]
            await asyncio.sleep(0.1)
            start = time.perf_counter()
            for _ in range(20):
                await other.get("/small")
            busy = time.perf_counter() - start
            inner.gate.set()
            await asyncio.gather(*heavy)
            return idle, busy

    idle, busy = run_fresh(run())
    assert busy < 10 * idle + 0.05
