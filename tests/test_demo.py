"""``dicm demo --no-serve``: the whole product on the demo dataset, built once and then reused."""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from typer.testing import CliRunner

from demo.driver import MARKER, count_all
from dicm.cli import app
from dicm.settings import Settings
from domain.model import Activity, PolicePlan, Territory
from services.seal import verified
from spo.model import Spo, SpoState
from store.factory import open_store


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo")


def _run(folder: Path) -> str:
    env = {
        "DICM_DATABASE_URL": f"sqlite:///{folder / 'dicm.sqlite'}",
        "DICM_DATA_DIR": str(folder / "data"),
    }
    result = CliRunner().invoke(app, ["demo", "--no-serve", "--scale", "0.2"], env=env)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def first_run(demo_dir: Path) -> str:
    return _run(demo_dir)


@pytest.fixture
def settings(demo_dir: Path, first_run: str) -> Settings:
    return Settings(
        database_url=f"sqlite:///{demo_dir / 'dicm.sqlite'}", data_dir=demo_dir / "data"
    )


def test_every_territory_has_activities_and_a_plan(settings: Settings) -> None:
    store = open_store(settings.store)
    try:
        territories = list(store.iter_all(Territory))
        assert len(territories) == 45
        per_territory = Counter(a.territory_code for a in store.iter_all(Activity))
        assert set(per_territory) == {t.code for t in territories}
        plans = [store.current_plan(t.code) for t in territories]
        assert all(isinstance(p, PolicePlan) for p in plans)
        thames_valley = store.current_plan("E23000029")
        assert thames_valley is not None and "Thames Valley PCC" in thames_valley.source
        assert {p.title for p in thames_valley.priorities} >= {
            "Strong local policing",
            "Fighting serious organised crime",
            "Fighting cybercrime and fraud",
            "Improving the criminal justice system",
        }
        defaults = [p for p in plans if p is not None and p.territory_code != "E23000029"]
        assert all(p.source.startswith("dicm default") for p in defaults)
    finally:
        store.close()


def test_spos_in_every_state_with_real_audit_and_hashes(settings: Settings) -> None:
    store = open_store(settings.store)
    try:
        spos = list(store.iter_all(Spo))
        assert {s.state for s in spos} == set(SpoState)
        for spo in spos:
            history = store.audit_log(entity_type="spo", entity_id=spo.id)
            assert history[-1].detail.get("to_state") in (spo.state.value, None)
            if spo.state in (SpoState.AWARDED, SpoState.IN_DELIVERY, SpoState.REVIEWED):
                assert verified(store, spo).content_hash  # locked, and the hash matches the content
    finally:
        store.close()


def test_validation_states_are_mixed(settings: Settings) -> None:
    store = open_store(settings.store)
    try:
        states = Counter(a.validation_status.value for a in store.iter_all(Activity))
        assert set(states) == {"validated", "pending", "declined", "lapsed"}
        assert states["validated"] > sum(states.values()) / 2
    finally:
        store.close()


def test_the_output_says_where_to_look_and_who_to_be(first_run: str) -> None:
    assert "built the demo" in first_run
    for page in (
        "/maps/supplier/",
        "/maps/coverage?territory=E23000029",
        "/maps/heatmap/E23000029",
        "/maps/spo/",
        "/docs",
        "/ogc",
    ):
        assert page in first_run
    for account in ("demo-supplier", "demo-buyer", "demo-pcc", "demo-validator", "demo-admin"):
        assert account in first_run


def test_second_run_reuses_the_database(demo_dir: Path, settings: Settings) -> None:
    marker = (demo_dir / "data" / MARKER).read_text()
    store = open_store(settings.store)
    try:
        before = (count_all(store), len(store.audit_log()))
    finally:
        store.close()
    output = _run(demo_dir)
    assert "reused the existing demo" in output
    store = open_store(settings.store)
    try:
        assert (count_all(store), len(store.audit_log())) == before  # nothing written again
    finally:
        store.close()
    assert (demo_dir / "data" / MARKER).read_text() == marker
    tokens = [a["token"] for a in json.loads(marker)["accounts"]]
    assert tokens and all(token in output for token in tokens)  # logins still shown


def test_the_printed_map_links_open_as_the_demo_accounts(
    first_run: str, settings: Settings
) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from maps.assets import missing_assets

    if missing_assets():
        script = Path(__file__).resolve().parents[1] / "scripts" / "install-assets.sh"
        subprocess.run(["bash", str(script)], check=True)
    links = [urlsplit(u) for u in re.findall(r"https?://\S+", first_run)]
    pages = [u for u in links if u.path.startswith("/maps/")]
    assert len(pages) == 4
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        for url in pages:
            r = client.get(f"{url.path}?{url.query}")
            assert r.status_code == 200, (url.path, r.text[:200])
            assert r.headers["content-type"].startswith("text/html")
            if url.path.startswith("/maps/spo/"):
                continue  # an awarded SPO is public
            assert "token=" in url.query
            assert client.get(url.path, params=_without_token(url.query)).status_code == 401


def _without_token(query: str) -> dict[str, str]:
    return {k: v for k, v in parse_qsl(query) if k != "token"}
