"""Small areas (CSPs and LSOAs) export like the other area layers and import back through
``dicm boundaries import --level csp|lsoa`` on every store backend: an unchanged file changes
nothing (no row written, no audit record, nothing retired, no cache generation moved); a changed
row is one audited update. CSV polygon cells stay under a spreadsheet's 32,767 characters."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest
import shapely
from shapely.geometry import Point
from typer.testing import CliRunner

from datasets.writers import MAX_CELL_CHARS
from dicm.cli import app
from dicm.settings import Settings
from domain.model import SmallArea
from services.exports import export_layer
from services.geography import import_boundaries
from store.port import Store
from tests.builders import (
    READING_LA,
    THAMES_VALLEY,
    make_local_authority,
    make_region,
    make_territory,
)

#: off-grid coordinates (a buffered point): the export rounds them to its 1e-7 degree grid
LSOAS = (
    SmallArea(
        "E01016353",
        "Reading 001A",
        "lsoa",
        READING_LA,
        THAMES_VALLEY,
        Point(-0.99, 51.45).buffer(0.0071, quad_segs=6),
    ),
    SmallArea(
        "E01016355",
        "Reading 001C",
        "lsoa",
        READING_LA,
        THAMES_VALLEY,
        Point(-0.97, 51.45).buffer(0.0063, quad_segs=6),
    ),
)
CSP = SmallArea(
    "E22000309",
    "Reading",
    "csp",
    READING_LA,
    THAMES_VALLEY,
    shapely.MultiPolygon([Point(-0.98, 51.45).buffer(0.031, quad_segs=8)]),
)


def _seed(store: Store) -> dict[str, SmallArea]:
    store.put_many([make_region(), make_territory(), make_local_authority()])
    store.put_many([*LSOAS, CSP])
    return {a.code: a for a in store.iter_all(SmallArea)}


@pytest.mark.parametrize("fmt", ["gpkg", "csv", "geojson"])
def test_an_unchanged_small_areas_export_imports_back_with_zero_changes(
    store: Store, tmp_path: Path, fmt: str
) -> None:
    before = _seed(store)
    generation = store.generation()
    path = tmp_path / f"small-areas.{fmt}"
    assert export_layer(store, "small-areas", fmt=fmt, out=path) == 3
    for level, count in (("lsoa", 2), ("csp", 1)):
        outcome = import_boundaries(store, path, level)
        assert outcome.report.rejected == () and outcome.report.kept == count, level
        assert (outcome.stored, outcome.unchanged, outcome.retired) == (0, count, ()), level
        assert any("another level" in n for n in outcome.report.notes), outcome.report.notes
    assert {a.code: a for a in store.iter_all(SmallArea)} == before
    assert list(store.audit_log(entity_type="SmallArea")) == []
    assert store.area_history() == []
    assert store.generation() == generation  # no cache sees a change


def test_a_changed_small_area_is_one_audited_update(store: Store, tmp_path: Path) -> None:
    before = _seed(store)
    path = tmp_path / "small-areas.csv"
    export_layer(store, "small-areas", fmt="csv", out=path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    renamed = next(r for r in rows if r["code"] == "E01016355")
    renamed["name"] = "Reading 001C (Whitley)"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    outcome = import_boundaries(store, path, "lsoa")
    assert (outcome.stored, outcome.unchanged) == (1, 1)
    changed = store.get(SmallArea, "E01016355")
    assert changed.name == "Reading 001C (Whitley)"
    assert changed.geometry == before["E01016355"].geometry  # the shape as stored, not re-read
    [entry] = store.audit_log(entity_type="SmallArea")
    assert entry.entity_id == "E01016355" and entry.detail["fields"] == ["name"]


def test_csv_small_area_cells_fit_a_spreadsheet_and_say_so_on_import(
    store: Store, tmp_path: Path
) -> None:
    # a 40,000-vertex LSOA outline: far beyond one cell as full WKT
    wiggly = shapely.segmentize(Point(-0.97, 51.45).buffer(0.01, quad_segs=10_000), 0.000002)
    store.put_many([make_region(), make_territory(), make_local_authority()])
    store.put(SmallArea("E01016355", "Reading 001C", "lsoa", READING_LA, THAMES_VALLEY, wiggly))
    path = tmp_path / "small-areas.csv"
    export_layer(store, "small-areas", fmt="csv", out=path)
    csv.field_size_limit(sys.maxsize)
    [row] = list(csv.DictReader(path.open(encoding="utf-8")))
    assert (row["code"], row["level"], row["local_authority_code"]) == (
        "E01016355",
        "lsoa",
        READING_LA,
    )
    assert 0 < len(row["wkt"]) <= MAX_CELL_CHARS and float(row["wkt_simplified_m"]) > 0
    assert shapely.from_wkt(row["wkt"]).is_valid
    outcome = import_boundaries(store, path, "lsoa")
    assert any("simplified to fit a CSV cell" in n for n in outcome.report.notes)


def test_the_cli_exports_small_areas_and_imports_them_back(
    store: Store, backend_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _seed(store)
    monkeypatch.setenv("DICM_DATABASE_URL", backend_settings.database_url)
    monkeypatch.setenv("DICM_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "small-areas.gpkg"
    runner = CliRunner()
    done = runner.invoke(app, ["export", "small-areas", "--format", "gpkg", "--out", str(path)])
    assert done.exit_code == 0, done.output
    assert "wrote 3 small-areas rows" in done.output
    back = runner.invoke(app, ["boundaries", "import", str(path), "--level", "lsoa", "--json"])
    assert back.exit_code == 0, back.output
    summary = json.loads(back.output)
    assert (summary["stored"], summary["unchanged"], summary["rejected"]) == (0, 2, [])
    assert {a.code: a for a in store.iter_all(SmallArea)} == before
