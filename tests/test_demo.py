"""``dicm demo --no-serve``: the whole product on the demo dataset, built once and then reused."""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from demo.driver import MARKER, count_all
from dicm.cli import app
from dicm.settings import Settings
from domain.model import Activity, PolicePlan, Territory
from domain.vocabulary import ValidationStatus
from services.seal import verified
from spo.model import Spo, SpoState
from spo.scoring import QUALITATIVE_PARTS
from store.factory import open_store
from tests.geo.fixtures import geo_data_dir

__all__ = ["geo_data_dir"]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory, geo_data_dir: Path) -> Path:
    """A fresh demo folder whose data cache is the installed geography (as on a machine that
    ran ``make install``), so the demo is built, not the geography again."""
    folder = tmp_path_factory.mktemp("demo")
    (folder / "data").mkdir()
    (folder / "data" / "cache").symlink_to(geo_data_dir / "cache", target_is_directory=True)
    return folder


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
    from api.app import create_app
    from maps.assets import missing_assets

    if missing_assets():
        script = Path(__file__).resolve().parents[1] / "scripts" / "install-assets.sh"
        subprocess.run(["bash", str(script)], check=True)
    signed = dict(re.findall(r"\(sign in as ([\w-]+)\):\s+(https?://\S+)", first_run))
    links = [urlsplit(u) for u in re.findall(r"https?://\S+", first_run)]
    pages = [u for u in links if u.path.startswith("/maps/")]
    assert len(pages) == 4 and len(signed) == 3
    assert not any("token=" in u.query for u in pages)  # no credential in a printed address
    marker = json.loads((settings.data_dir / MARKER).read_text())
    passwords = {a["id"]: a["password"] for a in marker["accounts"]}
    for account_id, url in signed.items():
        page = urlsplit(url)
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            assert client.get(f"{page.path}?{page.query}").status_code == 401  # nobody yet
            _sign_in(client, account_id, passwords[account_id])
            r = client.get(f"{page.path}?{page.query}")
            assert r.status_code == 200, (page.path, r.text[:200])
            assert r.headers["content-type"].startswith("text/html")
    public = next(u for u in pages if u.path.startswith("/maps/spo/"))
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.get(public.path).status_code == 200  # an awarded SPO is public


def _sign_in(client: TestClient, account_id: str, password: str) -> None:
    """Sign in through the sign-in form (its CSRF token, then the post), as a browser would."""
    form = client.get("/app/sign-in").text
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    data = {"account_id": account_id, "password": password, "csrf_token": token}
    r = client.post("/app/sign-in", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text[:300]


# --- every demo login has something to do -------------------------------------------------------

TV = "E23000029"


@pytest.fixture
def api(settings: Settings) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    """An API client and each demo account's (by role) ``Authorization`` header."""
    from api.app import create_app

    marker = json.loads((settings.data_dir / MARKER).read_text())
    headers = {a["role"]: {"Authorization": f"Bearer {a['token']}"} for a in marker["accounts"]}
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client, headers


def _account(settings: Settings, role: str) -> dict[str, Any]:
    marker = json.loads((settings.data_dir / MARKER).read_text())
    found: dict[str, Any] = next(a for a in marker["accounts"] if a["role"] == role)
    return found


def test_the_demo_buyer_has_a_tender_with_bids_to_score(
    settings: Settings, api: tuple[TestClient, dict[str, dict[str, str]]]
) -> None:
    client, headers = api
    buyer = _account(settings, "buyer")["organisation_id"]
    tenders = client.get("/tenders", params={"buyer": buyer}).json()["features"]
    featured = [t for t in tenders if t["geometry"] and t["properties"]["lots"]]
    assert featured, "no tender of the demo buyer has a delivery area and lots"
    tender = featured[0]["properties"]
    spos = client.get("/spos", params={"tender": tender["id"]}, headers=headers["buyer"]).json()
    submitted = [s for s in spos if s["state"] == "submitted"]
    assert len({s["supplier_id"] for s in submitted}) >= 3
    first = submitted[0]
    r = client.post(
        f"/spos/{first['id']}/score",
        json={
            "expected_version": first["version"],
            "marks": {p: {"mark": 3, "reason": "Clear plan."} for p in QUALITATIVE_PARTS},
        },
        headers=headers["buyer"],
    )
    assert r.status_code == 200, r.text
    assert r.json()["score"]["total"] > 0


def test_the_demo_validator_has_a_queue(settings: Settings) -> None:
    store = open_store(settings.store)
    try:
        today = date.today()
        own = store.activities_in_area(TV)
        pending = [a for a in own if a.validation_status is ValidationStatus.PENDING]
        lapsing = [
            a
            for a in own
            if a.validation_status is ValidationStatus.VALIDATED
            and a.validated_until is not None
            and a.validated_until <= today + timedelta(days=30)
        ]
        assert len(pending) >= 2 and len(lapsing) >= 2
        assert _account(settings, "validator")["territory_code"] == TV
    finally:
        store.close()


def test_the_demo_provider_reports_progress_on_its_line(
    settings: Settings, api: tuple[TestClient, dict[str, dict[str, str]]]
) -> None:
    client, headers = api
    provider = _account(settings, "provider")["organisation_id"]
    store = open_store(settings.store)
    try:
        ours = {a.id for a in store.iter_all(Activity) if a.provider_id == provider}
        lines = [
            (spo, line)
            for spo in store.iter_all(Spo)
            if spo.state is SpoState.IN_DELIVERY
            for line in spo.lines
            if line.activity_id in ours
        ]
    finally:
        store.close()
    assert lines, "the demo provider has no line in delivery"
    spo, line = lines[0]
    progress = client.get(f"/spos/{spo.id}/progress", headers=headers["provider"])
    assert progress.status_code == 200, progress.text
    r = client.post(
        f"/spos/{spo.id}/progress",
        json={
            "report_id": f"{spo.id}-demo-test",
            "line_id": line.id,
            "amount": 1,
            "delivered_on": date.today().isoformat(),
        },
        headers=headers["provider"],
    )
    assert r.status_code == 201, r.text


def test_the_demo_pcc_office_sees_value_across_priorities_and_periods(
    settings: Settings,
) -> None:
    from services.spo.figures import gather_figures

    store = open_store(settings.store)
    try:
        rows = gather_figures(store, territory_code=TV).rows
    finally:
        store.close()
    committed = {r.priority for r in rows if r.committed_gbp > 0}
    delivered = {r.priority for r in rows if r.delivered_gbp > 0}
    periods = {r.committed_period for r in rows if r.committed_gbp > 0}
    assert len(committed) >= 2 and len(delivered) >= 2
    assert len(periods) >= 2


def test_the_demo_supplier_has_open_tenders_and_matches(
    settings: Settings, api: tuple[TestClient, dict[str, dict[str, str]]]
) -> None:
    client, headers = api
    supplier = _account(settings, "supplier")["organisation_id"]
    tenders = client.get("/tenders", params={"limit": 1000}).json()["features"]
    today = date.today().isoformat()
    open_here = {
        t["id"]
        for t in tenders
        if t["properties"]["territory_code"] == TV and (t["properties"]["closes"] or "") >= today
    }
    mine = client.get("/spos", headers=headers["supplier"]).json()
    assert open_here - {s["tender_id"] for s in mine}, "no open tender left to bid for"
    matches = client.get(f"/suppliers/{supplier}/matches", headers=headers["supplier"])
    assert matches.status_code == 200, matches.text
    assert matches.json()["matches"]


def _gaps(settings: Settings, territory: str) -> list[Any]:
    from maps.coverage import compute_gaps
    from services.maps import coverage_inputs, resolve_need

    need, label = resolve_need(settings.services, None)
    assert label == "indicator imd2019"
    store = open_store(settings.store)
    try:
        areas = coverage_inputs(store, territory, ["all"], need)["all"]
    finally:
        store.close()
    return compute_gaps(areas)


def test_the_coverage_gaps_follow_real_need(settings: Settings) -> None:
    gaps = _gaps(settings, TV)
    assert all(g.gap is not None for g in gaps)  # every English authority has IMD data
    top = [round(g.gap, 6) for g in gaps[:10]]
    assert len(set(top)) > 1, f"the largest gaps are tied: {top}"
    names = {g.area.name for g in gaps if g.gap is not None}
    assert "Buckinghamshire" in names  # 2019's four districts carried to today's authority


@pytest.mark.parametrize("territory", ["W15000004", "S92000003"])
def test_wales_and_scotland_have_no_need_data(settings: Settings, territory: str) -> None:
    from maps.coverage import NO_DATA, gap_colour

    gaps = _gaps(settings, territory)
    assert gaps and all(g.gap is None for g in gaps)
    assert {gap_colour(g.gap) for g in gaps} == {NO_DATA[0]}
