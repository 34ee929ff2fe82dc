"""Real ``dicm serve`` processes on loopback for the deployment tests: each its own Python
process with its own caches, broadcaster and connections, sharing only the database."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.api.live import free_port

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 120.0


@contextmanager
def dicm_servers(env: dict[str, str], workdir: Path, count: int = 2) -> Iterator[list[str]]:
    """``count`` processes of ``python -m dicm serve`` with ``env``, each on a free port,
    started together, until the block ends; their URLs."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    started: list[tuple[str, subprocess.Popen[bytes]]] = []
    try:
        for _ in range(count):
            port = free_port()
            command = [sys.executable, "-m", "dicm", "serve", "--host", "127.0.0.1"]
            with (workdir / f"serve-{port}.log").open("wb") as out:
                process = subprocess.Popen(
                    [*command, "--port", str(port), "--no-access-log"],
                    env=full_env,
                    cwd=workdir,
                    stdout=out,
                    stderr=out,
                )
            started.append((f"http://127.0.0.1:{port}", process))
        for base, process in started:
            _wait_until_up(base, process)
        yield [base for base, _ in started]
    finally:
        for _, process in started:
            process.terminate()
        for _, process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dicm serve exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise RuntimeError("dicm serve did not answer in time")


class EventStream:
    """An SSE client in a thread: ``events`` receives each (id, event, data) as it arrives;
    ``subscribed`` is set once the server has subscribed it (its first comment)."""

    def __init__(self, url: str, headers: dict[str, str], params: dict[str, str]) -> None:
        self.events: queue.Queue[tuple[int, str, dict[str, object]]] = queue.Queue()
        self.subscribed = threading.Event()
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._read, args=(url, headers, params), daemon=True)
        self._thread.start()

    def _read(self, url: str, headers: dict[str, str], params: dict[str, str]) -> None:
        fields: dict[str, str] = {}
        try:
            with httpx.stream("GET", url, headers=headers, params=params, timeout=60) as r:
                r.raise_for_status()
                for line in r.iter_lines():
                    if line.startswith(":"):
                        self.subscribed.set()
                    elif line:
                        name, _, value = line.partition(":")
                        fields[name] = value.strip()
                    elif "data" in fields:
                        data = json.loads(fields["data"])
                        self.events.put((int(fields["id"]), fields.get("event", ""), data))
                        fields = {}
        except BaseException as exc:  # reported to the test through ``error``
            self.error = exc
        finally:
            self.subscribed.set()

    def next(self, timeout: float = 30.0) -> tuple[int, str, dict[str, object]]:
        """The next event (``queue.Empty`` after ``timeout`` seconds)."""
        return self.events.get(timeout=timeout)

    def join(self) -> None:
        self._thread.join(timeout=30)
