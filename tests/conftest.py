"""Root fixtures: a ``store`` for every backend (SQLite file, PostGIS), fresh and empty per test.

PostGIS runs in a throwaway cluster started once per session (``tests/pgcluster.py``) and
migrated once; each test starts from TRUNCATEd tables. When PostGIS cannot start, its half
is skipped on a laptop but FAILS the run when ``CI`` is set or ``--require-all-dialects`` is
given.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dicm.settings import Settings
from store.factory import open_store
from store.port import Store
from tests.pgcluster import ClusterUnavailable, PgCluster, empty_dicm_tables, start_cluster

BACKENDS = ["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--require-all-dialects",
        action="store_true",
        help="fail (instead of skip) when the PostGIS backend cannot be started",
    )


def _postgis_required(config: pytest.Config) -> bool:
    return bool(os.environ.get("CI")) or bool(config.getoption("--require-all-dialects"))


@pytest.fixture(scope="session")
def pg_cluster(request: pytest.FixtureRequest) -> Iterator[PgCluster]:
    """A running PostgreSQL 15 + PostGIS cluster on 127.0.0.1 (skip or fail if impossible)."""
    try:
        cluster = start_cluster()
    except ClusterUnavailable as exc:
        if _postgis_required(request.config):
            pytest.exit(f"PostGIS backend required but unavailable: {exc}", returncode=1)
        pytest.skip(f"PostGIS unavailable (set CI or --require-all-dialects to fail): {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def postgis_url(pg_cluster: PgCluster) -> str:
    """A PostGIS database migrated to head once per session."""
    url = pg_cluster.create_database("dicm_test")
    open_store(Settings(database_url=url).store).close()
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once; each test gets a copy."""
    path = tmp_path_factory.mktemp("sqlite-template") / "dicm.sqlite"
    open_store(Settings(database_url=f"sqlite:///{path}").store).close()
    return path


@pytest.fixture(params=BACKENDS)
def backend_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings naming a fresh, empty, migrated database of each backend in turn."""
    if request.param == "postgis":
        url: str = request.getfixturevalue("postgis_url")
        empty_dicm_tables(url)
    else:
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "dicm.sqlite"
        shutil.copyfile(template, target)
        url = f"sqlite:///{target}"
    return Settings(database_url=url, data_dir=tmp_path / ".dicm")


@pytest.fixture
def store(backend_settings: Settings) -> Iterator[Store]:
    """A fresh, empty store on each backend (a test using it runs once per backend)."""
    opened = open_store(backend_settings.store, migrate=False)
    yield opened
    opened.close()


#: Tests that broke when this session's parallel branches were merged (each passed on its own
#: branch). Skipped by name, with the reason, so each one is visible in every run's summary
#: until it is mended (see the stop-10 closing note); never add a test here to hide a defect.
QUARANTINED: dict[str, str] = {}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the quarantined tests by node id, each with its reason in the summary."""
    for item in items:
        reason = QUARANTINED.get(item.nodeid)
        if reason is not None:
            item.add_marker(pytest.mark.skip(reason=f"quarantined after merge: {reason}"))


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never ``playwright install``), ONE per session:
    a second ``sync_playwright()`` in the same session refuses to start inside the first one's
    event loop, so every browser fixture (maps, web) hands out this one."""
    from tests.maps.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium

    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
