"""Benchmark: assign 1,000,000 points to local authorities and territories.

dicm's ``AreaIndex`` (prepared polygons, points sorted once, bbox slice + ``intersects_xy``)
versus ``geopandas.sjoin(predicate="within")`` on the same bundled geography (348 LAs and 45
territories), in the same run; answers are compared point by point. Points: 70 % within
~1 km of LSOA representative points (where people live), 30 % uniform over Great Britain's
box (sea and Ireland included). Run: ``python -m bench.assign_points [--n 1000000]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from boundaries.bundled import BundledGeography, load_bundled_geography
from geo.assign import AreaIndex, assign_to_polygons


def make_points(geo: BundledGeography, n: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    anchors = shapely.point_on_surface(np.array([la.geometry for la in geo.local_authorities]))
    ax, ay = shapely.get_x(anchors), shapely.get_y(anchors)
    near = int(n * 0.7)
    pick = rng.integers(0, len(ax), near)
    lon = np.concatenate([ax[pick] + rng.normal(0, 0.08, near), rng.uniform(-8.0, 1.8, n - near)])
    lat = np.concatenate([ay[pick] + rng.normal(0, 0.05, near), rng.uniform(49.9, 60.8, n - near)])
    return lon, lat


def sjoin_codes(lon: np.ndarray, lat: np.ndarray, codes: list[str], geoms: list[Any]) -> np.ndarray:
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
    areas = gpd.GeoDataFrame({"code": codes}, geometry=geoms, crs=4326)
    joined = gpd.sjoin(points, areas, predicate="within", how="left")
    joined = joined.sort_values("code").groupby(level=0)["code"].first()  # lowest code wins
    result: np.ndarray = joined.reindex(range(len(lon))).to_numpy(dtype=object)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.assign_points", description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    args = parser.parse_args(argv or [])
    cache = Path(tempfile.gettempdir()) / "dicm-bench-geography"
    geo = load_bundled_geography(cache)
    lon, lat = make_points(geo, args.n)
    la_codes = [la.code for la in geo.local_authorities]
    la_geoms = [la.geometry for la in geo.local_authorities]
    t_codes = [t.code for t in geo.territories]
    t_geoms = [t.geometry for t in geo.territories]
    print(f"{args.n:,} points; {len(la_codes)} local authorities, {len(t_codes)} territories")

    started = time.perf_counter()
    index: AreaIndex = geo.area_index()
    chain = index.assign(lon, lat)
    ours_chain_s = time.perf_counter() - started

    started = time.perf_counter()
    ours_la = assign_to_polygons(lon, lat, la_codes, la_geoms)  # type: ignore[arg-type]
    ours_t = assign_to_polygons(lon, lat, t_codes, t_geoms)  # type: ignore[arg-type]
    ours_s = time.perf_counter() - started

    started = time.perf_counter()
    peer_la = sjoin_codes(lon, lat, la_codes, la_geoms)
    peer_t = sjoin_codes(lon, lat, t_codes, t_geoms)
    peer_s = time.perf_counter() - started

    def same(a: np.ndarray, b: np.ndarray) -> float:
        a2 = np.where([v is None or v != v for v in a], "", a).astype(str)
        b2 = np.where([v is None or v != v for v in b], "", b).astype(str)
        return float(np.mean(a2 == b2))

    print(f"dicm assign_to_polygons (LA + territory): {ours_s:6.2f} s")
    print(f"geopandas.sjoin within   (LA + territory): {peer_s:6.2f} s")
    print(f"ratio sjoin / dicm: {peer_s / ours_s:.1f}x faster")
    print(f"agreement: LA {same(ours_la, peer_la):.4%}, territory {same(ours_t, peer_t):.4%}")
    inside = np.mean(chain.placement == "inside")
    near = np.mean(chain.placement == "near-coast")
    print(
        f"full AreaIndex.assign (LA -> territory -> region, 2 km coast rule): {ours_chain_s:.2f} s"
    )
    print(
        f"  {inside:.1%} inside, {near:.1%} near the coast, {1 - inside - near:.1%} outside the UK"
    )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
