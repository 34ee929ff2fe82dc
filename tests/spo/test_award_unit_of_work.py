"""Award is one unit of work: the locked SPO, its contract and both audit entries commit
together, and the event goes out only after the commit.

The failing store is a real adapter of each backend whose contract write names a tender that
does not exist, so the database itself refuses it (a foreign-key violation) mid-transaction.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

import pytest

from domain.errors import NotFound, UnknownReference
from domain.model import AuditEntry, Contract, Tender
from services import spo as svc
from services.events import Broadcaster, buyer_topic, spo_topic
from spo.model import Spo, SpoState
from store.port import Entity, Store
from store.sqlstore import SqlStore
from tests.spo.test_services import AT, BUYER, MARKS, SUPPLIER, draft_with_line


def scored(store: Store) -> Spo:
    spo = draft_with_line(store)
    spo = svc.submit(store, "spo-1", actor=SUPPLIER, expected_version=spo.version, at=AT)
    return svc.score(store, "spo-1", actor=BUYER, expected_version=spo.version, marks=MARKS, at=AT)


def same_database(store: Store, kind: type[SqlStore]) -> SqlStore:
    """A second store of class ``kind`` (a subclass of the backend's) on ``store``'s database."""
    assert isinstance(store, SqlStore)
    return kind(store.engine, h3_resolution=store.h3_resolution)


def backend_subclass(store: Store, name: str, body: dict[str, Any]) -> type[SqlStore]:
    return type(name, (type(store),), body)


def _put_contract_for_a_missing_tender(
    self: SqlStore, entity: Entity, *, audit: AuditEntry | None = None
) -> None:
    if isinstance(entity, Contract):
        entity = replace(entity, tender_id="no-such-tender")
    super(type(self), self).put(entity, audit=audit)  # type: ignore[misc]


def test_a_failed_contract_write_leaves_the_spo_unawarded_and_tells_no_one(world: Store) -> None:
    before = scored(world)
    audit_before = len(world.audit_log())
    failing = same_database(
        world,
        backend_subclass(world, "ContractWriteFails", {"put": _put_contract_for_a_missing_tender}),
    )
    bus = Broadcaster()
    with (
        bus.subscribe(spo_topic("spo-1")) as spo_feed,
        bus.subscribe(buyer_topic("buyer-1")) as buyer_feed,
    ):
        with pytest.raises(UnknownReference):
            svc.award(
                failing, "spo-1", actor=BUYER, expected_version=before.version, at=AT, bus=bus
            )
        assert spo_feed.drain() == [] and buyer_feed.drain() == []
    after = world.get(Spo, "spo-1")
    assert after.state is SpoState.SCORED and not after.is_locked
    assert after.version == before.version and after.content_hash == before.content_hash
    with pytest.raises(NotFound):
        world.get(Contract, "contract-spo-1")
    assert len(world.audit_log()) == audit_before
    # nothing was left half-done: the same award on a sound store goes through
    spo, contract = svc.award(world, "spo-1", actor=BUYER, expected_version=before.version, at=AT)
    assert spo.state is SpoState.AWARDED and world.get(Contract, contract.id).spo_id == "spo-1"
    actions = [e.action for e in world.audit_log()[audit_before:]]
    assert actions == ["spo.award", "contract.create"]


def test_an_award_commits_once_and_reads_each_record_once(world: Store) -> None:
    before = scored(world)
    calls: Counter[str] = Counter()

    def counted(name: str) -> Any:
        def call(self: SqlStore, *args: Any, **kwargs: Any) -> Any:
            kind = args[0] if args and isinstance(args[0], type) else None
            calls[f"{name}:{kind.__name__}" if kind else name] += 1
            return getattr(super(type(self), self), name)(*args, **kwargs)

        return call

    names = ("get", "find", "put", "update", "transaction", "audit_log", "current_plan")
    counting = same_database(
        world, backend_subclass(world, "Counting", {n: counted(n) for n in names})
    )
    bus = Broadcaster()
    with bus.subscribe(spo_topic("spo-1")) as feed:
        svc.award(counting, "spo-1", actor=BUYER, expected_version=before.version, at=AT, bus=bus)
        assert [e.kind for e in feed.drain()] == ["spo.award"]
    assert calls["transaction"] == 1
    assert calls["get:Spo"] == 1 and calls["get:Tender"] == 1
    assert calls["update"] == 1 and calls["put"] == 1
    assert sum(calls.values()) <= 6, calls
    assert world.get(Tender, "tender-1").id == "tender-1"
