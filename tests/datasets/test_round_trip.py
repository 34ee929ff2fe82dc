"""Export -> re-import round trips on every store backend: an unchanged file changes nothing
(no version bump, no audit record); a changed row is one audited update. CSV polygon cells stay
under a spreadsheet's 32,767 characters, simplified and valid."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest
import shapely
from shapely.geometry import Point, box

from datasets.mapping import ColumnMapping
from datasets.writers import MAX_CELL_CHARS
from domain.model import Activity, Evidence, LocalAuthority, Region, Territory
from services.exports import export_layer
from services.imports import import_entities
from store.port import Store
from tests.builders import make_activity, make_provider

TV = Territory(
    "E23000029", "Thames Valley", "TVP", "TV PCC", "E12000008", box(-1.6, 51.3, -0.5, 52.1)
)


def _never_geocode(code: str) -> tuple[str, float, float]:
    raise AssertionError(f"the exported file has lon/lat: no postcode lookup for {code}")


def _seed(store: Store) -> None:
    store.put_many([Region("E12000008", "South East"), TV, make_provider()])
    store.put_many(
        [
            make_activity(
                evidence=(Evidence("Evaluation 2025", "https://example.org/eval", 4),),
                funding_gap_gbp=1200.5,
                postcode="RG1 1AF",
                version=2,
            ),
            make_activity(id="act-2", name="Recovery café", lon_lat=(-1.2577, 51.752)),
        ]
    )


def _reimport(store: Store, path: Path) -> dict[str, int]:
    report = import_entities(
        store, "activities", path, mapping=ColumnMapping({}), geocoder=_never_geocode
    )
    assert report.committed, report.rejected
    return report.extra


@pytest.mark.parametrize("fmt", ["gpkg", "csv", "geojson"])
def test_unchanged_export_reimports_with_zero_changes(
    store: Store, tmp_path: Path, fmt: str
) -> None:
    _seed(store)
    before = {a.id: a for a in store.find(Activity)}
    path = tmp_path / f"activities.{fmt}"
    export_layer(store, "activities", fmt=fmt, out=path)
    extra = _reimport(store, path)
    assert (extra["new"], extra["updated"], extra["unchanged"]) == (0, 0, 2)
    after = {a.id: a for a in store.find(Activity)}
    assert after == before  # evidence, validation, versions kept
    assert after["act-1"].evidence[0].strength == 4 and after["act-1"].version == 2
    assert list(store.audit_log(entity_type="Activity")) == []


def test_a_changed_row_is_one_audited_update(store: Store, tmp_path: Path) -> None:
    _seed(store)
    path = tmp_path / "activities.csv"
    export_layer(store, "activities", fmt="csv", out=path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[0]["funding_gap_gbp"] = "999.0"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    extra = _reimport(store, path)
    assert (extra["updated"], extra["unchanged"]) == (1, 1)
    changed = store.get(Activity, "act-1")
    assert changed.funding_gap_gbp == 999.0 and changed.version == 3
    [entry] = store.audit_log(entity_type="Activity")
    fields = entry.detail["fields"]
    assert entry.entity_id == "act-1" and isinstance(fields, list) and "funding_gap_gbp" in fields


def test_csv_polygon_cells_fit_a_spreadsheet(store: Store, tmp_path: Path) -> None:
    # a 40,000-vertex coastline: far beyond one cell as full WKT
    ring = Point(-1.0, 51.7).buffer(0.3, quad_segs=10_000)
    wiggly = shapely.segmentize(ring, 0.00005)
    store.put_many([Region("E12000008", "South East"), TV])
    store.put_many([LocalAuthority("E06000038", "Reading", TV.code, "E12000008", wiggly)])
    path = tmp_path / "las.csv"
    export_layer(store, "local-authorities", fmt="csv", out=path)
    csv.field_size_limit(sys.maxsize)
    [row] = list(csv.DictReader(path.open(encoding="utf-8")))
    assert row["local_authority_code"] == "E06000038"
    assert 0 < len(row["wkt"]) <= MAX_CELL_CHARS and float(row["wkt_simplified_m"]) > 0
    assert shapely.from_wkt(row["wkt"]).is_valid


def test_export_simplify_gives_smaller_valid_polygons(store: Store, tmp_path: Path) -> None:
    ring = shapely.segmentize(Point(-1.0, 51.7).buffer(0.3, quad_segs=2_000), 0.0002)
    store.put_many([Region("E12000008", "South East"), TV])
    store.put_many([LocalAuthority("E06000038", "Reading", TV.code, "E12000008", ring)])
    full, simple = tmp_path / "full.geojson", tmp_path / "simple.geojson"
    export_layer(store, "local-authorities", fmt="geojson", out=full)
    export_layer(store, "local-authorities", fmt="geojson", out=simple, simplify_m=100)
    assert simple.stat().st_size < full.stat().st_size / 5
    import geopandas as gpd

    assert gpd.read_file(simple).geometry.is_valid.all()
