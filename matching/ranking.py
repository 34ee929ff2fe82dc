"""Score one supplier's candidates, re-rank the best, and dress them as explained matches.

The features that do not depend on the supplier (area fit, priority, local need,
sustainability, saturation, evidence) are a per-tender matrix computed once; per supplier only
proximity and offer fit are added. Single and batch requests run this same code per supplier,
so both give the same answers by construction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from domain.model import Need, Site, Supplier, Tender
from geo.sphere import FloatArray
from matching.candidates import Candidates
from matching.diversity import mmr_order
from matching.explain import ExplainInput, join_parts, static_parts
from matching.features import THEME_CODES, ActivityTable, IntArray, offer_coverage
from matching.priorities import PlanAlignment, TenderView
from matching.result import Match
from matching.weights import FEATURES

PROXIMITY = FEATURES.index("proximity")
OFFER_FIT = FEATURES.index("offer_fit")


@dataclass(frozen=True)
class Ranking:
    """How to turn candidates into a top k (hyper-parameters plus the request)."""

    weights: FloatArray
    k: int
    diversity: float
    max_per_provider: int | None
    pool_size: int
    half_distance_m: float


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
    offer_cache: dict[object, tuple[list[float], FloatArray]]  # per (offers, sectors)


def static_features(
    table: ActivityTable, plan: PlanAlignment, view: TenderView | None
) -> FloatArray:
    """The (activities, features) matrix of everything that does not depend on the supplier."""
    n = len(table.activities)
    columns = {
        "area_fit": view.area_fit if view is not None else np.zeros(n),
        "priority": view.priority if view is not None else plan.value,
        "local_need": table.local_need,
        "sustainability": table.sustainability,
        "saturation": table.saturation,
        "evidence": table.evidence,
    }
    return np.column_stack([columns.get(name, np.zeros(n)) for name in FEATURES])


def pool_rows(score: FloatArray, activity: IntArray, id_rank: IntArray, size: int) -> IntArray:
    """The best ``size`` rows by score (ties by activity id), best first; deterministic."""
    if score.size > size:
        threshold = np.partition(score, score.size - size)[score.size - size]
        rows = np.flatnonzero(score >= threshold)
    else:
        rows = np.arange(score.size)
    order = np.lexsort((id_rank[activity[rows]], -score[rows]))
    return rows[order][:size]


def rank_supplier(
    scene: Scene, supplier: Supplier, sites: Sequence[Site], cand: Candidates, ranking: Ranking
) -> list[Match]:
    """The diversified, explained top k of one supplier's candidates."""
    table, w = scene.table, ranking.weights
    coverage, offer_by_pattern = _offer_fit(scene, supplier)
    act = cand.activity
    # score = w_proximity * proximity + w_offer * offer_fit + (everything supplier-free)
    score = np.take(scene.static_score, act)
    score += w[PROXIMITY] * np.exp2(cand.distance_m * (-1.0 / ranking.half_distance_m))
    score += np.take(offer_by_pattern * w[OFFER_FIT], np.take(table.need_pattern, act))
    pool = pool_rows(score, act, table.id_rank, max(ranking.pool_size, ranking.k))
    pool_act = act[pool]
    picked = pool[
        mmr_order(
            score[pool],
            table.provider_code[pool_act],
            table.theme_matrix[pool_act],
            k=ranking.k,
            diversity=ranking.diversity,
            max_per_provider=ranking.max_per_provider,
        )
    ]
    top_act, distance = act[picked], cand.distance_m[picked]
    features = scene.static_features[top_act]
    features[:, PROXIMITY] = np.exp2(distance * (-1.0 / ranking.half_distance_m))
    features[:, OFFER_FIT] = offer_by_pattern[table.need_pattern[top_act]]
    weights = w.tolist()
    return [
        _match(rank, scene, a, sites[site], d, total, values, parts, coverage, weights)
        for rank, (a, site, d, total, values, parts) in enumerate(
            zip(
                top_act.tolist(),
                cand.site[picked].tolist(),
                distance.tolist(),
                score[picked].tolist(),
                features.tolist(),
                (features * w).tolist(),
                strict=True,
            ),
            start=1,
        )
    ]


def _offer_fit(scene: Scene, supplier: Supplier) -> tuple[list[float], FloatArray]:
    """Which need columns the supplier's offers meet, and the offer fit of each need pattern;
    cached per distinct (offers, sectors), which many suppliers share."""
    key = (supplier.offers, supplier.sectors)
    found = scene.offer_cache.get(key)
    if found is None:
        table = scene.table
        coverage = offer_coverage(supplier, table.need_keys)
        found = (coverage.tolist(), (table.need_patterns @ coverage) / table.need_count)
        if len(scene.offer_cache) >= 4_096:
            scene.offer_cache.clear()
        scene.offer_cache[key] = found
    return found


def _match(
    rank: int,
    scene: Scene,
    act: int,
    site: Site,
    distance_m: float,
    score: float,
    values: list[float],
    parts: list[float],
    coverage: list[float],
    weights: list[float],
) -> Match:
    table = scene.table
    activity = table.activities[act]
    met: list[Need] = []
    unmet: list[Need] = []
    for need, column in zip(activity.needs, table.need_columns[act], strict=True):
        (met if coverage[column] > 0.0 else unmet).append(need)
    cached = scene.explain_cache.get(act)
    if cached is None:
        cached = scene.explain_cache[act] = static_parts(_static_facts(scene, act))
    return Match(
        rank=rank,
        activity_id=activity.id,
        activity_name=activity.name,
        provider_id=activity.provider_id,
        score=score,
        distance_m=distance_m,
        site_id=site.id,
        site_name=site.name,
        territory_code=activity.territory_code,
        local_authority_code=activity.local_authority_code,
        features=FEATURES,
        values=tuple(values),
        weights=tuple(weights),
        parts=tuple(parts),
        explanation=join_parts(distance_m, site.name, cached, met, unmet),
    )


def _static_facts(scene: Scene, act: int) -> ExplainInput:
    """The supplier-free facts of an activity's explanation (distance and needs left out)."""
    table, view, tender = scene.table, scene.view, scene.tender
    activity = table.activities[act]
    lot = int(view.lot_index[act]) if view is not None else -1
    theme = int(view.tender_theme[act]) if view is not None else -1
    code = activity.territory_code
    return ExplainInput(
        distance_m=0.0,
        site_name="",
        territory_name=scene.area_names.get(code, code) if code else None,
        lot_name=tender.lots[lot].name if tender is not None and lot >= 0 else None,
        in_delivery_area=bool(view.in_area[act]) if view is not None else False,
        plan_priority=scene.plan.title[act],
        plan_theme=scene.plan.theme[act],
        plan_by_text=bool(scene.plan.by_text[act]),
        tender_theme=THEME_CODES[theme] if theme >= 0 else None,
        at_risk=activity.at_risk,
        funding_gap_gbp=activity.funding_gap_gbp,
        local_need=float(table.local_need[act]),
    )
