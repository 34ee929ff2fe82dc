"""The files ``dicm map --out`` writes carry their scripts inline: open them from disk in
Chromium and check they draw, with no request leaving the machine."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import MultiPolygon, Polygon, shape

from maps.coverage import coverage_map
from maps.heatmap import heatmap_map
from maps.page import render_page
from maps.records import AreaCoverage
from maps.spo import spo_map
from maps.supplier import supplier_map
from tests.maps.browser import open_map
from tests.maps.inputs import (
    LA_WEST,
    TERRITORY,
    activity_points,
    coverage_areas,
    matches,
    spo_links,
    supplier_two_sites,
    value_points,
)

pytestmark = pytest.mark.browser
FIVE_MB = 5 * 1024 * 1024


def _write(tmp_path: Path, name: str, folium_map: Any) -> str:
    path = tmp_path / f"{name}.html"
    path.write_text(render_page(folium_map, inline=True), encoding="utf-8")
    return path.as_uri()


def test_supplier_file_draws_ranked_markers_sites_and_reach(browser: Any, tmp_path: Path) -> None:
    m = supplier_map(supplier_two_sites(), matches(5), outlines=[LA_WEST, TERRITORY])
    with open_map(browser, _write(tmp_path, "supplier", m), wait_for=".dicm-rank") as page:
        page.assert_clean()
        assert page.count(".dicm-rank") == 5
        assert page.count("path.leaflet-interactive") == 2 + 2 * 2  # outlines, reach + site
        assert page.count(".dicm-legend") == 1
        assert page.page.locator(".dicm-rank").first.inner_text() in {str(i) for i in range(1, 6)}
        page.screenshot("file-supplier")


def test_many_markers_cluster(browser: Any, tmp_path: Path) -> None:
    m = supplier_map(supplier_two_sites(), matches(300))
    with open_map(browser, _write(tmp_path, "cluster", m), wait_for=".marker-cluster") as page:
        page.assert_clean()
        clusters = page.count(".marker-cluster")
        assert 0 < clusters < 300
        assert page.count(".dicm-rank") + clusters < 300


def test_coverage_file_switches_priority_and_panel(browser: Any, tmp_path: Path) -> None:
    areas = coverage_areas("x")
    reversed_need = [AreaCoverage(a.code, a.name, a.geometry, need=-(a.need or 0.0)) for a in areas]
    m = coverage_map(
        {"serious_violence": areas, "domestic_abuse": reversed_need},
        priority_labels={"serious_violence": "Violence", "domestic_abuse": "Abuse"},
    )
    url = _write(tmp_path, "coverage", m)
    with open_map(browser, url, wait_for="path.leaflet-interactive") as page:
        page.assert_clean()
        assert page.count("path.leaflet-interactive") == 2
        panel = page.page.locator(".dicm-panel section:visible")
        assert panel.inner_text().count("\n") >= 1 and "Reading" in panel.inner_text()
        page.page.get_by_label("Abuse").check()
        page.page.wait_for_timeout(200)
        assert page.page.locator(".dicm-panel section:visible h3").inner_text() == "Abuse"
        assert page.count("path.leaflet-interactive") == 2
        assert page.errors == []


def test_heatmap_file_draws_hexagons_and_heat(browser: Any, tmp_path: Path) -> None:
    m = heatmap_map(value_points(), activity_points(), territory=TERRITORY)
    url = _write(tmp_path, "heatmap", m)
    with open_map(browser, url, wait_for="path.leaflet-interactive") as page:
        page.assert_clean()
        assert page.count("path.leaflet-interactive") == 3 + 1  # committed cells + territory
        page.page.get_by_label("Activity density (kernel)").check()
        page.page.wait_for_selector("canvas.leaflet-heatmap-layer", state="attached")
        assert page.errors == []
        page.screenshot("file-heatmap")


def test_spo_file_draws_lines_with_amounts(browser: Any, tmp_path: Path) -> None:
    m = spo_map(supplier_two_sites(), spo_links())
    with open_map(browser, _write(tmp_path, "spo", m), wait_for=".leaflet-tooltip") as page:
        page.assert_clean()
        assert page.count("path.leaflet-interactive") == 2 + 3 + 3
        labels = page.page.locator(".leaflet-tooltip").all_inner_texts()
        assert sorted(labels) == ["200 hours", "30 items", "£5,000"]


def _area(geometry: dict[str, Any]) -> Polygon | MultiPolygon:
    area = shape(geometry)
    assert isinstance(area, Polygon | MultiPolygon)
    return area


def _national_areas(shared_data: Path) -> list[AreaCoverage]:
    fc = json.loads((shared_data / "boundaries" / "lad_dec2024_uk_bgc.geojson").read_text())
    with (shared_data / "imd" / "imd2019_lad23_england_popweighted.csv").open() as f:
        imd = {r["LAD23CD"]: float(r["Score"]) for r in csv.DictReader(f)}
    return [
        AreaCoverage(
            p["LAD24CD"], p["LAD24NM"], _area(feat["geometry"]), need=imd.get(p["LAD24CD"])
        )
        for feat in fc["features"]
        for p in [feat["properties"]]
    ]


def test_national_la_map_under_5_mb_and_drawn(
    browser: Any, tmp_path: Path, shared_data: Path
) -> None:
    areas = _national_areas(shared_data)
    assert len(areas) == 361
    m = coverage_map({"all": areas}, need_label="IMD 2019 average score (England)")
    served = render_page(m)
    assert len(served.encode()) < FIVE_MB
    url = _write(tmp_path, "national", m)
    assert Path(url.removeprefix("file://")).stat().st_size < FIVE_MB
    with open_map(browser, url, wait_for="path.leaflet-interactive") as page:
        page.assert_clean()
        assert page.count("path.leaflet-interactive") == 361
        assert page.count(".dicm-panel li") == 10
        page.screenshot("file-national-coverage")
