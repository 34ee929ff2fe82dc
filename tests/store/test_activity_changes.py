"""``activity_changes``: every write path (put, put_many new and replacing, update, delete, a
unit of work, concurrent writers) leaves the rows it wrote in the change set since the
generation before it, and nothing else; on both backends."""

from __future__ import annotations

import dataclasses
import threading
import time

from domain.model import Activity
from domain.vocabulary import ValidationStatus
from store.port import Store
from tests.builders import make_activity, make_provider
from tests.store.test_activity_columns import _rows


def _since(store: Store) -> int:
    return store.generation("activities")


def _changed_ids(store: Store, since: int) -> tuple[list[str], list[str]]:
    changes = store.activity_changes(since)
    return sorted(changes.changed.ids), list(changes.deleted)


def test_each_write_path_reports_exactly_the_rows_it_wrote(store: Store) -> None:
    store.put(make_provider())
    start = _since(store)
    store.put(make_activity(id="a"))
    assert _changed_ids(store, start) == (["a"], [])
    after_put = _since(store)
    assert _changed_ids(store, after_put) == ([], [])

    store.put_many([make_activity(id=f"bulk-{i}") for i in range(3)])  # new rows
    assert _changed_ids(store, after_put) == (["bulk-0", "bulk-1", "bulk-2"], [])
    after_bulk = _since(store)
    store.put_many([make_activity(id="bulk-1", name="re-imported"), make_activity(id="new")])
    assert _changed_ids(store, after_bulk) == (["bulk-1", "new"], [])

    after_reimport = _since(store)
    store.update(dataclasses.replace(store.get(Activity, "a"), name="renamed"))
    assert _changed_ids(store, after_reimport) == (["a"], [])

    after_update = _since(store)
    store.delete(Activity, "bulk-0")
    assert _changed_ids(store, after_update) == ([], ["bulk-0"])
    # everything since the start, each id once, the deleted one as deleted
    assert _changed_ids(store, start) == (["a", "bulk-1", "bulk-2", "new"], ["bulk-0"])


def test_changed_rows_read_as_activity_columns_reads_them(store: Store) -> None:
    store.put(make_provider())
    store.put_many([make_activity(id="kept"), make_activity(id="changed")])
    since = _since(store)
    pending = dataclasses.replace(
        store.get(Activity, "changed"),
        name="now pending",
        validation_status=ValidationStatus.PENDING,
    )
    store.update(pending)
    changes = store.activity_changes(since)
    everything = _rows(store.activity_columns())
    assert _rows(changes.changed) == {"changed": everything["changed"]}
    assert changes.changed.validation_status == ["pending"]  # any status is a change
    assert changes.generation == _since(store)


def test_a_deleted_and_recreated_row_is_present_not_deleted(store: Store) -> None:
    store.put(make_provider())
    store.put(make_activity(id="a"))
    since = _since(store)
    store.delete(Activity, "a")
    store.put(make_activity(id="a", name="back again"))
    changes = store.activity_changes(since)
    assert (list(changes.changed.ids), changes.deleted) == (["a"], ())
    assert list(changes.changed.names) == ["back again"]


def test_a_rolled_back_unit_of_work_changes_nothing(store: Store) -> None:
    store.put(make_provider())
    since = _since(store)
    try:
        with store.transaction() as unit:
            unit.put(make_activity(id="a"))
            unit.put(make_activity(id="b"))
            raise RuntimeError("abandon")
    except RuntimeError:
        pass
    assert _changed_ids(store, since) == ([], [])
    with store.transaction() as unit:
        unit.put(make_activity(id="a"))
        unit.put(make_activity(id="b"))
    assert _changed_ids(store, since) == (["a", "b"], [])


def test_concurrent_writers_are_stamped_in_commit_order(store: Store) -> None:
    """A reader that read the counter after the first writer committed, before the second
    did, must still see the second writer's row in the changes since that counter."""
    store.put(make_provider())
    wrote_first = threading.Event()
    release_first = threading.Event()

    def first() -> None:
        with store.transaction() as unit:
            unit.put(make_activity(id="first"))
            wrote_first.set()
            release_first.wait(10)

    def second() -> None:
        wrote_first.wait(10)
        store.put(make_activity(id="second"))  # waits for the first writer's commit

    writers = [threading.Thread(target=first), threading.Thread(target=second)]
    for writer in writers:
        writer.start()
    wrote_first.wait(10)
    time.sleep(0.3)  # the second writer is at its write, waiting
    release_first.set()
    writers[0].join(10)
    writers[1].join(10)
    assert store.generation("activities") >= 2
    # the counter as the first writer committed it: the second's row is after it
    first_commit = store.generation("activities") - 1
    assert _changed_ids(store, first_commit) == (["second"], [])
    assert _changed_ids(store, first_commit - 1) == (["first", "second"], [])


def test_the_migration_stamps_the_rows_already_there_with_the_counter(store: Store) -> None:
    """Upgrading a store that holds activities: nothing has changed since the counter as it
    is, everything since the one before; and writes after the upgrade are logged."""
    from alembic import command

    from store.migrate import alembic_config, upgrade

    store.put(make_provider())
    store.put_many([make_activity(id="old-1"), make_activity(id="old-2")])
    engine = store.engine  # type: ignore[attr-defined]
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0008")
    upgrade(engine)
    now = _since(store)
    assert _changed_ids(store, now) == ([], [])
    assert _changed_ids(store, now - 1) == (["old-1", "old-2"], [])
    store.delete(Activity, "old-1")
    assert _changed_ids(store, now) == ([], ["old-1"])


def test_a_row_written_outside_the_store_api_is_logged_too(store: Store) -> None:
    """The log is kept by the database, not the adapter: raw SQL (an operator's fix, a
    migration) is logged like a store write, an id changed in place as old gone, new there."""
    store.put(make_provider())
    store.put_many([make_activity(id="a"), make_activity(id="b")])
    since = _since(store)
    engine = store.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE activities SET id = 'b2' WHERE id = 'b'")
        conn.exec_driver_sql("UPDATE activities SET name = 'fixed by hand' WHERE id = 'a'")
    assert _changed_ids(store, since) == (["a", "b2"], ["b"])
