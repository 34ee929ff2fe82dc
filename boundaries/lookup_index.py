"""The compact lookup index: the bundled geography and every GB postcode, built once on disk.

``dicm locate`` must answer in about the time Python takes to start, so the index is plain
files under ``cache_dir/lookup-<key>/`` that a lookup memory-maps instead of unpickling the
geography and parsing Code-Point Open:

* ``postcodes.keys.npy``: every Code-Point Open postcode, normalised and sorted (``S8``), so one
  ``searchsorted`` finds a row; beside it lon/lat, the H3 cell, and the local authority,
  territory, placement and coast distance the bundled :class:`~geo.assign.AreaIndex` gave that
  point at build time (the very rule a point lookup applies, so the two always agree);
* ``la.wkb`` / ``territory.wkb``: each area's geometry as WKB with its offsets and bounding box,
  decoded only for the few areas whose box holds a point;
* ``places.json``: the GeoNames UK places with the area each falls in;
* ``meta.json``: codes, names and parent tables.

The index is built FROM :class:`~boundaries.bundled.BundledGeography` (whatever that build
produces) and keyed by its cache key, so a new geography build makes a new index.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from boundaries.version import cache_key
from geo.placement import Placement

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from boundaries.bundled import BundledGeography
    from geo.assign import AreaIndex

FORMAT_VERSION = 1
PLACEMENTS: tuple[Placement, ...] = tuple(Placement)
_LEVELS = ("la", "territory")
#: degrees added around a box before a nearest-area search (2 km is under 0.04° of longitude
#: anywhere in the UK)
_WINDOW_DEG = 0.05

#: (step description, steps done, steps in all)
BuildProgress = Callable[[str, int, int], None]


def index_dir(cache_dir: Path) -> Path:
    """Where the index of the current geography build lives."""
    return Path(cache_dir) / f"lookup-{cache_key()}-f{FORMAT_VERSION}"


@dataclass(frozen=True)
class PointAnswer:
    """Where one point falls, as codes (``None`` where ``placement`` says why)."""

    local_authority: str | None
    territory: str | None
    region: str | None
    placement: Placement
    distance_m: float | None = None


@dataclass(frozen=True)
class IndexedPlace:
    """A GeoNames place with the areas its point falls in."""

    name: str
    county: str
    nation: str
    lon: float
    lat: float
    answer: PointAnswer


class LookupIndex:
    """A built index, opened lazily: arrays are memory-mapped on first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.meta: dict[str, Any] = json.loads((self.folder / "meta.json").read_text())
        self.sea_tolerance_m = float(self.meta["sea_tolerance_m"])
        self._geoms: dict[tuple[str, int], BaseGeometry] = {}

    @classmethod
    def open(cls, cache_dir: Path) -> LookupIndex | None:
        """The index of the current build under ``cache_dir``, or ``None`` if not built."""
        folder = index_dir(cache_dir)
        return cls(folder) if (folder / "meta.json").exists() else None

    def _array(self, name: str) -> npt.NDArray[Any]:
        array: npt.NDArray[Any] = np.load(self.folder / f"{name}.npy", mmap_mode="r")
        return array

    # --- names and parents ----------------------------------------------------------------
    def codes(self, level: str) -> list[str]:
        """Area codes of ``level`` ("la", "territory", "region"), ascending."""
        return list(self.meta[level]["codes"])

    def name(self, level: str, code: str | None) -> str | None:
        """The name of an area (``None`` for no area or an unnamed one)."""
        return None if code is None else self.meta[level]["names"].get(code)

    def territory_people(self, code: str | None) -> tuple[str | None, str | None]:
        """(force name, PCC name) of a territory."""
        if code is None:
            return None, None
        t = self.meta["territory"]
        return t["force"].get(code), t["pcc"].get(code)

    def _answer(
        self, la: int, territory: int, placement: int, distance: float | None
    ) -> PointAnswer:
        la_code = self.meta["la"]["codes"][la] if la >= 0 else None
        t_code = self.meta["territory"]["codes"][territory] if territory >= 0 else None
        region = self.meta["territory"]["region"].get(t_code) if t_code else None
        dist = None if distance is None or not np.isfinite(distance) else float(distance)
        return PointAnswer(la_code, t_code, region, PLACEMENTS[placement], dist)

    # --- postcodes --------------------------------------------------------------------------
    @cached_property
    def _keys(self) -> npt.NDArray[np.bytes_]:
        return self._array("postcodes.keys")

    def postcode_rows(self, postcodes: Sequence[str]) -> npt.NDArray[np.int64]:
        """Row of each (normalised) postcode in the index, -1 when Code-Point Open lacks it."""
        keys = self._keys
        wanted = np.asarray([p.encode("ascii") for p in postcodes], dtype="S8")
        rows = np.searchsorted(keys, wanted).astype(np.int64)
        rows[rows >= len(keys)] = len(keys) - 1
        found = keys[rows] == wanted if len(keys) else np.zeros(len(wanted), bool)
        return np.where(found, rows, -1)

    def postcode_lonlat(self, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """(n, 2) lon/lat of rows (NaN where Code-Point Open has no coordinates)."""
        return np.asarray(self._array("postcodes.lonlat")[rows], dtype=np.float64)

    def postcode_cells(self, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """H3 cells (storage resolution) of rows; 0 where there are no coordinates."""
        return np.asarray(self._array("postcodes.h3")[rows], dtype=np.int64)

    def postcode_area_indices(
        self, rows: npt.NDArray[np.int64]
    ) -> tuple[list[int], list[int], list[int], list[float]]:
        """Build-time (LA position, territory position, placement position, distance) of
        rows, as plain lists for callers that answer many rows at once (-1: none)."""
        return (
            self._array("postcodes.la")[rows].tolist(),
            self._array("postcodes.territory")[rows].tolist(),
            self._array("postcodes.placement")[rows].tolist(),
            self._array("postcodes.distance")[rows].tolist(),
        )

    def postcode_answers(self, rows: npt.NDArray[np.int64]) -> list[PointAnswer]:
        """The build-time area answer of each row."""
        columns = self.postcode_area_indices(rows)
        return [self._answer(*args) for args in zip(*columns, strict=True)]

    def sector_lonlat(self, sector: str) -> tuple[float, float, int] | None:
        """Mean lon/lat and count of the located postcodes of a sector ("RG1 1"), or ``None``."""
        keys = self._keys
        prefix = sector.encode("ascii")
        lo = int(np.searchsorted(keys, prefix, side="left"))
        hi = int(np.searchsorted(keys, prefix + b"\xff", side="left"))
        lonlat = np.asarray(self._array("postcodes.lonlat")[lo:hi])
        lonlat = lonlat[np.isfinite(lonlat[:, 0])] if hi > lo else lonlat
        if len(lonlat) == 0:
            return None
        return float(lonlat[:, 0].mean()), float(lonlat[:, 1].mean()), len(lonlat)

    # --- points -----------------------------------------------------------------------------
    def _geometry(self, level: str, i: int) -> BaseGeometry:
        import shapely

        if (level, i) not in self._geoms:
            offsets = self._array(f"{level}.offsets")
            with (self.folder / f"{level}.wkb").open("rb") as fh:
                fh.seek(int(offsets[i]))
                blob = fh.read(int(offsets[i + 1] - offsets[i]))
            geometry = shapely.from_wkb(blob)
            shapely.prepare(geometry)
            self._geoms[(level, i)] = geometry
        return self._geoms[(level, i)]

    def _boxes_holding(self, level: str, lon: float, lat: float, margin: float = 0.0) -> list[int]:
        b = self._array(f"{level}.bounds")
        hit = (
            (b[:, 0] - margin <= lon)
            & (b[:, 2] + margin >= lon)
            & (b[:, 1] - margin <= lat)
            & (b[:, 3] + margin >= lat)
        )
        return [int(i) for i in np.flatnonzero(hit)]

    def _first_containing(self, level: str, lon: float, lat: float) -> int:
        import shapely

        for i in self._boxes_holding(level, lon, lat):  # ascending code: lowest code wins
            if shapely.intersects_xy(self._geometry(level, i), lon, lat):
                return i
        return -1

    def locate_point(self, lon: float, lat: float) -> PointAnswer:
        """Where one point falls, by the rules of :class:`~geo.assign.AreaIndex` (lowest code
        on a shared edge; nearest area within the sea tolerance; else outside the UK)."""
        if not (np.isfinite(lon) and np.isfinite(lat)):
            return PointAnswer(None, None, None, Placement.INVALID)
        la = self._first_containing("la", lon, lat)
        parent = self.meta["la"]["territory"][la] if la >= 0 else -1
        territory = parent if parent >= 0 else self._first_containing("territory", lon, lat)
        if territory >= 0:
            return self._answer(la, territory, PLACEMENTS.index(Placement.INSIDE), 0.0)
        return self._near_coast(lon, lat)

    def _near_coast(self, lon: float, lat: float) -> PointAnswer:
        """Rare path (a point at sea or abroad): an AreaIndex over the areas near the point
        only, so the answer is the full index's answer at a fraction of the cost."""
        window = {lvl: self._boxes_holding(lvl, lon, lat, _WINDOW_DEG) for lvl in _LEVELS}
        index = self._area_index(window["la"], window["territory"])
        a = index.assign_one(lon, lat)
        return PointAnswer(
            a.local_authority_code, a.territory_code, a.region_code, a.placement, a.distance_m
        )

    def _area_index(self, la: Sequence[int], territories: Sequence[int]) -> AreaIndex:
        from geo.assign import AreaIndex

        la_codes, t_codes = self.codes("la"), self.codes("territory")
        la_parent = self.meta["la"]["territory"]
        return AreaIndex(sea_tolerance_m=self.sea_tolerance_m).fit(
            local_authorities={la_codes[i]: self._geometry("la", i) for i in la},
            territories={t_codes[i]: self._geometry("territory", i) for i in territories},
            la_territory={la_codes[i]: t_codes[p] for i, p in enumerate(la_parent) if p >= 0},
            territory_region=dict(self.meta["territory"]["region"]),
        )

    @cached_property
    def full_index(self) -> AreaIndex:
        """An AreaIndex over every area, for many points at once (built on first use)."""
        return self._area_index(range(len(self.codes("la"))), range(len(self.codes("territory"))))

    # --- places -----------------------------------------------------------------------------
    @cached_property
    def _places(self) -> list[list[Any]]:
        rows: list[list[Any]] = json.loads((self.folder / "places.json").read_text())
        return rows

    def places_named(self, name: str) -> list[IndexedPlace]:
        """Every GeoNames UK place called ``name`` (case, spacing, punctuation ignored)."""
        from geo.places import place_key

        key = place_key(name)
        return [
            IndexedPlace(n, c, nation, lon, lat, self._answer(la, t, p, d))
            for k, n, c, nation, lon, lat, la, t, p, d in self._places
            if k == key
        ]


# --- build ------------------------------------------------------------------------------------


def build_lookup_index(
    geography: BundledGeography, cache_dir: Path, progress: BuildProgress | None = None
) -> LookupIndex:
    """Write the index of ``geography`` under ``cache_dir`` (about a minute) and open it."""
    say = progress or (lambda _msg, _done, _total: None)
    folder = index_dir(cache_dir)
    # a folder of this process's own: two processes (test workers, two first lookups) may
    # build the same index at once, and the first to finish is the one kept
    tmp = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    index = geography.index
    say("writing the area geometries", 0, 4)
    _write_areas(tmp, geography, index)
    say("reading OS Code-Point Open postcodes", 1, 4)
    keys, lonlat = read_postcodes()
    say(f"placing {len(keys):,} postcodes in their areas", 2, 4)
    _write_postcodes(tmp, index, keys, lonlat)
    say("placing the GeoNames places", 3, 4)
    _write_places(tmp, index)
    say("done", 4, 4)
    if LookupIndex.open(cache_dir) is None:  # none yet, or a half-written one: ours replaces it
        shutil.rmtree(folder, ignore_errors=True)
        with contextlib.suppress(OSError):  # another process's finished index took the name
            tmp.replace(folder)
    shutil.rmtree(tmp, ignore_errors=True)
    return LookupIndex(folder)


def _write_areas(folder: Path, geography: BundledGeography, index: AreaIndex) -> None:
    import shapely

    la_codes = [str(c) for c in index.la_layer_.codes]
    t_codes = [str(c) for c in index.territory_layer_.codes]
    for level, layer in (("la", index.la_layer_), ("territory", index.territory_layer_)):
        blobs = [shapely.to_wkb(g) for g in layer.geometries]
        offsets = np.concatenate([[0], np.cumsum([len(b) for b in blobs])]).astype(np.int64)
        (folder / f"{level}.wkb").write_bytes(b"".join(blobs))
        np.save(folder / f"{level}.offsets.npy", offsets)
        np.save(folder / f"{level}.bounds.npy", np.asarray(layer.bounds, dtype=np.float64))
    t_pos = {c: i for i, c in enumerate(t_codes)}
    meta = {
        "key": cache_key(),
        "format": FORMAT_VERSION,
        "sea_tolerance_m": index.sea_tolerance_m,
        "la": {
            "codes": la_codes,
            "names": {la.code: la.name for la in geography.local_authorities},
            "territory": [t_pos.get(index.la_territory_.get(c, ""), -1) for c in la_codes],
        },
        "territory": {
            "codes": t_codes,
            "names": {t.code: t.name for t in geography.territories},
            "force": {t.code: t.force_name for t in geography.territories},
            "pcc": {t.code: t.pcc_name for t in geography.territories},
            "region": dict(index.territory_region_),
        },
        "region": {
            "codes": sorted(r.code for r in geography.regions),
            "names": {r.code: r.name for r in geography.regions},
        },
    }
    (folder / "meta.json").write_text(json.dumps(meta))


def read_postcodes() -> tuple[npt.NDArray[np.bytes_], npt.NDArray[np.float64]]:
    """Every Code-Point Open postcode (sorted, normalised) with lon/lat (NaN: none given)."""
    from geo.postcodes import codepoint_dir, load_area

    keys: list[npt.NDArray[np.bytes_]] = []
    lonlat: list[npt.NDArray[np.float64]] = []
    for path in sorted(codepoint_dir().glob("*.csv.gz")):
        table = load_area(path.name.split(".")[0].upper())
        keys.append(table.index.to_numpy(dtype="S8"))
        lonlat.append(table[["lon", "lat"]].to_numpy(dtype=np.float64))
    all_keys = np.concatenate(keys)
    order = np.argsort(all_keys, kind="stable")
    all_keys, all_lonlat = all_keys[order], np.concatenate(lonlat)[order]
    unique = np.concatenate([[True], all_keys[1:] != all_keys[:-1]])
    return all_keys[unique], all_lonlat[unique]


def _area_arrays(
    index: AreaIndex, lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]
) -> dict[str, npt.NDArray[Any]]:
    a = index.assign(lon, lat)
    la_pos = {str(c): i for i, c in enumerate(index.la_layer_.codes)}
    t_pos = {str(c): i for i, c in enumerate(index.territory_layer_.codes)}
    return {
        "la": np.asarray([la_pos.get(c, -1) if c else -1 for c in a.local_authority], np.int16),
        "territory": np.asarray([t_pos.get(c, -1) if c else -1 for c in a.territory], np.int16),
        "placement": np.asarray([PLACEMENTS.index(Placement(p)) for p in a.placement], np.int8),
        "distance": np.asarray(a.distance_m, dtype=np.float32),
    }


def _write_postcodes(
    folder: Path,
    index: AreaIndex,
    keys: npt.NDArray[np.bytes_],
    lonlat: npt.NDArray[np.float64],
) -> None:
    from geo.cells import cells_for_points

    np.save(folder / "postcodes.keys.npy", keys)
    np.save(folder / "postcodes.lonlat.npy", lonlat)
    np.save(folder / "postcodes.h3.npy", cells_for_points(lonlat[:, 0], lonlat[:, 1]))
    for name, values in _area_arrays(index, lonlat[:, 0], lonlat[:, 1]).items():
        np.save(folder / f"postcodes.{name}.npy", values)


def _write_places(folder: Path, index: AreaIndex) -> None:
    from geo.places import place_key, uk_places

    places = uk_places()
    lon = np.asarray([p.lon for p in places], dtype=np.float64)
    lat = np.asarray([p.lat for p in places], dtype=np.float64)
    areas = _area_arrays(index, lon, lat)
    rows = [
        [place_key(p.name), p.name, p.county, p.nation, p.lon, p.lat,
         int(areas["la"][i]), int(areas["territory"][i]), int(areas["placement"][i]),
         float(areas["distance"][i]) if np.isfinite(areas["distance"][i]) else None]
        for i, p in enumerate(places)
    ]  # fmt: skip
    (folder / "places.json").write_text(json.dumps(rows))
