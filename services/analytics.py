"""Coverage gaps and heatmap aggregates for one territory: where activities are, and where
social value is committed and delivered, by local authority or by H3 cell. FastAPI-free.

Committed value counts the lines of awarded SPOs (awarded, in delivery, reviewed) in pounds,
non-cash support valued with the open proxy values of ``spo.values``; delivered value sums the
progress reports of those lines valued the same way. A PCC office sees its own territory, a
buyer the territory it buys for, an admin any.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from shapely.geometry import Polygon

from domain.errors import InvalidInput
from domain.model import Account, Activity, Area, Buyer, LocalAuthority, Territory
from domain.vocabulary import Role, ValidationStatus
from geo.cells import cell_to_polygon, cell_to_str, lonlat_to_cell, str_to_cell
from services.access import require_role, require_territory
from spo.model import FORMAL_STATES, ProgressReport, Spo, SpoLine
from spo.values import value_amount
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


def _committed_lines(store: Store, territory_code: str) -> Iterator[tuple[Spo, SpoLine]]:
    for spo in store.iter_all(Spo):
        if spo.state in FORMAL_STATES:
            for line in spo.lines:
                if line.territory_code == territory_code:
                    yield spo, line


def _delivered(store: Store, spo_id: str) -> dict[str, float]:
    by_line: dict[str, float] = defaultdict(float)
    for report in store.iter_all(ProgressReport, spo_id=spo_id):
        by_line[report.line_id] += report.amount
    return by_line


def cell_of(lon: float, lat: float, resolution: int) -> str:
    """The H3 cell (hex) of a point (via :mod:`geo.cells`, the one place that says lat, lng)."""
    return cell_to_str(lonlat_to_cell(lon, lat, resolution))


def cell_polygon(cell: str) -> Polygon:
    """An H3 cell's boundary as a lon, lat polygon."""
    return cell_to_polygon(str_to_cell(cell))


def aggregate(
    store: Store,
    viewer: Account | None,
    territory_code: str,
    *,
    level: Level = "la",
    resolution: int = 7,
) -> list[Aggregate]:
    """Per local authority (every LA of the territory, gaps included) or per H3 cell."""
    territory = _territory_for(store, viewer, territory_code)
    if not 0 <= resolution <= 12:
        raise InvalidInput("H3 resolution must be between 0 and 12")
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

    _count_activities(store.activities_in_area(territory.code), row_for)
    delivered: dict[str, dict[str, float]] = {}
    for spo, line in _committed_lines(store, territory.code):
        row = row_for(line.lon, line.lat, line.local_authority_code)
        if row is None:
            continue
        row.spo_lines += 1
        row.committed_gbp += value_amount(line.support_type, line.unit, line.amount) or 0.0
        if spo.id not in delivered:
            delivered[spo.id] = _delivered(store, spo.id)
        done = delivered[spo.id].get(line.id, 0.0)
        row.delivered_gbp += value_amount(line.support_type, line.unit, done) or 0.0
    return sorted(rows.values(), key=lambda r: r.key)


def _la_row(la: LocalAuthority) -> Aggregate:
    return Aggregate(
        la.code, la.name, la.code, la.territory_code, la.region_code, geometry=la.geometry
    )


def _count_activities(activities: list[Activity], row_for: RowFor) -> None:
    for activity in activities:
        if activity.validation_status is not ValidationStatus.VALIDATED or not activity.active:
            continue
        row = row_for(activity.location.x, activity.location.y, activity.local_authority_code)
        if row is not None:
            row.activities += 1
            row.activities_at_risk += int(activity.at_risk)


def coverage_gaps(store: Store, viewer: Account | None, territory_code: str) -> list[Aggregate]:
    """Local authorities of the territory, gaps (no activity or no committed value) first."""
    rows = aggregate(store, viewer, territory_code, level="la")
    return sorted(rows, key=lambda r: (not r.is_gap, r.committed_gbp, r.activities, r.key))
