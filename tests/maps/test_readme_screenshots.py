"""The README's showcase screenshots, made from the demo dataset (``dicm demo``'s own build).

The demo is built in a temporary folder (``build_demo``, what ``dicm demo --no-serve`` runs), the
official IMD 2019 scores are imported as the need indicator (``dicm import indicator``, as the
README shows), the app is served on loopback, and each page the demo prints is opened in
Chromium as the demo account it is for: supplier finder, buyer coverage, PCC heatmap, SPO map.
The shots always land in ``artifacts/screenshots/readme-*.png``; with
``DICM_WRITE_SCREENSHOTS=1`` they also replace ``docs/screenshots/*.png`` (commit those), made
at ``DICM_SCREENSHOT_SCALE=1`` (the demo's default; the test's own default 0.2 is quicker). They
once came from test fixtures and showed a security-test string as the top activity.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.app import create_app
from demo.driver import build_demo, demo_urls
from dicm.settings import Settings
from services.imports import import_indicator
from store.factory import open_store
from tests.geo.fixtures import geo_data_dir  # noqa: F401  (the cached bundled geography)
from tests.maps.browser import ROOT, open_map, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]
README_SHOTS = ROOT / "docs" / "screenshots"
SCALE = float(os.environ.get("DICM_SCREENSHOT_SCALE", "0.2"))
IMD = Path("imd") / "imd2019_lad23_england_popweighted.csv"
#: the demo's page label prefix -> (README file name, selector that says the map is drawn)
PAGES = {
    "Supplier": ("supplier", ".dicm-rank"),
    "Buyer": ("coverage", "path.leaflet-interactive"),
    "PCC office": ("heatmap", "path.leaflet-interactive"),
    "SPO": ("spo", ".leaflet-tooltip"),
}
#: strings of the hostile-input tests that must never appear on a showcase page
HOSTILE = ("<img", "onerror", "alert(", "<script")


@pytest.fixture(scope="module")
def demo_pages(
    tmp_path_factory: pytest.TempPathFactory,
    geo_data_dir: Path,  # noqa: F811
    shared_data: Path,
    assets_installed: None,
) -> Iterator[dict[str, tuple[str, tuple[str, str] | None]]]:
    folder = tmp_path_factory.mktemp("readme-demo")
    (folder / "data").mkdir()
    (folder / "data" / "cache").symlink_to(geo_data_dir / "cache", target_is_directory=True)
    settings = Settings(
        database_url=f"sqlite:///{folder / 'dicm.sqlite'}", data_dir=folder / "data"
    )
    store = open_store(settings.store)
    try:
        summary = build_demo(store, settings.services, scale=SCALE)
        imd = shared_data / IMD
        import_indicator(
            settings.services, imd, name="imd2019", code_column="LAD23CD", value_column="Score"
        )
        passwords = {a.id: a.password for a in summary.accounts}
        with serve(create_app(settings, store=store)) as base:
            urls = dict(demo_urls(base, summary, store))
            yield {
                prefix: next(
                    (u, _login(who, passwords))
                    for who, u in urls.items()
                    if who.startswith(prefix + ":")
                )
                for prefix in PAGES
            }
    finally:
        store.close()


def _login(who: str, passwords: dict[str, str]) -> tuple[str, str] | None:
    """The demo account a page's label says to sign in as, with its password."""
    if "(sign in as " not in who:
        return None
    account = who.rsplit("(sign in as ", 1)[1].rstrip(")")
    return account, passwords[account]


@pytest.mark.parametrize("who", list(PAGES))
def test_readme_screenshot_from_the_demo(
    browser: Any, demo_pages: dict[str, tuple[str, tuple[str, str] | None]], who: str
) -> None:
    name, ready = PAGES[who]
    url, login = demo_pages[who]
    with open_map(browser, url, wait_for=ready, timeout_ms=60_000, signed_in_as=login) as m:
        m.assert_clean()
        text = m.page.inner_text("body")
        assert not any(h in text for h in HOSTILE), f"{who}: a test string on a showcase page"
        assert m.count(".dicm-legend") == 1
        if who == "PCC office":
            m.page.get_by_label("Activities").check()
            m.page.wait_for_timeout(300)
        shot = m.screenshot(f"readme-{name}")
    assert shot.stat().st_size > 20_000  # a drawn map, not a blank page
    if os.environ.get("DICM_WRITE_SCREENSHOTS") == "1":
        shutil.copyfile(shot, README_SHOTS / f"{name}.png")
