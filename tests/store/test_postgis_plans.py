"""PostGIS query plans: the KNN query walks the GiST index (the trap in PERF-NOTES.md)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from store.port import ActivityQuery, Store
from store.postgis.knn import HOT_COLUMNS, KNN
from store.postgis.store import filter_sql, point_ewkt
from tests.builders import make_activity, make_provider
from tests.pgcluster import empty_dicm_tables

pytestmark = pytest.mark.postgis


@pytest.fixture
def pg_store(postgis_url: str) -> Store:
    from dicm.settings import Settings
    from store.factory import open_store

    empty_dicm_tables(postgis_url)
    return open_store(Settings(database_url=postgis_url).store, migrate=False)


@pytest.mark.parametrize("query", [ActivityQuery(), ActivityQuery(recommendable_only=True)])
def test_nearest_uses_the_knn_index(pg_store: Store, query: ActivityQuery) -> None:
    pg_store.put(make_provider())
    pg_store.put_many(
        make_activity(id=f"act-{i:04d}", lon_lat=(-1.5 + (i % 50) * 0.02, 51.2 + (i // 50) * 0.02))
        for i in range(2_000)
    )
    engine = pg_store.engine  # type: ignore[attr-defined]
    filters, params = filter_sql(query, "a.")
    sql = "EXPLAIN " + KNN.format(columns=HOT_COLUMNS, filters=filters)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE activities"))
        plan = "\n".join(
            row[0]
            for row in conn.execute(text(sql), {**params, "p": point_ewkt(-1.0, 51.5), "n": 18})
        )
    assert "Index Scan using gix_activities_location" in plan, plan
    assert "Order By: (a.location <-> " in plan or "Order By: (location <-> " in plan, plan
    pg_store.close()
