"""Score one supplier's candidates, tier them, re-rank the best, and dress them as explained
matches (``matching.tiers`` for the hard rules, ``matching.diversity`` for the re-ranking).

The features that do not depend on the supplier (area fit, priority, local need,
sustainability, saturation, evidence) are a per-tender matrix computed once; per supplier only
proximity and offer fit are added. Single and batch requests run this same code per supplier,
so both give the same answers by construction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from domain.model import Activity, Need, Site, Supplier, Tender
from geo.sphere import FloatArray
from matching.bounds import CellBest, CellIndex, Search, best_candidates, cell_best
from matching.candidates import Candidates
from matching.diversity import DEFAULT_MARGIN, mmr_order
from matching.explain import ExplainInput, join_parts, static_parts
from matching.features import THEME_CODES, ActivityTable, IntArray, offer_coverage
from matching.priorities import PlanAlignment, TenderView
from matching.result import Match
from matching.tiers import pair_tiers, sort_key
from matching.weights import FEATURES

PROXIMITY = FEATURES.index("proximity")
OFFER_FIT = FEATURES.index("offer_fit")
#: per supplier offer set: need columns met, offer fit and "meets none" per need pattern
OfferFit = tuple[list[float], FloatArray, NDArray[np.bool_]]


@dataclass(frozen=True)
class Ranking:
    """How to turn candidates into a top k (hyper-parameters plus the request)."""

    weights: FloatArray
    k: int
    diversity: float
    max_per_provider: int | None
    pool_size: int
    half_distance_m: float
    radius_m: float = 25_000.0
    margin: float = DEFAULT_MARGIN
    hard_constraints: bool = True


@dataclass(frozen=True)
class Ranked:
    """One supplier's answer: the ranked matches and, apart, those outside the delivery area."""

    matches: list[Match]
    also_nearby: list[Match]


@dataclass(frozen=True)
class Scene:
    """Request-wide state: the fitted table, the tender (if any) and supplier-free features."""

    table: ActivityTable
    plan: PlanAlignment
    tender: Tender | None
    view: TenderView | None
    static_features: FloatArray  # (n, features); proximity and offer_fit columns are 0
    static_score: FloatArray  # static_features @ weights
    area_names: Mapping[str, str]
    explain_cache: dict[int, tuple[tuple[str, ...], tuple[str, ...]]]  # static parts per row
    offer_cache: dict[object, OfferFit]  # per (offers, sectors)
    priority: FloatArray  # static_features' priority column, contiguous (the bounds read it)
    priority_tier: NDArray[np.int8]  # ``tiers.priority_tiers`` of ``priority``
    bounds: dict[bool, CellBest]  # the best-first search's bounds, per ``hard_constraints``


def static_features(
    table: ActivityTable, plan: PlanAlignment, view: TenderView | None
) -> FloatArray:
    """The (activities, features) matrix of everything that does not depend on the supplier."""
    n = len(table)
    columns = {
        "area_fit": view.area_fit if view is not None else np.zeros(n),
        "priority": view.priority if view is not None else plan.value,
        "local_need": table.local_need,
        "sustainability": table.sustainability,
        "saturation": table.saturation,
        "evidence": table.evidence,
    }
    return np.column_stack([columns.get(name, np.zeros(n)) for name in FEATURES])


def pool_rows(key: FloatArray, activity: IntArray, id_rank: IntArray, size: int) -> IntArray:
    """The best ``size`` rows by ``key`` (ties by activity id), best first; deterministic."""
    if key.size > size:
        threshold = np.partition(key, key.size - size)[key.size - size]
        rows = np.flatnonzero(key >= threshold)
    else:
        rows = np.arange(key.size)
    order = np.lexsort((id_rank[activity[rows]], -key[rows]))
    return rows[order][:size]


def rank_supplier(
    scene: Scene,
    supplier: Supplier,
    cells: CellIndex,
    site_lon_lat: FloatArray,
    ranking: Ranking,
    exhaustive_below: float,
) -> tuple[Ranked, int]:
    """The tiered, diversified, explained top k of one supplier's candidates, the best of those
    within reach but outside the tender's delivery area (``matching.tiers``), and the number of
    candidates; the candidates scored are those ``matching.bounds`` finds best first (the
    answer of scoring them all, without scoring those that cannot reach it)."""
    fit = offer_fit(scene, supplier)
    offer_w = fit[1] * ranking.weights[OFFER_FIT]
    view = scene.view
    hard = ranking.hard_constraints
    best = scene.bounds.get(hard)
    if best is None:
        best = scene.bounds[hard] = cell_best(
            cells,
            scene.static_score,
            scene.priority,
            hard_constraints=hard,
            in_scope=view.in_scope if view is not None else None,
            in_reach=view.in_reach if view is not None else None,
        )
    request = Search(
        site_lon_lat=site_lon_lat,
        radius_m=ranking.radius_m,
        proximity_weight=float(ranking.weights[PROXIMITY]),
        half_distance_m=ranking.half_distance_m,
        offer=offer_w,
        helpless=fit[2] if hard else np.zeros(offer_w.size, dtype=np.bool_),
        need_inside=max(ranking.pool_size, ranking.k),
        need_outside=ranking.k if view is not None and hard else 0,
        in_reach=view.in_reach if view is not None else None,
        exhaustive_below=exhaustive_below,
    )

    def score(cand: Candidates) -> Scored:
        pattern = np.take(scene.table.need_pattern, cand.activity)
        return score_pairs(scene, ranking, cand, offer_w, fit[2], pattern)

    cand, scored, count = best_candidates(
        cells, best, scene.table.xyz_columns, request, score, sort_key
    )
    return finish_supplier(scene, supplier, supplier.sites, cand, ranking, fit, scored), count


def score_pairs(
    scene: Scene,
    ranking: Ranking,
    cand: Candidates,
    offer_w: FloatArray,
    helpless: NDArray[np.bool_],
    offer_row: IntArray,
) -> tuple[FloatArray, IntArray, NDArray[np.bool_]]:
    """Score, tier and "inside the delivery area" of (supplier, activity) pairs, element by
    element: ``offer_w`` / ``helpless`` hold the weighted offer fit and "meets none" of each
    offer row (a need pattern, or in a batch an offer set x need pattern), ``offer_row`` the
    row of each pair. One supplier's candidates or a whole batch's pairs give the same
    values for the same pair."""
    act = cand.activity
    w = ranking.weights
    # score = w_proximity * proximity + w_offer * offer_fit + (everything supplier-free)
    score = np.take(scene.static_score, act)
    score += w[PROXIMITY] * np.exp2(cand.distance_m * (-1.0 / ranking.half_distance_m))
    score += np.take(offer_w, offer_row)
    if ranking.hard_constraints:
        tier = pair_tiers(np.take(scene.priority_tier, act), np.take(helpless, offer_row))
        if scene.view is not None:
            inside = np.take(scene.view.in_scope, act)
        else:
            inside = np.ones(act.size, dtype=np.bool_)
    else:
        tier = np.zeros(act.size, dtype=np.intp)
        inside = np.ones(act.size, dtype=np.bool_)
    return score, tier, inside


Scored = tuple[FloatArray, IntArray, NDArray[np.bool_]]  # score, tier, inside per candidate
MmrInput = tuple[FloatArray, IntArray, FloatArray, IntArray]  # a pool for ``mmr_order``


@dataclass(frozen=True)
class Pool:
    """One supplier's re-ranking pool (candidate positions, best first), the places past it,
    the sort key and, with a tender, the candidates inside its delivery area."""

    pool: IntArray
    rest: IntArray
    key: FloatArray
    main: IntArray | None

    def mmr_input(self, scene: Scene, cand: Candidates, scored: Scored) -> MmrInput:
        """What ``mmr_order`` needs of the pool: scores, providers, themes and tiers."""
        act = cand.activity[self.pool]
        table = scene.table
        score, tier, _ = scored
        return score[self.pool], table.provider_code[act], table.theme_matrix[act], tier[self.pool]


def finish_supplier(
    scene: Scene,
    supplier: Supplier,
    sites: Sequence[Site],
    cand: Candidates,
    ranking: Ranking,
    fit: OfferFit,
    scored: Scored,
) -> Ranked:
    """One supplier's pool, re-ranking and explained matches from its scored candidates."""
    pool = supplier_pool(scene, cand, ranking, scored)
    scores, provider, themes, tier = pool.mmr_input(scene, cand, scored)
    reranked = mmr_order(
        scores,
        provider,
        themes,
        k=min(ranking.k, scores.size),
        diversity=ranking.diversity,
        max_per_provider=ranking.max_per_provider,
        margin=ranking.margin,
        tier=tier,
    )
    return dress_supplier(scene, supplier, sites, cand, ranking, fit, scored, pool, reranked)


def supplier_pool(scene: Scene, cand: Candidates, ranking: Ranking, scored: Scored) -> Pool:
    """The best ``pool_size`` candidates the re-ranking sees, and the places after them."""
    table = scene.table
    score, tier, inside = scored
    act = cand.activity
    key = sort_key(score, tier)
    main = np.flatnonzero(inside) if scene.view is not None else None
    # the re-ranking sees the best ``pool_size``; places past it follow in tier-and-score
    # order, so a longer list (the map page) starts with the same places as a short one
    size = max(ranking.pool_size, ranking.k)
    if main is None:
        ordered = pool_rows(key, act, table.id_rank, size)
    else:
        ordered = main[pool_rows(key[main], act[main], table.id_rank, size)]
    return Pool(ordered[: ranking.pool_size], ordered[ranking.pool_size :], key, main)


def dress_supplier(
    scene: Scene,
    supplier: Supplier,
    sites: Sequence[Site],
    cand: Candidates,
    ranking: Ranking,
    fit: OfferFit,
    scored: Scored,
    pool: Pool,
    reranked: IntArray,
) -> Ranked:
    """The explained matches from the re-ranked pool (``reranked``: positions in it), the
    places past the pool, and those within reach outside the tender's delivery area."""
    coverage, offer_by_pattern, _ = fit
    score, _, inside = scored
    chosen = pool.pool[reranked]
    picked = np.concatenate((chosen, pool.rest[: ranking.k - chosen.size])).astype(np.intp)
    context = (scene, supplier, sites, cand, ranking, coverage, offer_by_pattern, score)
    if pool.main is None:
        return Ranked(_dress(context, picked, _load(scene, cand, picked)), [])
    act, key = cand.activity, pool.key
    outside = np.flatnonzero(~inside & (cand.distance_m <= ranking.radius_m))
    nearby = outside[pool_rows(key[outside], act[outside], scene.table.id_rank, ranking.k)]
    loaded = _load(scene, cand, np.concatenate((picked, nearby)).astype(np.intp))
    return Ranked(
        _dress(context, picked, loaded[: picked.size]),
        _dress(context, nearby, loaded[picked.size :]),
    )


def _load(scene: Scene, cand: Candidates, picked: IntArray) -> list[Activity]:
    """The activities of the chosen candidates, in one read of the table's loader."""
    if picked.size == 0:
        return []
    return scene.table.activities_at(cand.activity[picked].tolist())


def _dress(
    context: tuple[
        Scene, Supplier, Sequence[Site], Candidates, Ranking, list[float], FloatArray, FloatArray
    ],
    picked: IntArray,
    activities: Sequence[Activity],
) -> list[Match]:
    """The chosen candidate rows (``activities``: theirs) as explained matches, ranks from 1."""
    scene, _, sites, cand, ranking, coverage, offer_by_pattern, score = context
    if picked.size == 0:
        return []
    table, w = scene.table, ranking.weights
    act = cand.activity
    top_act, distance = act[picked], cand.distance_m[picked]
    features = scene.static_features[top_act]
    features[:, PROXIMITY] = np.exp2(distance * (-1.0 / ranking.half_distance_m))
    features[:, OFFER_FIT] = offer_by_pattern[table.need_pattern[top_act]]
    weights = tuple(w.tolist())
    return [
        _match(rank, scene, a, row, sites[site], d, total, values, parts, coverage, weights)
        for rank, (a, row, site, d, total, values, parts) in enumerate(
            zip(
                activities,
                top_act.tolist(),
                cand.site[picked].tolist(),
                distance.tolist(),
                score[picked].tolist(),
                map(tuple, features.tolist()),
                map(tuple, (features * w).tolist()),
                strict=True,
            ),
            start=1,
        )
    ]


def offer_fit(scene: Scene, supplier: Supplier) -> OfferFit:
    """Which need columns the supplier's offers meet, the offer fit of each need pattern, and
    whether a pattern lists needs of which the supplier meets none; cached per distinct
    (offers, sectors), which many suppliers share."""
    key = (supplier.offers, supplier.sectors)
    found = scene.offer_cache.get(key)
    if found is None:
        table = scene.table
        coverage = offer_coverage(supplier, table.need_keys)
        met = table.need_patterns @ coverage
        helpless = (table.need_patterns.sum(axis=1) > 0.0) & (met == 0.0)
        found = (coverage.tolist(), met / table.need_count, helpless)
        if len(scene.offer_cache) >= 4_096:
            scene.offer_cache.clear()
        scene.offer_cache[key] = found
    return found


def _match(
    rank: int,
    scene: Scene,
    activity: Activity,
    act: int,
    site: Site,
    distance_m: float,
    score: float,
    values: tuple[float, ...],
    parts: tuple[float, ...],
    coverage: list[float],
    weights: tuple[float, ...],
) -> Match:
    met: list[Need] = []
    unmet: list[Need] = []
    columns = scene.table.need_column
    for need in activity.needs:
        # ``need_key(need)`` written out: ``support_type`` is already a ``SupportType``, and
        # the per-need enum call was ~6% of dressing a match (0.3 of 4.7 µs)
        column = columns.get((need.support_type, need.sector or None), -1)
        (met if column >= 0 and coverage[column] > 0.0 else unmet).append(need)
    cached = scene.explain_cache.get(act)
    if cached is None:
        cached = scene.explain_cache[act] = static_parts(_static_facts(scene, act))
    return Match(
        rank,
        activity.id,
        activity.name,
        activity.provider_id,
        score,
        distance_m,
        site.id,
        site.name,
        activity.territory_code,
        activity.local_authority_code,
        FEATURES,
        values,
        weights,
        parts,
        join_parts(distance_m, site.name, cached, met, unmet),
    )


def _static_facts(scene: Scene, act: int) -> ExplainInput:
    """The supplier-free facts of an activity's explanation (distance and needs left out)."""
    table, view, tender = scene.table, scene.view, scene.tender
    lot = int(view.lot_index[act]) if view is not None else -1
    theme = int(view.tender_theme[act]) if view is not None else -1
    code = table.territory_code(act)
    return ExplainInput(
        distance_m=0.0,
        site_name="",
        territory_name=scene.area_names.get(code, code) if code else None,
        lot_name=tender.lots[lot].name if tender is not None and lot >= 0 else None,
        in_delivery_area=bool(view.in_area[act]) if view is not None else False,
        outside=_outside_phrase(tender, view, act),
        plan_priority=scene.plan.title[act],
        plan_theme=scene.plan.theme[act],
        plan_by_text=bool(scene.plan.by_text[act]),
        tender_theme=THEME_CODES[theme] if theme >= 0 else None,
        at_risk=bool(table.at_risk[act]),
        funding_gap_gbp=float(table.funding_gap_gbp[act]),
        local_need=float(table.local_need[act]),
    )


def _outside_phrase(tender: Tender | None, view: TenderView | None, act: int) -> str | None:
    """What the activity is outside of, when it is outside what the tender delivers to."""
    if tender is None or view is None or bool(view.in_scope[act]):
        return None
    if tender.delivery_area is None and tender.lots:
        return "the tender's lots"
    return "the tender's delivery area"
