"""Reconciling district edges with a postcode lookup, on plain shapes (metres): a postcode the
lookup puts across the edge moves its cell across; nothing else moves; no gap, no overlap, and
the outline (the coast) stays where it was."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import box

from boundaries.reconcile import OUTLIER_M, RADIUS_M, reconcile_with_postcodes


def _grid() -> tuple[np.ndarray, np.ndarray]:
    """Postcodes every 50 m over two 2 km x 2 km districts side by side (edge at x = 2000)."""
    xs, ys = np.meshgrid(np.arange(25.0, 4000.0, 50.0), np.arange(25.0, 2000.0, 50.0))
    return xs.ravel(), ys.ravel()


def test_a_postcode_across_the_edge_moves_only_its_own_cell() -> None:
    areas = {"A": box(0, 0, 2000, 2000), "B": box(2000, 0, 4000, 2000)}
    x, y = _grid()
    labels = np.where(x < 2000, "A", "B").astype(object)
    # the lookup puts the first column of B's postcodes (x = 2025) in A: the true edge is east
    labels[(x == 2025.0) & (y > 500) & (y < 1500)] = "A"
    labels[(x == 2025.0) & (y == 1975.0)] = None  # not in the lookup: left where it is
    labels[(x == 3975.0) & (y == 1025.0)] = "A"  # a slip far from A: left alone
    found = reconcile_with_postcodes(areas, x, y, labels)
    a, b = found.areas["A"], found.areas["B"]
    assert found.moved_postcodes == 20
    got = np.where(shapely.intersects_xy(a, x, y), "A", "B")
    moved = (x == 2025.0) & (y > 500) & (y < 1500)
    assert (got[moved] == "A").all()
    assert (got[~moved] == np.where(x < 2000, "A", "B")[~moved]).all()
    assert shapely.intersection(a, b).area < 1e-6  # no overlap
    outline = shapely.union_all([a, b])
    assert shapely.symmetric_difference(outline, box(0, 0, 4000, 2000)).area < 1e-6
    assert 2000 < a.bounds[2] <= 2025 + RADIUS_M  # the edge moved east, by at most the radius


def test_nothing_moves_when_the_lookup_agrees_or_is_far() -> None:
    areas = {"A": box(0, 0, 2000, 2000), "B": box(2000, 0, 4000, 2000)}
    x, y = _grid()
    labels = np.where(x < 2000, "A", "B").astype(object)
    labels[(x == 2000 + OUTLIER_M + 475.0)] = "A"  # every one too far from A to be believed
    found = reconcile_with_postcodes(areas, x, y, labels)
    assert found.moved_postcodes == 0
    assert found.areas["A"].equals(areas["A"]) and found.areas["B"].equals(areas["B"])
