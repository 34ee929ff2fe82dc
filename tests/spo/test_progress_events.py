"""Progress events carry the SPO's delivery status and RAG rating, the same the progress read
gives (one rule, ``spo.progress``); a correction replaces the report it corrects in both."""

from __future__ import annotations

from datetime import date

from services import spo as svc
from services.events import Broadcaster, buyer_topic, spo_topic
from spo.progress import RAG_OF_STATUS, DeliveryStatus, Rag
from store.port import Store
from tests.spo.test_progress_rules import OTHER_PROVIDER, PROVIDER, TODAY, two_line_spo
from tests.spo.test_services import AT

LATE = date(2027, 4, 2)  # after the first milestone (50 h due by 2027-03-31)


def _report(
    store: Store, bus: Broadcaster, rid: str, amount: float, line: str = "line-1", **kw: object
) -> None:
    svc.report_progress(
        store,
        "spo-1",
        actor=PROVIDER if line == "line-1" else OTHER_PROVIDER,
        report_id=rid,
        line_id=line,
        amount=amount,
        delivered_on=TODAY,
        at=AT.replace(year=LATE.year, month=LATE.month, day=LATE.day),
        bus=bus,
        **kw,  # type: ignore[arg-type]
    )


def test_every_status_has_one_rag_rating() -> None:
    assert set(RAG_OF_STATUS) == set(DeliveryStatus)
    assert RAG_OF_STATUS[DeliveryStatus.BEHIND] is Rag.RED


def test_a_progress_event_carries_the_rag_rating_the_progress_read_gives(world: Store) -> None:
    two_line_spo(world)
    bus = Broadcaster(log=world)
    with bus.subscribe(spo_topic("spo-1")) as feed, bus.subscribe(buyer_topic("buyer-1")) as buyer:
        _report(world, bus, "r1", 10.0)  # line-1: 10 of 50 due, behind
        _report(world, bus, "r2", 50.0, line="line-2")  # line-2 on track; the SPO still behind
        _report(world, bus, "r3", 40.0, corrects="r1")  # line-1: 40 of 50, at risk (r1 replaced)
        events = feed.drain()
        assert [e.data["rag"] for e in buyer.drain()] == ["red", "red", "amber"]
    assert [(e.kind, e.data["delivery_status"], e.data["rag"]) for e in events] == [
        ("spo.progress", "behind", "red"),
        ("spo.progress", "behind", "red"),
        ("spo.progress", "at_risk", "amber"),
    ]
    read = svc.visible_progress(world, PROVIDER, "spo-1", as_of=LATE)
    assert (read.status, read.rag) == (DeliveryStatus.AT_RISK, Rag.AMBER)
    assert read.lines[0].delivered == 40.0  # the corrected report no longer counts
