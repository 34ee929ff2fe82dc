"""Coverage gaps and heatmap aggregates: where activities are, and where social value is
committed and delivered, for one territory by local authority or by H3 cell, and for national
buyers across the UK by territory, by region or as one UK total. FastAPI-free.

Committed and delivered £ are the one measure (``services.spo.figures`` over ``spo.measure``):
formalised, verified SPOs only, every support type valued with the open proxies, filtered by
priority and period exactly as the social value report is. A PCC office sees its own territory,
a buyer the territory it buys for, an admin any; the UK-wide figures are for admins and
national buyers (a buyer organisation tied to no territory).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from shapely.geometry import Polygon

from boundaries.tables import region_ons_code
from domain.errors import Forbidden, InvalidInput
from domain.model import Account, Activity, Area, Buyer, LocalAuthority, Region, Territory
from domain.vocabulary import Role, ValidationStatus
from geo.cells import cell_to_polygon, cell_to_str, lonlat_to_cell, str_to_cell
from services.access import require_role, require_territory
from services.spo.figures import Figures, Filters, gather_figures, parse_filters
from spo.measure import LineValue
from store.port import Store

Level = Literal["la", "h3"]
NationalLevel = Literal["territory", "region", "uk"]
#: the ONS code of the United Kingdom, the key of the one row at ``level="uk"``
UK_CODE = "K02000001"
RowFor = Callable[[float | None, float | None, str | None], "Aggregate | None"]


@dataclass
class Aggregate:
    """The figures of one local authority or H3 cell."""

    key: str  # LA code or H3 cell (hex)
    name: str | None = None
    local_authority_code: str | None = None
    territory_code: str | None = None
    region_code: str | None = None
    activities: int = 0  # validated and active
    activities_at_risk: int = 0
    spo_lines: int = 0
    committed_gbp: float = 0.0
    delivered_gbp: float = 0.0
    geometry: Area | None = field(default=None, repr=False)

    @property
    def is_gap(self) -> bool:
        """No validated activity, or no committed social value, here."""
        return self.activities == 0 or self.committed_gbp == 0.0


def _territory_for(store: Store, viewer: Account | None, code: str) -> Territory:
    actor = require_role(viewer, Role.PCC_OFFICE, Role.BUYER)
    territory = store.get(Territory, code)
    if actor.role is Role.BUYER and actor.territory_code is None and actor.organisation_id:
        buyer = store.get(Buyer, actor.organisation_id)
        actor = Account(actor.id, actor.name, actor.role, buyer.id, buyer.territory_code)
    require_territory(actor, territory.code)
    return territory


def readable_territory(store: Store, viewer: Account | None, code: str) -> Territory:
    """The territory if ``viewer`` may see its aggregates (its PCC office, a buyer buying for
    it, an admin): the rule of the coverage and heatmap endpoints, shared by their map pages."""
    return _territory_for(store, viewer, code)


def cell_of(lon: float, lat: float, resolution: int) -> str:
    """The H3 cell (hex) of a point (via :mod:`geo.cells`, the one place that says lat, lng)."""
    return cell_to_str(lonlat_to_cell(lon, lat, resolution))


def cell_polygon(cell: str) -> Polygon:
    """An H3 cell's boundary as a lon, lat polygon."""
    return cell_to_polygon(str_to_cell(cell))


@dataclass(frozen=True)
class AreaFigures:
    """Per-area rows, the SPOs left out as tampered, and what to say when there is nothing."""

    rows: list[Aggregate]
    figures: Figures

    @property
    def tampered(self) -> tuple[str, ...]:
        return self.figures.tampered

    @property
    def message(self) -> str | None:
        return self.figures.empty_message


def aggregate(
    store: Store,
    viewer: Account | None,
    territory_code: str,
    *,
    level: Level = "la",
    resolution: int = 7,
    priority: str | None = None,
    period: str | None = None,
) -> AreaFigures:
    """Per local authority (every LA of the territory, gaps included) or per H3 cell, for one
    priority (theme code) and period (``2026`` or ``2026-Q4``) when given."""
    territory = _territory_for(store, viewer, territory_code)
    if not 0 <= resolution <= 12:
        raise InvalidInput("H3 resolution must be between 0 and 12")
    filters = parse_filters(priority, period)
    rows: dict[str, Aggregate] = {}
    if level == "la":
        for la in store.find(LocalAuthority, limit=10_000, territory_code=territory.code):
            rows[la.code] = _la_row(la)

    def row_for(lon: float | None, lat: float | None, la_code: str | None) -> Aggregate | None:
        if level == "la":
            return rows.get(la_code or "")
        if lon is None or lat is None:
            return None
        key = cell_of(lon, lat, resolution)
        if key not in rows:
            rows[key] = Aggregate(
                key,
                territory_code=territory.code,
                region_code=territory.region_code,
                geometry=cell_polygon(key),
            )
        return rows[key]

    _count_activities(store.activities_in_area(territory.code), row_for, filters)
    figures = gather_figures(store, filters, territory_code=territory.code)
    _add_lines(figures, lambda line: row_for(line.lon, line.lat, line.local_authority_code))
    return AreaFigures(sorted(rows.values(), key=lambda r: r.key), figures)


def _add_lines(figures: Figures, row_of: Callable[[LineValue], Aggregate | None]) -> None:
    """Every measured line's £ into its row (the one measure, ``services.spo.figures``)."""
    for line in figures.rows:
        row = row_of(line)
        if row is None:
            continue
        row.spo_lines += 1
        row.committed_gbp += line.committed_gbp
        row.delivered_gbp += line.delivered_gbp


def _national_viewer(store: Store, viewer: Account | None) -> Account:
    """Admins and national buyers (a buyer organisation tied to no territory) see the UK."""
    actor = require_role(viewer, Role.BUYER)
    if actor.role is Role.ADMIN:
        return actor
    territory = actor.territory_code
    if territory is None and actor.organisation_id:
        territory = store.get(Buyer, actor.organisation_id).territory_code
    if territory is not None:
        raise Forbidden(f"a buyer for territory {territory} may not see the UK-wide figures")
    return actor


def national_aggregate(
    store: Store,
    viewer: Account | None,
    *,
    level: NationalLevel = "region",
    priority: str | None = None,
    period: str | None = None,
) -> AreaFigures:
    """The UK for national buyers: one row per territory or per region (every one, gaps
    included; a region's key is its ONS code, ``E12``/``W92``/``S92``/``N92``, whether it is
    stored under that or its ITL1 code) or
    the one UK row (``K02000001``), for one priority and period when given.

    Activities are counted where the territory-level aggregate counts them (each
    territory's own), and SPO lines by the territory of their line, so the regions add up to
    the UK and the territories to their regions.
    """
    _national_viewer(store, viewer)
    filters = parse_filters(priority, period)
    territories = store.find(Territory, limit=10_000)
    by_territory = {
        t.code: Aggregate(t.code, t.name, None, t.code, t.region_code) for t in territories
    }
    uk = Aggregate(UK_CODE, "United Kingdom")
    rows: dict[str, Aggregate]
    if level == "uk":
        rows = {UK_CODE: uk}
    elif level == "region":
        rows = {
            r.code: Aggregate(
                region_ons_code(r.code), r.name, region_code=r.code, geometry=r.geometry
            )
            for r in store.find(Region, limit=10_000)
        }
    else:
        rows = {
            t.code: Aggregate(t.code, t.name, None, t.code, t.region_code, geometry=t.geometry)
            for t in territories
        }

    def row_of_territory(code: str | None) -> Aggregate | None:
        if level == "uk":
            return uk
        if level == "territory":
            return rows.get(code or "")
        parent = by_territory.get(code or "")
        return rows.get(parent.region_code or "") if parent else None

    for t in territories:
        _count_activities(
            store.activities_in_area(t.code), _always(row_of_territory(t.code)), filters
        )
    figures = gather_figures(store, filters)
    _add_lines(figures, lambda line: row_of_territory(line.territory_code))
    return AreaFigures(sorted(rows.values(), key=lambda r: r.key), figures)


def _always(row: Aggregate | None) -> RowFor:
    """A row chooser that puts every activity in ``row`` (all of one territory's)."""

    def row_for(_lon: float | None, _lat: float | None, _la: str | None) -> Aggregate | None:
        return row

    return row_for


def national_coverage(
    store: Store,
    viewer: Account | None,
    *,
    level: NationalLevel = "region",
    priority: str | None = None,
    period: str | None = None,
) -> AreaFigures:
    """:func:`national_aggregate`, gaps (no activity or no committed value) first."""
    found = national_aggregate(store, viewer, level=level, priority=priority, period=period)
    return AreaFigures(_gaps_first(found.rows), found.figures)


def _la_row(la: LocalAuthority) -> Aggregate:
    return Aggregate(
        la.code, la.name, la.code, la.territory_code, la.region_code, geometry=la.geometry
    )


def _count_activities(activities: list[Activity], row_for: RowFor, filters: Filters) -> None:
    for activity in activities:
        if activity.validation_status is not ValidationStatus.VALIDATED or not activity.active:
            continue
        if filters.priority is not None and filters.priority not in activity.themes:
            continue
        row = row_for(activity.location.x, activity.location.y, activity.local_authority_code)
        if row is not None:
            row.activities += 1
            row.activities_at_risk += int(activity.at_risk)


def coverage_gaps(
    store: Store,
    viewer: Account | None,
    territory_code: str,
    *,
    priority: str | None = None,
    period: str | None = None,
) -> AreaFigures:
    """Local authorities of the territory, gaps (no activity or no committed value) first."""
    found = aggregate(store, viewer, territory_code, level="la", priority=priority, period=period)
    return AreaFigures(_gaps_first(found.rows), found.figures)


def _gaps_first(rows: list[Aggregate]) -> list[Aggregate]:
    return sorted(rows, key=lambda r: (not r.is_gap, r.committed_gbp, r.activities, r.key))
