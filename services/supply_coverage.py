"""Supply coverage over the whole store (batch mode): how many suppliers reach each
recommendable activity, with totals per territory and local authority."""

from __future__ import annotations

from datetime import date

from domain.model import Supplier
from matching.context import MatchingContext
from matching.coverage import Coverage, coverage
from matching.recommender import Recommender, check_radius_m
from services.activity_loader import activity_loader
from services.recommender_fit import DEFAULT_RADIUS_M
from store.port import Store


def supply_coverage(
    store: Store, *, radius_m: float = DEFAULT_RADIUS_M, as_of: date | None = None
) -> Coverage:
    """For every recommendable activity, how many suppliers reach it within ``radius_m``;
    totals per territory and local authority."""
    radius = check_radius_m(radius_m)
    today = as_of or date.today()
    columns = store.activity_columns()  # coverage explains nothing: no Activity decoded
    model = Recommender(radius_m=radius).fit(
        columns, MatchingContext(as_of=today), loader=activity_loader(store)
    )
    return coverage(model, list(store.iter_all(Supplier)), radius)
