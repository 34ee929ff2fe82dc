"""``/docs`` and ``/redoc`` in Chromium with nothing but loopback: every operation is drawn,
nothing is asked of another host, no console error, and "Try it out" works with a bearer token
(they were blank offline when Swagger UI and Redoc came from a CDN)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.app import create_app
from tests.api.conftest import open_sqlite
from tests.api.seed import World, seed
from tests.maps.browser import open_map, serve

pytestmark = pytest.mark.browser
#: Swagger UI and Redoc parse the whole spec before drawing: slow on a busy shared machine
SLOW_MS = 180_000
METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, assets_installed: None
) -> Iterator[tuple[str, World]]:
    settings, store = open_sqlite(tmp_path_factory.mktemp("docs") / "docs.sqlite")
    world = seed(store)
    try:
        with serve(create_app(settings, store=store)) as url:
            yield url, world
    finally:
        store.close()


def _operation_count(url: str) -> int:
    spec = httpx.get(f"{url}/openapi.json").json()
    return sum(1 for item in spec["paths"].values() for method in item if method in METHODS)


def test_swagger_ui_draws_every_operation_offline(browser: Any, served: tuple[str, World]) -> None:
    url, _ = served
    with open_map(browser, f"{url}/docs", wait_for=".opblock", timeout_ms=SLOW_MS) as docs:
        docs.page.wait_for_load_state("networkidle")
        docs.assert_clean()
        assert docs.count(".opblock") == _operation_count(url) > 50
        assert docs.count(".btn.authorize") == 1
        docs.screenshot("docs-swagger-ui")


def test_try_it_out_with_a_bearer_token(browser: Any, served: tuple[str, World]) -> None:
    url, world = served
    with open_map(browser, f"{url}/docs", wait_for=".opblock", timeout_ms=SLOW_MS) as docs:
        page = docs.page
        page.click(".btn.authorize")
        page.fill(".modal-ux input", world.tokens["supplier"])
        page.click(".modal-ux .auth-btn-wrapper .btn.authorize")
        page.click(".modal-ux .btn-done")
        operation = page.locator("#operations-accounts-me_accounts_me_get")
        if operation.count() == 0:
            operation = page.locator(".opblock-get", has_text="/accounts/me").first
        operation.locator(".opblock-summary").click()
        operation.locator(".try-out__btn").click()
        operation.locator(".execute").click()
        status = operation.locator(".live-responses-table tr.response .response-col_status").first
        status.wait_for(timeout=SLOW_MS)
        assert status.inner_text().strip() == "200"
        body = operation.locator(".live-responses-table .microlight").first.inner_text()
        assert '"supplier"' in body  # the account the token belongs to
        docs.assert_clean()
        docs.screenshot("docs-try-it-out")


def test_redoc_renders_offline(browser: Any, served: tuple[str, World]) -> None:
    url, _ = served
    with open_map(browser, f"{url}/redoc", wait_for="body", timeout_ms=SLOW_MS) as redoc:
        redoc.page.wait_for_selector("[data-section-id]", state="attached", timeout=SLOW_MS)
        redoc.page.wait_for_load_state("networkidle")
        redoc.assert_clean()
        assert "Failed to load" not in redoc.page.inner_text("body")
        assert redoc.count("[data-section-id^='operation/']") == _operation_count(url)
        redoc.screenshot("docs-redoc")


def test_the_landing_page_links_work_in_a_browser(browser: Any, served: tuple[str, World]) -> None:
    url, _ = served
    with open_map(browser, f"{url}/", wait_for="main", timeout_ms=SLOW_MS) as home:
        home.assert_clean()
        assert home.page.title().startswith("dicm")
        assert home.page.locator("html").get_attribute("lang") == "en"
        home.page.click("text=Swagger UI")
        home.page.wait_for_selector(".opblock", timeout=SLOW_MS)
        home.assert_clean()
