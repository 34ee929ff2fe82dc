"""Fixtures of the web pages' browser tests: one live dicm on loopback with the demo data (built
once per session), Debian's Chromium, a fresh page per test whose guard fails the test on any
request off loopback or console error, ``sign_in(page, role)`` and ``check_page(page, name)``.

Journeys check their outcome through the API with the demo account's bearer token
(``web_server.api(role)``)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from demo.driver import build_demo
from dicm.settings import Settings
from maps.assets import ALL_ASSETS, DOCS_ASSETS, missing_assets
from store.factory import open_store
from tests.geo.fixtures import geo_data_dir
from tests.maps.browser import ROOT, serve
from tests.web.harness import DESKTOP, DemoLogin, Guard, check_page, sign_in_as

__all__ = ["geo_data_dir"]

DEMO_SCALE = 0.2
DEMO_SEED = 42


@dataclass(frozen=True)
class WebServer:
    """The live server: its base URL, the demo logins by role, and its settings."""

    url: str
    logins: dict[str, DemoLogin]
    settings: Settings

    def api(self, role: str) -> httpx.Client:
        """An API client signed in with the bearer token of the demo account of ``role``."""
        token = self.logins[role].token
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )


@pytest.fixture(scope="session")
def web_assets() -> None:
    """The front-end files (``scripts/install-assets.sh`` once if any is missing)."""
    needed = ALL_ASSETS + DOCS_ASSETS
    vendor = ROOT / "maps" / "static" / "vendor"
    extra = ("govuk/govuk-frontend.min.css", "htmx/htmx.min.js", "axe/axe.min.js")
    if missing_assets(assets=needed) or not all((vendor / f).is_file() for f in extra):
        subprocess.run(["bash", str(ROOT / "scripts" / "install-assets.sh")], check=True)
    assert all((vendor / f).is_file() for f in extra)


@pytest.fixture(scope="session")
def web_server(
    tmp_path_factory: pytest.TempPathFactory, geo_data_dir: Path, web_assets: None
) -> Iterator[WebServer]:
    """dicm on loopback over a SQLite demo database built once for the session."""
    folder = tmp_path_factory.mktemp("web")
    data_dir = folder / "data"
    data_dir.mkdir()
    (data_dir / "cache").symlink_to(geo_data_dir / "cache", target_is_directory=True)
    (geo_data_dir / "cache").mkdir(exist_ok=True)
    settings = Settings(database_url=f"sqlite:///{folder / 'dicm.sqlite'}", data_dir=data_dir)
    store = open_store(settings.store)
    try:
        summary = build_demo(store, settings.services, seed=DEMO_SEED, scale=DEMO_SCALE)
    finally:
        store.close()
    logins = {
        a.role: DemoLogin(a.id, a.role, a.password, a.token, a.organisation_id, a.territory_code)
        for a in summary.accounts
    }
    with serve(create_app(settings)) as url:
        yield WebServer(url, logins, settings)


@pytest.fixture(scope="session")
def browser(web_assets: None, chromium: Any) -> Any:
    """The session's one Chromium (root conftest), once the pages' assets are installed."""
    return chromium


@pytest.fixture
def guard() -> Guard:
    return Guard()


@pytest.fixture
def page(browser: Any, web_server: WebServer, guard: Guard) -> Iterator[Any]:
    """A fresh browser context and page (no cookies) whose guard is checked after the test."""
    context = browser.new_context(viewport=DESKTOP, base_url=web_server.url)
    context.set_default_timeout(20_000)
    opened = context.new_page()
    guard.attach(opened)
    try:
        yield opened
        guard.assert_clean()
    finally:
        context.close()


@pytest.fixture
def sign_in(web_server: WebServer) -> Callable[[Any, str], DemoLogin]:
    """``sign_in(page, "supplier")``: signs in as that demo account; returns its login."""

    def _sign_in(page: Any, role: str) -> DemoLogin:
        login = web_server.logins[role]
        sign_in_as(page, web_server.url, login)
        return login

    return _sign_in


@pytest.fixture(name="check_page")
def check_page_fixture() -> Callable[[Any, str], list[Path]]:
    """``check_page(page, name)``: axe-core, screenshots, no sideways scroll on a phone."""
    return check_page
