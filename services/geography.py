"""Geography use cases for the CLI and the HTTP routes: load the bundled UK geography into the
store and import official boundary files (one transaction each); locating lives in
:mod:`services.locate`.

FastAPI-free: plain values in, plain values out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from boundaries.bundled import BundledGeography, load_bundled_geography
from boundaries.errors import BoundaryFileError
from boundaries.importer import ImportReport, read_boundary_file, to_domain
from boundaries.levels import SMALL_AREA_LEVELS, Level
from boundaries.succession import successions
from domain.errors import NotFound
from domain.model import Activity, LocalAuthority, Region, SmallArea, Territory
from services.import_changes import sort_changes
from services.settings import ServiceSettings
from store.port import Entity, RetiredArea, Retirement, Store

#: levels whose import replaces the stored areas of the nations the file covers (a region or
#: country file only adds or overwrites: regions are stored under ITL1 codes, countries as twins)
REPLACING_LEVELS = (Level.LAD, Level.PFA, Level.CSP, Level.LSOA)

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
    transaction, unless they are already there, or an official import has replaced their level
    (the bundled shapes would come back over the official ones). Returns how many entities were
    written."""
    if store.area_history(Level.LAD.value) or store.area_history(Level.PFA.value):
        return 0
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
    retired: tuple[str, ...] = ()  # codes moved to the history table
    replaced: int = 0  # activities, councils and small areas placed again
    unchanged: int = 0  # small areas equal to the stored ones, left alone (not in ``stored``)


def import_boundaries(
    store: Store,
    path: str | Path,
    level: Level | str,
    *,
    assume_crs: int | str | None = None,
    progress: Callable[[int, int], None] | None = None,
    strict: bool = False,
    today: date | None = None,
) -> BoundaryImport:
    """Import an ONS boundary file into the store: all of it or nothing, in one transaction.

    Local authorities get their territory and region from the stored boundaries (the point of
    each LA's representative point); police force areas their region from dicm's territory
    table when that region is stored. CSPs and LSOAs are stored as small areas of their level
    (:class:`~domain.model.SmallArea`), with the stored council and territory their
    representative point falls in (none while those are not loaded); one equal to the stored
    small area is left alone (counted ``unchanged``), a changed one is written with its audit
    record, so a ``dicm export small-areas`` file (read back by its ``code``, ``name`` and
    ``level`` columns, the rows of ``level``) imports back changing nothing.

    For lad, pfa, csp and lsoa the file replaces its level: a stored area of a nation the file
    covers (by the first letter of its features' codes) that the file lacks moves to the
    history table, valid until ``today``, so the official boundaries alone answer; an
    England & Wales force file leaves Police Scotland and PSNI alone. Activities, councils and
    small areas that referred to a retired area are placed again by ``locate``. ``strict``
    refuses a file with any rejected feature (nothing is written).
    """
    result = read_boundary_file(path, level, assume_crs=assume_crs, progress=progress)
    level = Level(level)
    if strict and result.report.rejected:
        first = result.report.rejected[0]
        raise BoundaryFileError(
            f"{path}: {len(result.report.rejected)} features rejected (first #{first.index} "
            f"{first.code or '-'}: {first.reason}); nothing imported (--strict)"
        )
    when = today or datetime.now(UTC).date()
    with store.transaction() as tx:
        parents: dict[str, tuple[str | None, str | None]] = {}
        within: dict[str, tuple[str | None, str | None]] = {}
        if level in (Level.LAD, Level.CSP, Level.LSOA):
            for f in result.features:
                p = f.geometry.representative_point()
                chain = tx.locate(p.x, p.y)
                parents[f.code] = (chain.territory_code, chain.region_code)
                within[f.code] = (chain.local_authority_code, chain.territory_code)
        entities = to_domain(result, parents, within)
        if level is Level.PFA:
            entities = [_known_region(tx, e) for e in entities if isinstance(e, Territory)]
        to_store: Sequence[Entity] = entities
        unchanged = 0
        if level in SMALL_AREA_LEVELS:
            # a small area equal to the stored one is left alone (so an exported file imports
            # back changing nothing); a changed one is an update with its audit record
            changes = sort_changes(tx, entities, source=Path(path).name)
            to_store, unchanged = changes.to_write, changes.unchanged
            for entry in changes.audit:
                tx.append_audit(entry)
        stored = tx.put_many(to_store) if to_store else 0
        if level not in REPLACING_LEVELS:
            return BoundaryImport(result.report, stored)
        codes = {f.code for f in result.features}
        nations = sorted({c[:1] for c in codes})
        retirement = tx.retire_areas(
            level.value, keep=codes, nations=nations, valid_to=when,
            source=f"{Path(path).name} ({level.value}, {when.isoformat()})",
            valid_from=_successor_dates() if level is Level.LAD else None,
        )  # fmt: skip
        replaced = _place_again(tx, retirement)
    return BoundaryImport(
        result.report, stored, _retirement_notes(level, nations, retirement),
        retirement.retired, replaced, unchanged,
    )  # fmt: skip


def _successor_dates() -> dict[str, date]:
    """When each successor local authority came into being (its first predecessor's end)."""
    dates: dict[str, date] = {}
    for s in successions().values():
        dates[s.new_code] = max(dates.get(s.new_code, s.effective), s.effective)
    return dates


def _place_again(store: Store, retirement: Retirement) -> int:
    """Give what referred to a retired area the area ``locate`` finds now (inside the import's
    transaction, so it sees the new boundaries): activities by their location, councils and
    small areas by their representative point. Returns how many rows were placed."""
    activities = [store.get(Activity, id_) for id_ in retirement.activity_ids]
    store.put_many(activities)  # the cleared codes are filled from ``locate``
    councils = [store.get(LocalAuthority, c) for c in retirement.local_authority_codes]
    small = [store.get(SmallArea, c) for c in retirement.small_area_codes]
    areas: list[LocalAuthority | SmallArea] = [*councils, *small]
    shapes = [a.geometry for a in areas if a.geometry is not None]
    points = [(p.x, p.y) for p in (g.representative_point() for g in shapes)]
    chains = iter(store.locate_many(points))
    placed: list[LocalAuthority | SmallArea] = []
    for council in councils:
        if council.geometry is not None and council.territory_code is None:
            placed.append(replace(council, territory_code=next(chains).territory_code))
    for area in small:
        if area.geometry is None:
            continue
        chain = next(chains)
        placed.append(
            replace(
                area,
                local_authority_code=area.local_authority_code or chain.local_authority_code,
                territory_code=area.territory_code or chain.territory_code,
            )
        )
    store.put_many(placed)
    return len(activities) + len(placed)


def _retirement_notes(level: Level, nations: list[str], retirement: Retirement) -> tuple[str, ...]:
    notes: list[str] = []
    if retirement.retired:
        shown = ", ".join(retirement.retired[:8]) + (" ..." if len(retirement.retired) > 8 else "")
        notes.append(
            f"{len(retirement.retired)} stored {level.value} areas of {'/'.join(nations)} not in "
            f"the file moved to history ({shown}): dicm boundaries history --level {level.value}"
        )
    for code, holders in sorted(retirement.kept.items()):
        notes.append(f"{code} not in the file but kept: {holders} refer to it")
    return tuple(notes)


def boundary_history(
    store: Store, level: Level | str | None = None, code: str | None = None
) -> list[RetiredArea]:
    """The boundaries imports replaced (of ``level``, with ``code``), newest first."""
    return store.area_history(Level(level).value if level is not None else None, code)


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
    "BoundaryImport", "Location", "boundary_history", "bundled_geography",
    "ensure_geography", "import_boundaries", "locate", "parse_lat_lon",
]  # fmt: skip


def geography_version(store: Store) -> int:
    """The change counter of regions, territories and local authorities (and their plans, which
    territory answers carry): a cached geography answer is fresh while it is unchanged, so the
    HTTP layer derives its ETags from it."""
    return store.generation("areas", "plans")
