"""The PCC office's pages: committed and delivered £ by plan priority against the plan, by local
authority and by period; the H3 heatmap; avoided-cost ranges; drill-down from a hexagon or a
local authority to the SPOs behind it; the CSV export.

Every £ is the one measure (:func:`services.spo.figures.gather_figures` over
:mod:`spo.measure`): the areas and hexagons are ``services.analytics.aggregate`` (the answer of
``GET /territories/{code}/heatmap``), the avoided costs ``territory_avoided_costs`` (``GET
/territories/{code}/avoided-costs``) and the export the social value report, so the page, the
API and the report never disagree. Who may read it is the heatmap endpoint's rule
(``analytics.readable_territory``: the territory's PCC office, a buyer buying for it, admins).
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.errors import InvalidInput, NotFound
from domain.model import Account, Activity, LocalAuthority, PolicePlan, Supplier, Territory
from domain.vocabulary import THEMES
from geo.cells import str_to_cell
from maps.heatmap import SCALE, class_breaks
from services.access import can_see_activity, require_actor
from services.analytics import Aggregate, aggregate, cell_of, readable_territory
from services.pages.outlines import area_outlines
from services.spo.figures import Figures, Filters, gather_figures, parse_filters
from services.spo.reports import social_value_report, territory_avoided_costs
from spo.measure import LineValue, Totals, parse_period, totals
from spo.model import Spo
from store.port import Store

#: the heatmap's H3 resolution (territory heatmaps: res 7, as the map page)
RESOLUTION = 7


@dataclass(frozen=True)
class PriorityRow:
    """One priority's £ against its place in the plan."""

    theme: str
    title: str
    plan_share: float | None  # the priority's weight over the plan's weights; None: off-plan
    committed_gbp: float
    delivered_gbp: float
    committed_share: float  # of all committed £ in the selection

    @property
    def words(self) -> str:
        """How the committed share compares with the plan's share, in words."""
        if self.plan_share is None:
            return "Not a plan priority"
        gap = self.committed_share - self.plan_share
        if abs(gap) < 0.05:
            return "In line with the plan"
        return "Above its plan share" if gap > 0 else "Below its plan share"


@dataclass(frozen=True)
class PeriodRow:
    """Committed and delivered £ in one quarter."""

    label: str
    committed_gbp: float
    delivered_gbp: float


@dataclass(frozen=True)
class Dashboard:
    """Everything the PCC dashboard shows for one priority and period selection."""

    territory: Territory
    plan: PolicePlan | None
    filters: Filters
    figures: Figures
    priorities: list[PriorityRow]
    areas: list[Aggregate]
    cells: list[Aggregate]
    periods: list[PeriodRow]
    avoided: dict[str, Any]
    period_choices: list[str]
    outlines: dict[str, object]  # the territory's local authorities (drill-down by area)

    @property
    def totals(self) -> Totals:
        return self.figures.totals

    @property
    def priority_choices(self) -> list[tuple[str, str]]:
        """Plan priorities first (in the plan's order), then every other theme."""
        themes = dict.fromkeys(p.theme for p in self.plan.priorities) if self.plan else {}
        planned = [(t, THEMES.get(t, t)) for t in themes]
        rest = sorted(
            ((c, t) for c, t in THEMES.items() if c not in dict(planned)), key=lambda x: x[1]
        )
        return [*planned, *rest]

    @property
    def period_pairs(self) -> list[tuple[str, str]]:
        """(value, words) of the period select: "2027" is the year, "2027-Q1" its quarter."""
        return [(p, p if "-" in p else f"{p} (whole year)") for p in self.period_choices]

    @property
    def priority_words(self) -> str:
        """The chosen priority in words ("" for all)."""
        return THEMES.get(self.filters.priority or "", self.filters.priority or "")

    @property
    def breaks(self) -> list[float]:
        """Upper bounds of the committed-£ classes of the hexagons (the heatmap page's)."""
        return class_breaks(max((c.committed_gbp for c in self.cells), default=0.0) or 1.0)

    @property
    def legend(self) -> list[tuple[str, str]]:
        """(colour, words) of each class: the map's key, and the words beside each hexagon."""
        breaks = self.breaks
        lows = [0.0, *breaks[:-1]]
        return [
            (colour, f"£{low:,.0f} to £{high:,.0f}")
            for colour, low, high in zip(SCALE, lows, breaks, strict=True)
        ]

    def fill_of(self, committed_gbp: float) -> str:
        """The colour of a hexagon's class (darker: more committed £)."""
        for colour, upper in zip(SCALE, self.breaks, strict=True):
            if committed_gbp <= upper:
                return colour
        return SCALE[-1]

    def cells_geojson(self) -> dict[str, object]:
        """The hexagons with £ or activities as GeoJSON polygons (id: the H3 cell)."""
        features = []
        for cell in self.cells:
            if cell.geometry is None:
                continue
            ring = [[round(x, 6), round(y, 6)] for x, y in cell.geometry.exterior.coords]  # type: ignore[union-attr]
            features.append(
                {
                    "type": "Feature",
                    "id": cell.key,
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                    "properties": {
                        "fill": self.fill_of(cell.committed_gbp),
                        "label": f"£{cell.committed_gbp:,.0f} committed, "
                        f"£{cell.delivered_gbp:,.0f} delivered, {cell.activities} activities",
                        "committed_gbp": round(cell.committed_gbp, 2),
                        "delivered_gbp": round(cell.delivered_gbp, 2),
                        "activities": cell.activities,
                    },
                }
            )
        return {"type": "FeatureCollection", "features": features}


def territory_of(viewer: Account | None, territory_code: str | None) -> str:
    """The territory asked for, else the viewer's own (a PCC office's); ``InvalidInput``
    when neither names one (an admin names it)."""
    code = territory_code or require_actor(viewer).territory_code
    if not code:
        raise InvalidInput("name the territory: this account is not tied to one")
    return code


def period_choices(today: date) -> list[str]:
    """Years and quarters a selection may name: two years back to two ahead of ``today``."""
    years = range(today.year - 2, today.year + 3)
    return [p for y in years for p in (str(y), *(f"{y}-Q{q}" for q in range(1, 5)))]


def _title(theme: str, headings: list[str]) -> str:
    """The theme in words, after the plan's own heading(s) for it when it has some."""
    words = THEMES.get(theme, theme)
    named = "; ".join(dict.fromkeys(headings))
    return f"{named} ({words})" if named and named != words else words


def _priority_rows(plan: PolicePlan | None, rows: tuple[LineValue, ...]) -> list[PriorityRow]:
    committed: dict[str, float] = defaultdict(float)
    delivered: dict[str, float] = defaultdict(float)
    for r in rows:
        committed[r.priority] += r.committed_gbp
        delivered[r.priority] += r.delivered_gbp
    total = sum(committed.values())
    weights: dict[str, float] = defaultdict(float)
    titles: dict[str, list[str]] = defaultdict(list)
    for p in plan.priorities if plan else ():
        weights[p.theme] += p.weight  # a plan may name one theme under several headings
        titles[p.theme].append(p.title)
    weight_sum = sum(weights.values()) or 1.0
    themes = [*weights, *sorted(t for t in committed.keys() | delivered.keys() if t not in weights)]
    return [
        PriorityRow(
            theme,
            _title(theme, titles.get(theme, [])),
            weights[theme] / weight_sum if theme in weights else None,
            round(committed[theme], 2),
            round(delivered[theme], 2),
            committed[theme] / total if total else 0.0,
        )
        for theme in themes
    ]


def _period_rows(store: Store, code: str, filters: Filters, today: date) -> list[PeriodRow]:
    year = int(filters.period.label[:4]) if filters.period else today.year
    out = []
    for q in range(1, 5):
        period = parse_period(f"{year}-Q{q}")
        found = gather_figures(store, Filters(filters.priority, period), territory_code=code)
        t = found.totals
        out.append(PeriodRow(period.label, t.committed_gbp, t.delivered_gbp))
    return out


def dashboard(
    store: Store,
    viewer: Account | None,
    territory_code: str | None = None,
    *,
    priority: str | None = None,
    period: str | None = None,
    today: date,
) -> Dashboard:
    """The dashboard for the viewer's territory (or the one named), for one priority (theme
    code, or all) and period (``2026`` or ``2026-Q4``); ``InvalidInput`` for unknown ones."""
    code = territory_of(viewer, territory_code)
    territory = readable_territory(store, viewer, code)
    filters = parse_filters(priority, period)
    plan = store.current_plan(code)
    by_priority = gather_figures(store, Filters(period=filters.period), territory_code=code)
    figures = gather_figures(store, filters, territory_code=code)
    p, q = filters.priority, filters.period.label if filters.period else None
    areas = aggregate(store, viewer, code, level="la", priority=p, period=q)
    cells = aggregate(store, viewer, code, level="h3", resolution=RESOLUTION, priority=p, period=q)
    return Dashboard(
        territory,
        plan,
        filters,
        figures,
        _priority_rows(plan, by_priority.rows),
        areas.rows,
        [c for c in cells.rows if c.committed_gbp or c.delivered_gbp or c.activities],
        _period_rows(store, code, filters, today),
        territory_avoided_costs(store, viewer, code, priority=p, period=q),
        period_choices(today),
        area_outlines(store, [code]),
    )


# --- drill-down -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpoBehind:
    """A formalised SPO with lines in the hexagon or area, and its £ there."""

    spo: Spo
    supplier_name: str
    activities: list[str]  # names the viewer may see ("an activity no longer listed" otherwise)
    lines: int
    committed_gbp: float
    delivered_gbp: float


@dataclass(frozen=True)
class DrillDown:
    """The SPOs behind one hexagon or local authority for a selection."""

    territory: Territory
    filters: Filters
    kind: str  # "cell" or "area"
    key: str
    label: str
    spos: list[SpoBehind]
    totals: Totals


def _activity_name(store: Store, viewer: Account | None, activity_id: str) -> str:
    try:
        activity = store.get(Activity, activity_id)
    except NotFound:
        return "an activity no longer listed"
    return activity.name if can_see_activity(viewer, activity) else "an activity no longer listed"


def _spos_behind(store: Store, viewer: Account | None, rows: list[LineValue]) -> list[SpoBehind]:
    by_spo: dict[str, list[LineValue]] = defaultdict(list)
    for r in rows:
        by_spo[r.spo_id].append(r)
    out = []
    for spo_id, lines in sorted(by_spo.items()):
        spo = store.get(Spo, spo_id)
        supplier = spo.supplier_id
        with contextlib.suppress(NotFound):
            supplier = store.get(Supplier, spo.supplier_id).name
        t = totals(lines)
        names = sorted({_activity_name(store, viewer, r.activity_id) for r in lines})
        out.append(SpoBehind(spo, supplier, names, len(lines), t.committed_gbp, t.delivered_gbp))
    return sorted(out, key=lambda s: (-s.committed_gbp, s.spo.id))


def drill_down(
    store: Store,
    viewer: Account | None,
    territory_code: str | None = None,
    *,
    cell: str | None = None,
    area: str | None = None,
    priority: str | None = None,
    period: str | None = None,
    today: date,
) -> DrillDown:
    """The formalised SPOs whose lines lie in H3 ``cell`` (res 7) or local authority ``area``
    of the territory, with their £ there: the rows that make that hexagon's or area's figure."""
    code = territory_of(viewer, territory_code)
    territory = readable_territory(store, viewer, code)
    filters = parse_filters(priority, period)
    if (cell is None) == (area is None):
        raise InvalidInput("name one hexagon (cell) or one local authority (area)")
    figures = gather_figures(store, filters, territory_code=code)
    if cell is not None:
        try:
            str_to_cell(cell)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
        key, kind, label = cell.strip().lower(), "cell", f"hexagon {cell.strip().lower()}"
        rows = [
            r
            for r in figures.rows
            if r.lon is not None and r.lat is not None and cell_of(r.lon, r.lat, RESOLUTION) == key
        ]
    else:
        la = store.get(LocalAuthority, str(area))
        if la.territory_code != code:
            raise NotFound(f"no local authority {area!r} in {territory.name}")
        key, kind, label = la.code, "area", la.name
        rows = [r for r in figures.rows if r.local_authority_code == la.code]
    return DrillDown(
        territory, filters, kind, key, label, _spos_behind(store, viewer, rows), totals(rows)
    )


# --- export -----------------------------------------------------------------------------------


def export_csv(
    store: Store,
    viewer: Account | None,
    territory_code: str | None = None,
    *,
    priority: str | None = None,
    period: str | None = None,
) -> tuple[str, str]:
    """(file name, CSV text) of the territory's social value report for the selection: the
    report ``GET /reports/social-value?format=csv`` gives the same viewer."""
    code = territory_of(viewer, territory_code)
    readable_territory(store, viewer, code)
    report = social_value_report(
        store, viewer, territory_code=code, period=period, priority=priority
    )
    f = report.figures.filters
    parts = [code, f.priority or "all-priorities", f.period.label if f.period else "all-periods"]
    return f"social-value-{'-'.join(parts)}.csv", report.to_csv()
