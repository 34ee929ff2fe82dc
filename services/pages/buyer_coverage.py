"""The coverage-gap view: the buyer's territory's local authorities ranked by need against
provision, for one plan priority and one need indicator, as a list and as map shapes.

The gap is :func:`maps.coverage.compute_gaps` over :func:`services.maps.coverage_inputs`, the
computation of the coverage map page, so the list a buyer reads is the map it sees. Every row
carries its gap in words (never colour alone) and its bounding box, for the list to zoom to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import shapely

from domain.errors import InvalidInput
from domain.model import Account, Buyer, Territory
from domain.vocabulary import THEMES, Role
from geo.validity import snap_to_grid
from maps.coverage import Gap, compute_gaps, gap_colour, gap_label
from services.access import require_role
from services.analytics import readable_territory
from services.imports import list_indicators, load_indicator
from services.maps import coverage_inputs
from services.settings import ServiceSettings
from store.port import Store

#: display simplification of area outlines (degrees; about 200 m)
SIMPLIFY_DEG = 0.002


@dataclass(frozen=True)
class GapRow:
    """One local authority's gap as the list shows it."""

    code: str
    name: str
    gap: float | None
    label: str
    colour: str
    need: float | None
    activities: int
    committed_gbp: float
    delivered_gbp: float
    bbox: tuple[float, float, float, float]  # lon_min, lat_min, lon_max, lat_max


@dataclass(frozen=True)
class CoverageView:
    """The territory, the chosen controls and their options, the rows and the map's shapes."""

    territory: Territory
    priority: str  # a theme code or "all"
    indicator: str | None
    priorities: tuple[tuple[str, str], ...]  # (code, label), plan priorities first
    indicators: tuple[str, ...]
    rows: tuple[GapRow, ...]
    geojson: str  # FeatureCollection of the rows' areas, properties code/name/label/colour

    @property
    def bbox(self) -> tuple[float, float, float, float] | None:
        if not self.rows:
            return None
        return (
            min(r.bbox[0] for r in self.rows),
            min(r.bbox[1] for r in self.rows),
            max(r.bbox[2] for r in self.rows),
            max(r.bbox[3] for r in self.rows),
        )


def _territory_code(store: Store, viewer: Account | None, asked: str | None) -> str:
    actor = require_role(viewer, Role.BUYER)
    if asked:
        return asked
    code = actor.territory_code
    if code is None and actor.organisation_id:
        code = store.get(Buyer, actor.organisation_id).territory_code
    if code is None:
        raise InvalidInput("choose a territory: this buyer buys for no territory")
    return code


def _row(g: Gap) -> GapRow:
    a = g.area
    lon_min, lat_min, lon_max, lat_max = a.geometry.bounds
    return GapRow(
        a.code,
        a.name,
        g.gap,
        gap_label(g.gap),
        gap_colour(g.gap),
        a.need,
        a.validated_activities,
        round(a.committed_gbp, 2),
        round(a.delivered_gbp, 2),
        (lon_min, lat_min, lon_max, lat_max),
    )


def _feature(g: Gap, row: GapRow) -> dict[str, Any]:
    shape = snap_to_grid(g.area.geometry.simplify(SIMPLIFY_DEG, preserve_topology=True), 1e-5)
    return {
        "type": "Feature",
        "id": row.code,
        "geometry": json.loads(shapely.to_geojson(shape)),
        "properties": {
            "code": row.code,
            "name": row.name,
            "label": row.label,
            "colour": row.colour,
        },
    }


def coverage_view(
    store: Store,
    settings: ServiceSettings,
    viewer: Account | None,
    *,
    territory_code: str | None = None,
    priority: str | None = None,
    indicator: str | None = None,
) -> CoverageView:
    """Gaps in the buyer's territory (or one it may read) for ``priority`` (a theme code, or
    all) shaded by ``indicator`` (an imported need indicator; default the only or first one)."""
    territory = readable_territory(store, viewer, _territory_code(store, viewer, territory_code))
    plan = store.current_plan(territory.code)
    plan_themes = [p.theme for p in plan.priorities] if plan else []
    choice = priority or "all"
    if choice != "all" and choice not in THEMES:
        raise InvalidInput(f"unknown priority {choice!r}: use a theme code")
    indicators = tuple(list_indicators(settings))
    name = indicator or (indicators[0] if indicators else None)
    need = load_indicator(settings, name) if name else None
    areas = coverage_inputs(store, territory.code, [choice], need)[choice]
    gaps = compute_gaps(areas)
    rows = [_row(g) for g in gaps]
    shapes = {
        "type": "FeatureCollection",
        "features": [_feature(g, r) for g, r in zip(gaps, rows, strict=True)],
    }
    others = sorted(c for c in THEMES if c not in plan_themes)
    options = [(c, THEMES[c]) for c in plan_themes] + [("all", "All priorities")]
    options += [(c, THEMES[c]) for c in others]
    return CoverageView(
        territory,
        choice,
        name,
        tuple(options),
        indicators,
        tuple(rows),
        json.dumps(shapes, separators=(",", ":")),
    )
