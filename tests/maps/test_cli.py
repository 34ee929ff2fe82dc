"""``dicm map KIND ID --out FILE.html`` writes a page that opens from disk with no network."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dicm.cli import app
from dicm.settings import Settings
from store.factory import open_store
from tests.maps.browser import open_map
from tests.maps.seed import seed_map_world


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Settings:
    """The seeded map world, with its own data dir: the CLI must read the lock key that sealed
    the awarded SPO (another key and the SPO would be, rightly, refused as tampered)."""
    path = tmp_path_factory.mktemp("cli") / "cli.sqlite"
    settings = Settings(database_url=f"sqlite:///{path}", data_dir=path.parent / ".dicm")
    store = open_store(settings.store)
    seed_map_world(store, shared_data)
    store.close()
    return settings


def _use(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setenv("DICM_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("DICM_DATA_DIR", str(settings.data_dir))


@pytest.mark.parametrize(
    ("args", "drawn"),
    [
        (["supplier", "sup-1"], ".dicm-rank"),
        (["coverage", "E23000029", "--priority", "serious_violence"], "path.leaflet-interactive"),
        (["heatmap", "E23000029", "--period", "2027"], "path.leaflet-interactive"),
        (["spo", "spo-1"], ".leaflet-tooltip"),
        (["spo", "spo-draft"], ".leaflet-tooltip"),
    ],
)
@pytest.mark.browser
def test_map_file_opens_offline(
    database: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    browser: Any,
    args: list[str],
    drawn: str,
) -> None:
    _use(monkeypatch, database)
    out = tmp_path / f"{args[0]}.html"
    result = CliRunner().invoke(app, ["map", *args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert 'src="/static' not in html and 'href="/static' not in html
    with open_map(browser, out.as_uri(), wait_for=drawn) as page:
        page.assert_clean()
        assert page.count(".dicm-legend") == 1


def test_unknown_id_fails_with_a_message(
    database: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, assets_installed: None
) -> None:
    _use(monkeypatch, database)
    out = tmp_path / "x.html"
    result = CliRunner().invoke(app, ["map", "supplier", "nobody", "--out", str(out)])
    assert result.exit_code == 1
    assert "dicm map:" in result.output and not out.exists()
