"""Coverage gaps and heatmap aggregates for one territory: where activities are, and where
social value is committed and delivered, by local authority or by H3 cell. FastAPI-free.

Committed and delivered £ are the one measure (``services.spo.figures`` over ``spo.measure``):
formalised, verified SPOs only, every support type valued with the open proxies, filtered by
priority and period exactly as the social value report is. A PCC office sees its own territory,
a buyer the territory it buys for, an admin any.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from shapely.geometry import Polygon

from domain.errors import InvalidInput
from domain.model import Account, Activity, Area, Buyer, LocalAuthority, Territory
from domain.vocabulary import Role, ValidationStatus
from geo.cells import cell_to_polygon, cell_to_str, lonlat_to_cell, str_to_cell
from services.access import require_role, require_territory
from services.spo.figures import Figures, Filters, gather_figures, parse_filters
from store.port import Store

Level = Literal["la", "h3"]
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
    for line in figures.rows:
        row = row_for(line.lon, line.lat, line.local_authority_code)
        if row is None:
            continue
        row.spo_lines += 1
        row.committed_gbp += line.committed_gbp
        row.delivered_gbp += line.delivered_gbp
    return AreaFigures(sorted(rows.values(), key=lambda r: r.key), figures)


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
    rows = sorted(found.rows, key=lambda r: (not r.is_gap, r.committed_gbp, r.activities, r.key))
    return AreaFigures(rows, found.figures)
