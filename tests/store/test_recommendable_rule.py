"""The store's ``recommendable_only`` filter (SQL on PostGIS, numpy in the SQLite index, Python
over candidates) is the one rule ``spo.validation.is_recommendable``, on both backends."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, timedelta

from shapely.geometry import box

from domain.model import Activity
from domain.vocabulary import ValidationStatus
from spo.validation import is_recommendable
from store.port import ActivityQuery, Store
from tests.builders import make_activity, make_provider

AS_OF = date(2026, 11, 24)
UNTIL = (None, AS_OF - timedelta(days=1), AS_OF, AS_OF + timedelta(days=1))


def every_case() -> list[Activity]:
    """One activity per (status, active, validated_until) combination, a few metres apart."""
    cases = itertools.product(ValidationStatus, (True, False), UNTIL)
    return [
        replace(
            make_activity(id=f"act-{i:02d}", lon_lat=(-0.97 + i * 1e-4, 51.45)),
            validation_status=status,
            active=active,
            validated_until=until,
        )
        for i, (status, active, until) in enumerate(cases)
    ]


def test_every_query_path_agrees_with_is_recommendable(store: Store) -> None:
    activities = every_case()
    store.put_many([make_provider(), *activities])
    expected = sorted(a.id for a in activities if is_recommendable(a, AS_OF))
    assert expected and len(expected) < len(activities)
    query = ActivityQuery(recommendable_only=True, as_of=AS_OF.isoformat())
    within = [a.id for a in store.activities_within(box(-1.0, 51.4, -0.9, 51.5), query=query)]
    nearest = store.nearest_activities(-0.97, 51.45, radius_m=10_000, k=500, query=query)
    assert within == expected
    assert sorted(n.activity.id for n in nearest) == expected
