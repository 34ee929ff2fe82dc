"""Fixtures for the map tests: Chromium (session), installed assets, shared ONS data."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from maps.assets import ALL_ASSETS, DOCS_ASSETS, missing_assets
from tests.maps.browser import ROOT

#: ``../shared/data`` beside the checkout; ``DICM_SHARED_DATA`` names it from elsewhere (a worktree)
SHARED_DATA = Path(os.environ.get("DICM_SHARED_DATA") or ROOT / ".." / "shared" / "data")


@pytest.fixture(scope="session")
def assets_installed() -> None:
    """Leaflet, Swagger UI and Redoc, installed by ``make assets`` (run here once if missing)."""
    every = ALL_ASSETS + DOCS_ASSETS
    if missing_assets(assets=every):
        subprocess.run(["bash", str(ROOT / "scripts" / "install-assets.sh")], check=True)
    assert missing_assets(assets=every) == []


@pytest.fixture(scope="session")
def browser(assets_installed: None, chromium: Any) -> Any:
    """The session's one Chromium (root conftest), once the pages' assets are installed."""
    return chromium


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``: skipped only on a laptop without it; in CI it must be there."""
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED_DATA} is missing")
        pytest.skip(f"{SHARED_DATA} is missing")
    return SHARED_DATA.resolve()
