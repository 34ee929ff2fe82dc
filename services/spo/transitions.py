"""Bidding and delivery steps of an SPO: submit, withdraw, score, award, reject, start
delivery, review and vary — each one versioned, audited write through ``services.spo.change``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from domain.errors import Conflict, InvalidInput, NotFound
from domain.model import Account, AuditEntry, Contract, Tender
from services.events import Broadcaster
from services.spo.change import Loaded, change, move, now
from spo.lifecycle import Action
from spo.lockin import commitment_version, line_to_dict, lock
from spo.lockin import vary as vary_lines
from spo.model import Spo, SpoLine
from spo.scoring import Mark, Rubric, ScoringInputs
from spo.scoring import score as score_spo
from store.port import Store


def submit(
    store: Store,
    spo_id: str,
    *,
    actor: Account,
    expected_version: int,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """Submit the draft with the bid; it needs at least one line."""

    def edit(loaded: Loaded) -> Spo:
        if not loaded.spo.lines:
            raise InvalidInput("an SPO without lines cannot be submitted")
        return loaded.spo

    return change(store, spo_id, Action.SUBMIT, actor, expected_version, edit, at=at, bus=bus)


def withdraw(
    store: Store,
    spo_id: str,
    *,
    actor: Account,
    expected_version: int,
    reason: str | None = None,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """Withdraw a draft or submitted SPO."""
    return move(store, spo_id, Action.WITHDRAW, actor, expected_version, reason, at, bus)


def score(
    store: Store,
    spo_id: str,
    *,
    actor: Account,
    expected_version: int,
    marks: Mapping[str, Mark],
    rubric: Rubric | None = None,
    need_by_area: Mapping[str, float] | None = None,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """Score with the published rubric; the breakdown (every part) is stored on the SPO.

    Buyer priorities are the tender's plus the current Police & Crime Plan of its territory.
    """
    when = now(at)
    used = rubric or Rubric()

    def edit(loaded: Loaded) -> Spo:
        tender = loaded.tender
        plan = store.current_plan(tender.territory_code) if tender.territory_code else None
        inputs = ScoringInputs(
            tender=tender,
            marks=marks,
            need_by_area=dict(need_by_area or {}),
            priorities=tuple(p.theme for p in plan.priorities) if plan else (),
        )
        breakdown = score_spo(loaded.spo, inputs, used, scored_by=actor.id, scored_at=when)
        return replace(loaded.spo, score=breakdown)

    return change(
        store,
        spo_id,
        Action.SCORE,
        actor,
        expected_version,
        edit,
        at=when,
        bus=bus,
        detail=lambda _l, after: {
            "rubric": used.to_dict(),
            "total": after.score.total if after.score else None,
            "parts": dict(after.score.parts) if after.score else {},
        },
    )


def award(
    store: Store,
    spo_id: str,
    *,
    actor: Account,
    expected_version: int,
    contract_id: str | None = None,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> tuple[Spo, Contract]:
    """Award: lock the SPO (content hash) and create the Contract that carries it.

    The SPO write is the versioned transaction; the contract is written right after it (the
    store port has no multi-entity versioned write), with its own audit entry.
    """
    when = now(at)
    cid = contract_id or f"contract-{spo_id}"
    try:
        store.get(Contract, cid)
    except NotFound:
        pass
    else:
        raise Conflict(f"contract {cid!r} already exists")
    saved = change(
        store,
        spo_id,
        Action.AWARD,
        actor,
        expected_version,
        lambda loaded: lock(loaded.spo, at=when),
        at=when,
        bus=bus,
        detail=lambda _l, after: {"lines": [line_to_dict(x) for x in after.lines]},
    )
    tender = store.get(Tender, saved.tender_id)
    contract = Contract(
        id=cid,
        tender_id=saved.tender_id,
        supplier_id=saved.supplier_id,
        awarded_at=when,
        spo_id=saved.id,
        value_gbp=tender.contract_value_gbp,
    )
    store.put(
        contract,
        audit=AuditEntry(
            actor=actor.id,
            action="contract.create",
            entity_type="contract",
            entity_id=contract.id,
            at=when,
            detail={"spo_id": saved.id, "content_hash": saved.content_hash},
        ),
    )
    return saved, contract


def reject(
    store: Store,
    spo_id: str,
    *,
    actor: Account,
    expected_version: int,
    reason: str | None = None,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """Not awarded: the SPO is closed and never formalised."""
    return move(store, spo_id, Action.REJECT, actor, expected_version, reason, at, bus)


# --- delivery ----------------------------------------------------------------------------------


def start_delivery(
    store: Store,
    spo_id: str,
    *,
    actor: Account,
    expected_version: int,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """The awarded SPO moves into delivery."""
    return move(store, spo_id, Action.START_DELIVERY, actor, expected_version, None, at, bus)


def review(
    store: Store,
    spo_id: str,
    *,
    actor: Account,
    expected_version: int,
    reason: str | None = None,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """The buyer's post-contract review closes the SPO."""
    return move(store, spo_id, Action.REVIEW, actor, expected_version, reason, at, bus)


def vary(
    store: Store,
    spo_id: str,
    *,
    actor: Account,
    expected_version: int,
    lines: Sequence[SpoLine],
    reason: str,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """A formal variation of an awarded SPO: new commitment version, reason and approver.

    The audit entry keeps the previous lines, so every version can be rebuilt from history.
    """
    when = now(at)
    return change(
        store,
        spo_id,
        Action.VARY,
        actor,
        expected_version,
        lambda loaded: vary_lines(
            loaded.spo, tuple(lines), reason=reason, approved_by=actor.id, at=when
        ),
        at=when,
        reason=reason,
        bus=bus,
        detail=lambda loaded, after: {
            "previous_lines": [line_to_dict(x) for x in loaded.spo.lines],
            "previous_commitment_version": commitment_version(loaded.spo),
            "lines": [line_to_dict(x) for x in after.lines],
        },
    )
