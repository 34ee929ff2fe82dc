"""Remembered counts (``numberMatched`` of every page): never stale after a committed write,
from this process or another one, and never holding a rolled-back unit of work's rows."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dicm.settings import Settings
from domain.model import Activity
from domain.vocabulary import ValidationStatus
from store.factory import open_store
from store.port import FeatureQuery, Store
from tests.builders import make_activity, make_provider

VALIDATED = ValidationStatus.VALIDATED.value
_VALIDATED_ONLY = FeatureQuery(
    fields={"validation_status": "validation_status"}, equal={"validation_status": VALIDATED}
)


def _counts(store: Store) -> tuple[int, int, int]:
    return (
        store.count(Activity),
        store.count(Activity, validation_status=VALIDATED),
        store.query(Activity, _VALIDATED_ONLY)[1],
    )


def test_counts_follow_every_committed_write(store: Store) -> None:
    store.put(make_provider())
    store.put_many([make_activity(id=f"act-{i}") for i in range(3)])
    assert _counts(store) == (3, 3, 3)
    assert _counts(store) == (3, 3, 3)  # remembered: the same answer
    store.put(make_activity(id="act-new", validation_status=ValidationStatus.PENDING))
    assert _counts(store) == (4, 3, 3)
    store.update(
        replace(store.get(Activity, "act-new"), validation_status=ValidationStatus.VALIDATED)
    )
    assert _counts(store) == (4, 4, 4)
    store.delete(Activity, "act-0")
    assert _counts(store) == (3, 3, 3)


def test_a_write_through_another_store_on_the_same_database_is_counted(
    store: Store, backend_settings: Settings
) -> None:
    store.put(make_provider())
    store.put(make_activity(id="act-1"))
    assert _counts(store) == (1, 1, 1)
    other = open_store(backend_settings.store, migrate=False)  # another worker
    try:
        other.put(make_activity(id="act-2"))
    finally:
        other.close()
    assert _counts(store) == (2, 2, 2)


def _abandoned_unit(store: Store, *ids: str) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.put_many([make_activity(id=id_) for id_ in ids])
        assert _counts(store)[0] == 1 + len(ids)  # the unit sees its own rows
        raise RuntimeError("abandon")


def test_a_rolled_back_unit_of_work_leaves_no_count_behind(store: Store) -> None:
    store.put(make_provider())
    store.put(make_activity(id="act-1"))
    assert _counts(store) == (1, 1, 1)
    _abandoned_unit(store, "act-2", "act-3")
    assert _counts(store) == (1, 1, 1)
    _abandoned_unit(store, "act-2", "act-3")
    store.put(make_activity(id="act-4"))  # the counter moves on to the abandoned bump's value
    assert _counts(store) == (2, 2, 2)
