"""Batch coverage: how many suppliers reach each activity, checked against brute force."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import Point

from domain.errors import InvalidInput
from domain.model import Site
from matching.coverage import coverage
from matching.recommender import Recommender
from tests.builders import make_activity, make_supplier
from tests.matching.helpers import CONTEXT, haversine_m


def test_suppliers_in_reach_equal_a_brute_force_count() -> None:
    rng = np.random.default_rng(11)
    activities = [
        make_activity(
            id=f"a{i:03d}",
            lon_lat=(rng.uniform(-1.6, -0.4), rng.uniform(51.2, 52.1)),
            territory_code="T1" if i % 2 else "T2",
        )
        for i in range(150)
    ]
    suppliers = [
        make_supplier(
            id=f"s{i}",
            sites=tuple(
                Site(f"s{i}-{j}", "site", Point(rng.uniform(-1.6, -0.4), rng.uniform(51.2, 52.1)))
                for j in range(1 + i % 3)
            ),
        )
        for i in range(40)
    ]
    model = Recommender().fit(activities, CONTEXT)
    result = coverage(model, suppliers, radius_m=12_000)
    got = dict(zip(result.activity_ids, result.suppliers_in_reach.tolist(), strict=True))
    for activity in activities:
        expected = sum(
            any(
                haversine_m(s.location.x, s.location.y, activity.location.x, activity.location.y)
                <= 12_000
                for s in supplier.sites
            )
            for supplier in suppliers
        )
        assert got[activity.id] == expected
    assert result.by_area["T1"].activities == 75
    assert result.by_area["T1"].supplier_pairs + result.by_area["T2"].supplier_pairs == sum(
        got.values()
    )
    assert result.unreached() == sorted(a for a, n in got.items() if n == 0)


def test_coverage_rejects_a_bad_radius() -> None:
    model = Recommender().fit([make_activity()], CONTEXT)
    with pytest.raises(InvalidInput):
        coverage(model, [make_supplier()], radius_m=0)
