"""Pure builder tests: render each map and look for its layers, escaping, attribution and the
absence of any CDN; the gap and H3 arithmetic checked as invariants."""

from __future__ import annotations

import re
from pathlib import Path

import h3.api.basic_int as h3i
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon

from maps.assets import MapAssetsMissing, inline_assets, missing_assets, require_assets
from maps.coverage import NO_DATA, compute_gaps, coverage_map, gap_colour, percentile_ranks
from maps.geometry import geometry_to_geojson, simplify_for_display
from maps.heatmap import heatmap_map
from maps.hexes import cell_of, cell_ring, sum_by_cell
from maps.page import TileSpec, ons_attribution, render_page
from maps.records import AreaCoverage
from maps.spo import nearest_site, spo_map
from maps.supplier import needs_text, spo_link, supplier_map
from tests.builders import make_activity
from tests.maps.inputs import (
    HOSTILE,
    LA_EAST,
    LA_WEST,
    TERRITORY,
    activity_points,
    coverage_areas,
    matches,
    spo_links,
    supplier_two_sites,
    value_points,
)

URL_ATTR = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def _pages() -> dict[str, str]:
    sup = supplier_two_sites()
    return {
        "supplier": render_page(supplier_map(sup, matches(5), outlines=[LA_WEST, TERRITORY])),
        "coverage": render_page(coverage_map({"serious_violence": coverage_areas("sv")})),
        "heatmap": render_page(heatmap_map(value_points(), activity_points(), territory=TERRITORY)),
        "spo": render_page(spo_map(sup, spo_links())),
    }


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return _pages()


@pytest.mark.parametrize("kind", ["supplier", "coverage", "heatmap", "spo"])
def test_every_map_is_offline_and_attributed(pages: dict[str, str], kind: str) -> None:
    page = pages[kind]
    assert "http://" not in page and "https://" not in page
    assert not URL_ATTR.search(page)
    assert '<script src="/static/vendor/leaflet/leaflet.js">' in page
    assert "jquery" not in page.lower() and "bootstrap" not in page.lower()
    assert "fonts.googleapis" not in page
    assert ons_attribution() in page
    assert "OpenStreetMap" not in page and "tileLayer" not in page
    assert "dicm-legend" in page


def test_tiles_are_optional_and_carry_osm_attribution() -> None:
    tiles = TileSpec("http://127.0.0.1:9/tiles/{z}/{x}/{y}.png?openstreetmap")
    page = render_page(supplier_map(supplier_two_sites(), matches(2), tiles=tiles))
    assert "L.tileLayer" in page and "OpenStreetMap contributors" in page


def test_text_is_escaped_everywhere() -> None:
    sup = supplier_two_sites()
    hostile_matches = matches(3, name=HOSTILE)
    pages = [
        render_page(supplier_map(sup, hostile_matches)),
        render_page(spo_map(sup, spo_links())),
        render_page(coverage_map({"x": [*coverage_areas("x")]}, priority_labels={"x": HOSTILE})),
    ]
    for page in pages:
        assert HOSTILE not in page
        assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in pages[0]


def test_supplier_popup_parts_explain_and_link_to_a_new_spo() -> None:
    page = render_page(supplier_map(supplier_two_sites(), matches(1)))
    assert "Close to the depot." in page and "Start a Social Purchase Order" in page
    assert needs_text(matches(1)[0].activity) == "volunteering 200 hours: coaches"
    # the web flow's Add-to-SPO page, never the JSON API's /spos
    assert spo_link("act-0") == "/app/supplier/spos/new?activity=act-0"
    assert '"/app/supplier/spos/new?activity=",""' in page and '"/spos/new' not in page


def test_markers_cluster_only_when_many() -> None:
    sup = supplier_two_sites()
    few = render_page(supplier_map(sup, matches(10)))
    many = render_page(supplier_map(sup, matches(60)))
    assert "leaflet.markercluster.js" not in few
    assert '<script src="/static/vendor/markercluster/leaflet.markercluster.js">' in many


def test_inline_page_carries_its_assets() -> None:
    page = inline_assets(render_page(supplier_map(supplier_two_sites(), matches(60))))
    assert 'src="/static' not in page and 'href="/static' not in page
    assert "L.markerClusterGroup" in page and ".leaflet-pane" in page
    assert "url(images/" not in page  # Leaflet's control images embedded as data URIs


def test_gaps_rank_need_against_provision() -> None:
    gaps = compute_gaps(coverage_areas("sv"))
    assert [g.area.code for g in gaps] == [LA_WEST.code, LA_EAST.code]
    assert gaps[0].gap == pytest.approx(1.0) and gaps[1].gap == pytest.approx(-1.0)
    assert gap_colour(1.0) != gap_colour(-1.0)


def test_areas_without_need_data_are_grey_and_never_listed_as_gaps() -> None:
    """IMD 2019 covers England only: a Welsh area must not look well provided (a bug seen on
    the national map, where every Scottish and Welsh area showed "provision above need")."""
    areas = [*coverage_areas("sv")]
    uncovered = AreaCoverage("W06000001", "Isle of Anglesey", areas[0].geometry, need=None)
    gaps = compute_gaps([*areas, uncovered])
    assert [g.area.code for g in gaps][-1] == "W06000001"
    assert gaps[-1].gap is None and gap_colour(gaps[-1].gap) == NO_DATA[0]
    assert [g.gap for g in gaps[:2]] == [g.gap for g in compute_gaps(areas)]
    html = coverage_map({"sv": [*areas, uncovered]}).get_root().render()
    assert NO_DATA[1] in html
    panel = html.split("Largest gaps", 1)[1]
    assert "Isle of Anglesey</b> <span" not in panel


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=30))
def test_percentile_ranks_are_monotonic_and_bounded(values: list[float]) -> None:
    ranks = percentile_ranks(values)
    assert all(0.0 <= r <= 1.0 for r in ranks)
    for i, a in enumerate(values):
        for j, b in enumerate(values):
            if a < b:
                assert ranks[i] < ranks[j]
            if a == b:
                assert ranks[i] == ranks[j]


@given(st.floats(-8.0, 1.8), st.floats(49.9, 60.8), st.integers(5, 9))
def test_a_cell_contains_its_point(lon: float, lat: float, res: int) -> None:
    cell = cell_of(lon, lat, res)
    assert h3i.get_resolution(cell) == res
    ring = Polygon(cell_ring(cell, decimals=9))
    assert ring.buffer(1e-7).contains(Point(lon, lat))


def test_hex_sums_keep_the_total() -> None:
    pts = [(v.lon, v.lat, v.committed_gbp) for v in value_points()]
    assert sum(sum_by_cell(pts).values()) == pytest.approx(sum(p[2] for p in pts))


def test_heatmap_filters_by_priority_period_and_territory() -> None:
    def features(page: str) -> int:
        return page.count('"type":"Feature","geometry":{"type":"Polygon"')

    everything = render_page(heatmap_map(value_points(), activity_points(), kernel_heat=False))
    violence = render_page(
        heatmap_map(value_points(), activity_points(), priority="serious_violence", period="2027")
    )
    q2 = render_page(heatmap_map(value_points(), [], priority="serious_violence", period="2027-Q2"))
    assert features(everything) > features(violence) > features(q2) > 0
    assert "leaflet-heat.js" in violence and "leaflet-heat.js" not in everything


def test_spo_lines_start_at_the_nearest_site() -> None:
    sup = supplier_two_sites()
    assert nearest_site(sup.sites, -0.56, 51.49).id == "site-2"
    page = render_page(spo_map(sup, spo_links()))
    assert "£5,000" in page and "200 hours" in page and "30 items" in page


@given(st.floats(0.0001, 0.01))
def test_display_geometry_never_vanishes(tolerance: float) -> None:
    tiny = Point(-1.0, 51.5).buffer(0.0004)
    shape = simplify_for_display(tiny, tolerance_deg=tolerance)
    assert not shape.is_empty
    coords = geometry_to_geojson(LA_EAST.geometry)["coordinates"][0]
    assert all(len(repr(c).split(".")[-1]) <= 4 for pair in coords for c in pair)


def test_make_activity_location_is_lon_lat() -> None:
    assert make_activity().location.x < 0  # Reading is west of Greenwich


def test_missing_assets_say_how_to_install_them(tmp_path: Path) -> None:
    assert len(missing_assets(tmp_path)) == 7
    with pytest.raises(MapAssetsMissing, match="run make assets"):
        require_assets(tmp_path)
    with pytest.raises(FileNotFoundError):
        inline_assets("<html></html>", static_dir=tmp_path)
