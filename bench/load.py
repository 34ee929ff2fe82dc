"""Load benchmark of the HTTP API: 32 concurrent clients for 30 s on loopback.

Builds (or reuses) the demo database on the embedded default in ``.dicm/bench-load/``, serves the
app with uvicorn in a child process on 127.0.0.1, and drives two workloads one after the other:

- ``GET /activities?near=lon,lat,25000&limit=20`` around random supplier sites;
- ``GET /suppliers/{id}/matches?k=10`` for random suppliers (as the demo admin).

Prints requests/s, p50/p95/p99 latency and errors per workload, and the ratio of the match p95
to the near-search p95 (its peer in the same run). Target: no errors, match p95 under 100 ms.
Stops by itself. Run: ``.venv/bin/python -m bench.load [--seconds 30] [--clients 32]
[--workers 2] [--httpx]``; ``--clients 1`` gives the single-client latencies.

The clients share the server's 2 cores, so by default they speak a minimal keep-alive HTTP/1.1
(``LeanConnection``: 0.08 ms of CPU per request, measured) rather than httpx's async client
(4.4 ms per request at 32 in flight, more than the server spends), which would measure the
client more than the server. A 200 whose body is not a JSON object counts as an error.
``--httpx`` drives with httpx instead, for comparison.

It cannot report on the wrong server or on errors: before the run, ``GET /healthz`` must answer
dicm's ``{"status": "ok", "version": ...}`` with this checkout's version and a sample of each
workload's paths must answer 2xx; after it, any non-2xx response refuses the report (exit 1
with the statuses seen). It once printed a normal report against another server that answered
404 to everything on its port.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import random
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx
import numpy as np

HERE = Path(__file__).resolve().parents[1]
DATA_DIR = HERE / ".dicm" / "bench-load"


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)

    def line(self, name: str, seconds: float) -> str:
        lat = np.array(self.latencies_ms or [0.0])
        p50, p95, p99 = np.percentile(lat, [50, 95, 99])
        n = len(self.latencies_ms)
        return (
            f"{name:<26} {n / seconds:8.1f} req/s  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
            f"p99 {p99:7.1f} ms  errors {self.errors} (statuses {self.statuses})"
        )

    def p95(self) -> float:
        return float(np.percentile(np.array(self.latencies_ms or [0.0]), 95))


def _prepare() -> tuple[str, str, list[str], list[tuple[float, float]]]:
    """The database URL, an admin token, supplier ids and site locations of the demo."""
    from demo.driver import build_demo
    from dicm.settings import Settings
    from domain.model import Supplier
    from store.factory import open_store

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{DATA_DIR / 'dicm.sqlite'}"
    settings = Settings(database_url=url, data_dir=DATA_DIR)
    store = open_store(settings.store)
    try:
        summary = build_demo(store, settings.services)
        token_file = DATA_DIR / "admin.token"
        tokens = {a.id: a.token for a in summary.accounts}
        if "demo-admin" in tokens:
            token_file.write_text(tokens["demo-admin"])
        token = token_file.read_text().strip()
        suppliers = [s for s in store.find(Supplier, limit=100_000) if s.sites]
    finally:
        store.close()
    sites = [(x.location.x, x.location.y) for s in suppliers for x in s.sites]
    print(f"demo data: {summary.counts}", flush=True)
    return url, token, [s.id for s in suppliers], sites


class NotMeasured(RuntimeError):
    """The run measured something other than dicm answering 2xx: there is nothing to report."""


def expected_version() -> str:
    """The dicm version the server must report (the API's own ``info.version``)."""
    from api.app import _version

    return _version()


class _Http(Protocol):
    """What ``verify_dicm`` needs: an httpx client or the ASGI test client (which ships its
    own copy of httpx, hence ``Any``)."""

    @property
    def base_url(self) -> Any: ...

    def get(self, url: str) -> Any: ...


def verify_dicm(http: _Http, probes: list[str]) -> str:
    """Check ``http`` talks to dicm of this version and that every probe path answers 2xx;
    returns the version, else raises ``NotMeasured`` saying what answered instead."""
    try:
        r = http.get("/healthz")
    except httpx.HTTPError as exc:
        raise NotMeasured(f"no answer from {http.base_url}/healthz: {exc}") from exc
    try:
        body = r.json()
    except ValueError:
        body = None
    want = expected_version()
    if r.status_code != 200 or not isinstance(body, dict) or body.get("status") != "ok":
        raise NotMeasured(
            f"{http.base_url} is not dicm: /healthz answered {r.status_code} "
            f"{r.text[:120]!r} (want 200 {{'status': 'ok', 'version': {want!r}}})"
        )
    if body.get("version") != want:
        raise NotMeasured(f"{http.base_url} runs dicm {body.get('version')!r}, not {want!r}")
    for path in probes:
        r = http.get(path)
        if not 200 <= r.status_code < 300:
            raise NotMeasured(f"GET {path} answered {r.status_code}: {r.text[:200]!r}")
    return want


def refuse_errors(name: str, tally: Tally) -> None:
    """Raise ``NotMeasured`` when any response of the workload was not 2xx."""
    if tally.errors:
        raise NotMeasured(
            f"{name}: {tally.errors} of {len(tally.latencies_ms)} responses were not 2xx "
            f"(statuses {tally.statuses}; 0 = no answer, -1 = a 200 that is not JSON)"
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    """``dicm serve`` in a child process on loopback."""
    env = {**os.environ, "DICM_DATABASE_URL": url, "DICM_DATA_DIR": str(DATA_DIR)}
    args = ["-m", "dicm", "serve", "--host", "127.0.0.1", "--port", str(port)]
    args += ["--workers", str(workers), "--no-access-log"]
    server = subprocess.Popen([sys.executable, *args], env=env, cwd=HERE, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the API server did not start")


class LeanConnection:
    """One keep-alive HTTP/1.1 connection speaking just enough HTTP for GET: a load generator
    on the same cores as the server must cost little (see the module docstring)."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.head = f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n\r\n".encode()
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        """The status and body of ``GET path`` (reconnects when the server closed)."""
        if self.streams is None:
            self.streams = await asyncio.open_connection("127.0.0.1", self.port)
        reader, writer = self.streams
        writer.write(f"GET {path} HTTP/1.1\r\n".encode() + self.head)
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
        status = int(head.split(" ", 2)[1])
        length, chunked, close = 0, False, False
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name == "content-length":
                length = int(value)
            chunked |= name == "transfer-encoding" and "chunked" in value
            close |= name == "connection" and "close" in value
        body = await (_read_chunked(reader) if chunked else reader.readexactly(length))
        if close:
            await self.close()
        return status, body

    async def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts = []
    while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
        parts.append(await reader.readexactly(size + 2))
    await reader.readuntil(b"\r\n")
    return b"".join(p[:-2] for p in parts)


async def _client(
    http: LeanConnection | httpx.AsyncClient,
    paths: list[str],
    stop_at: float,
    tally: Tally,
    rng: random.Random,
) -> None:
    while time.monotonic() < stop_at:
        path = rng.choice(paths)
        started = time.perf_counter()
        try:
            if isinstance(http, LeanConnection):
                status, body = await http.get(path)
            else:
                r = await http.get(path)
                status, body = r.status_code, r.content
            if status == 200 and not body.startswith(b"{"):
                status = -1  # a 200 that is not a JSON object counts as an error
        except (httpx.HTTPError, OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            status = 0
            if isinstance(http, LeanConnection):
                await http.close()
        tally.latencies_ms.append((time.perf_counter() - started) * 1000)
        tally.statuses[status] = tally.statuses.get(status, 0) + 1
        if status != 200:
            tally.errors += 1


async def _drive(
    port: int, token: str, paths: list[str], clients: int, seconds: float, *, lean: bool
) -> Tally:
    tally = Tally()
    base = f"http://127.0.0.1:{port}"
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as http:
        await http.get(paths[0])  # warm up (indexes are built on first use)
        conns: list[LeanConnection | httpx.AsyncClient] = [
            LeanConnection(port, token) if lean else http for _ in range(clients)
        ]
        stop_at = time.monotonic() + seconds
        await asyncio.gather(
            *(_client(c, paths, stop_at, tally, random.Random(i)) for i, c in enumerate(conns))
        )
        for conn in conns:
            if isinstance(conn, LeanConnection):
                await conn.close()
    return tally


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument(
        "--httpx", action="store_true", help="drive with httpx instead of the lean client"
    )
    args = parser.parse_args(argv if argv is not None else [])
    url, token, supplier_ids, sites = _prepare()
    rng = random.Random(0)
    near = [
        f"/activities?near={lon:.5f},{lat:.5f},25000&limit=20"
        for lon, lat in rng.sample(sites, min(500, len(sites)))
    ]
    matches = [
        f"/suppliers/{s}/matches?k=10"
        for s in rng.sample(supplier_ids, min(500, len(supplier_ids)))
    ]
    port = _free_port()
    server = _start_server(url, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    workload = f"{args.clients} clients x {args.seconds:.0f} s per workload"
    client = "httpx" if args.httpx else "lean HTTP/1.1"
    try:
        if server.poll() is not None:
            raise NotMeasured(f"dicm serve exited with {server.returncode}; {base} is not it")
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
            version = verify_dicm(http, near[:3] + matches[:3])
    except NotMeasured as exc:
        server.terminate()
        server.wait(timeout=30)
        sys.exit(f"bench.load: refusing to report: {exc}")
    print(
        f"{workload} on {base} (dicm {version}, uvicorn, {args.workers} workers; {client} client)"
    )
    drive = functools.partial(
        _drive, port, token, clients=args.clients, seconds=args.seconds, lean=not args.httpx
    )
    try:
        near_tally = asyncio.run(drive(near))
        refuse_errors("GET /activities?near=", near_tally)
        print(near_tally.line("GET /activities?near=", args.seconds), flush=True)
        match_tally = asyncio.run(drive(matches))
        refuse_errors("GET /suppliers/{id}/matches", match_tally)
        print(match_tally.line("GET /suppliers/{id}/matches", args.seconds), flush=True)
    except NotMeasured as exc:
        sys.exit(f"bench.load: refusing to report: {exc}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    ratio = match_tally.p95() / max(near_tally.p95(), 1e-9)
    verdict = "MET" if match_tally.p95() < 100 and match_tally.errors == 0 else "NOT met"
    print(f"match p95 / near p95 = {ratio:.2f}x; target (no errors, match p95 < 100 ms): {verdict}")


if __name__ == "__main__":
    main(sys.argv[1:])
