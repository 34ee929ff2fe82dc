"""Keyset paging on both backends: ``find(after=)``, ``iter_all`` and ``query`` windows past an
id, with counts of everything that matches; on SQLite, a page of one validation status is an
index seek read in order (the issue's ``OFFSET`` pages re-sorted every validated row)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from dicm.settings import Settings
from domain.model import Activity
from domain.vocabulary import ValidationStatus
from store import sqlstore
from store.factory import open_store
from store.port import FeatureQuery, Store
from store.sqlite.store import SqliteStore
from tests.builders import make_activity, make_provider

PENDING = ValidationStatus.PENDING


def _seed(store: Store, n: int = 7) -> list[str]:
    store.put(make_provider())
    items = [make_activity(id=f"act-{i:02d}") for i in range(n)]
    items = [
        replace(a, validation_status=PENDING) if i % 3 == 0 else a for i, a in enumerate(items)
    ]
    store.put_many(items)
    return sorted(a.id for a in items if a.validation_status is not PENDING)


def test_find_after_an_id_starts_past_it_with_filters(store: Store) -> None:
    validated = _seed(store)
    status = ValidationStatus.VALIDATED.value
    page = store.find(Activity, limit=2, after=validated[1], validation_status=status)
    assert [a.id for a in page] == validated[2:4]
    assert store.find(Activity, after=validated[-1], validation_status=status) == []
    assert [a.id for a in store.find(Activity, limit=1, after="act-00")] == ["act-01"]


def test_iter_all_walks_every_page_once_in_id_order(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    validated = _seed(store, 11)
    monkeypatch.setattr(sqlstore, "ITER_PAGE", 2)
    status = ValidationStatus.VALIDATED.value
    assert [a.id for a in store.iter_all(Activity, validation_status=status)] == validated
    assert len(list(store.iter_all(Activity))) == 11


def test_query_window_after_a_cursor_keeps_the_count_of_all(store: Store) -> None:
    _seed(store)
    rows, matched = store.query(Activity, FeatureQuery(limit=2, after="act-04"))
    assert [a.id for a in rows] == ["act-05", "act-06"] and matched == 7


def test_sqlite_keyset_page_of_a_status_is_an_index_seek_without_a_sort(
    sqlite_template: Path, tmp_path: Path
) -> None:
    target = tmp_path / "dicm.sqlite"
    shutil.copyfile(sqlite_template, target)
    opened = open_store(Settings(database_url=f"sqlite:///{target}").store, migrate=False)
    try:
        _seed(opened)
        assert isinstance(opened, SqliteStore)
        with opened.engine.connect() as conn:
            plan = " ".join(str(row[-1]) for row in conn.execute(text(_PAGE_PLAN)))
    finally:
        opened.close()
    assert "ix_activities_validation_status_id" in plan and "TEMP B-TREE" not in plan, plan


_PAGE_PLAN = (
    "EXPLAIN QUERY PLAN SELECT * FROM activities WHERE validation_status = 'validated' "
    "AND id > 'act-01' ORDER BY id LIMIT 1000"
)
