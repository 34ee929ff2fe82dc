"""Recommendation use cases: the top activities for a stored supplier (and tender), explained,
from the store's fitted recommender (``services.recommender_cache``). The store fetches the
tender and the explained activities; the pure ``matching`` package ranks and explains.
Nothing here knows HTTP."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from domain.errors import InvalidInput
from domain.model import Activity, Supplier, Tender
from matching.recommender import MAX_K, check_radius_m
from matching.result import Recommendation
from services.recommender_cache import RecommenderCache, fitted_recommender
from services.recommender_fit import DEFAULT_RADIUS_M
from store.port import Store


def recommend(
    store: Store,
    supplier: Supplier,
    *,
    tender_id: str | None = None,
    k: int = 10,
    radius_m: float = DEFAULT_RADIUS_M,
    weights: Mapping[str, float] | None = None,
    need_by_area: Mapping[str, float] | None = None,
    as_of: date | None = None,
    cache: RecommenderCache,
) -> Recommendation:
    """The top ``k`` validated activities for ``supplier`` (and a stored tender), explained.

    ``NotFound`` for an unknown tender; ``InvalidInput`` for a radius outside (0, 200 km], bad
    weights or k, or a supplier without sites. No candidate is an answer with no matches and
    the reason. The recommender is fitted once per change of the store and kept in ``cache``
    (see ``fitted_recommender``): a request costs two reads and one ranking.
    """
    radius = _check_request(radius_m, k)
    tender = store.get(Tender, tender_id) if tender_id is not None else None
    if not supplier.sites:
        raise InvalidInput(
            f"supplier {supplier.name!r} has no site: add at least one site to find "
            "activities near it"
        )
    fitted = fitted_recommender(store, cache=cache, need_by_area=need_by_area, as_of=as_of)
    with fitted.lock:  # the estimator's per-tender caches are plain dicts
        return fitted.model.recommend(
            supplier, tender=tender, k=k, radius_m=radius, weights=weights
        )


def recommended_activities(
    store: Store,
    answer: Recommendation,
    *,
    cache: RecommenderCache,
    need_by_area: Mapping[str, float] | None = None,
) -> dict[str, Activity]:
    """The activities of ``answer``'s matches and ``also_nearby``, by id, from the fitted
    recommender that gave it (no store read)."""
    fitted = fitted_recommender(store, cache=cache, need_by_area=need_by_area)
    ids = [m.activity_id for m in (*answer.matches, *answer.also_nearby)]
    return dict(zip(ids, fitted.activities(ids), strict=True))


def _check_request(radius_m: float, k: int) -> float:
    radius = check_radius_m(radius_m)
    if not 1 <= k <= MAX_K:
        raise InvalidInput(f"k must be a whole number from 1 to {MAX_K}, got {k!r}")
    return radius
