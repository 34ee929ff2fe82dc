"""Map pages from the store: gather the builders' plain inputs, build, render. FastAPI-free, so
the HTTP routes and ``dicm map`` share it.

Social value in £ is the one measure (``services.spo.figures``): every support type of every
formalised, verified SPO in pounds with the open proxies, the same figures the coverage and
heatmap endpoints and the social value report give; a tampered SPO is left out and named in a
notice on the page. Need comes from an indicator keyed by local-authority code (e.g. IMD 2019
average score) imported with ``dicm import indicator`` when there is one; without one every
area has the same need and the gap shows provision only.

Who may open a page is the rule of the API resource it draws: the supplier finder is
``GET /suppliers/{id}/matches`` (the supplier itself, buyers, admins), the coverage and heatmap
pages are ``GET /territories/{code}/coverage|heatmap`` (the territory's PCC office, a buyer
buying for it, admins), the SPO map is the SPO (public once awarded). The check comes before any
data is gathered, so a refused caller costs no map building.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import folium

from domain.errors import NotFound
from domain.model import Account, Activity, LocalAuthority, Supplier, Territory
from domain.vocabulary import THEMES
from maps.coverage import coverage_map
from maps.heatmap import heatmap_map
from maps.page import TileSpec, render_page
from maps.records import (
    ActivityPoint,
    AreaCoverage,
    MatchRecord,
    Outline,
    SpoLink,
    ValuePoint,
)
from maps.spo import spo_map
from maps.supplier import supplier_map
from services.access import visible_spo
from services.analytics import readable_territory
from services.directory import get_supplier
from services.imports import list_indicators, load_indicator
from services.need_indicators import need_indicator
from services.plans import plan_in_force
from services.recommender_cache import RecommenderCache
from services.seal import verified
from services.settings import ServiceSettings
from services.spo.figures import Figures, Filters, gather_figures, parse_filters
from spo.impact import estimate_impact
from spo.measure import counted_reports, measure_spo
from spo.model import FORMAL_STATES, ProgressReport, Spo
from spo.progress import delivered_by_line
from spo.reporting import avoided_range
from spo.values import proxy_note
from store.port import ActivityQuery, Store

DEFAULT_REACH_M = 25_000.0
DEFAULT_MAX_ACTIVITIES = 500


def tiles_from_settings(settings: ServiceSettings) -> TileSpec | None:
    """The configured background tiles, or None (the default: no tile layer at all)."""
    url = settings.maps.tiles_url
    return TileSpec(url, settings.maps.tiles_attribution) if url else None


def matching_recommender(
    store: Store,
    supplier: Supplier,
    reach_m: float,
    k: int,
    *,
    cache: RecommenderCache,
    need_by_area: Mapping[str, float] | None = None,
) -> list[MatchRecord]:
    """The ranking of ``GET /suppliers/{id}/matches``: the same fitted recommender
    (``services.recommendations.recommend``, every recommendable activity of the store, the current
    plans, the need indicator), so the page and the endpoint agree place for place."""
    from matching.recommender import MAX_K
    from services.recommendations import recommend, recommended_activities

    if not supplier.sites:
        return []
    found = recommend(
        store,
        supplier,
        cache=cache,
        k=max(1, min(k, MAX_K)),
        radius_m=reach_m,
        need_by_area=need_by_area,
    )
    activities = recommended_activities(store, found, cache=cache, need_by_area=need_by_area)
    return [
        MatchRecord(m.rank, activities[m.activity_id], m.distance_m, m.score, m.explanation)
        for m in found.matches
    ]


def _outlines_for(store: Store, territory_codes: Sequence[str]) -> list[Outline]:
    out: list[Outline] = []
    for code in dict.fromkeys(c for c in territory_codes if c):
        try:
            t = store.get(Territory, code)
        except NotFound:
            continue
        if t.geometry is not None:
            out.append(Outline(t.code, t.name, t.geometry, kind="territory"))
        for la in store.iter_all(LocalAuthority, territory_code=code):
            if la.geometry is not None:
                out.append(Outline(la.code, la.name, la.geometry))
    return out


def supplier_page(
    store: Store,
    settings: ServiceSettings,
    supplier_id: str,
    *,
    reach_m: float = DEFAULT_REACH_M,
    k: int = DEFAULT_MAX_ACTIVITIES,
    cache: RecommenderCache,
    viewer: Account | None = None,
    inline: bool = False,
    need: str | None = None,
) -> str:
    """The supplier-finder page, for the supplier's own accounts, buyers and admins (as its
    matches endpoint); ``NotFound`` for an unknown supplier or another supplier's. Ranked by
    the endpoint's recommender (``matching_recommender``, the fitted state in ``cache``) with
    the same need indicator (``need`` names one, default the latest imported)."""
    supplier = get_supplier(store, viewer, supplier_id)
    weighed = need_indicator(settings, need, cache=cache)
    matches = matching_recommender(store, supplier, reach_m, k, cache=cache, need_by_area=weighed)
    territories = [
        store.locate(s.location.x, s.location.y).territory_code or "" for s in supplier.sites
    ]
    m = supplier_map(
        supplier,
        matches,
        reach_m=reach_m,
        outlines=_outlines_for(store, territories),
        tiles=tiles_from_settings(settings),
    )
    return render_page(m, inline=inline)


def value_points(figures: Figures) -> list[ValuePoint]:
    """Committed and delivered £ of every measured line that has a place. With a period
    filter, each point is labelled with that period (the figures are already the period's)."""
    label = figures.filters.period.label if figures.filters.period else None
    return [
        ValuePoint(
            r.lon,
            r.lat,
            r.priority,
            label or r.committed_period,
            r.committed_gbp,
            r.delivered_gbp,
            r.local_authority_code,
        )
        for r in figures.rows
        if r.lon is not None and r.lat is not None
    ]


def avoided_cost_note(store: Store, activity_ids: Iterable[str]) -> list[str]:
    """The indicative avoided-cost range of some activities as page text: always low–high,
    fiscal apart from wider social, with each unit cost's source and price year."""
    evidence = {}
    for a in sorted(set(activity_ids)):
        try:
            evidence[a] = store.get(Activity, a).evidence
        except NotFound:
            continue
    estimates = [estimate_impact(e) for e in evidence.values()]
    span = avoided_range(estimates)
    if not any(e.items for e in estimates):
        return ["Avoided costs: no reported outcome has a published unit cost here."]
    sources = sorted(
        {f"{i.unit_cost.source} ({i.unit_cost.price_year})" for e in estimates for i in e.items}
    )
    return [
        f"Indicative avoided cost per year: fiscal £{span.fiscal_low_gbp:,.0f} – "
        f"£{span.fiscal_high_gbp:,.0f}; wider social £{span.social_low_gbp:,.0f} – "
        f"£{span.social_high_gbp:,.0f}. Unit costs: {'; '.join(sources)}."
    ]


def figure_notes(figures: Figures) -> list[str]:
    """Notices for a page: SPOs left out because their lock no longer verifies."""
    if not figures.tampered:
        return []
    ids = ", ".join(figures.tampered)
    return [f"Left out of every figure: SPO {ids} failed its tamper check (edited after lock)."]


def _territory_priorities(store: Store, territory_code: str) -> list[str]:
    plan = plan_in_force(store, territory_code)
    return [p.theme for p in plan.priorities] if plan else []


def coverage_inputs(
    store: Store,
    territory_code: str,
    priorities: Sequence[str],
    need_by_code: Mapping[str, float] | None = None,
    figures: Figures | None = None,
) -> dict[str, list[AreaCoverage]]:
    """Per priority, each local authority's need and provision (validated activities, £)."""
    las = [
        la
        for la in store.iter_all(LocalAuthority, territory_code=territory_code)
        if la.geometry is not None
    ]
    acts = store.activities_in_area(territory_code, query=ActivityQuery(recommendable_only=True))
    figures = figures or gather_figures(store, territory_code=territory_code)
    points = value_points(figures)
    by_la = {la.code: la for la in las}
    out: dict[str, list[AreaCoverage]] = {}
    for priority in priorities:
        counts = _count_by_la(acts, priority)
        committed, delivered = _value_by_la(points, priority, by_la)
        out[priority] = [
            AreaCoverage(
                la.code,
                la.name,
                la.geometry,  # type: ignore[arg-type]
                # no indicator at all: every area equal, the gap shows provision only;
                # an indicator without this area: no need data (not "least need")
                need=1.0 if need_by_code is None else need_by_code.get(la.code),
                validated_activities=counts.get(la.code, 0),
                committed_gbp=committed.get(la.code, 0.0),
                delivered_gbp=delivered.get(la.code, 0.0),
            )
            for la in las
        ]
    return out


def _count_by_la(acts: Sequence[Activity], priority: str) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for a in acts:
        if a.local_authority_code and (priority == "all" or priority in a.themes):
            counts[a.local_authority_code] += 1
    return counts


def _value_by_la(
    points: Sequence[ValuePoint], priority: str, las: Mapping[str, LocalAuthority]
) -> tuple[dict[str, float], dict[str, float]]:
    committed: dict[str, float] = defaultdict(float)
    delivered: dict[str, float] = defaultdict(float)
    for p in points:
        if priority != "all" and p.priority != priority:
            continue
        code = p.local_authority_code
        if code is not None and code in las:
            committed[code] += p.committed_gbp
            delivered[code] += p.delivered_gbp
    return committed, delivered


def resolve_need(
    settings: ServiceSettings, name: str | None
) -> tuple[dict[str, float] | None, str]:
    """The need indicator to shade by and its legend label: the one named, else the only one
    imported (``dicm import indicator``); none means the gap shows provision only."""
    if name is None:
        available = list_indicators(settings)
        if len(available) != 1:
            hint = "choose one with need=NAME" if available else "none imported"
            return None, f"no need indicator ({hint}): provision only"
        name = available[0]
    return load_indicator(settings, name), f"indicator {name}"


def coverage_page(
    store: Store,
    settings: ServiceSettings,
    territory_code: str,
    *,
    priority: str | None = None,
    need: str | None = None,
    period: str | None = None,
    viewer: Account | None = None,
    inline: bool = False,
) -> str:
    """The buyer coverage-gap page for a territory; one layer per plan priority (or the one
    asked for), plus "all"; ``need`` names an imported indicator (``NotFound`` if absent).
    For whoever may read the territory's coverage endpoint."""
    territory = readable_territory(store, viewer, territory_code)
    filters = parse_filters(priority, period)
    need_by_code, label = resolve_need(settings, need)
    priorities = [priority] if priority else [*_territory_priorities(store, territory_code), "all"]
    figures = gather_figures(store, Filters(period=filters.period), territory_code=territory_code)
    inputs = coverage_inputs(store, territory_code, priorities, need_by_code, figures)
    labels = {p: THEMES.get(p, "All priorities" if p == "all" else p) for p in priorities}
    outline = (
        [Outline(territory.code, territory.name, territory.geometry, kind="territory")]
        if territory.geometry is not None
        else []
    )
    m = coverage_map(
        inputs,
        priority_labels=labels,
        need_label=label,
        outlines=outline,
        title=f"Coverage gaps: {territory.name}"
        + (f" · {filters.period.label}" if filters.period else ""),
        tiles=tiles_from_settings(settings),
        notes=[*([figures.empty_message] if figures.empty_message else []), *figure_notes(figures)],
    )
    return render_page(m, inline=inline)


def heatmap_page(
    store: Store,
    settings: ServiceSettings,
    territory_code: str,
    *,
    priority: str | None = None,
    period: str | None = None,
    viewer: Account | None = None,
    inline: bool = False,
) -> str:
    """The PCC heatmap page for a territory, for whoever may read its heatmap endpoint."""
    territory = readable_territory(store, viewer, territory_code)
    filters = parse_filters(priority, period)
    figures = gather_figures(store, filters, territory_code=territory_code)
    acts = store.activities_in_area(territory_code)
    m: folium.Map = heatmap_map(
        value_points(figures),
        [ActivityPoint(a.location.x, a.location.y, a.themes) for a in acts],
        territory=(
            Outline(territory.code, territory.name, territory.geometry, kind="territory")
            if territory.geometry is not None
            else None
        ),
        priority=filters.priority,
        period=filters.period.label if filters.period else None,
        tiles=tiles_from_settings(settings),
        notes=[
            *figure_notes(figures),
            *avoided_cost_note(store, (r.activity_id for r in figures.rows)),
        ],
    )
    return render_page(m, inline=inline)


def visible_spo_for_map(store: Store, viewer: Account | None, spo_id: str) -> Spo:
    """A formalised SPO is part of an awarded public contract: anyone may see its map. A bid
    still in competition (draft, submitted, scored) or one that lost is shown only to those
    who may read the SPO itself (``NotFound`` otherwise, so its existence does not leak)."""
    spo = verified(store, store.get(Spo, spo_id))
    if spo.state in FORMAL_STATES:
        return spo
    return visible_spo(store, viewer, spo_id)


def spo_page(
    store: Store,
    settings: ServiceSettings,
    spo_id: str,
    *,
    viewer: Account | None = None,
    inline: bool = False,
) -> str:
    """The SPO page: lines from the supplier's sites to the activities it supports."""
    spo = visible_spo_for_map(store, viewer, spo_id)
    supplier = store.get(Supplier, spo.supplier_id)
    reports = list(store.iter_all(ProgressReport, spo_id=spo.id))
    delivered = delivered_by_line(counted_reports(reports, date.today()), date.today())
    measured = {r.line_id: r for r in measure_spo(spo, reports, as_of=date.today())}
    links = []
    for line in spo.lines:
        activity = store.get(Activity, line.activity_id)
        row = measured.get(line.id)
        links.append(
            SpoLink(
                activity.id,
                activity.name,
                activity.location.x,
                activity.location.y,
                line.support_type.value,
                line.amount,
                line.unit,
                line.priority,
                delivered.get(line.id, 0.0),
                committed_gbp=row.committed_gbp if row and row.valued else None,
                delivered_gbp=row.delivered_gbp if row and row.valued else None,
                proxy_note=proxy_note(row.proxy) if row and row.proxy else "",
            )
        )
    territories = [line.territory_code or "" for line in spo.lines]
    m = spo_map(
        supplier,
        links,
        outlines=_outlines_for(store, territories),
        title=f"SPO {spo.title or spo.id}: {supplier.name}",
        tiles=tiles_from_settings(settings),
        notes=avoided_cost_note(store, (line.activity_id for line in spo.lines)),
    )
    return render_page(m, inline=inline)
