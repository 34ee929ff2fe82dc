"""Vectorised assignment of many points to local authority -> territory -> region.

Method (PERF-NOTES: ~6x faster than ``geopandas.sjoin``): every polygon is prepared once; the
points are sorted by longitude once, so each polygon only tests the points inside its bounding
box (a ``searchsorted`` slice plus a latitude filter) with ``shapely.intersects_xy``.

Rules that make every answer explicit and deterministic:

* A point on a boundary shared by two areas (or in a sliver where generalised polygons
  overlap) belongs to the area with the LOWEST code: polygons are tested in ascending code
  order and a point keeps its first hit.
* A point in no polygon but within ``sea_tolerance_m`` (default 2 km, British National Grid
  metres, measured to boundaries densified every 100 m, so at most 50 m over) of one gets the
  nearest area and ``Placement.NEAR_COAST``: boats, piers, harbours and the slivers that
  generalised coastlines drop. Ties go to the lowest code.
* Anything else is ``Placement.OUTSIDE_UK``; non-finite coordinates are
  ``Placement.INVALID``. No point is ever left with a silent ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from geo.crs import lonlat_to_bng, to_bng
from geo.placement import Placement, placement_note

SEA_TOLERANCE_M = 2_000.0
_SEGMENT_M = 100.0  # boundary densification for distances to the nearest area
_NEAREST_K = 8  # boundary vertices examined per point (shared vertices tie)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
ObjArray = npt.NDArray[np.object_]


class PolygonLayer:
    """Areas of one level (e.g. local authorities), sorted by code, ready for many queries."""

    def __init__(self, codes: Sequence[str], geometries: Sequence[BaseGeometry]) -> None:
        if len(codes) != len(geometries):
            raise ValueError("codes and geometries differ in length")
        if len(set(codes)) != len(codes):
            raise ValueError("duplicate area codes")
        order = np.argsort(np.asarray(codes, dtype=object).astype(str), kind="stable")
        self.codes: ObjArray = np.asarray([codes[i] for i in order], dtype=object)
        self.geometries = np.asarray([geometries[i] for i in order], dtype=object)
        shapely.prepare(self.geometries)
        self.bounds: FloatArray = shapely.bounds(self.geometries)
        self._vertex_tree: cKDTree | None = None

    def __len__(self) -> int:
        return len(self.codes)

    def locate(
        self, x: FloatArray, y: FloatArray, todo: npt.NDArray[np.bool_] | None = None
    ) -> IntArray:
        """Index (into ``codes``) of the lowest-coded area containing each point, else -1."""
        out = np.full(x.shape, -1, dtype=np.int64)
        todo_idx = np.flatnonzero(np.ones(x.shape, bool) if todo is None else todo)
        if todo_idx.size == 0 or len(self) == 0:
            return out
        order = todo_idx[np.argsort(x[todo_idx], kind="stable")]
        xs, ys = x[order], y[order]  # contiguous slices per polygon below: cache friendly
        found = np.full(order.shape, -1, dtype=np.int64)
        lows = np.searchsorted(xs, self.bounds[:, 0], side="left")
        highs = np.searchsorted(xs, self.bounds[:, 2], side="right")
        for i, (lo, hi) in enumerate(zip(lows.tolist(), highs.tolist(), strict=True)):
            if lo >= hi:
                continue
            miny, maxy = self.bounds[i, 1], self.bounds[i, 3]
            y_slice = ys[lo:hi]
            cand = np.flatnonzero((y_slice >= miny) & (y_slice <= maxy) & (found[lo:hi] < 0)) + lo
            if cand.size:
                hit = shapely.intersects_xy(self.geometries[i], xs[cand], ys[cand])
                found[cand[hit]] = i
        out[order] = found
        return out

    def nearest_within(
        self, x: FloatArray, y: FloatArray, max_distance_m: float
    ) -> tuple[IntArray, FloatArray]:
        """Nearest area within ``max_distance_m`` of each point: (index or -1, distance in BNG
        metres or NaN). Ties go to the lowest code.

        Distances are measured to the areas' boundaries densified every ``_SEGMENT_M`` (100 m)
        in British National Grid, so they overstate the true distance by at most 50 m.
        """
        idx = np.full(x.shape, -1, dtype=np.int64)
        dist = np.full(x.shape, np.nan)
        if x.size == 0 or len(self) == 0:
            return idx, dist
        if self._vertex_tree is None:
            self._prepare_nearest()
        assert self._vertex_tree is not None
        ex, ny = lonlat_to_bng(x, y)
        d, v = self._vertex_tree.query(
            np.column_stack([ex, ny]), k=_NEAREST_K, distance_upper_bound=max_distance_m
        )
        found = np.isfinite(d)
        owner = np.where(
            found, self._vertex_owner[np.minimum(v, len(self._vertex_owner) - 1)], len(self)
        )
        best = d.min(axis=1)
        tied = found & (d <= best[:, None] + 1e-6)
        winner = np.where(tied, owner, len(self)).min(axis=1)
        hit = np.isfinite(best)
        idx[hit] = winner[hit]
        dist[hit] = best[hit]
        return idx, dist

    def _prepare_nearest(self) -> None:
        """A KD-tree of every area's boundary vertices (BNG, densified to ``_SEGMENT_M``)."""
        rings = shapely.segmentize(
            shapely.boundary(np.asarray([to_bng(g) for g in self.geometries], dtype=object)),
            _SEGMENT_M,
        )
        coords, owners = shapely.get_coordinates(rings, return_index=True)
        self._vertex_owner: IntArray = owners.astype(np.int64)
        self._vertex_tree = cKDTree(coords)


@dataclass(frozen=True)
class Assignment:
    """Per-point answers, aligned with the input arrays. Codes are ``None`` only where
    ``placement`` says why (outside the UK, invalid, or an area level the data lacks)."""

    local_authority: ObjArray
    territory: ObjArray
    region: ObjArray
    placement: ObjArray  # Placement values
    distance_m: FloatArray  # 0 inside, metres to the nearest area when near the coast, else NaN

    def __len__(self) -> int:
        return len(self.placement)


@dataclass(frozen=True)
class PointAssignment:
    """One point's answer; ``note`` explains near-coast and outside-UK answers."""

    lon: float
    lat: float
    local_authority_code: str | None
    territory_code: str | None
    region_code: str | None
    placement: Placement
    distance_m: float | None = None
    note: str | None = None


def _codes_at(codes: ObjArray, idx: IntArray) -> ObjArray:
    out = np.full(idx.shape, None, dtype=object)
    hit = idx >= 0
    out[hit] = codes[idx[hit]]
    return out


def _is_none(values: ObjArray) -> npt.NDArray[np.bool_]:
    return np.asarray(pd.isna(values), dtype=bool)


def _lookup(keys: ObjArray, mapping: Mapping[str, str]) -> ObjArray:
    mapped = pd.Series(keys, dtype=object).map(dict(mapping)).to_numpy(dtype=object)
    mapped[pd.isna(mapped)] = None
    return mapped


@dataclass(frozen=True)
class CoastAnswer:
    """The coast rule's answer for points in no area: the nearest local authority or, when a
    territory is nearer (no local authority there), the territory; ``found`` is False beyond
    the tolerance. ``territory`` is the nearest territory's own code (None when an LA won)."""

    local_authority: ObjArray
    territory: ObjArray
    distance_m: FloatArray
    found: npt.NDArray[np.bool_]


def near_coast(
    la_layer: PolygonLayer,
    territory_layer: PolygonLayer,
    x: FloatArray,
    y: FloatArray,
    tolerance_m: float = SEA_TOLERANCE_M,
) -> CoastAnswer:
    """THE coast rule (used by :class:`AreaIndex` and both stores): a point in no area but
    within ``tolerance_m`` of one belongs to the nearest; a local authority wins a tie with a
    territory, the lowest code a tie between two areas of one level."""
    n = x.shape[0]
    if n == 0 or tolerance_m <= 0:
        empty = np.full(n, None, dtype=object)
        return CoastAnswer(empty, empty.copy(), np.full(n, np.nan), np.zeros(n, dtype=bool))
    li, ld = la_layer.nearest_within(x, y, tolerance_m)
    ti, td = territory_layer.nearest_within(x, y, tolerance_m)
    use_la = (li >= 0) & ((ti < 0) | (ld <= td + 1e-6))
    use_t = ~use_la & (ti >= 0)
    return CoastAnswer(
        _codes_at(la_layer.codes, np.where(use_la, li, -1)),
        _codes_at(territory_layer.codes, np.where(use_t, ti, -1)),
        np.where(use_la, ld, np.where(use_t, td, np.nan)),
        use_la | use_t,
    )


class AreaIndex:
    """Fit once on the areas, then assign many points (scikit-learn style: state ends in ``_``).

    ``local_authorities`` may be empty or partial (the bundled geography has none for
    Scotland and Northern Ireland): points outside every local authority are then placed in
    a territory directly.
    """

    def __init__(self, *, sea_tolerance_m: float = SEA_TOLERANCE_M) -> None:
        if sea_tolerance_m < 0:
            raise ValueError("sea_tolerance_m must be >= 0")
        self.sea_tolerance_m = sea_tolerance_m

    def fit(
        self,
        *,
        local_authorities: Mapping[str, BaseGeometry],
        territories: Mapping[str, BaseGeometry],
        la_territory: Mapping[str, str],
        territory_region: Mapping[str, str],
    ) -> AreaIndex:
        """Prepare the polygons and the parent tables."""
        self.la_layer_ = PolygonLayer(list(local_authorities), list(local_authorities.values()))
        self.territory_layer_ = PolygonLayer(list(territories), list(territories.values()))
        self.la_territory_ = dict(la_territory)
        self.territory_region_ = dict(territory_region)
        return self

    def assign(self, lon: npt.ArrayLike, lat: npt.ArrayLike) -> Assignment:
        """Assign every (lon[i], lat[i]); see the module docstring for the rules."""
        x = np.asarray(lon, dtype=np.float64).ravel()
        y = np.asarray(lat, dtype=np.float64).ravel()
        if x.shape != y.shape:
            raise ValueError("lon and lat must have the same length")
        valid = np.isfinite(x) & np.isfinite(y)
        la_i = self.la_layer_.locate(x, y, valid)
        la = _codes_at(self.la_layer_.codes, la_i)
        terr = _lookup(la, self.la_territory_)
        need_t = valid & _is_none(terr)
        t_i = self.territory_layer_.locate(x, y, need_t)
        terr[t_i >= 0] = self.territory_layer_.codes[t_i[t_i >= 0]]
        placement = np.full(x.shape, Placement.OUTSIDE_UK.value, dtype=object)
        placement[~valid] = Placement.INVALID.value
        inside = valid & ~_is_none(terr)
        placement[inside] = Placement.INSIDE.value
        distance = np.where(inside, 0.0, np.nan)
        self._near_coast(x, y, valid & ~inside, la, terr, placement, distance)
        return Assignment(la, terr, _lookup(terr, self.territory_region_), placement, distance)

    def _near_coast(
        self,
        x: FloatArray,
        y: FloatArray,
        todo: npt.NDArray[np.bool_],
        la: ObjArray,
        terr: ObjArray,
        placement: ObjArray,
        distance: FloatArray,
    ) -> None:
        idx = np.flatnonzero(todo)
        coast = near_coast(
            self.la_layer_, self.territory_layer_, x[idx], y[idx], self.sea_tolerance_m
        )
        la[idx] = np.where(coast.found, coast.local_authority, la[idx])
        from_la = _lookup(coast.local_authority, self.la_territory_)
        terr[idx] = np.where(coast.found, np.where(_is_none(from_la), coast.territory, from_la),
                             terr[idx])  # fmt: skip
        distance[idx] = np.where(coast.found, coast.distance_m, distance[idx])
        placement[idx[coast.found]] = Placement.NEAR_COAST.value

    def assign_one(self, lon: float, lat: float) -> PointAssignment:
        """Assign a single point, with a human-readable note for the unusual cases."""
        a = self.assign([lon], [lat])
        placement = Placement(a.placement[0])
        dist = float(a.distance_m[0]) if np.isfinite(a.distance_m[0]) else None
        note = placement_note(placement, dist, self.sea_tolerance_m)
        return PointAssignment(
            float(lon),
            float(lat),
            a.local_authority[0],
            a.territory[0],
            a.region[0],
            placement,
            dist,
            note,
        )


def assign_to_polygons(
    lon: npt.ArrayLike, lat: npt.ArrayLike, codes: Sequence[str], geometries: Sequence[BaseGeometry]
) -> ObjArray:
    """One-level assignment: the code of the (lowest-coded) polygon containing each point, or
    None. The building block the benchmark compares with ``geopandas.sjoin``."""
    layer = PolygonLayer(codes, geometries)
    x = np.asarray(lon, dtype=np.float64).ravel()
    y = np.asarray(lat, dtype=np.float64).ravel()
    i = layer.locate(x, y, np.isfinite(x) & np.isfinite(y))
    return _codes_at(layer.codes, i)
