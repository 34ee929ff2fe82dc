"""Benchmark: the supplier-finder map with 10,000 recommended activities.

Measures, in one run: time to build and render the page, the page's size, and the time until
the map is drawn in Chromium (Debian's, headless, pages opened from disk with their scripts
inline). The peer is a bare folium map of the same 10,000 markers (rank icons, the same popup
text as tooltips because folium's popups need jQuery), unclustered, one script block per
marker. A third row draws dicm's own page with clustering off, to separate the two effects.
Run: ``python -m bench.maps [--n 10000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import folium
import numpy as np

from domain.model import Site
from maps.assets import LEAFLET_CSS, LEAFLET_JS, asset_url, inline_assets, require_assets
from maps.page import esc, render_page
from maps.records import MatchRecord
from maps.supplier import needs_text, spo_link, supplier_map
from tests.builders import make_activity, make_supplier

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Thames Valley towns (lon, lat) the activities cluster around
TOWNS = [(-0.973, 51.454), (-1.258, 51.752), (-0.759, 52.041), (-0.595, 51.511), (-0.81, 51.82)]


def make_matches(n: int, seed: int = 7) -> list[MatchRecord]:
    rng = np.random.default_rng(seed)
    town = rng.integers(0, len(TOWNS), n)
    centres = np.array(TOWNS)[town]
    lonlat = centres + rng.normal(0, 0.06, (n, 2))
    return [
        MatchRecord(
            i + 1,
            make_activity(id=f"act-{i}", name=f"Activity {i}", lon_lat=(float(x), float(y))),
            float(i),
            1 - i / n,
            "Within reach of the Reading depot; serves serious violence.",
        )
        for i, (x, y) in enumerate(lonlat)
    ]


def popup_html(r: MatchRecord) -> str:
    """The same popup as one HTML string, the way a folium Popup/Tooltip carries it."""
    needs = needs_text(r.activity).replace("\n", "</li><li>")
    return (
        f'<div class="dicm-popup"><h3>#{r.rank} {esc(r.activity.name)}</h3>'
        f"<p>{r.distance_m / 1000:.1f} km away · score {r.score:.2f}</p>"
        f"<p>{esc(r.explanation)}</p><p>Needs:</p><ul><li>{needs}</li></ul>"
        f'<p><a href="{esc(spo_link(r.activity.id))}">Start an SPO</a></p></div>'
    )


def peer_map(matches: list[MatchRecord], supplier_id: str) -> folium.Map:
    """folium's own way: one Marker element per activity, no clustering, local Leaflet."""
    m = folium.Map(tiles=None, location=(51.6, -1.0), zoom_start=9)
    m.default_js = [(LEAFLET_JS.name, asset_url(LEAFLET_JS))]
    m.default_css = [(LEAFLET_CSS.name, asset_url(LEAFLET_CSS))]
    for r in matches:
        folium.Marker(
            (r.activity.location.y, r.activity.location.x),
            icon=folium.DivIcon(html=str(r.rank), class_name="dicm-rank", icon_size=(24, 24)),
            tooltip=popup_html(r),
        ).add_to(m)
    return m


def timed(fn: Callable[[], str], repeat: int) -> tuple[float, str]:
    times, page = [], ""
    for _ in range(repeat):
        t0 = time.perf_counter()
        page = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), page


def draw_time(browser: object, path: Path, ready_js: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        page = browser.new_page(viewport={"width": 1200, "height": 800})  # type: ignore[attr-defined]
        t0 = time.perf_counter()
        page.goto(path.as_uri(), wait_until="commit")
        page.wait_for_function(ready_js, timeout=120_000, polling=20)
        times.append(time.perf_counter() - t0)
        page.close()
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.maps", description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv or [])
    require_assets()
    matches = make_matches(args.n)
    sup = make_supplier(sites=(Site("site-1", "Reading depot", make_activity().location),))

    rows = {
        "dicm (clustered)": timed(lambda: render_page(supplier_map(sup, matches)), args.repeat),
        "folium peer (unclustered)": timed(lambda: render_page(peer_map(matches, sup.id)), 1),
        "dicm (unclustered)": timed(
            lambda: render_page(supplier_map(sup, matches, cluster_above=10**9)), args.repeat
        ),
    }
    n = args.n
    ready = {
        "dicm (clustered)": "document.querySelectorAll('.marker-cluster').length > 0",
        "folium peer (unclustered)": f"document.querySelectorAll('.dicm-rank').length >= {n}",
        "dicm (unclustered)": f"document.querySelectorAll('.dicm-rank').length >= {n}",
    }
    from playwright.sync_api import sync_playwright

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, (build_s, page) in rows.items():
            path = Path(tmp) / f"{name.split()[0]}-{len(results)}.html"
            path.write_text(inline_assets(page), encoding="utf-8")
            drawn_s = draw_time(browser, path, ready[name], args.repeat)
            results[name] = (build_s, len(page.encode()), drawn_s)
        browser.close()

    peer = results["folium peer (unclustered)"]
    print(f"supplier map, {n:,} activities (median of {args.repeat}; ratios vs folium peer)")
    print(f"{'':28}{'build+render s':>16}{'page MB':>10}{'drawn s':>10}   ratios b/s/d")
    for name, (b, size, d) in results.items():
        ratios = f"{b / peer[0]:.2f} / {size / peer[1]:.2f} / {d / peer[2]:.2f}"
        print(f"{name:28}{b:16.3f}{size / 1e6:10.2f}{d:10.2f}   {ratios}")


if __name__ == "__main__":
    main(sys.argv[1:])
