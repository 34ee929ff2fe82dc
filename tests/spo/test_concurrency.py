"""Two concurrent updates of the same SPO never both succeed silently (optimistic locking)."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from domain.errors import Conflict, StaleVersion
from domain.model import Account
from domain.vocabulary import Role
from services import spo as svc
from spo.model import Spo
from store.port import Store
from tests.spo.builders import make_account
from tests.spo.test_services import draft_with_line


def test_the_second_of_two_writers_from_the_same_version_is_refused(world: Store) -> None:
    spo = draft_with_line(world)
    first = world.update(replace(spo, title="first"))
    with pytest.raises(StaleVersion):
        world.update(replace(spo, title="second"))
    assert world.get(Spo, "spo-1").title == "first" == first.title


def race(store: Store, spo_id: str, version: int) -> list[object]:
    """The supplier submits while an admin withdraws, both from ``version``, at once."""
    barrier = threading.Barrier(2)
    outcomes: list[object] = []
    lock = threading.Lock()
    supplier = make_account(Role.SUPPLIER)
    admin = make_account(Role.ADMIN, organisation_id=None)

    def act(actor: Account, action: str) -> None:
        change = svc.submit if action == "submit" else svc.withdraw
        barrier.wait()
        try:
            result: object = change(store, spo_id, actor=actor, expected_version=version)
        except (StaleVersion, Conflict) as exc:
            result = exc
        with lock:
            outcomes.append(result)

    threads = [
        threading.Thread(target=act, args=(supplier, "submit")),
        threading.Thread(target=act, args=(admin, "withdraw")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_two_threads_changing_one_spo_never_both_succeed(world: Store) -> None:
    for round_ in range(5):
        spo_id = f"spo-{round_}"
        spo = draft_with_line(world, spo_id)
        audit_before = len(svc.history(world, spo_id))
        outcomes = race(world, spo_id, spo.version)
        wins = [o for o in outcomes if isinstance(o, Spo)]
        losses = [o for o in outcomes if isinstance(o, StaleVersion | Conflict)]
        assert len(wins) == 1 and len(losses) == 1, outcomes
        stored = world.get(Spo, spo_id)
        assert stored.version == spo.version + 1
        assert stored.state is wins[0].state
        assert len(svc.history(world, spo_id)) == audit_before + 1
