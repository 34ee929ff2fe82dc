"""Social Purchase Orders: the whole lifecycle, each transition one call to ``services.spo``.

Reads go through the visibility rules first, so another organisation's SPO is a 404, never a
403 that would confirm it exists.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated, Protocol

from fastapi import APIRouter, Path, Query, Request

from api.deps import StoreDep, ViewerDep
from api.schemas.activities import ID_PATTERN
from api.schemas.common import PROBLEM_RESPONSES
from api.schemas.spos import (
    AddLine,
    AuditOut,
    Awarded,
    AwardIn,
    ContractOut,
    ProgressIn,
    ProgressOut,
    ProgressReportOut,
    ScoreIn,
    SpoCreate,
    SpoOut,
    VaryIn,
    Versioned,
)
from domain.model import Account
from services import access
from services import spo as service
from services.events import Broadcaster
from spo.model import Spo
from spo.scoring import Mark
from store.port import Store

router = APIRouter(prefix="/spos", tags=["spos"], responses=PROBLEM_RESPONSES)
IdPath = Annotated[str, Path(pattern=ID_PATTERN)]


def _bus(request: Request) -> Broadcaster:
    bus: Broadcaster = request.app.state.broadcaster
    return bus


class _Move(Protocol):
    """A service step that moves only the SPO's state: it needs the caller and the version."""

    def __call__(
        self,
        store: Store,
        spo_id: str,
        *,
        actor: Account | None,
        expected_version: int,
        bus: Broadcaster | None = None,
    ) -> Spo: ...


def _move(
    request: Request,
    spo_id: str,
    body: Versioned,
    store: Store,
    viewer: Account | None,
    step: _Move,
) -> SpoOut:
    """Run ``step`` as the caller (404 if they may not see the SPO), answer the new SPO."""
    return SpoOut.of(
        step(store, spo_id, actor=viewer, expected_version=body.expected_version, bus=_bus(request))
    )


@router.get("", response_model=list[SpoOut])
def list_spos(
    store: StoreDep,
    viewer: ViewerDep,
    tender: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
) -> list[SpoOut]:
    """SPOs the caller may see: a supplier its own, a buyer those submitted to its tenders."""
    listed = access.listed_spos(store, viewer, tender_id=tender)
    return [SpoOut.of(spo, tampered=not intact) for spo, intact in listed]


@router.post("", status_code=201, response_model=SpoOut)
def create_draft(request: Request, body: SpoCreate, store: StoreDep, viewer: ViewerDep) -> SpoOut:
    """A supplier drafts an SPO for an open tender."""
    spo = service.create_draft(
        store,
        actor=viewer,
        spo_id=body.id,
        tender_id=body.tender_id,
        title=body.title,
        supplier_id=body.supplier_id,
        bus=_bus(request),
    )
    return SpoOut.of(spo)


@router.get("/{spo_id}", response_model=SpoOut)
def get_spo(spo_id: IdPath, store: StoreDep, viewer: ViewerDep) -> SpoOut:
    """One SPO (verified against its content hash when locked)."""
    return SpoOut.of(access.visible_spo(store, viewer, spo_id))


@router.post("/{spo_id}/lines", response_model=SpoOut)
def add_line(
    request: Request, spo_id: IdPath, body: AddLine, store: StoreDep, viewer: ViewerDep
) -> SpoOut:
    """Add a line to a draft (a validated activity in the buyer's area)."""
    spo = service.add_line(
        store,
        spo_id,
        actor=viewer,
        expected_version=body.expected_version,
        line_id=body.line_id,
        activity_id=body.activity_id,
        support_type=body.support_type,
        amount=body.amount,
        unit=body.unit,
        priority=body.priority,
        milestones=[m.to_domain() for m in body.milestones],
        description=body.description,
        bus=_bus(request),
    )
    return SpoOut.of(spo)


@router.delete("/{spo_id}/lines/{line_id}", response_model=SpoOut)
def remove_line(
    request: Request,
    spo_id: IdPath,
    line_id: Annotated[str, Path(pattern=ID_PATTERN)],
    expected_version: Annotated[int, Query(ge=1)],
    store: StoreDep,
    viewer: ViewerDep,
) -> SpoOut:
    """Remove a line from a draft."""
    spo = service.remove_line(
        store,
        spo_id,
        actor=viewer,
        expected_version=expected_version,
        line_id=line_id,
        bus=_bus(request),
    )
    return SpoOut.of(spo)


@router.post("/{spo_id}/submit", response_model=SpoOut)
def submit(
    request: Request, spo_id: IdPath, body: Versioned, store: StoreDep, viewer: ViewerDep
) -> SpoOut:
    """Submit the draft with the bid."""
    return _move(request, spo_id, body, store, viewer, service.submit)


@router.post("/{spo_id}/withdraw", response_model=SpoOut)
def withdraw(
    request: Request, spo_id: IdPath, body: Versioned, store: StoreDep, viewer: ViewerDep
) -> SpoOut:
    """Withdraw a draft or submitted SPO."""
    return _move(
        request, spo_id, body, store, viewer, partial(service.withdraw, reason=body.reason)
    )


@router.post("/{spo_id}/score", response_model=SpoOut)
def score(
    request: Request, spo_id: IdPath, body: ScoreIn, store: StoreDep, viewer: ViewerDep
) -> SpoOut:
    """The buyer scores with the published rubric; the breakdown is stored with the SPO."""
    marks = {k: Mark(v.mark, v.reason) for k, v in body.marks.items()}
    spo = service.score(
        store,
        spo_id,
        actor=viewer,
        expected_version=body.expected_version,
        marks=marks,
        need_by_area=body.need_by_area,
        bus=_bus(request),
    )
    return SpoOut.of(spo)


@router.post("/{spo_id}/award", response_model=Awarded)
def award(
    request: Request, spo_id: IdPath, body: AwardIn, store: StoreDep, viewer: ViewerDep
) -> Awarded:
    """Award: the SPO is locked (content hash) into a new contract."""
    spo, contract = service.award(
        store,
        spo_id,
        actor=viewer,
        expected_version=body.expected_version,
        contract_id=body.contract_id,
        bus=_bus(request),
    )
    return Awarded(spo=SpoOut.of(spo), contract=ContractOut.of(contract))


@router.post("/{spo_id}/reject", response_model=SpoOut)
def reject(
    request: Request, spo_id: IdPath, body: Versioned, store: StoreDep, viewer: ViewerDep
) -> SpoOut:
    """Not awarded: closed, never formalised."""
    return _move(request, spo_id, body, store, viewer, partial(service.reject, reason=body.reason))


@router.post("/{spo_id}/start-delivery", response_model=SpoOut)
def start_delivery(
    request: Request, spo_id: IdPath, body: Versioned, store: StoreDep, viewer: ViewerDep
) -> SpoOut:
    """The awarded SPO moves into delivery."""
    return _move(request, spo_id, body, store, viewer, service.start_delivery)


@router.post("/{spo_id}/progress", status_code=201, response_model=ProgressReportOut)
def report_progress(
    request: Request, spo_id: IdPath, body: ProgressIn, store: StoreDep, viewer: ViewerDep
) -> ProgressReportOut:
    """The supplier or a supported provider reports delivery on one line."""
    report = service.report_progress(
        store,
        spo_id,
        actor=viewer,
        report_id=body.report_id,
        line_id=body.line_id,
        amount=body.amount,
        delivered_on=body.delivered_on,
        evidence_url=body.evidence_url,
        note=body.note,
        corrects=body.corrects,
        bus=_bus(request),
    )
    return ProgressReportOut.of(report)


@router.get("/{spo_id}/progress", response_model=ProgressOut)
def progress(
    request: Request,
    spo_id: IdPath,
    store: StoreDep,
    viewer: ViewerDep,
    as_of: Annotated[date | None, Query(description="Default: today")] = None,
) -> ProgressOut:
    """Each line on track / at risk / behind against its milestones; delivered vs committed."""
    return ProgressOut.of(
        service.visible_progress(store, viewer, spo_id, as_of=as_of or date.today())
    )


@router.post("/{spo_id}/review", response_model=SpoOut)
def review(
    request: Request, spo_id: IdPath, body: Versioned, store: StoreDep, viewer: ViewerDep
) -> SpoOut:
    """The buyer's review closes the SPO."""
    return _move(request, spo_id, body, store, viewer, partial(service.review, reason=body.reason))


@router.post("/{spo_id}/vary", response_model=SpoOut)
def vary(
    request: Request, spo_id: IdPath, body: VaryIn, store: StoreDep, viewer: ViewerDep
) -> SpoOut:
    """A formal variation of an awarded SPO: new lines, a reason, the approver recorded."""
    lines = [
        service.LineSpec(
            line_id=x.line_id,
            activity_id=x.activity_id,
            support_type=x.support_type,
            amount=x.amount,
            unit=x.unit,
            priority=x.priority,
            milestones=[m.to_domain() for m in x.milestones],
            description=x.description,
        )
        for x in body.lines
    ]
    spo = service.vary(
        store,
        spo_id,
        actor=viewer,
        expected_version=body.expected_version,
        lines=lines,
        reason=body.reason,
        bus=_bus(request),
    )
    return SpoOut.of(spo)


@router.get("/{spo_id}/history", response_model=list[AuditOut])
def history(request: Request, spo_id: IdPath, store: StoreDep, viewer: ViewerDep) -> list[AuditOut]:
    """Every recorded decision about the SPO, oldest first."""
    return [AuditOut.of(e) for e in service.visible_history(store, viewer, spo_id)]
