"""Import and export through a real SQLite store and the real CLI: one transaction per file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyogrio
import pytest
from shapely.geometry import box
from typer.testing import CliRunner

from datasets.mapping import ColumnMapping
from dicm.cli import app
from dicm.settings import Settings
from domain.model import Activity, Provider, Region, Supplier, Territory
from services.exports import LAYERS, export_layer
from services.imports import import_entities
from store.factory import open_store
from store.port import Store
from tests.builders import make_provider
from tests.datasets.conftest import WriteCsv

NO_MAP = ColumnMapping({})
#: a stand-in Thames Valley: a box around Reading, Oxford and Milton Keynes
TERRITORY = Territory(
    "E23000029",
    "Thames Valley",
    "Thames Valley Police",
    "Thames Valley PCC",
    "TLJ",
    box(-1.6, 51.3, -0.5, 52.1),
)

#: the ``db`` fixture: settings and a store with a region, territory and provider
Db = tuple[Settings, Store]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Db]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'd.sqlite'}", data_dir=tmp_path)
    store = open_store(settings.store)
    store.put_many([Region("TLJ", "South East"), TERRITORY, make_provider()])
    yield settings, store
    store.close()


def _rows(*extra: dict[str, str]) -> list[dict[str, str]]:
    good = [
        {
            "name": "Boxing club",
            "provider_id": "prov-1",
            "postcode": "RG1 1AF",
            "themes": "serious_violence",
        },
        {
            "name": "Recovery café",
            "provider_id": "Reading Youth Trust",
            "lon": "-1.2577",
            "lat": "51.7520",
            "needs": "cash:8000 GBP",
        },
    ]
    return [*good, *extra]


def test_a_bad_row_imports_nothing(db: Db, write_csv: WriteCsv) -> None:
    _, store = db
    path = write_csv(
        "a.csv", _rows({"name": "Calais", "provider_id": "prov-1", "lon": "1.85", "lat": "50.95"})
    )
    report = import_entities(store, "activities", path, mapping=NO_MAP)
    assert not report.committed and report.imported == 0
    assert [(r.row, r.code) for r in report.rejected] == [(3, "outside-uk")]
    assert store.count(Activity) == 0


def test_skip_invalid_imports_the_good_rows(db: Db, write_csv: WriteCsv) -> None:
    _, store = db
    path = write_csv(
        "a.csv",
        _rows(
            {"name": "", "provider_id": "prov-1", "postcode": "RG1 1AF"},
            {"name": "Nowhere", "provider_id": "prov-1", "postcode": "RG1 0ZZ"},
        ),
    )
    report = import_entities(store, "activities", path, mapping=NO_MAP, skip_invalid=True)
    assert report.committed and report.imported == 2
    assert [(r.row, r.code) for r in report.rejected] == [
        (3, "missing-name"),
        (4, "unknown-postcode"),
    ]
    stored = store.find(Activity)
    assert {a.territory_code for a in stored} == {"E23000029"}
    assert {a.postcode for a in stored} == {"RG1 1AF", None}


def test_just_off_the_coast_takes_the_nearest_territory(db: Db, write_csv: WriteCsv) -> None:
    _, store = db
    path = write_csv(
        "a.csv", [{"name": "Pier", "provider_id": "prov-1", "lon": "-0.49", "lat": "51.5"}]
    )  # ~0.7 km east of the box
    report = import_entities(store, "activities", path, mapping=NO_MAP)
    assert report.committed
    assert store.find(Activity)[0].territory_code == "E23000029"


def test_reimport_updates_instead_of_duplicating(db: Db, write_csv: WriteCsv) -> None:
    _, store = db
    path = write_csv("a.csv", _rows())
    import_entities(store, "activities", path, mapping=NO_MAP)
    import_entities(store, "activities", path, mapping=NO_MAP)
    assert store.count(Activity) == 2


def test_providers_and_suppliers(db: Db, write_csv: WriteCsv) -> None:
    _, store = db
    providers = write_csv("p.csv", [{"Charity": "Oxford Mentors", "Number": "1122334"}])
    report = import_entities(
        store,
        "providers",
        providers,
        mapping=ColumnMapping({"name": "Charity", "charity_number": "Number"}),
    )
    assert report.committed and store.count(Provider) == 2
    suppliers = write_csv(
        "s.csv",
        [
            {
                "id": "sup-9",
                "name": "Thames Build",
                "postcode": "RG1 1AF",
                "offers": "cash:100 GBP",
            },
            {"id": "sup-9", "name": "Thames Build", "lon": "-1.2577", "lat": "51.7520"},
        ],
    )
    report = import_entities(store, "suppliers", suppliers, mapping=NO_MAP)
    assert report.committed and report.extra["sites"] == 2 and report.extra["new"] == 1
    assert len(store.get(Supplier, "sup-9").sites) == 2


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_every_layer_exports_in_every_format(
    db: Db, write_csv: WriteCsv, tmp_path: Path, layer: str
) -> None:
    _, store = db
    import_entities(store, "activities", write_csv("a.csv", _rows()), mapping=NO_MAP)
    for fmt in ("geojson", "gpkg", "csv"):
        out = tmp_path / f"{layer}.{fmt}"
        rows = export_layer(store, layer, fmt=fmt, out=out)
        assert out.exists()
        if layer in ("activities", "territories") and fmt != "csv":
            frame = pyogrio.read_dataframe(out)
            assert len(frame) == rows > 0
            assert "E23000029" in set(frame["territory_code" if layer == "activities" else "code"])


def test_cli_import_report_and_export(db: Db, write_csv: WriteCsv, tmp_path: Path) -> None:
    settings, _ = db
    env = {"DICM_DATABASE_URL": settings.database_url, "DICM_DATA_DIR": str(tmp_path)}
    runner = CliRunner()
    bad = write_csv("bad.csv", _rows({"Title": "", "org": "prov-1", "postcode": "RG1 1AF"}))
    result = runner.invoke(app, ["import", "activities", str(bad)], env=env)
    assert result.exit_code == 1
    assert "missing-name" in result.output and "nothing imported" in result.output
    good = write_csv("good.csv", [{"Title": "Youth club", "org": "prov-1", "PC": "RG1 1AF"}])
    result = runner.invoke(
        app,
        [
            "import",
            "activities",
            str(good),
            "--map",
            "name=Title",
            "--map",
            "provider_id=org",
            "--map",
            "postcode=PC",
        ],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert "imported 1 activities" in result.output
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app, ["export", "activities", "--format", "csv", "--out", str(out)], env=env
    )
    assert result.exit_code == 0, result.output
    assert "E23000029" in out.read_text()


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_exported_activities_import_into_another_database(
    db: Db, write_csv: WriteCsv, tmp_path: Path, fmt: str
) -> None:
    _, store = db
    import_entities(store, "activities", write_csv("a.csv", _rows()), mapping=NO_MAP)
    out = tmp_path / f"activities.{fmt}"
    export_layer(store, "activities", fmt=fmt, out=out)
    other = open_store(Settings(database_url=f"sqlite:///{tmp_path / 'other.sqlite'}").store)
    try:
        other.put_many([Region("TLJ", "South East"), TERRITORY, make_provider()])
        report = import_entities(other, "activities", out, mapping=NO_MAP)
        assert report.committed and report.rejected == ()
        for back, original in zip(other.find(Activity), store.find(Activity), strict=True):
            assert back.location.equals_exact(original.location, 1e-9)
            assert replace(back, location=original.location) == original
    finally:
        other.close()
