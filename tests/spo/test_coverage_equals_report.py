"""Property: for any priority and period, the coverage areas' £ sum to the report's total."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.vocabulary import Role
from services import analytics
from services.spo import reports as spo_reports
from store.port import Store
from tests.spo.builders import TVP, make_account
from tests.spo.test_services import awarded

ADMIN = make_account(Role.ADMIN, id="admin")
PRIORITIES = st.sampled_from([None, "all", "serious_violence", "domestic_abuse"])
PERIODS = st.sampled_from([None, "2026", "2027", "2027-Q1", "2027-Q2", "2028"])


@pytest.fixture
def seeded(world: Store) -> Store:
    awarded(world, "spo-1")
    awarded(world, "spo-2")
    return world


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(priority=PRIORITIES, period=PERIODS)
def test_sum_over_areas_of_coverage_equals_the_report_total(
    seeded: Store, priority: str | None, period: str | None
) -> None:
    cov = analytics.coverage_gaps(seeded, ADMIN, TVP, priority=priority, period=period)
    report = spo_reports.social_value_report(
        seeded, ADMIN, territory_code=TVP, priority=priority, period=period
    ).to_json()
    areas = round(sum(r.committed_gbp for r in cov.rows), 2)
    delivered = round(sum(r.delivered_gbp for r in cov.rows), 2)
    assert areas == report["totals"]["committed_gbp"]
    assert delivered == report["totals"]["delivered_gbp"]
    assert (not report["lines"]) == (cov.message is not None)
