"""Every map page served by ``api.app.create_app`` on loopback, opened in Chromium: it draws
what the store holds, asks nothing of any other host, logs no error, and shows its legend.

Pages are opened as a browser would: signed in through the sign-in form, the session cookie
then saying who asks (the supplier its own finder, the PCC office its territory's coverage and
heatmap); the SPO map of an awarded SPO is public and opened by nobody signed in. A token in
the address is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from dicm.settings import Settings
from domain.vocabulary import Role
from services.accounts import create_account, set_password
from services.imports import import_indicator
from store.factory import open_store
from tests.maps.browser import open_map, serve
from tests.maps.seed import HOSTILE_NAME, MapWorld, seed_map_world

pytestmark = pytest.mark.browser

Tokens = dict[str, str]
#: every test account's web password
PASSWORD = "correct horse battery"


def login(name: str) -> tuple[str, str]:
    """``open_map``'s ``signed_in_as`` for the test account ``name``."""
    return name, PASSWORD


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, shared_data: Path, assets_installed: None
) -> Iterator[tuple[MapWorld, str, Tokens]]:
    path = tmp_path_factory.mktemp("maps") / "maps.sqlite"
    settings = Settings(database_url=f"sqlite:///{path}", data_dir=path.parent / ".dicm")
    store = open_store(settings.store)
    world = seed_map_world(store, shared_data)
    imd = shared_data / "imd" / "imd2019_lad23_england_popweighted.csv"
    import_indicator(
        settings.services, imd, name="imd2019", code_column="LAD23CD", value_column="Score"
    )
    tokens = {
        name: create_account(
            store, id_=name, name=name, role=role, organisation_id=org, territory_code=territory
        )[1]
        for name, role, org, territory in (
            ("supplier", Role.SUPPLIER, world.supplier_id, None),
            ("pcc", Role.PCC_OFFICE, None, world.territory_code),
            ("admin", Role.ADMIN, None, None),
        )
    }
    for name in tokens:
        set_password(store, name, PASSWORD)
    try:
        with serve(create_app(settings, store=store)) as url:
            yield world, url, tokens
    finally:
        store.close()


@pytest.fixture(scope="module")
def world_and_url(served: tuple[MapWorld, str, Tokens]) -> tuple[MapWorld, str]:
    return served[0], served[1]


@pytest.fixture(scope="module")
def tokens(served: tuple[MapWorld, str, Tokens]) -> Tokens:
    return served[2]


def test_supplier_page(browser: Any, world_and_url: tuple[MapWorld, str]) -> None:
    world, url = world_and_url
    page_url = f"{url}/maps/supplier/{world.supplier_id}"
    with open_map(browser, page_url, wait_for=".dicm-rank", signed_in_as=login("supplier")) as m:
        m.assert_clean()
        assert m.count(".dicm-rank") == world.activities_near_supplier
        # reach circle + site marker per site, territory + local-authority outlines
        assert m.count("path.leaflet-interactive") == 2 * 2 + 1 + world.la_count
        assert m.count(".dicm-legend") == 1
        assert (
            "Office for National Statistics"
            in m.page.locator(".leaflet-control-attribution").inner_text()
        )
        m.page.locator(".dicm-rank", has_text="1").first.click()
        popup = m.page.locator(".leaflet-popup-content")
        assert "Start a Social Purchase Order" in popup.inner_text()
        link = popup.locator("a").get_attribute("href")
        # the web flow's Add-to-SPO form, not the JSON API (a raw 401 in a browser)
        assert link is not None and link.startswith("/app/supplier/spos/new?activity=act-")
        m.page.wait_for_timeout(400)  # the popup fades in
        m.screenshot("api-supplier")


def test_supplier_popup_shows_hostile_names_as_text(
    browser: Any, world_and_url: tuple[MapWorld, str]
) -> None:
    world, url = world_and_url
    page_url = f"{url}/maps/supplier/{world.supplier_id}"
    with open_map(browser, page_url, wait_for=".dicm-rank", signed_in_as=login("supplier")) as m:
        m.page.evaluate(
            "() => { document.querySelectorAll('.dicm-rank').forEach(e => e.click()); }"
        )
        m.assert_clean()  # an injected <img onerror> would have requested /x
        assert m.page.locator(".leaflet-popup-content img").count() == 0


def test_coverage_page(browser: Any, world_and_url: tuple[MapWorld, str]) -> None:
    world, url = world_and_url
    page_url = f"{url}/maps/coverage?territory={world.territory_code}"
    with open_map(
        browser, page_url, wait_for="path.leaflet-interactive", signed_in_as=login("pcc")
    ) as m:
        m.assert_clean()
        assert m.count("path.leaflet-interactive") == world.la_count + 1
        assert m.count(".dicm-legend") == 1
        assert m.count(".leaflet-control-layers-base input") == 3 + 1  # plan priorities + all
        assert m.page.locator(".dicm-panel section:visible li").count() >= 1
        assert "indicator imd2019" in m.page.locator(".dicm-legend").inner_text()
        m.screenshot("api-coverage")


def test_coverage_page_for_one_priority(browser: Any, world_and_url: tuple[MapWorld, str]) -> None:
    world, url = world_and_url
    page_url = f"{url}/maps/coverage?territory={world.territory_code}&priority=domestic_abuse"
    with open_map(
        browser, page_url, wait_for="path.leaflet-interactive", signed_in_as=login("pcc")
    ) as m:
        m.assert_clean()
        assert m.count(".leaflet-control-layers-base input") == 1


def test_heatmap_page(browser: Any, world_and_url: tuple[MapWorld, str]) -> None:
    world, url = world_and_url
    page_url = f"{url}/maps/heatmap/{world.territory_code}?period=2027"
    with open_map(
        browser, page_url, wait_for="path.leaflet-interactive", signed_in_as=login("pcc")
    ) as m:
        m.assert_clean()
        # the awarded SPO's three lines (Reading, Oxford, Slough: three res-7 cells), the 120
        # volunteer hours valued in £ like on every other surface (one measure), plus the
        # territory outline; before the one measure the hours line was missing from this map
        assert m.count("path.leaflet-interactive") == 3 + 1
        assert m.count(".dicm-legend") == 1
        m.page.get_by_label("Activities").check()
        m.page.get_by_label("Activity density (kernel)").check()
        m.page.wait_for_selector("canvas.leaflet-heatmap-layer", state="attached")
        assert m.count("path.leaflet-interactive") > 3
        assert m.errors == []
        m.screenshot("api-heatmap")


def test_spo_page(browser: Any, world_and_url: tuple[MapWorld, str]) -> None:
    world, url = world_and_url
    with open_map(browser, f"{url}/maps/spo/{world.spo_id}", wait_for=".leaflet-tooltip") as m:
        m.assert_clean()
        # sites, lines, activities, then the territory and its local authorities
        assert m.count("path.leaflet-interactive") == 2 + 3 + 3 + 1 + world.la_count
        assert sorted(m.page.locator(".leaflet-tooltip").all_inner_texts()) == [
            "120 hours",
            "£10,000",
            "£4,000",
        ]
        assert m.count(".dicm-legend") == 1
        m.screenshot("api-spo")


def test_a_browser_nobody_signed_in_to_signs_in_and_comes_back(
    browser: Any, world_and_url: tuple[MapWorld, str]
) -> None:
    world, url = world_and_url
    context = browser.new_context()
    page = context.new_page()
    try:
        path = f"/maps/heatmap/{world.territory_code}?period=2027"
        page.goto(url + path)
        assert "/app/sign-in?next=" in page.url
        assert page.locator(".leaflet-container").count() == 0
        page.get_by_label("Account id").fill("pcc")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(url + path)
        page.wait_for_selector("path.leaflet-interactive", state="attached")
    finally:
        context.close()


def test_a_token_in_the_address_is_refused_in_words_and_signs_nobody_in(
    browser: Any, world_and_url: tuple[MapWorld, str], tokens: Tokens
) -> None:
    """Before, ``?token=`` opened the page (and left the token in history and logs)."""
    world, url = world_and_url
    context = browser.new_context()
    page = context.new_page()
    try:
        response = page.goto(f"{url}/maps/supplier/{world.supplier_id}?token={tokens['supplier']}")
        assert response is not None and response.status == 400
        assert "no longer take a token in their address" in page.locator("main").inner_text()
        assert tokens["supplier"] not in page.content()
        assert page.locator(".leaflet-container").count() == 0
        page.goto(f"{url}/maps/supplier/{world.supplier_id}")  # and nothing was remembered
        assert "/app/sign-in" in page.url
    finally:
        context.close()


def test_another_account_cannot_open_the_page(
    world_and_url: tuple[MapWorld, str], tokens: Tokens
) -> None:
    world, url = world_and_url
    # a supplier sees no territory aggregates; a PCC office no supplier's sites
    heatmap = f"{url}/maps/heatmap/{world.territory_code}"
    assert httpx.get(heatmap, headers=_bearer(tokens["supplier"])).status_code == 403
    finder = f"{url}/maps/supplier/{world.supplier_id}"
    assert httpx.get(finder, headers=_bearer(tokens["pcc"])).status_code == 403


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_unknown_ids_are_problems_not_pages(
    world_and_url: tuple[MapWorld, str], tokens: Tokens
) -> None:
    _, url = world_and_url
    admin = _bearer(tokens["admin"])
    for path in (
        "/maps/supplier/nope",
        "/maps/spo/nope",
        "/maps/heatmap/E23000999",
        "/maps/coverage?territory=E23000999",
        "/maps/coverage?territory=E23000029&need=nope",
    ):
        response = httpx.get(url + path, headers=admin)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("application/problem+json")


def test_a_bid_in_competition_is_not_public(world_and_url: tuple[MapWorld, str]) -> None:
    _, url = world_and_url
    assert httpx.get(f"{url}/maps/spo/spo-draft").status_code in (401, 404)
    assert httpx.get(f"{url}/maps/spo/spo-1").status_code == 200  # awarded: in a contract


def test_static_assets_are_served(world_and_url: tuple[MapWorld, str]) -> None:
    _, url = world_and_url
    response = httpx.get(f"{url}/static/vendor/leaflet/leaflet.js")
    assert response.status_code == 200 and "Leaflet" in response.text[:500]
    assert HOSTILE_NAME not in httpx.get(f"{url}/maps/spo/spo-1").text
