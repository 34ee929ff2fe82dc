"""Fixtures shared by tests/geo and tests/boundaries: the shared ONS data folder and the
bundled geography (the one ``make install`` built, in the checkout's ``.dicm/cache``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from boundaries.bundled import BundledGeography, load_bundled_geography
from boundaries.lookup_index import LookupIndex, build_lookup_index
from geo.assign import AreaIndex

ROOT = Path(__file__).resolve().parents[2]
#: ``../shared/data`` beside the checkout, or two levels up from a worktree (``wt/<name>``)
SHARED_DATA = next(
    (
        p
        for p in (ROOT.parent / "shared" / "data", ROOT.parents[1] / "shared" / "data")
        if p.is_dir()
    ),
    ROOT.parent / "shared" / "data",
)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``: skipped only on a laptop without it; in CI it must be there."""
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED_DATA} is missing in CI")
        pytest.skip("../shared/data is not present")
    return SHARED_DATA.resolve()


@pytest.fixture(scope="session")
def geo_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ``data_dir`` of the session's own whose ``cache`` folder is the checkout's
    ``.dicm/cache``: the geography and lookup index ``make install`` built are reused, not
    built again by every test session and worker (built there once if missing; each build
    writes under its own temporary name, so workers never clash)."""
    installed = ROOT / ".dicm" / "cache"
    installed.mkdir(parents=True, exist_ok=True)
    data_dir = tmp_path_factory.mktemp("dicm-data")
    (data_dir / "cache").symlink_to(installed.resolve(), target_is_directory=True)
    return data_dir


@pytest.fixture(scope="session")
def bundled(geo_data_dir: Path) -> BundledGeography:
    """The bundled UK geography (built on the first session, then read from the cache)."""
    return load_bundled_geography(geo_data_dir / "cache")


@pytest.fixture(scope="session")
def bundled_index(bundled: BundledGeography) -> AreaIndex:
    """An AreaIndex over the bundled geography."""
    return bundled.area_index()


@pytest.fixture(scope="session")
def lookup(geo_data_dir: Path, bundled: BundledGeography) -> LookupIndex:
    """The compact lookup index of the bundled geography (built once, cached like it)."""
    cache = geo_data_dir / "cache"
    return LookupIndex.open(cache) or build_lookup_index(bundled, cache)
