"""What the ranking weighs besides the activities themselves, read from the store: the plans
in force and the names of the activities' territories, the need indicator, and the support
committed to each activity by awarded SPOs (``matching.context.MatchingContext``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from domain.errors import NotFound
from domain.model import Territory
from matching.context import MatchingContext
from services.plans import plan_in_force
from services.seal import intact_only
from spo.model import FORMAL_STATES, Spo
from store.port import Store


def columns_context(
    store: Store,
    territory_codes: Iterable[str | None],
    activity_ids: set[str] | None,
    *,
    need_by_area: Mapping[str, float] | None = None,
    as_of: date | None = None,
) -> MatchingContext:
    """Current plans and names of the activities' territories (``territory_codes``), and the
    support committed to each of ``activity_ids`` by awarded SPOs (GBP lines; hours and items
    are not valued here; ``None``: no commitments read, for a restored fit whose saturation is
    already computed)."""
    codes = sorted({code for code in territory_codes if code})
    plans = {c: p for c in codes if (p := plan_in_force(store, c, as_of)) is not None}
    names: dict[str, str] = {}
    for code in codes:
        try:
            names[code] = store.get(Territory, code).name
        except NotFound:
            continue
    committed = {} if activity_ids is None else committed_support(store, activity_ids)
    return MatchingContext(
        plans=plans,
        need_by_area=dict(need_by_area or {}),
        committed_by_activity=committed,
        area_names=names,
        as_of=as_of,
    )


def committed_support(store: Store, activity_ids: set[str]) -> dict[str, float]:
    """GBP committed to each of ``activity_ids`` by SPOs that are awarded or in delivery and
    whose seal verifies (``services.seal``: a tampered SPO is counted in no total, the
    ranking's saturation included)."""
    committed: dict[str, float] = {}
    for state in sorted(FORMAL_STATES):
        for spo in intact_only(store, store.iter_all(Spo, state=state.value)):
            for line in spo.lines:
                if line.activity_id in activity_ids and line.unit == "GBP":
                    committed[line.activity_id] = committed.get(line.activity_id, 0.0) + line.amount
    return committed
