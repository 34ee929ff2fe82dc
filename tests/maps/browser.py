"""Helpers for the browser tests: a loopback server in a thread and a page that records every
request and console error. Chromium is Debian's (``/usr/bin/chromium``), driven by Playwright;
nothing is downloaded."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost", ""}
LOCAL_SCHEMES = {"data", "file", "about", "blob"}


def require_chromium() -> None:
    """Skip on a laptop without Chromium; fail in CI."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing (make system installs it)")
        pytest.skip(f"{CHROMIUM} is missing")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run ``app`` with uvicorn on a free loopback port; yields its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def is_local(url: str) -> bool:
    """True for loopback HTTP and for data:/file: URLs (nothing leaves the machine)."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in {"http", "https", "ws"} and (parts.hostname or "") in LOCAL_HOSTS


@dataclass
class OpenedMap:
    """A page after load, with what it asked for and what went wrong."""

    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)

    def count(self, selector: str) -> int:
        return int(self.page.locator(selector).count())

    def assert_clean(self) -> None:
        foreign = [u for u in self.requests if not is_local(u)]
        assert foreign == [], f"requests off loopback: {foreign}"
        assert self.errors == [], f"console errors: {self.errors}"
        failed = {u: s for u, s in self.statuses.items() if s >= 400}
        assert failed == {}, f"failed requests: {failed}"

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


def sign_in_with_form(page: Any, base_url: str, account_id: str, password: str) -> None:
    """Sign in through dicm's sign-in form, as a person would (the session cookie then opens
    the map pages); ends on the home page."""
    page.goto(f"{base_url}/app/sign-in")
    page.get_by_label("Account id").fill(account_id)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/app")


@contextmanager
def open_map(
    browser: Any,
    url: str,
    *,
    wait_for: str = ".leaflet-container",
    timeout_ms: int = 15_000,
    signed_in_as: tuple[str, str] | None = None,
) -> Iterator[OpenedMap]:
    """Open ``url`` in a fresh context, first signed in as ``(account id, password)`` when
    given; the map is ready when ``wait_for`` appears."""
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.set_default_timeout(max(timeout_ms, 30_000))  # Playwright's own default is 30 s
    if signed_in_as is not None:
        parts = urlsplit(url)
        sign_in_with_form(page, f"{parts.scheme}://{parts.netloc}", *signed_in_as)
    opened = OpenedMap(page)
    page.on("request", lambda r: opened.requests.append(r.url))
    page.on("response", lambda r: opened.statuses.__setitem__(r.url, r.status))
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: opened.errors.append(str(e)))
    try:
        page.goto(url, wait_until="load")
        page.wait_for_selector(wait_for, state="attached", timeout=timeout_ms)
        page.wait_for_timeout(300)
        yield opened
    finally:
        context.close()
