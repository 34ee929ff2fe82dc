"""Recommendations for a supplier (and a tender): the recommender behind one endpoint."""

from __future__ import annotations

import functools
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.concurrency import run_in_threadpool

from api import heap
from api.deps import ReadStoreDep, RecommendersDep, SettingsDep, ViewerDep
from api.schemas.activities import ID_PATTERN
from api.schemas.common import PROBLEM_RESPONSES
from api.schemas.matches import RecommendationOut, recommendation_to_json
from domain.errors import InvalidInput
from services import directory, need_indicators, recommendations
from services.recommender_cache import fitted_recommender, needs_fit
from services.recommender_fit import DEFAULT_RADIUS_M

router = APIRouter(tags=["matches"], responses=PROBLEM_RESPONSES)


def parse_weights(text: str | None) -> dict[str, float] | None:
    """``proximity:2,need:1`` -> {"proximity": 2.0, "need": 1.0}."""
    if not text:
        return None
    weights: dict[str, float] = {}
    for part in text.split(","):
        name, sep, value = part.partition(":")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise InvalidInput(f"weights are name:number pairs separated by commas, not {part!r}")
    return weights


@router.get("/suppliers/{supplier_id}/matches", response_model=RecommendationOut)
async def matches(
    supplier_id: Annotated[str, Path(pattern=ID_PATTERN)],
    store: ReadStoreDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    recommenders: RecommendersDep,
    radius_m: Annotated[float, Query(description="Reach from each site, metres (0, 200 km]")] = (
        DEFAULT_RADIUS_M
    ),
    k: Annotated[int, Query(ge=1, le=100, description="How many matches")] = 10,
    tender: Annotated[str | None, Query(pattern=ID_PATTERN, description="Tender id")] = None,
    weights: Annotated[
        str | None, Query(description="Override weights, e.g. proximity:2,need:1")
    ] = None,
    need: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Za-z0-9_-]{1,64}$",
            description="Imported need indicator to weigh (default: the latest imported)",
        ),
    ] = None,
) -> Response:
    """Validated activities near the supplier's sites (or in the tender's area), ranked and
    explained; for the supplier itself, buyers and admins."""
    # async: a request is ~2 ms of CPU (two indexed reads and a ranking against the fitted
    # recommender); a thread hop would add a quarter to that, and contention under load more
    supplier = directory.get_supplier(store, viewer, supplier_id)
    need_by_area = need_indicators.need_indicator(settings.services, need, cache=recommenders)
    if needs_fit(store, cache=recommenders, need_by_area=need_by_area):
        await run_in_threadpool(  # seconds: not on the event loop
            functools.partial(
                fitted_recommender, store, cache=recommenders, need_by_area=need_by_area
            )
        )
        heap.settle()  # the fitted state lives until the next change: out of the GC's walk
    result = recommendations.recommend(
        store,
        supplier,
        cache=recommenders,
        tender_id=tender,
        k=k,
        radius_m=radius_m,
        weights=parse_weights(weights),
        need_by_area=need_by_area,
    )
    # built from plain dicts: the documented schema is ``response_model``, checked by a test
    return Response(recommendation_to_json(result), media_type="application/json")
