"""CSP and LSOA boundaries are stored as their own kinds (``SmallArea``), with the council and
territory they fall in, and answer by ONS code from the store, the REST API and the CLI, on both
backends. The fixtures carry real ONS codes (CSP E22000309 Reading; 2011 LSOAs E01016353 and
E01016355 in Reading) with made-up small polygons inside the test's Reading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from boundaries import small_areas
from dicm.cli import app
from dicm.settings import Settings
from domain.model import SmallArea
from services.geography import import_boundaries
from store.factory import open_store
from store.port import Store
from tests.builders import (
    READING_LA,
    THAMES_VALLEY,
    make_local_authority,
    make_region,
    make_territory,
)

DATA = Path(__file__).parent / "data"
CSP, LSOA = DATA / "csp_reading.geojson", DATA / "lsoa_reading.geojson"


def _geography(store: Store) -> None:
    store.put_many([make_region(), make_territory(), make_local_authority()])


def test_csp_and_lsoa_files_are_stored_as_their_own_kinds(store: Store) -> None:
    _geography(store)
    assert import_boundaries(store, CSP, "csp").stored == 1
    assert import_boundaries(store, LSOA, "lsoa").stored == 2
    csp = store.get(SmallArea, "E22000309")
    assert (csp.name, csp.level) == ("Reading", "csp")
    assert (csp.local_authority_code, csp.territory_code) == (READING_LA, THAMES_VALLEY)
    lsoa = store.get(SmallArea, "E01016355")
    assert (lsoa.name, lsoa.level, lsoa.local_authority_code) == (
        "Reading 001C",
        "lsoa",
        READING_LA,
    )
    assert lsoa.geometry is not None and lsoa.geometry.bounds == pytest.approx(
        (-0.98, 51.44, -0.96, 51.46)
    )
    assert store.count(SmallArea, level="lsoa") == 2 and store.count(SmallArea, level="csp") == 1
    again = import_boundaries(store, LSOA, "lsoa")  # the same file: not doubled, not rewritten
    assert (again.stored, again.unchanged) == (0, 2)
    assert store.count(SmallArea) == 3


def test_a_stored_lsoa_answers_by_code_over_rest(store: Store, backend_settings: Settings) -> None:
    _geography(store)
    import_boundaries(store, LSOA, "lsoa")
    with TestClient(create_app(backend_settings, store=store)) as client:
        found = client.get("/small-areas/E01016353")
        assert found.status_code == 200, found.text
        body = found.json()
        assert body["id"] == "E01016353" and body["geometry"]["type"] == "Polygon"
        assert body["properties"] | {} == {
            "code": "E01016353",
            "name": "Reading 001A",
            "level": "lsoa",
            "local_authority_code": READING_LA,
            "territory_code": THAMES_VALLEY,
        }
        missing = client.get("/small-areas/E01999999")
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("application/problem+json")
        assert "dicm boundaries import" in missing.json()["detail"]


def test_the_cli_stores_csp_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("DICM_DATABASE_URL", url)
    monkeypatch.setenv("DICM_DATA_DIR", str(tmp_path / "data"))
    store = open_store(Settings(database_url=url).store)
    try:
        _geography(store)
    finally:
        store.close()
    result = CliRunner().invoke(app, ["boundaries", "import", str(CSP), "--level", "csp", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["stored"] == 1
    store = open_store(Settings(database_url=url).store)
    try:
        assert store.get(SmallArea, "E22000309").local_authority_code == READING_LA
    finally:
        store.close()


def test_stored_small_areas_are_an_ogc_collection_filtered_in_sql(
    store: Store, backend_settings: Settings
) -> None:
    _geography(store)
    import_boundaries(store, CSP, "csp")
    import_boundaries(store, LSOA, "lsoa")
    items = "/ogc/collections/small-areas/items"
    with TestClient(create_app(backend_settings, store=store)) as client:
        lsoas = client.get(items, params={"filter": "level = 'lsoa'", "sortby": "code"})
        assert lsoas.status_code == 200, lsoas.text
        assert [f["id"] for f in lsoas.json()["features"]] == ["E01016353", "E01016355"]
        one = client.get(f"{items}/E22000309").json()
        assert one["properties"]["level"] == "csp"
        assert one["properties"]["local_authority_code"] == READING_LA
        queryables = client.get("/ogc/collections/small-areas/queryables").json()
        assert {"code", "level", "local_authority_code"} <= set(queryables["properties"])


def test_the_derived_lookup_is_cached_under_a_temporary_name_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two test workers (or two ``dicm import indicator`` runs) deriving the LSOA lookup into
    the one shared ``.dicm/cache`` at once each write their own temporary file: another
    writer's half-written one is neither truncated nor renamed in as the table."""
    table = [("lsoa", "E01016353", READING_LA), ("msoa", "E02003352", READING_LA)]
    monkeypatch.setattr(small_areas, "derive_small_area_table", lambda: table)
    probe = tmp_path / "probe"
    small_areas.load_small_area_lookup(probe)
    [cached] = probe.glob("*.csv")
    shared = tmp_path / "shared"
    shared.mkdir()
    half_written = "level,code,lad_code\nlsoa,E0101"
    other = (shared / cached.name).with_suffix(".tmp")  # the name every writer once shared
    other.write_text(half_written, encoding="utf-8")
    lookup = small_areas.load_small_area_lookup(shared)
    assert (lookup.lsoa, lookup.msoa) == ({"E01016353": READING_LA}, {"E02003352": READING_LA})
    assert other.read_text(encoding="utf-8") == half_written
    assert (shared / cached.name).read_text(encoding="utf-8") == cached.read_text(encoding="utf-8")
