"""SPO services against a real store: the whole lifecycle, refusals, lock-in, tampering."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    Locked,
    NotFound,
    StaleVersion,
    TamperDetected,
)
from domain.model import Contract
from domain.vocabulary import Role, SupportType
from services import spo as svc
from services.events import Broadcaster, buyer_topic, spo_topic
from spo.lockin import content_hash
from spo.model import Milestone, Spo, SpoState
from spo.progress import DeliveryStatus
from spo.scoring import QUALITATIVE_PARTS, Mark
from store import schema
from store.lock_key import key_for
from store.port import Store
from tests.spo.builders import make_account

AT = datetime(2027, 1, 5, 9, tzinfo=UTC)
SUPPLIER = make_account(Role.SUPPLIER)
BUYER = make_account(Role.BUYER)
PROVIDER = make_account(Role.PROVIDER)
MARKS = {name: Mark(3, f"{name}: clear evidence") for name in QUALITATIVE_PARTS}
MILESTONES = (Milestone(date(2027, 3, 31), 50.0), Milestone(date(2027, 12, 31), 200.0))


def draft_with_line(store: Store, spo_id: str = "spo-1") -> Spo:
    spo = svc.create_draft(store, actor=SUPPLIER, spo_id=spo_id, tender_id="tender-1", at=AT)
    return svc.add_line(
        store,
        spo_id,
        actor=SUPPLIER,
        expected_version=spo.version,
        line_id="line-1",
        activity_id="act-1",
        support_type=SupportType.VOLUNTEERING,
        amount=200.0,
        unit="hours",
        priority="serious_violence",
        milestones=MILESTONES,
        at=AT,
    )


def awarded(store: Store, spo_id: str = "spo-1") -> Spo:
    spo = draft_with_line(store, spo_id)
    spo = svc.submit(store, spo_id, actor=SUPPLIER, expected_version=spo.version, at=AT)
    spo = svc.score(store, spo_id, actor=BUYER, expected_version=spo.version, marks=MARKS, at=AT)
    spo, _ = svc.award(store, spo_id, actor=BUYER, expected_version=spo.version, at=AT)
    return spo


def test_the_whole_lifecycle_is_recorded_and_published(world: Store) -> None:
    bus = Broadcaster()
    with (
        bus.subscribe(buyer_topic("buyer-1")) as buyer_feed,
        bus.subscribe(spo_topic("spo-1")) as spo_feed,
    ):
        spo = svc.create_draft(
            world, actor=SUPPLIER, spo_id="spo-1", tender_id="tender-1", at=AT, bus=bus
        )
        spo = svc.add_line(
            world,
            "spo-1",
            actor=SUPPLIER,
            expected_version=spo.version,
            line_id="line-1",
            activity_id="act-1",
            support_type=SupportType.VOLUNTEERING,
            amount=200.0,
            unit="hours",
            priority="serious_violence",
            milestones=MILESTONES,
            at=AT,
            bus=bus,
        )
        line = spo.lines[0]
        assert (line.lon, line.lat) == (-0.973, 51.4543)
        assert (line.territory_code, line.local_authority_code) == ("E23000029", "E06000038")
        spo = svc.submit(
            world, "spo-1", actor=SUPPLIER, expected_version=spo.version, at=AT, bus=bus
        )
        spo = svc.score(
            world,
            "spo-1",
            actor=BUYER,
            expected_version=spo.version,
            marks=MARKS,
            need_by_area={"E06000038": 0.8},
            at=AT,
            bus=bus,
        )
        assert spo.score is not None and spo.score.raw["need"] == 0.8
        assert spo.state is SpoState.SCORED
        spo, contract = svc.award(
            world, "spo-1", actor=BUYER, expected_version=spo.version, at=AT, bus=bus
        )
        assert spo.is_locked and spo.content_hash == content_hash(spo, key_for(world))
        assert world.get(Contract, contract.id).spo_id == "spo-1"
        spo = svc.start_delivery(
            world, "spo-1", actor=SUPPLIER, expected_version=spo.version, at=AT, bus=bus
        )
        svc.report_progress(
            world,
            "spo-1",
            actor=PROVIDER,
            report_id="r1",
            line_id="line-1",
            amount=60.0,
            delivered_on=date(2027, 1, 4),
            evidence_url="https://example.org/register.pdf",
            at=AT,
            bus=bus,
        )
        p = svc.progress(world, "spo-1", as_of=date(2027, 4, 1))
        assert p.status is DeliveryStatus.ON_TRACK and p.delivered_by_unit == {"hours": 60.0}
        spo = svc.review(
            world,
            "spo-1",
            actor=BUYER,
            expected_version=spo.version,
            reason="delivered as promised",
            at=AT,
            bus=bus,
        )
        assert spo.state is SpoState.REVIEWED
        kinds = [e.kind for e in spo_feed.drain()]
        assert kinds == [
            "spo.created",
            "spo.edit",
            "spo.submit",
            "spo.score",
            "spo.award",
            "spo.start_delivery",
            "spo.progress",
            "spo.review",
        ]
        assert len(buyer_feed.drain()) == len(kinds)
    actions = [e.action for e in svc.history(world, "spo-1")]
    assert actions == [
        "spo.create",
        "spo.edit",
        "spo.submit",
        "spo.score",
        "spo.award",
        "spo.start_delivery",
        "spo.report_progress",
        "spo.review",
    ]
    review = svc.history(world, "spo-1")[-1]
    assert review.actor == BUYER.id and review.reason == "delivered as promised"
    assert review.detail["from_state"] == "in_delivery" and review.detail["to_state"] == "reviewed"


def _snapshot(store: Store) -> tuple[Spo, int]:
    return store.get(Spo, "spo-1"), len(svc.history(store, "spo-1"))


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda s, v: svc.award(s, "spo-1", actor=SUPPLIER, expected_version=v), Forbidden),
        (
            lambda s, v: svc.submit(
                s,
                "spo-1",
                actor=make_account(Role.SUPPLIER, organisation_id="sup-2"),
                expected_version=v,
            ),
            NotFound,  # another organisation's SPO: its existence does not leak
        ),
        (
            lambda s, v: svc.score(
                s,
                "spo-1",
                actor=make_account(Role.BUYER, organisation_id="buyer-2"),
                expected_version=v,
                marks=MARKS,
            ),
            NotFound,  # another organisation's SPO: its existence does not leak
        ),
        (lambda s, v: svc.start_delivery(s, "spo-1", actor=SUPPLIER, expected_version=v), Conflict),
        # a draft is the supplier's own: to its buyer it does not exist yet
        (lambda s, v: svc.review(s, "spo-1", actor=BUYER, expected_version=v), NotFound),
        (lambda s, v: svc.submit(s, "spo-1", actor=SUPPLIER, expected_version=v - 1), StaleVersion),
        (
            lambda s, v: svc.add_line(
                s,
                "spo-1",
                actor=SUPPLIER,
                expected_version=v,
                line_id="far",
                activity_id="act-1",
                support_type=SupportType.CASH,
                amount=5,
                unit="hours",
                priority="serious_violence",
            ),
            InvalidInput,
        ),
    ],
)
def test_a_refused_change_raises_and_changes_nothing(world: Store, call: Any, error: type) -> None:
    spo = draft_with_line(world)
    before = _snapshot(world)
    with pytest.raises(error):
        call(world, spo.version)
    assert _snapshot(world) == before


def test_an_unvalidated_activity_cannot_be_committed(world: Store) -> None:
    from domain.model import Activity
    from domain.vocabulary import ValidationStatus

    act = world.get(Activity, "act-2")
    world.update(replace(act, validation_status=ValidationStatus.PENDING))
    spo = svc.create_draft(world, actor=SUPPLIER, spo_id="spo-1", tender_id="tender-1", at=AT)
    with pytest.raises(InvalidInput, match="not validated"):
        svc.add_line(
            world,
            "spo-1",
            actor=SUPPLIER,
            expected_version=spo.version,
            line_id="l",
            activity_id="act-2",
            support_type=SupportType.CASH,
            amount=5,
            unit="GBP",
            priority="serious_violence",
            at=AT,
        )


def test_a_locked_spo_changes_only_by_recorded_variation(world: Store) -> None:
    spo = awarded(world)
    with pytest.raises(Locked):
        world.update(replace(spo, lines=(replace(spo.lines[0], amount=1.0),)))
    new_line = replace(
        spo.lines[0], amount=300.0, milestones=(Milestone(date(2027, 12, 31), 300.0),)
    )
    varied = svc.vary(
        world,
        "spo-1",
        actor=BUYER,
        expected_version=spo.version,
        lines=(new_line,),
        reason="more coaching sessions",
        at=AT,
    )
    assert varied.lines[0].amount == 300.0
    assert [v.version for v in varied.variations] == [2]
    assert varied.variations[0].approved_by == BUYER.id
    entry = svc.history(world, "spo-1")[-1]
    assert entry.action == "spo.vary" and entry.reason == "more coaching sessions"
    assert entry.detail["previous_lines"][0]["amount"] == 200.0  # type: ignore[index]
    assert entry.detail["commitment_version"] == 2
    with pytest.raises(Forbidden):
        svc.vary(
            world,
            "spo-1",
            actor=SUPPLIER,
            expected_version=varied.version,
            lines=spo.lines,
            reason="supplier cannot approve",
        )
    versions = svc.commitment_history(world, "spo-1")
    assert [v["version"] for v in versions] == [1, 2]
    assert [v["lines"][0]["amount"] for v in versions] == [200.0, 300.0]
    assert versions[0]["content_hash"] == spo.content_hash
    assert versions[1]["content_hash"] == varied.content_hash
    assert versions[1]["reason"] == "more coaching sessions"
    assert versions[1]["approved_by"] == BUYER.id


def test_awarding_twice_into_one_contract_id_is_refused_before_anything_changes(
    world: Store,
) -> None:
    first = awarded(world, "spo-1")
    spo = draft_with_line(world, "spo-2")
    spo = svc.submit(world, "spo-2", actor=SUPPLIER, expected_version=spo.version, at=AT)
    spo = svc.score(world, "spo-2", actor=BUYER, expected_version=spo.version, marks=MARKS, at=AT)
    with pytest.raises(Conflict):
        svc.award(
            world, "spo-2", actor=BUYER, expected_version=spo.version, contract_id="contract-spo-1"
        )
    assert world.get(Spo, "spo-2") == spo and first.is_locked


def test_tampering_with_a_locked_spo_in_the_database_is_detected(world: Store) -> None:
    awarded(world)
    engine = world.engine  # type: ignore[attr-defined]
    table = schema.spos
    with engine.begin() as conn:  # behind the store's back
        data = dict(conn.execute(select(table.c.data).where(table.c.id == "spo-1")).scalar_one())
        data["lines"] = [{**data["lines"][0], "amount": 2000.0}]
        conn.execute(table.update().where(table.c.id == "spo-1").values(data=data))
    with pytest.raises(TamperDetected):
        svc.get_spo(world, "spo-1")
    with pytest.raises(TamperDetected):
        svc.start_delivery(world, "spo-1", actor=BUYER, expected_version=4)


def test_a_lost_bid_is_never_formalised(world: Store) -> None:
    spo = draft_with_line(world)
    spo = svc.submit(world, "spo-1", actor=SUPPLIER, expected_version=spo.version, at=AT)
    spo = svc.score(world, "spo-1", actor=BUYER, expected_version=spo.version, marks=MARKS, at=AT)
    spo = svc.reject(
        world, "spo-1", actor=BUYER, expected_version=spo.version, reason="lower score"
    )
    assert spo.state is SpoState.NOT_AWARDED and not spo.is_locked
    with pytest.raises(Conflict):  # the table has no way out of not_awarded
        svc.award(world, "spo-1", actor=BUYER, expected_version=spo.version)
    assert world.count(Contract) == 0
