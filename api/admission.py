"""Admission control: per-client rate limits and a concurrency cap on heavy requests.

One client used to hold the server with 64 connections of ``GET /activities?limit=1000`` while
an unrelated small request waited seconds. Now each request has a *cost* (1, plus one per 250
features of the page it asks for, or a flat cost for pages that build maps and aggregates),
every client (its bearer token, else its IP address) has a token bucket of cost units, and a
request of at least ``heavy_cost`` is *heavy*: at most ``heavy_per_client`` of one client's and
``heavy_total`` of everyone's run at once. A request over any limit is answered at once with
429 ``too-many-requests`` and ``Retry-After`` — never queued — so the small request of someone
else never waits behind a burst. Limits live in ``settings.api.admission``.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from api.problems import problem_response
from api.settings import AdmissionSettings

#: path prefixes whose pages build maps, aggregates or rankings (flat heavy cost)
HEAVY_PATHS = ("/maps/", "/territories/", "/suppliers/", "/activities/search", "/exports")
#: path suffixes of long-lived streams: admitted by rate, never counted as in flight
STREAM_SUFFIXES = ("/events",)
#: features of a page that cost one more unit (a page of 1,000 is heavy at the default)
PAGE_UNIT = 250
MAX_CLIENTS = 10_000  # remembered buckets before the least recently seen are forgotten


def request_cost(
    path: str, query: bytes, settings: AdmissionSettings, *, page_size_max: int = 1000
) -> int:
    """The cost units of one request: the page-size model (1 + served page size / 250; a
    larger ``limit`` is served clamped, so it costs the same), or the flat heavy cost of map,
    aggregate and ranking pages."""
    if path.startswith(HEAVY_PATHS) and not path.endswith(STREAM_SUFFIXES):
        if path.startswith("/suppliers/") and not path.endswith("/matches"):
            return 1
        if path.startswith("/territories/") and not path.endswith(("/coverage", "/heatmap")):
            return 1
        return settings.heavy_cost
    limits = parse_qs(query.decode("latin-1")).get("limit", [])
    try:
        limit = max(0, min(int(limits[-1]), page_size_max)) if limits else 0
    except ValueError:
        limit = 0
    return 1 + limit // PAGE_UNIT


def client_key(scope: Scope) -> str:
    """Who is asking: the bearer token (hashed, never kept in clear), else the peer address."""
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            return "token:" + hashlib.sha256(value).hexdigest()[:32]
    client = scope.get("client")
    return "ip:" + (client[0] if client else "unknown")


@dataclass
class _Client:
    tokens: float
    stamp: float
    heavy: int = 0


@dataclass
class Admission:
    """The shared state: one bucket per client and the heavy requests in flight."""

    settings: AdmissionSettings
    clock: object = field(default=time.monotonic)
    _clients: OrderedDict[str, _Client] = field(default_factory=OrderedDict)
    _heavy_total: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def admit(self, key: str, cost: int, *, heavy: bool) -> float | None:
        """None when admitted (release it if heavy); otherwise the seconds to wait."""
        s = self.settings
        now = self.clock()  # type: ignore[operator]
        with self._lock:
            client = self._client(key, now)
            client.tokens = min(s.burst, client.tokens + (now - client.stamp) * s.rate_per_second)
            client.stamp = now
            if heavy and (client.heavy >= s.heavy_per_client or self._heavy_total >= s.heavy_total):
                return 1.0
            if client.tokens < cost:
                return (cost - client.tokens) / s.rate_per_second
            client.tokens -= cost
            if heavy:
                client.heavy += 1
                self._heavy_total += 1
            return None

    def release(self, key: str) -> None:
        """A heavy request of ``key`` has finished."""
        with self._lock:
            self._heavy_total = max(0, self._heavy_total - 1)
            client = self._clients.get(key)
            if client is not None:
                client.heavy = max(0, client.heavy - 1)

    def _client(self, key: str, now: float) -> _Client:
        client = self._clients.get(key)
        if client is None:
            client = _Client(tokens=float(self.settings.burst), stamp=now)
            self._clients[key] = client
            while len(self._clients) > MAX_CLIENTS:
                self._clients.popitem(last=False)
        else:
            self._clients.move_to_end(key)
        return client


class AdmissionControl:
    """Pure ASGI middleware applying :class:`Admission` to every HTTP request."""

    def __init__(
        self, app: ASGIApp, *, settings: AdmissionSettings, page_size_max: int = 1000
    ) -> None:
        self.app = app
        self.settings = settings
        self.page_size_max = page_size_max
        self.admission = Admission(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.settings.enabled:
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        query = scope.get("query_string", b"")
        cost = request_cost(path, query, self.settings, page_size_max=self.page_size_max)
        heavy = cost >= self.settings.heavy_cost and not path.endswith(STREAM_SUFFIXES)
        key = client_key(scope)
        wait = self.admission.admit(key, cost, heavy=heavy)
        if wait is not None:
            retry = max(1, math.ceil(wait))
            response = problem_response(
                "too-many-requests",
                f"too many requests from this client: retry after {retry} s",
                instance=path,
                headers={"Retry-After": str(retry)},
            )
            await response(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            if heavy:
                self.admission.release(key)
