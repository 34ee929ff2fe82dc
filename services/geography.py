"""Geography use cases for the CLI and the HTTP routes: load the bundled UK geography into the
store and import official boundary files (one transaction each); locating lives in
:mod:`services.locate`.

FastAPI-free: plain values in, plain values out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from boundaries.bundled import BundledGeography, load_bundled_geography
from boundaries.importer import ImportReport, read_boundary_file, to_domain
from boundaries.levels import Level
from domain.errors import NotFound
from domain.model import LocalAuthority, Region, Territory
from services.settings import ServiceSettings
from store.port import Store

Progress = Callable[[str], None]


def bundled_geography(
    settings: ServiceSettings, progress: Progress | None = None
) -> BundledGeography:
    """The offline UK geography, built once and cached under ``settings.cache_dir``."""
    return load_bundled_geography(settings.cache_dir, progress)


def ensure_geography(
    store: Store, settings: ServiceSettings, progress: Progress | None = None
) -> int:
    """Put the bundled regions, territories and local authorities into ``store`` in one
    transaction, unless they are already there. Returns how many entities were written."""
    geography = bundled_geography(settings, progress)
    if (
        store.count(Region) >= len(geography.regions)
        and store.count(Territory) >= len(geography.territories)
        and store.count(LocalAuthority) >= len(geography.local_authorities)
    ):
        return 0
    return store.put_many(
        [*geography.regions, *geography.territories, *geography.local_authorities]
    )


@dataclass(frozen=True)
class BoundaryImport:
    """What an import read and how many entities it stored."""

    report: ImportReport
    stored: int
    notes: tuple[str, ...] = ()


def import_boundaries(
    store: Store,
    path: str | Path,
    level: Level | str,
    *,
    assume_crs: int | str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BoundaryImport:
    """Import an ONS boundary file into the store: all its accepted features or nothing.

    Local authorities get their territory and region from the stored boundaries (the point of
    each LA's representative point); police force areas their region from dicm's territory
    table when that region is stored. CSPs and LSOAs are stored as small areas of their level
    (:class:`~domain.model.SmallArea`), with the stored council and territory their
    representative point falls in (none while those are not loaded).
    """
    result = read_boundary_file(path, level, assume_crs=assume_crs, progress=progress)
    level = Level(level)
    parents: dict[str, tuple[str | None, str | None]] = {}
    within: dict[str, tuple[str | None, str | None]] = {}
    if level in (Level.LAD, Level.CSP, Level.LSOA):
        for f in result.features:
            p = f.geometry.representative_point()
            chain = store.locate(p.x, p.y)
            parents[f.code] = (chain.territory_code, chain.region_code)
            within[f.code] = (chain.local_authority_code, chain.territory_code)
    entities = to_domain(result, parents, within)
    if level is Level.PFA:
        entities = [_known_region(store, e) for e in entities if isinstance(e, Territory)]
    stored = store.put_many(entities)
    return BoundaryImport(result.report, stored)


def _known_region(store: Store, territory: Territory) -> Territory:
    if territory.region_code is None:
        return territory
    try:
        store.get(Region, territory.region_code)
    except NotFound:
        return replace(territory, region_code=None)
    return territory


# --- locate: its home is services.locate; re-exported for existing callers ----------------------

from services.locate import Location, locate, parse_lat_lon  # noqa: E402

__all__ = [
    "BoundaryImport", "Location", "bundled_geography",
    "ensure_geography", "import_boundaries", "locate", "parse_lat_lon",
]  # fmt: skip


def geography_version(store: Store) -> int:
    """The change counter of regions, territories and local authorities (and their plans, which
    territory answers carry): a cached geography answer is fresh while it is unchanged, so the
    HTTP layer derives its ETags from it."""
    return store.generation("areas", "plans")
