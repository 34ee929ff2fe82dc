"""Contract: optimistic locking under real threads, all-or-nothing batches, references,
bad input rejected with nothing changed, and writes that carry their audit record."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pytest
from shapely.geometry import Polygon, box

from domain.errors import Conflict, Locked, StaleVersion, UnknownReference
from domain.model import Activity, AuditEntry, Provider
from geo.errors import InvalidCoordinates, InvalidGeometry, OutsideUK, SwappedCoordinates
from spo.model import Spo, SpoState
from store.port import Store
from tests.builders import make_activity, make_provider, make_region, make_tender, now
from tests.store.world import make_contract, make_spo, seed_world, variation


def test_two_threads_updating_the_same_read_exactly_one_wins(store: Store) -> None:
    store.put(make_provider())
    read = store.get(Provider, "prov-1")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def write(name: str) -> None:
        barrier.wait()
        try:
            store.update(dataclasses.replace(read, name=name))
            outcomes.append("won")
        except StaleVersion:
            outcomes.append("stale")

    threads = [threading.Thread(target=write, args=(n,)) for n in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["stale", "won"]
    final = store.get(Provider, "prov-1")
    assert final.version == 2 and final.name in ("A", "B")


def test_put_many_is_all_or_nothing(store: Store) -> None:
    store.put(make_provider())
    good = [make_activity(id=f"act-{i}") for i in range(5)]
    dangling = make_activity(id="act-bad", provider_id="nobody")
    with pytest.raises(UnknownReference):
        store.put_many([*good[:2], dangling, *good[2:]])
    assert store.count(Activity) == 0
    with pytest.raises(SwappedCoordinates):
        store.put_many([*good[:2], make_activity(id="x", lon_lat=(51.45, -0.97))])
    assert store.count(Activity) == 0
    assert store.put_many(good) == 5
    renamed = [dataclasses.replace(a, name="renamed") for a in good]
    assert store.put_many(renamed) == 5  # insert or replace
    assert {a.name for a in store.find(Activity)} == {"renamed"}


def test_put_many_accepts_parents_and_children_together(store: Store) -> None:
    from tests.store.world import one_of_each

    items = one_of_each()
    assert store.put_many(reversed(items)) == len(items)
    assert store.get(Spo, "spo-1") == make_spo()


def test_unknown_references_are_named_and_change_nothing(store: Store) -> None:
    with pytest.raises(UnknownReference, match="provider_id 'ghost'"):
        store.put(make_activity(provider_id="ghost"))
    store.put(make_provider())
    store.put(make_activity())
    with pytest.raises(UnknownReference, match="territory_code"):
        store.update(make_activity(territory_code="E23999999"))
    assert store.get(Activity, "act-1").territory_code is None
    with pytest.raises(UnknownReference):
        store.put(make_tender())  # buyer-1 does not exist
    assert store.count(type(make_tender())) == 0


BAD_INPUT = [
    (make_activity(lon_lat=(51.4543, -0.973)), SwappedCoordinates),
    (make_activity(lon_lat=(2.35, 48.85)), OutsideUK),  # Paris
    (make_activity(lon_lat=(-0.97, 95.0)), InvalidCoordinates),
    (make_activity(service_area=Polygon([(-1, 51), (0, 52), (0, 51), (-1, 52)])), InvalidGeometry),
    (make_activity(service_area=Polygon()), InvalidGeometry),
    (make_region(geometry=box(51.0, -1.5, 52.0, -0.5)), SwappedCoordinates),
    (make_region(geometry=box(10, 10, 11, 11)), OutsideUK),
]


@pytest.mark.parametrize(("entity", "error"), BAD_INPUT)
def test_bad_geometry_is_rejected_and_nothing_changes(
    store: Store, entity: object, error: type[Exception]
) -> None:
    store.put(make_provider())
    with pytest.raises(error):
        store.put(entity)  # type: ignore[arg-type]
    assert store.count(type(entity)) == 0  # type: ignore[arg-type]


def test_update_with_bad_geometry_changes_nothing(store: Store) -> None:
    store.put(make_provider())
    store.put(make_activity())
    before = store.get(Activity, "act-1")
    with pytest.raises(SwappedCoordinates):
        store.update(make_activity(lon_lat=(51.4543, -0.973)))
    assert store.get(Activity, "act-1") == before


def test_write_and_audit_record_share_one_transaction(store: Store) -> None:
    entry = AuditEntry("alice", "create", "provider", "prov-1", now(), "new", {"n": 1})
    store.put(make_provider(), audit=entry)
    with pytest.raises(Conflict):
        store.put(make_provider(), audit=dataclasses.replace(entry, reason="again"))
    read = store.get(Provider, "prov-1")
    store.update(read, audit=dataclasses.replace(entry, action="update"))
    with pytest.raises(StaleVersion):
        store.update(read, audit=dataclasses.replace(entry, action="stale"))
    log = store.audit_log(entity_type="provider", entity_id="prov-1")
    assert [e.action for e in log] == ["create", "update"]
    assert log[0].detail == {"n": 1} and log[0].reason == "new" and log[0].at == entry.at
    assert [e.id for e in log] == sorted(e.id for e in log if e.id is not None)


def test_audit_log_is_append_only(store: Store) -> None:
    first = store.append_audit(AuditEntry("bob", "login", "account", "acct-1", now()))
    second = store.append_audit(AuditEntry("bob", "logout", "account", "acct-1", now()))
    assert first.id is not None and second.id is not None and second.id > first.id
    assert [e.action for e in store.audit_log()] == ["login", "logout"]
    assert not hasattr(store, "delete_audit")
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    engine = store.engine  # type: ignore[attr-defined]
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text(statement))
    assert [e.actor for e in store.audit_log()] == ["bob", "bob"]


def test_a_locked_spo_changes_only_with_a_variation(store: Store) -> None:
    seed_world(store)
    spo = store.get(Spo, "spo-1")
    locked = store.update(dataclasses.replace(spo, state=SpoState.AWARDED, content_hash="hash-1"))
    fewer_lines = dataclasses.replace(locked, lines=())
    with pytest.raises(Locked):
        store.update(fewer_lines)
    in_delivery = store.update(dataclasses.replace(locked, state=SpoState.IN_DELIVERY))
    varied = dataclasses.replace(
        in_delivery, lines=(), content_hash="hash-2", variations=(variation(2),)
    )
    assert store.update(varied).lines == ()
    assert store.get(type(make_contract()), "contract-1").spo_id == "spo-1"


def test_driver_errors_never_escape(tmp_path: Path) -> None:
    from dicm.settings import Settings
    from store.errors import StorageError
    from store.factory import open_store
    from tests.pgcluster import _free_port

    unmigrated = open_store(
        Settings(database_url=f"sqlite:///{tmp_path / 'x.sqlite'}").store, migrate=False
    )
    with pytest.raises(StorageError):
        unmigrated.get(Provider, "prov-1")
    with pytest.raises(StorageError):
        unmigrated.put(make_provider())
    with pytest.raises(StorageError):
        unmigrated.nearest_activities(-0.97, 51.45, radius_m=1e3, k=1)
    unmigrated.close()
    nowhere = f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/dicm"
    unreachable = open_store(Settings(database_url=nowhere).store, migrate=False)
    with pytest.raises(StorageError):
        unreachable.get(Provider, "prov-1")
    with pytest.raises(StorageError):
        unreachable.nearest_activities(-0.97, 51.45, radius_m=1e3, k=1)
    unreachable.close()
