"""Delivery reports: line-level scoping, no delivery beyond the commitment, never in the future,
corrections as new reports; each refusal has its own problem type and changes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.errors import (
    Conflict,
    DeliveryExceedsCommitment,
    DomainError,
    FutureDelivery,
    NotFound,
    NotLineProvider,
)
from domain.vocabulary import Role, SupportType
from services import spo as svc
from services.spo.figures import gather_figures
from spo.model import Spo
from store.port import Store
from tests.spo.builders import make_account
from tests.spo.test_services import AT, BUYER, MARKS, MILESTONES, SUPPLIER

TODAY = AT.date()
PROVIDER = make_account(Role.PROVIDER)  # prov-1: act-1's provider
OTHER_PROVIDER = make_account(Role.PROVIDER, id="acct-prov-2", organisation_id="prov-2")


def two_line_spo(store: Store) -> Spo:
    """spo-1 in delivery: line-1 supports act-1 (prov-1), line-2 act-2 (prov-2), 200 h each."""
    spo = svc.create_draft(store, actor=SUPPLIER, spo_id="spo-1", tender_id="tender-1", at=AT)
    for line_id, act in (("line-1", "act-1"), ("line-2", "act-2")):
        spo = svc.add_line(
            store,
            "spo-1",
            actor=SUPPLIER,
            expected_version=spo.version,
            line_id=line_id,
            activity_id=act,
            support_type=SupportType.VOLUNTEERING,
            amount=200.0,
            unit="hours",
            priority="serious_violence",
            milestones=MILESTONES,
            at=AT,
        )
    spo = svc.submit(store, "spo-1", actor=SUPPLIER, expected_version=spo.version, at=AT)
    spo = svc.score(store, "spo-1", actor=BUYER, expected_version=spo.version, marks=MARKS, at=AT)
    spo, _ = svc.award(store, "spo-1", actor=BUYER, expected_version=spo.version, at=AT)
    return svc.start_delivery(store, "spo-1", actor=SUPPLIER, expected_version=spo.version, at=AT)


def report(store: Store, rid: str, **kw: object) -> object:
    args: dict[str, object] = {
        "actor": PROVIDER,
        "line_id": "line-1",
        "amount": 50.0,
        "delivered_on": TODAY,
        "at": AT,
    }
    args.update(kw)
    return svc.report_progress(store, "spo-1", report_id=rid, **args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kw", "error", "code"),
    [
        ({"line_id": "line-2"}, NotLineProvider, "not-line-provider"),
        ({"amount": 1_000_000.0}, DeliveryExceedsCommitment, "delivery-exceeds-commitment"),
        ({"delivered_on": date(2030, 1, 1)}, FutureDelivery, "delivery-in-future"),
        ({"corrects": "nope"}, NotFound, "not-found"),
    ],
)
def test_refused_reports_change_nothing(
    world: Store, kw: dict[str, object], error: type[DomainError], code: str
) -> None:
    two_line_spo(world)
    with pytest.raises(error) as caught:
        report(world, "r1", **kw)
    assert caught.value.code == code
    assert svc.progress_reports(world, "spo-1") == []


def test_each_provider_reports_on_its_own_line_and_the_supplier_on_any(world: Store) -> None:
    two_line_spo(world)
    report(world, "r1")
    report(world, "r2", actor=OTHER_PROVIDER, line_id="line-2")
    report(world, "r3", actor=SUPPLIER, line_id="line-2", amount=10.0)
    assert {r.id for r in svc.progress_reports(world, "spo-1")} == {"r1", "r2", "r3"}


def test_delivery_is_capped_until_the_buyer_varies_the_line(world: Store) -> None:
    spo = two_line_spo(world)
    report(world, "r1", amount=150.0)
    with pytest.raises(DeliveryExceedsCommitment):
        report(world, "r2", amount=60.0)
    line = spo.lines[0]
    bigger = replace(line, amount=300.0)
    svc.vary(
        world,
        "spo-1",
        actor=BUYER,
        expected_version=spo.version,
        lines=[bigger, spo.lines[1]],
        reason="more sessions agreed",
        at=AT,
    )
    report(world, "r2", amount=60.0)
    assert svc.progress(world, "spo-1", as_of=TODAY).delivered_by_unit == {"hours": 210.0}


def test_a_correction_replaces_the_report_it_names(world: Store) -> None:
    two_line_spo(world)
    report(world, "r1", amount=180.0)
    report(world, "r1-fix", amount=18.0, corrects="r1", note="typo: 18 hours, not 180")
    with pytest.raises(Conflict):
        report(world, "r1-fix2", amount=10.0, corrects="r1")
    p = svc.progress(world, "spo-1", as_of=TODAY)
    assert p.delivered_by_unit == {"hours": 18.0}
    figures = gather_figures(world, as_of=TODAY)
    assert sum(r.delivered for r in figures.rows) == 18.0
    assert len(svc.progress_reports(world, "spo-1")) == 2  # the corrected one stays on record


def test_a_rejection_needs_a_reason_and_a_closed_tender_takes_no_bids(world: Store) -> None:
    from domain.errors import ReasonRequired, TenderClosed
    from domain.model import Tender
    from tests.spo.test_services import draft_with_line

    spo = draft_with_line(world)
    spo = svc.submit(world, "spo-1", actor=SUPPLIER, expected_version=spo.version, at=AT)
    spo = svc.score(world, "spo-1", actor=BUYER, expected_version=spo.version, marks=MARKS, at=AT)
    for reason in (None, "  "):
        with pytest.raises(ReasonRequired) as caught:
            svc.reject(world, "spo-1", actor=BUYER, expected_version=spo.version, reason=reason)
        assert caught.value.code == "reason-required"
    tender = world.get(Tender, "tender-1")
    world.update(replace(tender, opens=date(2025, 1, 1), closes=date(2025, 6, 30)))
    late = draft_with_line(world, "spo-late")
    with pytest.raises(TenderClosed) as closed:
        svc.submit(world, "spo-late", actor=SUPPLIER, expected_version=late.version, at=AT)
    assert closed.value.code == "tender-closed"
    assert world.get(Spo, "spo-late").state.value == "draft"
