"""``dicm boundaries import`` replaces the level it imports, in one transaction: the stored
areas of the nations the file covers that the file lacks move to the history table (with the
dates they were valid), activities that pointed at them are placed again, and a failure leaves
everything as it was. On both backends. The files are synthetic boxes with real ONS codes
(Aylesbury Vale E07000004 became Buckinghamshire E06000060 in 2020)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from shapely.geometry import Polygon, box, mapping
from typer.testing import CliRunner

from api.app import create_app
from boundaries.errors import BoundaryFileError
from dicm.cli import app
from dicm.settings import Settings
from domain.errors import NotFound
from domain.model import Activity, LocalAuthority, Territory
from services.geography import boundary_history, ensure_geography, import_boundaries
from services.settings import ServiceSettings
from store.factory import open_store
from store.port import Store
from tests.builders import (
    READING_LA,
    THAMES_VALLEY,
    make_activity,
    make_buyer,
    make_local_authority,
    make_provider,
    make_region,
    make_territory,
)

AYLESBURY_VALE, BUCKINGHAMSHIRE, EDINBURGH = "E07000004", "E06000060", "S12000036"
READING_BOX = box(-1.05, 51.41, -0.93, 51.49)
AYLESBURY_BOX = box(-0.9, 51.7, -0.7, 51.9)
BUCKS_BOX = box(-0.92, 51.5, -0.55, 52.05)
IMPORT_DAY = date(2026, 12, 2)


def _file(tmp_path: Path, field: str, features: list[tuple[str, str, Polygon | None]]) -> Path:
    path = tmp_path / f"{field.lower()}.geojson"
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {f"{field}CD": code, f"{field}NM": name},
             "geometry": mapping(shape) if shape is not None else None}
            for code, name, shape in features
        ],
    }  # fmt: skip
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


def _lad_file(tmp_path: Path) -> Path:
    """England only: Reading and Buckinghamshire, no Aylesbury Vale."""
    return _file(
        tmp_path,
        "LAD24",
        [(READING_LA, "Reading", READING_BOX), (BUCKINGHAMSHIRE, "Buckinghamshire", BUCKS_BOX)],
    )


def _old_geography(store: Store) -> None:
    """Reading, Aylesbury Vale (abolished 2020) and Edinburgh, an activity in Aylesbury."""
    store.put_many(
        [
            make_region(),
            make_territory(),
            make_local_authority(geometry=READING_BOX),
            make_local_authority(
                code=AYLESBURY_VALE, name="Aylesbury Vale", geometry=AYLESBURY_BOX
            ),
            make_local_authority(code=EDINBURGH, name="City of Edinburgh", territory_code=None,
                                 region_code=None, geometry=box(-3.4, 55.85, -3.1, 56.0)),
            make_provider(),
        ]
    )  # fmt: skip
    store.put(make_activity(id="act-aylesbury", lon_lat=(-0.8, 51.8)))
    assert store.get(Activity, "act-aylesbury").local_authority_code == AYLESBURY_VALE


def _live_codes(store: Store) -> list[str]:
    return [la.code for la in store.iter_all(LocalAuthority)]


def test_a_lad_import_retires_the_districts_it_lacks_and_places_activities_again(
    store: Store, tmp_path: Path
) -> None:
    _old_geography(store)
    outcome = import_boundaries(store, _lad_file(tmp_path), "lad", today=IMPORT_DAY)
    assert outcome.retired == (AYLESBURY_VALE,)
    assert any("moved to history" in note for note in outcome.notes)
    # Scotland is not in an England-only file: Edinburgh stays
    assert _live_codes(store) == [READING_LA, BUCKINGHAMSHIRE, EDINBURGH]
    assert store.locate(-0.8, 51.8).local_authority_code == BUCKINGHAMSHIRE
    moved = store.get(Activity, "act-aylesbury")
    assert (moved.local_authority_code, moved.territory_code) == (BUCKINGHAMSHIRE, THAMES_VALLEY)
    [old] = boundary_history(store, "lad")
    assert (old.code, old.name, old.valid_to, old.valid_from) == (
        AYLESBURY_VALE, "Aylesbury Vale", IMPORT_DAY, None,
    )  # fmt: skip
    assert old.geometry is not None and old.geometry.equals(AYLESBURY_BOX)
    assert old.replaced_by_import == "lad24.geojson (lad, 2026-12-02)"
    # the same file again retires nothing more
    assert import_boundaries(store, _lad_file(tmp_path), "lad", today=IMPORT_DAY).retired == ()
    assert len(boundary_history(store)) == 1


def test_the_bundled_geography_does_not_come_back_over_an_official_import(
    store: Store, tmp_path: Path
) -> None:
    _old_geography(store)
    import_boundaries(store, _lad_file(tmp_path), "lad", today=IMPORT_DAY)
    assert ensure_geography(store, ServiceSettings(data_dir=tmp_path / "unused")) == 0
    assert _live_codes(store) == [READING_LA, BUCKINGHAMSHIRE, EDINBURGH]


def test_a_retired_code_still_answers_over_rest(
    store: Store, tmp_path: Path, backend_settings: Settings
) -> None:
    _old_geography(store)
    store.put(
        make_local_authority(code="E07000099", name="Nowhere", geometry=box(1.0, 52.0, 1.1, 52.1))
    )
    import_boundaries(store, _lad_file(tmp_path), "lad", today=IMPORT_DAY)
    with TestClient(create_app(backend_settings, store=store)) as client:
        successor = client.get(f"/local-authorities/{AYLESBURY_VALE}")
        assert successor.status_code == 200, successor.text
        assert successor.json()["properties"]["code"] == BUCKINGHAMSHIRE
        gone = client.get("/local-authorities/E07000099")
        assert gone.status_code == 404
        assert "replaced on 2026-12-02 by the import of lad24.geojson" in gone.json()["detail"]


def test_a_failure_inside_the_import_changes_nothing(store: Store, tmp_path: Path) -> None:
    _old_geography(store)
    with pytest.raises(RuntimeError), store.transaction() as tx:
        assert import_boundaries(tx, _lad_file(tmp_path), "lad").retired == (AYLESBURY_VALE,)
        raise RuntimeError("the disk filled up after the import's writes")
    assert _live_codes(store) == [READING_LA, AYLESBURY_VALE, EDINBURGH]
    assert boundary_history(store) == []
    assert store.get(Activity, "act-aylesbury").local_authority_code == AYLESBURY_VALE
    assert store.locate(-0.8, 51.8).local_authority_code == AYLESBURY_VALE


def test_strict_refuses_a_file_with_a_rejected_feature(store: Store, tmp_path: Path) -> None:
    _old_geography(store)
    path = _file(tmp_path, "LAD24", [(BUCKINGHAMSHIRE, "Buckinghamshire", BUCKS_BOX),
                                     ("E06999999", "Broken", None)])  # fmt: skip
    with pytest.raises(BoundaryFileError, match="nothing imported"):
        import_boundaries(store, path, "lad", strict=True)
    assert _live_codes(store) == [READING_LA, AYLESBURY_VALE, EDINBURGH]
    with pytest.raises(NotFound):
        store.get(LocalAuthority, BUCKINGHAMSHIRE)


def test_an_england_and_wales_force_file_leaves_scotland_and_northern_ireland(
    store: Store, tmp_path: Path
) -> None:
    scotland = make_territory(code="S92000003", name="Scotland", force_name="Police Scotland",
                              pcc_name="Scottish Police Authority", region_code=None,
                              geometry=box(-6.0, 55.0, -2.0, 58.0))  # fmt: skip
    psni = make_territory(code="N92000002", name="Northern Ireland", force_name="PSNI",
                          pcc_name="Northern Ireland Policing Board", region_code=None,
                          geometry=box(-8.0, 54.0, -5.5, 55.2))  # fmt: skip
    old = make_territory(code="E23000099", name="Old force", geometry=box(0.0, 52.5, 0.5, 53.0))
    held = make_territory(code="E23000098", name="Held force", geometry=box(1.0, 52.5, 1.5, 53.0))
    district = make_local_authority(
        code="E07000098",
        name="Old district",
        territory_code="E23000099",
        region_code=None,
        geometry=box(0.1, 52.6, 0.2, 52.7),
    )
    store.put_many([make_region(), make_territory(), scotland, psni, old, held, district])
    store.put(make_buyer(territory_code="E23000098"))
    bigger = box(-1.6, 51.3, 0.6, 53.1)  # Thames Valley now reaches over the old force
    path = _file(tmp_path, "PFA23", [(THAMES_VALLEY, "Thames Valley", bigger)])
    outcome = import_boundaries(store, path, "pfa", today=IMPORT_DAY)
    assert outcome.retired == ("E23000099",)
    assert any("E23000098 not in the file but kept: 1 buyers" in n for n in outcome.notes)
    live = [t.code for t in store.iter_all(Territory)]
    assert live == [THAMES_VALLEY, "E23000098", "N92000002", "S92000003"]
    assert store.get(LocalAuthority, "E07000098").territory_code == THAMES_VALLEY
    assert [r.code for r in boundary_history(store, "pfa")] == ["E23000099"]


def test_the_cli_lists_the_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("DICM_DATABASE_URL", url)
    monkeypatch.setenv("DICM_DATA_DIR", str(tmp_path / "data"))
    store = open_store(Settings(database_url=url).store)
    try:
        _old_geography(store)
    finally:
        store.close()
    runner = CliRunner()
    imported = runner.invoke(
        app, ["boundaries", "import", str(_lad_file(tmp_path)), "--level", "lad", "--json"]
    )
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.output)["retired"] == [AYLESBURY_VALE]
    listed = runner.invoke(app, ["boundaries", "history", "--level", "lad", "--json"])
    assert listed.exit_code == 0, listed.output
    [row] = json.loads(listed.output)
    assert (row["code"], row["name"], row["valid_from"]) == (AYLESBURY_VALE, "Aylesbury Vale", None)
